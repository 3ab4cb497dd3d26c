//! `oauthctl import PROVIDER --refresh-token-stdin`: store a refresh token the person already
//! holds, validated by one refresh (nothing is stored when the provider refuses it).

use super::client;
use crate::cli::ImportArgs;
use crate::context::Ctx;
use crate::credentials::{self, NewCredential};
use crate::error::{Error, Kind, Result};
use crate::oauth::authorize::merge_scopes;
use crate::oauth::grant::{Endpoint, Grant};
use crate::oauth::listener::Params;
use crate::providers;
use crate::secret::Secret;
use crate::store::index;

pub fn run(ctx: &Ctx, args: &ImportArgs) -> Result<()> {
    let ui = &ctx.ui;
    let provider = providers::resolve(ctx.catalog()?, &args.provider, None, Some((ctx.http(), &ctx.env)))?;
    if args.refresh_token_stdin && args.client.client_secret_stdin {
        return Err(Error::usage("stdin can carry the refresh token or the client secret, not both")
            .with_hint("pass the client secret in OAUTHCTL_CLIENT_SECRET or --client-secrets-file"));
    }
    if let Some(a) = &args.account {
        credentials::check_account_name(a)?;
    }
    let values = super::connect::template_values(ctx, &provider, &args.params)?;
    let store_kind = ctx.store_for_new();
    ctx.stores().probe(store_kind)?;
    let idx = index::load(&ctx.config_dir)?;
    let file = args.client.client_secrets_file.as_deref().map(client::read_secrets_file).transpose()?;
    let file_ref = file.as_ref().zip(args.client.client_secrets_file.as_deref());
    let resolved = client::resolve(ctx, &provider, &args.client, file_ref, &idx)?;
    let refresh_token = if args.refresh_token_stdin {
        client::read_stdin_secret("refresh token", "--refresh-token-stdin")?
    } else if ui.interactive() {
        let v = dialoguer::Password::new()
            .with_prompt("Refresh token")
            .interact()
            .map_err(|e| Error::other(format!("reading the refresh token: {e}")))?;
        Secret::new(v)
    } else {
        return Err(Error::usage("no refresh token given").with_hint("pipe it in with --refresh-token-stdin"));
    };
    let requested = merge_scopes(&provider.scopes, &args.scopes);

    let endpoint = Endpoint { provider: &provider, values: &values, client: &resolved.client };
    let grant = Grant::Refresh { refresh_token: refresh_token.expose() };
    let tokens = endpoint.send_retrying(ctx.http(), &grant, &mut || true).map_err(|e| {
        let refused = e.oauth_error().map(str::to_string);
        let err = Error::from(e).context("validating the refresh token failed; nothing was stored");
        match refused.as_deref() {
            Some("invalid_grant") => err.with_kind(Kind::Reauth).with_hint(format!(
                "the refresh token is revoked, expired or belongs to another client; get a new one with `oauthctl connect {}`",
                provider.name
            )),
            Some("invalid_client" | "unauthorized_client") => {
                err.with_kind(Kind::Usage).with_hint(resolved.refused_hint(&provider.name))
            }
            _ => err,
        }
    })?;
    let callback = Params::new();
    let (mut record, warnings) = credentials::new_record(
        ctx,
        NewCredential {
            provider: &provider,
            client: &resolved.client,
            tokens,
            account: args.account.as_deref(),
            nonce: None,
            requested: &requested,
            callback: &callback,
            values: &values,
        },
    )?;
    // A provider that rotates hands back a new refresh token; the one given was just spent.
    record.refresh_token = record.refresh_token.or(Some(refresh_token));
    let stored = credentials::store_new(ctx, &provider, store_kind, &mut record)?;
    for w in warnings.iter().chain(&stored.warnings) {
        ui.warn(w);
    }
    ui.info(format!(
        "{} Imported {} (stored in the {} store); the refresh token works.",
        ui.paint("✓", "32"),
        record.key(),
        store_kind.as_str()
    ));
    if ui.json() {
        ui.print_json(&super::StoredReport::of(&record, store_kind))?;
    }
    Ok(())
}
