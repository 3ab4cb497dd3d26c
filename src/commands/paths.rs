//! `oauthctl paths`: where oauthctl keeps its configuration and credentials.

use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::store::{FILE_STORE_DIR, KEYRING_SERVICE, index};

#[derive(Serialize)]
struct Paths {
    config_dir: String,
    providers_toml: String,
    account_index: String,
    file_store: String,
    locks: String,
    keyring_service: &'static str,
}

pub fn run(ctx: &Ctx) -> Result<()> {
    let d = &ctx.config_dir;
    let show = |p: std::path::PathBuf| p.display().to_string();
    let p = Paths {
        config_dir: show(d.clone()),
        providers_toml: show(d.join(crate::providers::FILE_NAME)),
        account_index: show(d.join(index::FILE_NAME)),
        file_store: show(d.join(FILE_STORE_DIR)),
        locks: show(d.join("locks")),
        keyring_service: KEYRING_SERVICE,
    };
    if ctx.ui.json() {
        return ctx.ui.print_json(&p);
    }
    ctx.ui.data(&format!(
        "config dir:      {}\nproviders.toml:  {}\naccount index:   {}\nfile store:      {}\nlocks:           {}\nkeyring service: {}\n",
        p.config_dir, p.providers_toml, p.account_index, p.file_store, p.locks, p.keyring_service
    ))
}
