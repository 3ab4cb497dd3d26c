//! `oauthctl refresh [TARGET]`: refresh one account, or every account that needs it. Each is
//! reported as refreshed, still valid, or failed with its reason; any failure fails the command
//! (exit 4 when one needs re-authorization, else the first failure's code).
//!
//! The index is read once and decides which accounts need a refresh, so accounts with a valid
//! token cost nothing: their records (in the keyring, maybe locked) are not even read. Index
//! entries of refreshed accounts are written together at the end.

use serde::Serialize;

use crate::cli::RefreshArgs;
use crate::clock;
use crate::context::Ctx;
use crate::credentials::{self, Freshness, Want};
use crate::error::{Error, Kind, Result};
use crate::store::index::{self, Entry, Lookup};

#[derive(Serialize)]
struct Item {
    target: String,
    /// "refreshed", "valid" or "failed".
    result: &'static str,
    expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exit_code: Option<u8>,
}

/// Index entries written at once after this many refreshes (and at the end).
const BATCH: usize = 100;

pub fn run(ctx: &Ctx, args: &RefreshArgs) -> Result<()> {
    let ui = &ctx.ui;
    let idx = index::load(&ctx.config_dir)?;
    let explicit = args.target.is_some();
    let entries: Vec<Entry> = match &args.target {
        Some(t) => match idx.resolve(t)? {
            Lookup::One(e) => vec![*e],
            Lookup::Many(targets) => {
                return Err(Error::usage(format!("{t} has {} accounts: {}", targets.len(), targets.join(", ")))
                    .with_hint("name one, or run `oauthctl refresh` for all"));
            }
            Lookup::None => {
                let (p, a) = index::parse_target(t)?;
                return Err(credentials::not_connected(ctx, p, a));
            }
        },
        None => idx.accounts,
    };
    if entries.is_empty() {
        ui.info("No accounts to refresh.");
        return if ui.json() { ui.print_json(&Vec::<Item>::new()) } else { Ok(()) };
    }
    let want = Want { min_valid: args.min_valid, force: args.force, token: None };
    let now = clock::now();
    let mut items = Vec::with_capacity(entries.len());
    let mut failures: Vec<Kind> = Vec::new();
    let mut batch: Vec<Entry> = Vec::new();
    for entry in &entries {
        let target = entry.key();
        let expires_at = entry.expires_at.map(clock::rfc3339);
        let until = expires_at.as_deref().map(|t| format!(" until {t}")).unwrap_or_default();
        if let Some(why) = entry.needs_reauth.as_ref().filter(|_| !explicit) {
            let e = credentials::marked_error(entry, why);
            failures.push(e.kind);
            ui.info(format!("{target}: needs re-authorization ({why})"));
            items.push(failed(target, expires_at, e));
            continue;
        }
        // A token without expiry or refresh token has nothing to renew, even with --force: asking
        // would only find no refresh token and mark a working token for re-authorization.
        if entry.never_expires || (!args.force && credentials::is_fresh(entry.expires_at, args.min_valid, now)) {
            let text = if entry.never_expires { "does not expire".to_string() } else { format!("still valid{until}") };
            ui.info(format!("{target}: {text}"));
            items.push(Item { target, result: "valid", expires_at, error: None, hint: None, exit_code: None });
            continue;
        }
        match credentials::ensure_fresh(ctx, entry, &want, Some(&mut batch)) {
            Ok((record, how)) => {
                let expires_at = record.expires_at.map(clock::rfc3339);
                let until = expires_at.as_deref().map(|t| format!(" until {t}")).unwrap_or_default();
                let (result, text) = match how {
                    Freshness::Refreshed => ("refreshed", format!("refreshed, valid{until}")),
                    Freshness::RefreshedElsewhere => {
                        ("refreshed", format!("refreshed by another process, valid{until}"))
                    }
                    Freshness::StillValid => ("valid", format!("still valid{until}")),
                };
                ui.info(format!("{target}: {text}"));
                items.push(Item { target, result, expires_at, error: None, hint: None, exit_code: None });
            }
            Err(e) => {
                failures.push(e.kind);
                let hint = e.hint.as_deref().map(|h| format!(" ({h})")).unwrap_or_default();
                ui.warn(format!("{target}: failed: {}{hint}", e.message));
                items.push(failed(target, expires_at, e));
            }
        }
        if batch.len() >= BATCH {
            index::upsert(&ctx.config_dir, std::mem::take(&mut batch))?;
        }
    }
    index::upsert(&ctx.config_dir, batch)?;
    if ui.json() {
        ui.print_json(&items)?;
    }
    match failures.first() {
        None => Ok(()),
        Some(first) => {
            let kind = if failures.contains(&Kind::Reauth) { Kind::Reauth } else { *first };
            Err(Error::new(kind, format!("{} of {} credentials could not be refreshed", failures.len(), items.len())))
        }
    }
}

fn failed(target: String, expires_at: Option<String>, e: Error) -> Item {
    Item {
        target,
        result: "failed",
        expires_at,
        exit_code: Some(e.kind.exit_code()),
        error: Some(e.message),
        hint: e.hint,
    }
}
