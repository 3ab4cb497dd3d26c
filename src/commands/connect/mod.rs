//! `oauthctl connect PROVIDER`: pick a flow (the loopback authorization-code flow with PKCE, which
//! also takes a pasted redirect URL, or the device grant), run it, and hand its tokens to one
//! shared finish step: account naming, the record, the store, the report.

mod device;
pub mod hosted;
mod loopback;
mod mcp;
mod register;

use std::collections::BTreeMap;

use super::client;
use crate::cli::{ConnectArgs, key_values};
use crate::clock;
use crate::context::Ctx;
use crate::credentials::{self, NewCredential};
use crate::error::{Error, Kind, Result};
use crate::oauth::authorize::merge_scopes;
use crate::oauth::grant::TokenSet;
use crate::oauth::listener::{Params, Reply};
use crate::providers::{self, Provider};
use crate::store::{StoreKind, index};

/// What a flow hands to the finish step.
pub struct Obtained {
    pub tokens: TokenSet,
    pub nonce: Option<String>,
    pub callback: Params,
    /// The browser waiting for a page, when the flow had one.
    pub reply: Option<Reply>,
}

pub fn run(ctx: &Ctx, args: &ConnectArgs) -> Result<()> {
    if let Some(via) = args.via {
        return hosted::run(ctx, args, via);
    }
    let catalog = ctx.catalog()?;
    if mcp::is_url(&args.provider) {
        return mcp::run(ctx, args, &args.provider.clone());
    }
    if catalog.get(&args.provider)?.is_none()
        && let Some(url) = mcp::known_url(ctx, &args.provider)
    {
        // An MCP server connected before by URL: connect again (more scopes, a lost grant).
        return mcp::run(ctx, args, &url);
    }
    let provider = providers::resolve(catalog, &args.provider, None, Some((ctx.http(), &ctx.env)))?;
    if let Some(a) = &args.account {
        credentials::check_account_name(a)?;
    }
    if args.timeout == Some(0) {
        return Err(Error::usage("--timeout must be at least 1 second"));
    }
    let values = template_values(ctx, &provider, &args.params)?;
    let scopes = merge_scopes(&provider.scopes, &args.scopes);
    if args.device {
        device::check_scopes(&provider, &scopes)?;
    }
    // The store is checked before anything is asked or opened: no secret typed, no approval
    // given, for a credential that then could not be kept.
    let store_kind = ctx.store_for_new();
    ctx.stores().probe(store_kind).map_err(|e| store_error(e, store_kind))?;
    let idx = index::load(&ctx.config_dir)?;
    let file = args.client.client_secrets_file.as_deref().map(client::read_secrets_file).transpose()?;
    let file_ref = file.as_ref().zip(args.client.client_secrets_file.as_deref());
    let mut provider = provider;
    let mut args = args.clone();
    let resolved = match (&provider.registration_url, client::has_own_client_id(ctx, &provider, &args.client, file_ref))
    {
        // No client of the person's own, and the server registers clients: register oauthctl.
        (Some(endpoint), false) if !args.device => {
            let issuer = provider.issuer.clone().unwrap_or_else(|| provider.token_url.clone());
            let token_url = crate::providers::fill_template(&provider.token_url, &values).map_err(|n| {
                Error::usage(format!("no value for {{{n}}}")).with_hint(format!("pass --param {n}=VALUE"))
            })?;
            let reg = register::registration(
                ctx,
                &issuer,
                Some(endpoint),
                &token_url,
                provider.resource.as_deref(),
                args.port,
                &issuer,
            )?;
            provider.redirect_port = reg.port().unwrap_or(provider.redirect_port);
            provider.token_auth = reg.token_auth;
            args.port = None;
            let client = crate::oauth::client::Client {
                id: reg.client_id.clone(),
                secret: reg.client_secret.clone(),
                auth: reg.token_auth,
            };
            client::Resolved { client, id_from: format!("the registration at {issuer}"), secret_from: None }
        }
        _ => client::resolve(ctx, &provider, &args.client, file_ref, &idx)?,
    };
    let args = &args;

    let obtained = if args.device {
        device::obtain(ctx, &provider, &resolved, &values, &scopes, args.timeout)?
    } else {
        loopback::obtain(ctx, &provider, &resolved, &values, &scopes, args, file.as_ref())?
    };
    finish(ctx, &provider, &resolved, obtained, args, &scopes, store_kind, &values)
}

/// The store could not be probed: say what is missing in one sentence, with the way out.
fn store_error(e: crate::store::Error, kind: StoreKind) -> Error {
    let err = Error::from(e);
    match kind {
        StoreKind::Keyring => err.context("the OS keyring cannot keep the credential"),
        StoreKind::File => err,
    }
}

/// Values for the provider's URL templates: `--param`, else the default, else a prompt on a
/// terminal; without one, the error names the flag.
pub fn template_values(ctx: &Ctx, provider: &Provider, params: &[String]) -> Result<BTreeMap<String, String>> {
    let mut given = key_values("--param", params)?;
    let names = provider.template_names();
    if let Some(unknown) = given.keys().find(|k| !names.contains(k)) {
        let known = if names.is_empty() { "none".to_string() } else { names.join(", ") };
        return Err(Error::usage(format!("{} takes no --param {unknown} (its parameters: {known})", provider.name)));
    }
    let mut values = BTreeMap::new();
    for name in names {
        let spec = provider.params.get(&name);
        let value = match (given.remove(&name), spec.and_then(|s| s.default.clone())) {
            (Some(v), _) => v,
            (None, Some(d)) => d,
            (None, None) if ctx.ui.interactive() => {
                let what = spec.map(|s| s.description.as_str()).filter(|d| !d.is_empty()).unwrap_or(name.as_str());
                dialoguer::Input::<String>::new()
                    .with_prompt(format!("{} {what}", provider.display_name))
                    .interact_text()
                    .map_err(|e| Error::other(format!("reading {name}: {e}")))?
            }
            (None, None) => {
                return Err(Error::usage(format!("{} needs a value for {{{name}}}", provider.name))
                    .with_hint(format!("pass --param {name}=VALUE")));
            }
        };
        if value.trim().is_empty() || value.chars().any(|c| c.is_control() || c == '/' || c == '?' || c == '#') {
            return Err(Error::usage(format!("--param {name}={value:?} is not a usable value")));
        }
        values.insert(name, value);
    }
    Ok(values)
}

/// The step every flow ends in: name the account, build the record, store it, report.
#[allow(clippy::too_many_arguments)]
fn finish(
    ctx: &Ctx,
    provider: &Provider,
    resolved: &client::Resolved,
    obtained: Obtained,
    args: &ConnectArgs,
    scopes: &[String],
    store_kind: StoreKind,
    values: &BTreeMap<String, String>,
) -> Result<()> {
    let ui = &ctx.ui;
    let Obtained { tokens, nonce, callback, reply } = obtained;
    let result = credentials::new_record(
        ctx,
        NewCredential {
            provider,
            client: &resolved.client,
            tokens,
            account: args.account.as_deref(),
            nonce: nonce.as_deref(),
            requested: scopes,
            callback: &callback,
            values,
        },
    )
    .and_then(|(mut record, warnings)| {
        let stored = credentials::store_new(ctx, provider, store_kind, &mut record)?;
        Ok((record, warnings, stored))
    });
    let (record, warnings, stored) = match result {
        Ok(r) => r,
        Err(e) => {
            if let Some(r) = reply {
                r.page(500, "Sign-in failed", &format!("{} See the terminal for details.", e.message));
            }
            return Err(e);
        }
    };
    if let Some(r) = reply {
        r.page(
            200,
            "Connected",
            &format!(
                "oauthctl is connected to {} as {}. You can close this tab and return to the terminal.",
                provider.display_name, record.account
            ),
        );
    }
    for w in warnings.iter().chain(&stored.warnings) {
        ui.warn(w);
    }
    let expires_at = record.expires_at.map(clock::rfc3339);
    ui.info(format!(
        "{} Connected {} (stored in the {} store).",
        ui.paint("✓", "32"),
        record.key(),
        store_kind.as_str()
    ));
    ui.info(format!("  scopes:  {}", record.scopes.join(" ")));
    match &expires_at {
        Some(t) => ui.info(format!("  expires: {t}")),
        None if record.refresh_token.is_none() => {
            ui.info("  expires: never (the provider issues tokens that do not expire)")
        }
        None => {}
    }
    if let Some(name) = &record.token_name {
        let others: Vec<&str> = record.other_tokens.keys().map(String::as_str).collect();
        ui.info(format!(
            "  tokens:  {name} (the default){}",
            others.iter().map(|o| format!(", {o}")).collect::<String>()
        ));
    }
    for (k, v) in &record.extras {
        ui.info(format!("  {k}: {}", v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())));
    }
    if stored.kept_old_refresh {
        ui.info("  the provider sent no new refresh token; the earlier one (same client) was kept");
    } else if record.refresh_token.is_none() && provider.wants_offline(scopes) {
        ui.warn(no_refresh_token_advice(provider, expires_at.as_deref()));
    }
    if ui.json() {
        ui.print_json(&super::StoredReport::of(&record, store_kind))?;
    }
    Ok(())
}

/// The authorization server ended the flow with `error`: what it means and what helps. An error
/// that came back to the callback proves the redirect URI was accepted (RFC 6749 §4.1.2.1), so
/// redirect advice never fits here.
pub fn denied(provider: &Provider, error: &str, description: Option<&str>) -> Error {
    let desc = description.map(|d| format!(": {d}")).unwrap_or_default();
    let kind = if matches!(error, "server_error" | "temporarily_unavailable") { Kind::Remote } else { Kind::Denied };
    let e = Error::new(kind, format!("{} did not authorize oauthctl: {error}{desc}", provider.display_name));
    let name = &provider.name;
    if let Some(h) = provider.hint(error) {
        return e.with_hint(h.to_string());
    }
    let hint = match error {
        "access_denied" => format!("run `oauthctl connect {name}` again and approve the request"),
        "invalid_scope" => {
            format!("check the scopes: `oauthctl providers {name}` shows the defaults, --scope adds more")
        }
        "invalid_request" => format!(
            "{} refused the request itself: `oauthctl -v connect {name}` shows the URL sent; check its scopes and parameters",
            provider.display_name
        ),
        "unauthorized_client" => {
            "the OAuth client may not use this flow: check its type and allowed grants in the provider's console".into()
        }
        "unsupported_response_type" => {
            "the OAuth client may not use the authorization-code flow: check its settings in the provider's console"
                .into()
        }
        "consent_required" | "login_required" | "interaction_required" => {
            format!("run `oauthctl connect {name}` again and complete the sign-in in the browser")
        }
        "server_error" | "temporarily_unavailable" => "the provider failed on its side; try again later".into(),
        _ => return e,
    };
    e.with_hint(hint)
}

fn no_refresh_token_advice(provider: &Provider, expires_at: Option<&str>) -> String {
    let until = expires_at.map(|t| format!(" after {t}")).unwrap_or_default();
    let mut msg = format!(
        "{} returned no refresh token, so `oauthctl refresh` cannot renew this credential and it stops working{until}.",
        provider.display_name
    );
    match provider.hint("no_refresh_token") {
        Some(h) => msg.push_str(&format!(" {h}")),
        None => msg.push_str(" The provider may need an offline-access scope (e.g. --scope offline_access)."),
    }
    msg
}
