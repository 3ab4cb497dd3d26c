//! `oauthctl logout TARGET`: revoke at the provider where it can, then forget locally, under the
//! account's lock (a refresh in flight cannot bring the account back). A failed revocation keeps
//! the credential (so the person can retry) unless `--local-only`.

use serde::Serialize;

use crate::cli::LogoutArgs;
use crate::context::Ctx;
use crate::credentials;
use crate::error::{Error, Result};
use crate::oauth::revoke::{self, Outcome};
use crate::providers::Revocation;
use crate::store::index;

#[derive(Serialize)]
struct Report {
    target: String,
    /// "revoked", "skipped" (--local-only), "unsupported" (no way to revoke), "gone" (the
    /// record had already left the store).
    revocation: &'static str,
    removed: bool,
}

#[derive(Serialize)]
struct ConnectionReport<'a> {
    target: &'a str,
    kind: &'a str,
    platform_id: &'a str,
    /// "deleted", "queued" (Airbyte deletes later), "already gone", "skipped" (--local-only).
    remote: &'static str,
    removed: bool,
}

pub fn run(ctx: &Ctx, args: &LogoutArgs) -> Result<()> {
    if let Some(c) = index::load(&ctx.config_dir)?.connection(&args.target).cloned() {
        // A hosted connection: deleted at its platform (which holds its tokens), then forgotten.
        let remote = super::connect::hosted::remove(ctx, &c, args.local_only)?;
        let ui = &ctx.ui;
        match remote {
            "skipped" => ui.info(format!("Not deleted at {} (--local-only).", c.kind)),
            other => ui.info(format!("{} connection {}: {other}.", c.kind, c.platform_id)),
        }
        ui.info(format!("Removed {} from the index.", c.target));
        if ui.json() {
            ui.print_json(&ConnectionReport {
                target: &c.target,
                kind: &c.kind,
                platform_id: &c.platform_id,
                remote,
                removed: true,
            })?;
        }
        return Ok(());
    }
    let entry = credentials::find(ctx, &args.target)?;
    let key = entry.key();
    let stores = ctx.stores();
    let lock = stores.lock_account(&key)?;
    let record = stores.load(entry.store, &key)?;
    let revocation = match (&record, args.local_only) {
        (_, true) => "skipped",
        (None, false) => "gone",
        (Some(record), false) => {
            let provider = credentials::provider_of(ctx, record)?;
            let client = credentials::client_of(record, &provider);
            // Revoking the refresh token ends the whole grant at most providers (RFC 7009 §2.1);
            // the other styles revoke the access token they authenticate with.
            let (token, hint) = match (&record.refresh_token, provider.revocation_style()) {
                (Some(rt), Revocation::Rfc7009) => (rt.expose(), "refresh_token"),
                _ => (record.access_token.expose(), "access_token"),
            };
            match revoke::revoke(ctx.http(), &provider, &record.params, &client, token, hint) {
                Ok(Outcome::Revoked) => "revoked",
                Ok(Outcome::Unsupported) => "unsupported",
                Err(e) => {
                    return Err(Error::from(e).context(format!("revoking {key} failed; it was kept")).with_hint(
                        format!("retry later, or forget it without revoking: oauthctl logout {key} --local-only"),
                    ));
                }
            }
        }
    };
    let removed = stores.delete(&lock, entry.store)?;
    index::remove(&ctx.config_dir, &key)?;
    drop(lock);
    let ui = &ctx.ui;
    match revocation {
        "revoked" => ui.info(format!("Revoked {key} at {}.", entry.provider)),
        "unsupported" => ui.warn(format!(
            "{} offers no way to revoke a token; remove the app's access in your account settings there",
            entry.provider
        )),
        "gone" => ui.warn(format!("{key} was no longer in the {} store; removed from the index", entry.store.as_str())),
        _ => ui.info(format!("Not revoked at {} (--local-only).", entry.provider)),
    }
    ui.info(format!("Removed {key} from the {} store.", entry.store.as_str()));
    if ui.json() {
        ui.print_json(&Report { target: key, revocation, removed })?;
    }
    Ok(())
}
