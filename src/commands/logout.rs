//! `oauthctl logout TARGET`: revoke at the provider (RFC 7009) where it can, then forget locally.
//! A failed revocation keeps the credential (so the person can retry) unless `--local-only`.

use serde::Serialize;

use super::Ctx;
use crate::cli::LogoutArgs;
use crate::credentials;
use crate::error::Result;
use crate::oauth::endpoints;
use crate::store::index;

#[derive(Serialize)]
struct Report {
    target: String,
    /// "revoked", "skipped" (--local-only), "unsupported" (no endpoint), "no-token".
    revocation: &'static str,
    removed: bool,
}

pub fn run(ctx: &Ctx, args: &LogoutArgs) -> Result<()> {
    let idx = index::load(&ctx.config_dir)?;
    let entry = idx.resolve(&args.target)?.clone();
    let key = entry.key();
    let revocation = if args.local_only {
        "skipped"
    } else {
        let catalog = ctx.catalog()?;
        let provider = catalog.get(&entry.provider)?;
        match &provider.revocation_url {
            None => "unsupported",
            Some(url) => {
                let record = ctx.stores().load_existing(&entry)?;
                let client = credentials::client_of(&record, provider);
                // Revoking the refresh token ends the whole grant at most providers (RFC 7009 §2.1).
                let (token, hint) = match &record.refresh_token {
                    Some(rt) => (rt.expose(), "refresh_token"),
                    None => (record.access_token.expose(), "access_token"),
                };
                endpoints::revoke(ctx.http(), url, &client, token, hint).map_err(|e| {
                    e.context(format!("{key} was kept")).with_hint(format!(
                        "retry later, or forget it without revoking: oauthctl logout {key} --local-only"
                    ))
                })?;
                "revoked"
            }
        }
    };
    let removed = ctx.stores().delete(entry.store, &key)?;
    index::remove(&ctx.config_dir, &key)?;
    let ui = ctx.ui;
    match revocation {
        "revoked" => ui.info(format!("Revoked {key} at {}.", entry.provider)),
        "unsupported" => ui.warn(format!(
            "{} has no revocation endpoint; revoke the app's access in your account settings",
            entry.provider
        )),
        _ => ui.info(format!("Not revoked at {} (--local-only).", entry.provider)),
    }
    ui.info(format!("Removed {key} from the {} store.", entry.store.as_str()));
    if ui.json {
        ui.print_json(&Report { target: key, revocation, removed })?;
    }
    Ok(())
}
