//! One module per command: resolve inputs, call the concern modules, build one report, render it.

mod client;
mod completions;
mod connect;
mod exec;
mod import;
mod logout;
mod providers;
mod push;
mod refresh;
mod status;
mod token;

use std::cell::OnceCell;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::{Cli, Command, StoreKind};
use crate::error::Result;
use crate::http::Http;
use crate::output::Ui;
use crate::providers::Catalog;
use crate::store::Stores;

/// What every command may need, built lazily so `status` touches neither network nor keyring.
pub struct Ctx<'a> {
    pub ui: &'a Ui,
    pub config_dir: PathBuf,
    /// `--store` / `OAUTHCTL_STORE`, when given.
    pub store_choice: Option<StoreKind>,
    stores: OnceCell<Stores>,
    http: OnceCell<Http>,
}

impl Ctx<'_> {
    pub fn stores(&self) -> &Stores {
        self.stores.get_or_init(|| Stores::open(&self.config_dir))
    }
    pub fn http(&self) -> &Http {
        self.http.get_or_init(Http::new)
    }
    pub fn catalog(&self) -> Result<Catalog> {
        Catalog::load(&self.config_dir)
    }
    /// The store new credentials go to.
    pub fn store_for_new(&self) -> StoreKind {
        self.store_choice.unwrap_or(StoreKind::Keyring)
    }
}

pub fn run(cli: &Cli, ui: &Ui) -> Result<ExitCode> {
    let ctx = Ctx {
        ui,
        config_dir: crate::store::config_dir()?,
        store_choice: cli.global.store,
        stores: OnceCell::new(),
        http: OnceCell::new(),
    };
    match &cli.command {
        Command::Connect(a) => connect::run(&ctx, a),
        Command::Status(a) => status::run(&ctx, a),
        Command::Token(a) => token::run(&ctx, a),
        Command::Refresh(a) => refresh::run(&ctx, a),
        Command::Exec(a) => return exec::run(&ctx, a),
        Command::Import(a) => import::run(&ctx, a),
        Command::Logout(a) => logout::run(&ctx, a),
        Command::Push(a) => push::run(&ctx, a),
        Command::Providers(a) => providers::run(&ctx, a),
        Command::Completions(a) => completions::run(a),
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
}

impl<'a> StoredReport<'a> {
    pub fn of(record: &'a crate::store::Record, store: StoreKind) -> Self {
        StoredReport {
            provider: &record.provider,
            account: &record.account,
            scopes: &record.scopes,
            expires_at: record.expires_at.map(crate::clock::rfc3339),
            store: store.as_str(),
            has_refresh_token: record.refresh_token.is_some(),
        }
    }
}
