//! What a command may need, built lazily: `token` on a valid credential touches neither the
//! network nor the catalog, and `status` not even the keyring.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::env::Env;
use crate::error::{Error, Result};
use crate::http::Http;
use crate::output::Ui;
use crate::providers::Catalog;
use crate::store::{StoreKind, Stores};

pub struct Ctx {
    pub ui: Ui,
    pub env: Env,
    pub config_dir: PathBuf,
    /// `--store` / `OAUTHCTL_STORE`, when given.
    pub store_choice: Option<StoreKind>,
    stores: OnceLock<Stores>,
    http: OnceLock<Http>,
    catalog: OnceLock<Catalog>,
}

impl Ctx {
    pub fn new(ui: Ui, env: Env, store_choice: Option<StoreKind>) -> Result<Self> {
        let config_dir = crate::store::config_dir(&env)
            .ok_or_else(|| Error::other("cannot find a home directory").with_hint("set OAUTHCTL_CONFIG_DIR"))?;
        // The directory says where tokens go: it must be the user's own and closed to others.
        crate::fsutil::check_dir(&config_dir)?;
        Ok(Ctx {
            ui,
            env,
            config_dir,
            store_choice,
            stores: OnceLock::new(),
            http: OnceLock::new(),
            catalog: OnceLock::new(),
        })
    }

    pub fn stores(&self) -> &Stores {
        self.stores.get_or_init(|| Stores::open(&self.config_dir, &self.env, &self.ui))
    }

    pub fn http(&self) -> &Http {
        self.http.get_or_init(|| Http::new(&self.ui, &self.env))
    }

    /// Built-ins plus providers.toml, loaded once.
    pub fn catalog(&self) -> Result<&Catalog> {
        if let Some(c) = self.catalog.get() {
            return Ok(c);
        }
        let c = Catalog::load(&self.config_dir)?;
        Ok(self.catalog.get_or_init(|| c))
    }

    /// The store new credentials go to.
    pub fn store_for_new(&self) -> StoreKind {
        self.store_choice.unwrap_or(StoreKind::Keyring)
    }
}
