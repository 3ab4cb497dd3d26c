//! Where credentials live. Records go to the OS keyring or to 0600 files; the index (no secrets)
//! says which; per-account lock files serialize every change of an account's record: refreshes,
//! connects and logouts alike, so none of them can bring back or overwrite what another did.

mod file_store;
pub mod index;
mod keyring_store;
pub mod record;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::env::Env;
use crate::fsutil;
use crate::output::Ui;
pub use file_store::{DIR_NAME as FILE_STORE_DIR, LEGACY_FILE};
pub use keyring_store::SERVICE as KEYRING_SERVICE;
pub use record::{Record, StoredToken};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager).
    Keyring,
    /// 0600 JSON files in the config directory.
    File,
}

impl StoreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Keyring => "keyring",
            StoreKind::File => "file",
        }
    }
}

#[derive(Debug)]
pub enum Error {
    /// A file or directory was refused or could not be read or written.
    File(fsutil::Error),
    Corrupt {
        path: PathBuf,
        what: &'static str,
        detail: String,
    },
    Keyring {
        op: &'static str,
        key: String,
        detail: String,
    },
    KeyringTimeout {
        op: &'static str,
        key: String,
        secs: u64,
    },
    /// The keyring entry is not an oauthctl record.
    NotARecord {
        key: String,
        detail: String,
    },
    /// The index lists the account, its store does not have it.
    Missing {
        key: String,
        store: StoreKind,
    },
    BadTarget(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::File(e) => write!(f, "{e}"),
            Error::Corrupt { path, what, detail } => {
                write!(f, "{} is not a valid {what} ({detail}); it was left as it is", path.display())
            }
            Error::Keyring { op, key, detail } => write!(f, "the OS keyring failed while {op} {key}: {detail}"),
            Error::KeyringTimeout { op, key, secs } => write!(
                f,
                "the OS keyring did not answer within {secs}s while {op} {key} (is it locked, or is D-Bus hung?)"
            ),
            Error::NotARecord { key, detail } => {
                write!(f, "the keyring entry for {key} is not a valid oauthctl record ({detail})")
            }
            Error::Missing { key, store } => {
                write!(f, "{key} is in the account index but not in the {} store", store.as_str())
            }
            Error::BadTarget(t) => write!(f, "{t:?} is not a target; write PROVIDER or PROVIDER:ACCOUNT"),
        }
    }
}

impl std::error::Error for Error {}

/// The held lock of one account. Every write of the account's record takes it.
pub struct AccountLock {
    key: String,
    _file: std::fs::File,
}

impl AccountLock {
    pub fn key(&self) -> &str {
        &self.key
    }
}

pub struct Stores {
    dir: PathBuf,
    keyring: keyring_store::KeyringStore,
    file: file_store::FileStore,
}

impl Stores {
    pub fn open(config_dir: &Path, env: &Env, ui: &Ui) -> Self {
        let secs = env.seconds("OAUTHCTL_KEYRING_TIMEOUT", keyring_store::DEFAULT_TIMEOUT_SECS, 3600);
        Stores {
            dir: config_dir.to_path_buf(),
            keyring: keyring_store::KeyringStore::new(secs, ui),
            file: file_store::FileStore::new(config_dir),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Fails early (before a browser round trip) when the chosen store cannot be written.
    pub fn probe(&self, kind: StoreKind) -> Result<(), Error> {
        fsutil::ensure_private_dir(&self.dir).map_err(Error::File)?;
        match kind {
            StoreKind::Keyring => self.keyring.probe(),
            StoreKind::File => self.file.probe(),
        }
    }

    pub fn load(&self, kind: StoreKind, key: &str) -> Result<Option<Record>, Error> {
        match kind {
            StoreKind::Keyring => match self.keyring.get(key)? {
                None => Ok(None),
                Some(json) => serde_json::from_slice(json.as_bytes())
                    .map(Some)
                    .map_err(|e| Error::NotARecord { key: key.to_string(), detail: e.to_string() }),
            },
            StoreKind::File => self.file.get(key),
        }
    }

    /// Loads a record the index says exists; a missing one is an error (index out of step).
    pub fn load_existing(&self, entry: &index::Entry) -> Result<Record, Error> {
        self.load(entry.store, &entry.key())?.ok_or_else(|| Error::Missing { key: entry.key(), store: entry.store })
    }

    /// Saves the record (one write: the old record or the new) and returns its index entry for
    /// the caller to record ([`index::upsert`]), alone or with others.
    pub fn save_record(&self, lock: &AccountLock, kind: StoreKind, record: &Record) -> Result<index::Entry, Error> {
        assert_eq!(lock.key(), record.key(), "a record is written under its own account's lock");
        match kind {
            StoreKind::Keyring => {
                let json = serde_json::to_string(record).expect("records serialize");
                self.keyring.set(&record.key(), &json)?
            }
            StoreKind::File => self.file.set(record)?,
        }
        Ok(entry_of(record, kind))
    }

    /// Saves the record, then its index entry.
    pub fn save(&self, lock: &AccountLock, kind: StoreKind, record: &Record) -> Result<(), Error> {
        let entry = self.save_record(lock, kind, record)?;
        index::upsert(&self.dir, vec![entry])
    }

    pub fn delete(&self, lock: &AccountLock, kind: StoreKind) -> Result<bool, Error> {
        match kind {
            StoreKind::Keyring => self.keyring.delete(lock.key()),
            StoreKind::File => self.file.delete(lock.key()),
        }
    }

    /// A client registration (MCP: one per authorization server), kept like a credential: in a
    /// store, never in a loose file. The index says which store.
    pub fn save_registration(
        &self,
        kind: StoreKind,
        reg: &crate::mcp::registration::Registration,
    ) -> Result<(), Error> {
        let key = registration_key(&reg.issuer);
        let lock = self.lock_account(&key)?;
        let json = serde_json::to_string(reg).expect("registrations serialize");
        match kind {
            StoreKind::Keyring => self.keyring.set(&key, &json)?,
            StoreKind::File => self.file.set_bytes(&key, json.as_bytes())?,
        }
        drop(lock);
        index::update(&self.dir, |idx| {
            idx.registrations.retain(|r| r.issuer != reg.issuer);
            idx.registrations.push(index::RegistrationEntry {
                issuer: reg.issuer.clone(),
                client_id: reg.client_id.clone(),
                redirect_uri: reg.redirect_uri.clone(),
                store: kind,
                updated_at: crate::clock::now(),
            });
        })
    }

    /// The registration kept for `issuer`, if any.
    pub fn load_registration(&self, issuer: &str) -> Result<Option<crate::mcp::registration::Registration>, Error> {
        let idx = index::load(&self.dir)?;
        let Some(entry) = idx.registrations.iter().find(|r| r.issuer == issuer) else { return Ok(None) };
        let key = registration_key(issuer);
        let text = match entry.store {
            StoreKind::Keyring => self.keyring.get(&key)?.map(String::into_bytes),
            StoreKind::File => self.file.get_bytes(&key)?,
        };
        Ok(text.and_then(|t| serde_json::from_slice(&t).ok()))
    }

    /// Forgets the registration kept for `issuer` (the server forgot it).
    pub fn forget_registration(&self, issuer: &str) -> Result<(), Error> {
        let idx = index::load(&self.dir)?;
        if let Some(entry) = idx.registrations.iter().find(|r| r.issuer == issuer) {
            let key = registration_key(issuer);
            let _ = match entry.store {
                StoreKind::Keyring => self.keyring.delete(&key),
                StoreKind::File => self.file.delete(&key),
            };
        }
        index::update(&self.dir, |idx| idx.registrations.retain(|r| r.issuer != issuer))
    }

    /// The account's lock, held until the returned value is dropped.
    pub fn lock_account(&self, key: &str) -> Result<AccountLock, Error> {
        let path = self.dir.join("locks").join(format!("{}.lock", fsutil::file_name_for(key)));
        let file = fsutil::lock(&path).map_err(Error::File)?;
        Ok(AccountLock { key: key.to_string(), _file: file })
    }

    /// Where a file-store account lives (for messages).
    pub fn file_path(&self, key: &str) -> PathBuf {
        self.file.path_of(key)
    }
}

/// Where a registration is kept in a store.
pub fn registration_key(issuer: &str) -> String {
    format!("registration:{issuer}")
}

/// The index entry of a record.
pub fn entry_of(r: &Record, store: StoreKind) -> index::Entry {
    index::Entry {
        target: r.key(),
        provider: r.provider.clone(),
        account: r.account.clone(),
        store,
        client_id: r.client_id.clone(),
        scopes: r.scopes.clone(),
        expires_at: r.expires_at,
        refresh_expires_at: r.refresh_expires_at,
        has_refresh_token: r.refresh_token.is_some(),
        never_expires: r.expires_at.is_none() && r.refresh_token.is_none(),
        needs_reauth: None,
        updated_at: crate::clock::now(),
    }
}

/// The config dir: `OAUTHCTL_CONFIG_DIR`, else the platform's (e.g. `~/.config/oauthctl`).
pub fn config_dir(env: &Env) -> Option<PathBuf> {
    if let Some(d) = env.path("OAUTHCTL_CONFIG_DIR") {
        return Some(d);
    }
    directories::ProjectDirs::from("", "", "oauthctl").map(|p| p.config_dir().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::record::sample;

    #[test]
    fn records_are_written_under_their_lock_and_indexed() {
        let dir = tempfile::tempdir().unwrap();
        let (ui, _) = Ui::captured(Default::default());
        let stores = Stores::open(dir.path(), &Env::fixed::<&str, &str>([]), &ui);
        let r = sample("gmail", "a@x.test");
        let lock = stores.lock_account(&r.key()).unwrap();
        stores.save(&lock, StoreKind::File, &r).unwrap();
        let idx = index::load(dir.path()).unwrap();
        let e = idx.get("gmail:a@x.test").unwrap();
        assert!(e.has_refresh_token && !e.never_expires);
        assert_eq!(stores.load_existing(e).unwrap().access_token, r.access_token);
        assert!(stores.delete(&lock, StoreKind::File).unwrap());
        assert!(matches!(stores.load_existing(e), Err(Error::Missing { .. })));
    }

    #[test]
    #[should_panic(expected = "own account's lock")]
    fn another_accounts_lock_does_not_do() {
        let dir = tempfile::tempdir().unwrap();
        let (ui, _) = Ui::captured(Default::default());
        let stores = Stores::open(dir.path(), &Env::fixed::<&str, &str>([]), &ui);
        let lock = stores.lock_account("gmail:other").unwrap();
        let _ = stores.save_record(&lock, StoreKind::File, &sample("gmail", "a"));
    }
}
