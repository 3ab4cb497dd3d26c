//! `oauthctl import PROVIDER --refresh-token-stdin`: store a refresh token the person already
//! holds, validated by one refresh (nothing is stored when the provider refuses it).

use super::{Ctx, client};
use crate::cli::ImportArgs;
use crate::credentials;
use crate::error::{Error, Kind, Result};
use crate::oauth::authorize::merge_scopes;
use crate::oauth::token::{self, RefreshError};
use crate::secret::Secret;
use crate::store::index;

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
    let requested = merge_scopes(&provider.scopes, &args.scopes);
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
    let mut record =
        credentials::new_record(ctx.http(), provider, &client, tokens, args.account.as_deref(), None, &requested)?;
    // A provider that rotates hands back a new refresh token; the one given was just spent.
    record.refresh_token = record.refresh_token.or(Some(refresh_token));
    let previous = idx.get(&record.key()).map(|e| e.store);
    if let Some(warning) = credentials::store_new(ctx.stores(), store_kind, &record, previous)? {
        ui.warn(warning);
    }
    let key = record.key();
    ui.info(format!(
        "{} Imported {key} (stored in the {} store); the refresh token works.",
        ui.paint("✓", "32"),
        store_kind.as_str()
    ));
    if ui.json {
        ui.print_json(&super::StoredReport::of(&record, store_kind))?;
    }
    Ok(())
}
