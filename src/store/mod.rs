//! Where credentials live. Records go to the OS keyring or the 0600 credentials file; the index
//! (no secrets) says which; per-account lock files serialize refreshes.

mod file_store;
pub mod fsutil;
pub mod index;
mod keyring_store;
pub mod record;

use std::path::{Path, PathBuf};

use crate::cli::StoreKind;
use crate::error::{Error, Result};
pub use record::Record;

pub struct Stores {
    dir: PathBuf,
    keyring: keyring_store::KeyringStore,
    file: file_store::FileStore,
}

impl Stores {
    pub fn open(config_dir: &Path) -> Self {
        Stores {
            dir: config_dir.to_path_buf(),
            keyring: keyring_store::KeyringStore::new(),
            file: file_store::FileStore::new(config_dir),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Fails early (before a browser round trip) when the chosen store cannot be used.
    pub fn probe(&self, kind: StoreKind) -> Result<()> {
        match kind {
            StoreKind::Keyring => self.keyring.probe(),
            StoreKind::File => self.file.get("").map(|_| ()),
        }
    }

    pub fn load(&self, kind: StoreKind, key: &str) -> Result<Option<Record>> {
        match kind {
            StoreKind::Keyring => match self.keyring.get(key)? {
                None => Ok(None),
                Some(json) => serde_json::from_str(&json).map(Some).map_err(|e| {
                    Error::store(format!("the keyring entry for {key} is not a valid oauthctl record ({e})"))
                        .with_hint(format!("remove it with `oauthctl logout {key} --local-only`, then connect again"))
                }),
            },
            StoreKind::File => self.file.get(key),
        }
    }

    /// Loads a record the index says exists; a missing one is a store error (index out of step).
    pub fn load_existing(&self, entry: &index::Entry) -> Result<Record> {
        self.load(entry.store, &entry.key())?.ok_or_else(|| {
            Error::store(format!(
                "{} is in the account index but not in the {} store",
                entry.key(),
                entry.store.as_str()
            ))
            .with_hint(format!("run `oauthctl connect {}` to store it again", entry.provider))
        })
    }

    /// Saves the record, then the index entry. Saving is one write: the old record or the new.
    pub fn save(&self, kind: StoreKind, record: &Record) -> Result<()> {
        match kind {
            StoreKind::Keyring => {
                let json = serde_json::to_string(record).expect("records serialize");
                self.keyring.set(&record.key(), &json)?
            }
            StoreKind::File => self.file.set(record)?,
        }
        index::upsert(&self.dir, index::Entry::from_record(record, kind))
    }

    pub fn delete(&self, kind: StoreKind, key: &str) -> Result<bool> {
        match kind {
            StoreKind::Keyring => self.keyring.delete(key),
            StoreKind::File => self.file.delete(key),
        }
    }

    /// The per-account lock that serializes refreshes across processes.
    pub fn lock_account(&self, key: &str) -> Result<std::fs::File> {
        fsutil::lock(&self.dir.join("locks").join(format!("{}.lock", fsutil::file_name_for(key))))
    }
}

/// The config dir: `OAUTHCTL_CONFIG_DIR`, else the platform's (e.g. `~/.config/oauthctl`).
pub fn config_dir() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("OAUTHCTL_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    directories::ProjectDirs::from("", "", "oauthctl")
        .map(|p| p.config_dir().to_path_buf())
        .ok_or_else(|| Error::other("cannot find a home directory").with_hint("set OAUTHCTL_CONFIG_DIR"))
}
