//! `oauthctl refresh [TARGET]`: refresh one account, or every account that needs it. Each is
//! reported as refreshed, still valid, or failed with its reason; any failure fails the command
//! (exit 4 when one needs re-authorization, else the first failure's code).

use serde::Serialize;

use super::Ctx;
use crate::cli::RefreshArgs;
use crate::clock;
use crate::credentials::{self, Freshness};
use crate::error::{Error, Kind, Result};
use crate::store::index;

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

pub fn run(ctx: &Ctx, args: &RefreshArgs) -> Result<()> {
    let ui = ctx.ui;
    let idx = index::load(&ctx.config_dir)?;
    let entries = match &args.target {
        Some(t) => vec![idx.resolve(t)?.clone()],
        None => idx.accounts.clone(),
    };
    if entries.is_empty() {
        ui.info("No accounts to refresh.");
        return if ui.json { ui.print_json(&Vec::<Item>::new()) } else { Ok(()) };
    }
    let catalog = ctx.catalog()?;
    let mut items = Vec::new();
    let mut failures: Vec<Kind> = Vec::new();
    for entry in &entries {
        let target = entry.key();
        let result = catalog
            .get(&entry.provider)
            .and_then(|p| credentials::ensure_fresh(ctx.stores(), ctx.http(), p, entry, args.min_valid, args.force));
        let item = match result {
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
                Item { target, result, expires_at, error: None, hint: None, exit_code: None }
            }
            Err(e) => {
                failures.push(e.kind);
                let hint = e.hint.as_deref().map(|h| format!(" ({h})")).unwrap_or_default();
                eprintln!("{target}: failed: {}{hint}", e.message);
                Item {
                    target,
                    result: "failed",
                    expires_at: entry.expires_at.map(clock::rfc3339),
                    error: Some(e.message),
                    hint: e.hint,
                    exit_code: Some(e.kind.exit_code()),
                }
            }
        };
        items.push(item);
    }
    if ui.json {
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
