//! `oauthctl import PROVIDER --refresh-token-stdin`: store a refresh token the person already
//! holds, validated by one refresh (nothing is stored when the provider refuses it).

use serde::Serialize;

use super::{Ctx, client};
use crate::cli::ImportArgs;
use crate::clock;
use crate::error::{Error, Kind, Result};
use crate::oauth::authorize::merge_scopes;
use crate::oauth::token::{self, RefreshError};
use crate::oauth::{endpoints, jwt};
use crate::secret::Secret;
use crate::store::index;
use crate::store::record::{RECORD_VERSION, Record};

#[derive(Serialize)]
struct Report<'a> {
    provider: &'a str,
    account: &'a str,
    scopes: &'a [String],
    expires_at: Option<String>,
    store: &'static str,
    has_refresh_token: bool,
}

pub fn run(ctx: &Ctx, args: &ImportArgs) -> Result<()> {
    let ui = ctx.ui;
    let catalog = ctx.catalog()?;
    let provider = catalog.get(&args.provider)?;
    if args.refresh_token_stdin && args.client.client_secret_stdin {
        return Err(Error::usage("stdin can carry the refresh token or the client secret, not both")
            .with_hint("pass the client secret in OAUTHCTL_CLIENT_SECRET or --client-secrets-file"));
    }
    let idx = index::load(&ctx.config_dir)?;
    let file = args.client.client_secrets_file.as_deref().map(client::read_secrets_file).transpose()?;
    let client = client::resolve(ctx, provider, &args.client, file.as_ref(), &idx)?;
    let refresh_token = if args.refresh_token_stdin {
        client::read_stdin_secret("refresh token", "--refresh-token-stdin")?
    } else if ui.interactive {
        let v = dialoguer::Password::new()
            .with_prompt("Refresh token")
            .interact()
            .map_err(|e| Error::other(format!("reading the refresh token: {e}")))?;
        Secret::new(v)
    } else {
        return Err(Error::usage("no refresh token given").with_hint("pipe it in with --refresh-token-stdin"));
    };
    let store_kind = ctx.store_for_new();
    ctx.stores().probe(store_kind)?;

    let tokens = match token::refresh(ctx.http(), &provider.token_url, &client, refresh_token.expose()) {
        Ok(t) => t,
        Err(RefreshError::Transport(e)) => return Err(e.context("validating the refresh token")),
        Err(RefreshError::Refused(f)) => {
            let refused = f.oauth_error() == Some("invalid_grant");
            let e = f.into_error("validating the refresh token", &provider.token_url).context("nothing was stored");
            return Err(if refused {
                Error { kind: Kind::Reauth, ..e }.with_hint(format!(
                    "the refresh token is revoked, expired or belongs to another client; get a new one with `oauthctl connect {}`",
                    provider.name
                ))
            } else {
                e
            });
        }
    };
    let claims = tokens.id_token.as_ref().and_then(|t| jwt::claims(t.expose()));
    let account = match &args.account {
        Some(a) => a.clone(),
        None => claims
            .as_ref()
            .and_then(jwt::email)
            .or_else(|| {
                provider
                    .userinfo_url
                    .as_ref()
                    .and_then(|u| endpoints::userinfo_email(ctx.http(), u, tokens.access_token.expose()))
            })
            .unwrap_or_else(|| "default".into()),
    };
    let now = clock::now();
    let scopes = match &tokens.scope {
        Some(s) => s.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect(),
        None => merge_scopes(&provider.scopes, &args.scopes),
    };
    let record = Record {
        version: RECORD_VERSION,
        provider: provider.name.clone(),
        account,
        client_id: client.id.clone(),
        client_secret: client.secret.clone(),
        access_token: tokens.access_token,
        // A provider that rotates hands back a new one; the one given was just spent.
        refresh_token: Some(tokens.refresh_token.unwrap_or(refresh_token)),
        token_type: tokens.token_type,
        scopes,
        expires_at: tokens.expires_in.map(|s| now + s),
        id_token: tokens.id_token,
        obtained_at: now,
        extras: tokens.extras,
    };
    let key = record.key();
    let previous = idx.get(&key).map(|e| e.store);
    ctx.stores().save(store_kind, &record)?;
    if let Some(old) = previous.filter(|s| *s != store_kind) {
        let _ = ctx.stores().delete(old, &key);
    }
    let expires_at = record.expires_at.map(clock::rfc3339);
    ui.info(format!(
        "{} Imported {key} (stored in the {} store); the refresh token works.",
        ui.paint("✓", "32"),
        store_kind.as_str()
    ));
    if ui.json {
        ui.print_json(&Report {
            provider: &record.provider,
            account: &record.account,
            scopes: &record.scopes,
            expires_at,
            store: store_kind.as_str(),
            has_refresh_token: true,
        })?;
    }
    Ok(())
}
