//! `oauthctl token TARGET`: the access token and a newline on stdout, nothing else.

use serde::Serialize;

use super::Ctx;
use crate::cli::TokenArgs;
use crate::clock;
use crate::credentials;
use crate::error::Result;

#[derive(Serialize)]
struct Report<'a> {
    access_token: &'a str,
    token_type: &'a str,
    expires_at: Option<String>,
    scopes: &'a [String],
}

pub fn run(ctx: &Ctx, args: &TokenArgs) -> Result<()> {
    let (entry, provider) = credentials::find(&ctx.config_dir, &ctx.catalog()?, &args.target)?;
    let (record, how) = credentials::ensure_fresh(ctx.stores(), ctx.http(), &provider, &entry, args.min_valid, false)?;
    crate::output::trace(format!("{}: {how:?}", entry.key()));
    if ctx.ui.json {
        return ctx.ui.print_json(&Report {
            access_token: record.access_token.expose(),
            token_type: &record.token_type,
            expires_at: record.expires_at.map(clock::rfc3339),
            scopes: &record.scopes,
        });
    }
    crate::output::print_stdout(&format!("{}\n", record.access_token.expose()))
}
