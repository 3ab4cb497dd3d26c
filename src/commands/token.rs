//! `oauthctl token TARGET`: the access token and a newline on stdout, nothing else.

use serde::Serialize;

use crate::cli::TokenArgs;
use crate::clock;
use crate::context::Ctx;
use crate::credentials::{self, Want};
use crate::error::{Error, Result};
use crate::store::Record;
use crate::store::index::Entry;

#[derive(Serialize)]
struct Report<'a> {
    access_token: &'a str,
    token_type: &'a str,
    expires_at: Option<String>,
    scopes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<&'a str>,
    extras: &'a std::collections::BTreeMap<String, serde_json::Value>,
}

/// The record of `target` with its wanted token fresh, or the marked-for-reauthorization error
/// (`--allow-stale` hands out the stored token anyway). Shared with `exec`.
pub fn fresh(ctx: &Ctx, target: &str, want: &Want, allow_stale: bool) -> Result<(Entry, Record)> {
    let entry = credentials::find(ctx, target)?;
    if let Some(why) = &entry.needs_reauth {
        if !allow_stale {
            return Err(credentials::marked_error(&entry, why));
        }
        let record = ctx.stores().load_existing(&entry)?;
        return Ok((entry, record));
    }
    let (record, how) = credentials::ensure_fresh(ctx, &entry, want, None)?;
    ctx.ui.trace(format!("{}: {how:?}", entry.key()));
    Ok((entry, record))
}

/// A token goes to a terminal or a script as it is: one with control characters is refused.
pub fn printable(key: &str, token: &str) -> Result<()> {
    if token.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::remote(format!(
            "the access token stored for {key} holds control or space characters; refusing to hand it out"
        ))
        .with_hint(
            "the provider answered something that is not a token: run `oauthctl -v refresh --force` to see its answer",
        ));
    }
    Ok(())
}

pub fn run(ctx: &Ctx, args: &TokenArgs) -> Result<()> {
    let want = Want { min_valid: args.min_valid, force: false, token: args.token.as_deref() };
    let (entry, record) = fresh(ctx, &args.target, &want, args.allow_stale)?;
    let t = credentials::token_of(&record, args.token.as_deref())?;
    printable(&entry.key(), t.access_token.expose())?;
    if ctx.ui.json() {
        return ctx.ui.print_json(&Report {
            access_token: t.access_token.expose(),
            token_type: t.token_type,
            expires_at: t.expires_at.map(clock::rfc3339),
            scopes: t.scopes,
            token: args.token.as_deref().or(record.token_name.as_deref()),
            extras: &record.extras,
        });
    }
    ctx.ui.data(&format!("{}\n", t.access_token.expose()))
}
