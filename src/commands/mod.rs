//! One module per command: resolve inputs, call the concern modules, build one report, render it.

mod client;
mod completions;
mod connect;
mod exec;
mod import;
mod logout;
mod mcp;
mod paths;
mod providers;
mod push;
mod refresh;
mod status;
mod token;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::context::Ctx;
use crate::error::Result;
use crate::store::{Record, StoreKind};

pub fn run(cli: &Cli, ctx: &Ctx) -> Result<ExitCode> {
    match &cli.command {
        Command::Connect(a) => connect::run(ctx, a),
        Command::Status(a) => status::run(ctx, a),
        Command::Token(a) => token::run(ctx, a),
        Command::Refresh(a) => refresh::run(ctx, a),
        Command::Exec(a) => return exec::run(ctx, a),
        Command::Import(a) => import::run(ctx, a),
        Command::Logout(a) => logout::run(ctx, a),
        Command::Push(a) => push::run(ctx, a),
        Command::Mcp(a) => return mcp::run(ctx, a),
        Command::Providers(a) => providers::run(ctx, a),
        Command::Paths => paths::run(ctx),
        Command::Completions(a) => completions::run(ctx, a),
    }
    .map(|()| ExitCode::SUCCESS)
}

/// What `connect` and `import` print with `--json`: the stored credential, no secret in it.
#[derive(serde::Serialize)]
pub struct StoredReport<'a> {
    provider: &'a str,
    account: &'a str,
    scopes: &'a [String],
    expires_at: Option<String>,
    store: &'static str,
    has_refresh_token: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    other_tokens: Vec<&'a str>,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extras: &'a std::collections::BTreeMap<String, serde_json::Value>,
}

impl<'a> StoredReport<'a> {
    pub fn of(record: &'a Record, store: StoreKind) -> Self {
        StoredReport {
            provider: &record.provider,
            account: &record.account,
            scopes: &record.scopes,
            expires_at: record.expires_at.map(crate::clock::rfc3339),
            store: store.as_str(),
            has_refresh_token: record.refresh_token.is_some(),
            token_name: record.token_name.as_deref(),
            other_tokens: record.other_tokens.keys().map(String::as_str).collect(),
            extras: &record.extras,
        }
    }
}
