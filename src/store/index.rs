//! The account index (`accounts.json`, no secrets): which accounts exist, in which store, with the
//! metadata `status` shows, so listing never touches the keyring.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::fsutil;
use super::record::{self, Record};
use crate::cli::StoreKind;
use crate::clock;
use crate::error::{Error, Result};

pub const FILE_NAME: &str = "accounts.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub provider: String,
    pub account: String,
    pub store: StoreKind,
    pub client_id: String,
    pub scopes: Vec<String>,
    #[serde(with = "clock::opt_rfc3339", default)]
    pub expires_at: Option<i64>,
    pub has_refresh_token: bool,
    /// Why the credential needs `connect` again (set when a refresh is refused), else absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_reauth: Option<String>,
    #[serde(with = "clock::rfc3339_time")]
    pub updated_at: i64,
}

impl Entry {
    pub fn from_record(r: &Record, store: StoreKind) -> Self {
        Entry {
            provider: r.provider.clone(),
            account: r.account.clone(),
            store,
            client_id: r.client_id.clone(),
            scopes: r.scopes.clone(),
            expires_at: r.expires_at,
            has_refresh_token: r.refresh_token.is_some(),
            needs_reauth: None,
            updated_at: clock::now(),
        }
    }

    pub fn key(&self) -> String {
        record::key(&self.provider, &self.account)
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Index {
    #[serde(default)]
    version: u32,
    #[serde(default)]
    pub accounts: Vec<Entry>,
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

pub fn load(dir: &Path) -> Result<Index> {
    let p = path(dir);
    match std::fs::read(&p) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            Error::store(format!("{} is not a valid account index ({e})", p.display()))
                .with_hint("move it away; credentials stay in their store, and `oauthctl connect` adds them back")
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Index::default()),
        Err(e) => Err(Error::store(format!("cannot read {}: {e}", p.display()))),
    }
}

/// Read-modify-write of the index under its lock.
pub fn update(dir: &Path, change: impl FnOnce(&mut Index)) -> Result<()> {
    let _guard = fsutil::lock(&dir.join("accounts.json.lock"))?;
    let mut idx = load(dir)?;
    change(&mut idx);
    idx.version = 1;
    idx.accounts.sort_by(|a, b| (&a.provider, &a.account).cmp(&(&b.provider, &b.account)));
    let bytes = serde_json::to_vec_pretty(&idx).expect("index serializes");
    fsutil::write_atomic(&path(dir), &bytes)
}

pub fn upsert(dir: &Path, entry: Entry) -> Result<()> {
    update(dir, |idx| {
        idx.accounts.retain(|e| e.key() != entry.key());
        idx.accounts.push(entry);
    })
}

pub fn remove(dir: &Path, key: &str) -> Result<()> {
    update(dir, |idx| idx.accounts.retain(|e| e.key() != key))
}

/// Splits `PROVIDER[:ACCOUNT]`.
pub fn parse_target(target: &str) -> Result<(&str, Option<&str>)> {
    let (provider, account) = match target.split_once(':') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    if provider.is_empty() || account.is_some_and(str::is_empty) {
        return Err(Error::usage(format!("{target:?} is not a target; write PROVIDER or PROVIDER:ACCOUNT")));
    }
    Ok((provider, account))
}

impl Index {
    /// The entries a target names: one account, or every account of a provider.
    pub fn matching(&self, target: &str) -> Result<Vec<&Entry>> {
        let (provider, account) = parse_target(target)?;
        Ok(self.accounts.iter().filter(|e| e.provider == provider && account.is_none_or(|a| a == e.account)).collect())
    }

    /// The one account a target names; `PROVIDER` alone works when it has one account.
    pub fn resolve(&self, target: &str) -> Result<&Entry> {
        let (provider, account) = parse_target(target)?;
        let found = self.matching(target)?;
        match (found.as_slice(), account) {
            ([one], _) => Ok(one),
            ([], Some(a)) => {
                Err(Error::not_found(format!("no account {a:?} for {provider}")).with_hint(self.known_hint(provider)))
            }
            ([], None) => Err(Error::not_found(format!("no {provider} account is connected"))
                .with_hint(format!("run: oauthctl connect {provider}"))),
            (many, _) => {
                let names: Vec<String> = many.iter().map(|e| e.key()).collect();
                Err(Error::usage(format!("{provider} has {} accounts: {}", many.len(), names.join(", ")))
                    .with_hint(format!("name one, e.g. `{}`", names[0])))
            }
        }
    }

    fn known_hint(&self, provider: &str) -> String {
        let names: Vec<String> = self.accounts.iter().filter(|e| e.provider == provider).map(Entry::key).collect();
        if names.is_empty() {
            format!("run: oauthctl connect {provider}")
        } else {
            format!("connected: {}; or run `oauthctl connect {provider}`", names.join(", "))
        }
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.accounts.iter().find(|e| e.key() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Kind;
    use crate::store::record::sample;

    #[test]
    fn resolve_by_provider_or_account() {
        let dir = tempfile::tempdir().unwrap();
        upsert(dir.path(), Entry::from_record(&sample("gmail", "a@x.test"), StoreKind::File)).unwrap();
        let idx = load(dir.path()).unwrap();
        assert_eq!(idx.resolve("gmail").unwrap().account, "a@x.test");
        assert_eq!(idx.resolve("gmail:a@x.test").unwrap().account, "a@x.test");
        assert_eq!(idx.resolve("gmail:b").unwrap_err().kind, Kind::NotFound);
        assert_eq!(idx.resolve("drive").unwrap_err().kind, Kind::NotFound);

        upsert(dir.path(), Entry::from_record(&sample("gmail", "b@x.test"), StoreKind::File)).unwrap();
        let idx = load(dir.path()).unwrap();
        let e = idx.resolve("gmail").unwrap_err();
        assert_eq!(e.kind, Kind::Usage);
        assert!(e.message.contains("gmail:a@x.test, gmail:b@x.test"), "{}", e.message);
        remove(dir.path(), "gmail:a@x.test").unwrap();
        assert_eq!(load(dir.path()).unwrap().resolve("gmail").unwrap().account, "b@x.test");
    }

    #[test]
    fn bad_targets_are_usage_errors() {
        for t in ["", ":a", "gmail:"] {
            assert_eq!(parse_target(t).unwrap_err().kind, Kind::Usage, "{t:?}");
        }
    }
}
