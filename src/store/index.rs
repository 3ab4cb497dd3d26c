//! The account index (`accounts.json`, no secrets): which accounts exist, in which store, with the
//! metadata `status` shows, so listing never touches the keyring; and the hosted connections
//! (Airbyte connectors, BlueNexus connections) oauthctl created, which hold no secret at all.
//!
//! The file is JSON with one entry per line:
//!
//! ```text
//! {"version":2,"accounts":[
//! {"target":"gmail:alice@example.com","provider":"gmail",…},
//! {"target":"slack:Acme/U1","provider":"slack",…}
//! ],"connections":[
//! {"kind":"airbyte","target":"airbyte:gmail-alice",…}
//! ],"registrations":[
//! {"issuer":"https://as.example.com","client_id":"…",…}
//! ]}
//! ```
//!
//! so that `token` finds its one line without parsing the others ([`lookup`]): at 10,000 accounts
//! that is the difference between reading a file and parsing one. Everything else parses it whole.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Error, StoreKind};
use crate::clock;
use crate::fsutil::{self, Trust};

pub const FILE_NAME: &str = "accounts.json";
const VERSION: u32 = 2;
const HEAD: &str = "{\"version\":2,\"accounts\":[\n";
const LIMIT: u64 = 256 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    /// `PROVIDER:ACCOUNT`; first, so a line can be found by it. Absent in version 1 files.
    #[serde(default)]
    pub target: String,
    pub provider: String,
    pub account: String,
    pub store: StoreKind,
    pub client_id: String,
    pub scopes: Vec<String>,
    #[serde(with = "clock::opt_rfc3339", default)]
    pub expires_at: Option<i64>,
    #[serde(with = "clock::opt_rfc3339", default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_at: Option<i64>,
    pub has_refresh_token: bool,
    /// The provider issues no refresh token and its tokens do not expire (nothing to renew).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub never_expires: bool,
    /// Why the credential needs `connect` again (set when a refresh is refused), else absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs_reauth: Option<String>,
    #[serde(with = "clock::rfc3339_time")]
    pub updated_at: i64,
}

impl Entry {
    pub fn key(&self) -> String {
        super::record::key(&self.provider, &self.account)
    }
}

/// A connection a hosted platform made and keeps the tokens of; oauthctl keeps its id only.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Connection {
    /// "airbyte" or "bluenexus"; first, so that connection lines never look like account lines.
    pub kind: String,
    /// `PLATFORM:NAME`, what `status` and `logout` accept.
    pub target: String,
    pub platform_id: String,
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    pub status: String,
    #[serde(with = "clock::rfc3339_time")]
    pub updated_at: i64,
}

/// Where a client registration at an authorization server is kept (MCP servers); the client id
/// is not secret, a client secret (if any) is in the store.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RegistrationEntry {
    /// First, so that these lines never look like account lines.
    pub issuer: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub store: StoreKind,
    #[serde(with = "clock::rfc3339_time")]
    pub updated_at: i64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Index {
    #[serde(default)]
    pub version: u32,
    #[serde(default)]
    pub accounts: Vec<Entry>,
    #[serde(default)]
    pub connections: Vec<Connection>,
    #[serde(default)]
    pub registrations: Vec<RegistrationEntry>,
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

fn read(dir: &Path) -> Result<Option<Vec<u8>>, Error> {
    fsutil::read_trusted(&path(dir), Trust::Config, LIMIT).map_err(Error::File)
}

fn corrupt(dir: &Path, detail: String) -> Error {
    Error::Corrupt { path: path(dir), what: "account index", detail }
}

pub fn load(dir: &Path) -> Result<Index, Error> {
    let Some(bytes) = read(dir)? else { return Ok(Index::default()) };
    let mut idx: Index = serde_json::from_slice(&bytes).map_err(|e| corrupt(dir, e.to_string()))?;
    for e in &mut idx.accounts {
        if e.target.is_empty() {
            e.target = e.key();
        }
    }
    Ok(idx)
}

/// What a target names.
#[derive(Debug)]
pub enum Lookup {
    One(Box<Entry>),
    None,
    /// `PROVIDER` alone, with several accounts: their targets.
    Many(Vec<String>),
}

/// The account `target` names, reading only its line (version 2 files; older ones are parsed).
pub fn lookup(dir: &Path, target: &str) -> Result<Lookup, Error> {
    let (provider, account) = parse_target(target)?;
    let Some(bytes) = read(dir)? else { return Ok(Lookup::None) };
    let Ok(text) = std::str::from_utf8(&bytes) else { return Err(corrupt(dir, "not UTF-8".into())) };
    if !text.starts_with(HEAD) {
        return Ok(Index::from_loaded(load(dir)?).lookup(provider, account));
    }
    let prefix = match account {
        Some(a) => format!(
            "{{\"target\":{},",
            serde_json::to_string(&super::record::key(provider, a)).expect("strings serialize")
        ),
        None => format!("{{\"target\":\"{provider}:"),
    };
    let mut found: Vec<&str> = Vec::new();
    for line in text.lines().skip(1) {
        if !line.starts_with("{\"target\":") {
            break;
        }
        if line.starts_with(&prefix) {
            found.push(line.trim_end_matches(','));
        }
    }
    let parse = |line: &str| -> Result<Entry, Error> {
        serde_json::from_slice(line.as_bytes()).map_err(|e| corrupt(dir, e.to_string()))
    };
    match found.as_slice() {
        [] => Ok(Lookup::None),
        [one] => Ok(Lookup::One(Box::new(parse(one)?))),
        many => Ok(Lookup::Many(many.iter().map(|l| parse(l).map(|e| e.target)).collect::<Result<_, _>>()?)),
    }
}

/// Read-modify-write of the index under its lock.
pub fn update<T>(dir: &Path, change: impl FnOnce(&mut Index) -> T) -> Result<T, Error> {
    let _guard = fsutil::lock(&dir.join("accounts.json.lock")).map_err(Error::File)?;
    let mut idx = load(dir)?;
    let out = change(&mut idx);
    write(dir, &mut idx)?;
    Ok(out)
}

fn write(dir: &Path, idx: &mut Index) -> Result<(), Error> {
    idx.version = VERSION;
    idx.accounts.sort_by(|a, b| (&a.provider, &a.account).cmp(&(&b.provider, &b.account)));
    idx.accounts.dedup_by(|a, b| a.key() == b.key());
    idx.connections.sort_by(|a, b| a.target.cmp(&b.target));
    let mut out = String::with_capacity(HEAD.len() + idx.accounts.len() * 320);
    out.push_str(HEAD);
    let line = |v: &dyn erased::Line| v.line();
    for (i, e) in idx.accounts.iter().enumerate() {
        let mut e = e.clone();
        e.target = e.key();
        out.push_str(&line(&e));
        out.push_str(if i + 1 < idx.accounts.len() { ",\n" } else { "\n" });
    }
    out.push_str("],\"connections\":[\n");
    for (i, c) in idx.connections.iter().enumerate() {
        out.push_str(&line(c));
        out.push_str(if i + 1 < idx.connections.len() { ",\n" } else { "\n" });
    }
    out.push_str("],\"registrations\":[\n");
    idx.registrations.sort_by(|a, b| a.issuer.cmp(&b.issuer));
    for (i, r) in idx.registrations.iter().enumerate() {
        out.push_str(&line(r));
        out.push_str(if i + 1 < idx.registrations.len() { ",\n" } else { "\n" });
    }
    out.push_str("]}\n");
    fsutil::write_atomic(&path(dir), out.as_bytes()).map_err(Error::File)
}

mod erased {
    pub trait Line {
        fn line(&self) -> String;
    }
    impl<T: serde::Serialize> Line for T {
        fn line(&self) -> String {
            serde_json::to_string(self).expect("index entries serialize")
        }
    }
}

pub fn upsert(dir: &Path, entries: Vec<Entry>) -> Result<(), Error> {
    if entries.is_empty() {
        return Ok(());
    }
    update(dir, |idx| {
        let keys: Vec<String> = entries.iter().map(Entry::key).collect();
        idx.accounts.retain(|e| !keys.contains(&e.key()));
        idx.accounts.extend(entries);
    })
}

pub fn remove(dir: &Path, key: &str) -> Result<(), Error> {
    update(dir, |idx| idx.accounts.retain(|e| e.key() != key))
}

/// Splits `PROVIDER[:ACCOUNT]`.
pub fn parse_target(target: &str) -> Result<(&str, Option<&str>), Error> {
    let (provider, account) = match target.split_once(':') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    if provider.is_empty() || account.is_some_and(str::is_empty) || target.chars().any(char::is_control) {
        return Err(Error::BadTarget(target.to_string()));
    }
    Ok((provider, account))
}

impl Index {
    fn from_loaded(idx: Index) -> Self {
        idx
    }

    fn lookup(&self, provider: &str, account: Option<&str>) -> Lookup {
        let found: Vec<&Entry> =
            self.accounts.iter().filter(|e| e.provider == provider && account.is_none_or(|a| a == e.account)).collect();
        match found.as_slice() {
            [] => Lookup::None,
            [one] => Lookup::One(Box::new((*one).clone())),
            many => Lookup::Many(many.iter().map(|e| e.key()).collect()),
        }
    }

    /// The entries a target names: one account, or every account of a provider.
    pub fn matching(&self, target: &str) -> Result<Vec<&Entry>, Error> {
        let (provider, account) = parse_target(target)?;
        Ok(self.accounts.iter().filter(|e| e.provider == provider && account.is_none_or(|a| a == e.account)).collect())
    }

    /// The one account a target names.
    pub fn resolve(&self, target: &str) -> Result<Lookup, Error> {
        let (provider, account) = parse_target(target)?;
        Ok(self.lookup(provider, account))
    }

    /// The targets of `provider`'s accounts.
    pub fn targets_of(&self, provider: &str) -> Vec<String> {
        self.accounts.iter().filter(|e| e.provider == provider).map(Entry::key).collect()
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.accounts.iter().find(|e| e.key() == key)
    }

    pub fn connection(&self, target: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.target == target)
    }
}

#[cfg(test)]
pub fn sample_entry(provider: &str, account: &str) -> Entry {
    Entry {
        target: String::new(),
        provider: provider.into(),
        account: account.into(),
        store: StoreKind::File,
        client_id: "cid".into(),
        scopes: vec!["openid".into()],
        expires_at: Some(1_800_000_000),
        refresh_expires_at: None,
        has_refresh_token: true,
        never_expires: false,
        needs_reauth: None,
        updated_at: 1_799_996_400,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(l: Lookup) -> Entry {
        match l {
            Lookup::One(e) => *e,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lookup_reads_one_line_and_agrees_with_the_full_parse() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        upsert(d, vec![sample_entry("gmail", "a@x.test"), sample_entry("slack", "T1/U\"2\u{e9}")]).unwrap();
        assert_eq!(one(lookup(d, "gmail").unwrap()).account, "a@x.test");
        assert_eq!(one(lookup(d, "gmail:a@x.test").unwrap()).account, "a@x.test");
        assert_eq!(one(lookup(d, "slack:T1/U\"2\u{e9}").unwrap()).account, "T1/U\"2\u{e9}", "escaped keys are found");
        assert!(matches!(lookup(d, "gmail:b").unwrap(), Lookup::None));
        assert!(matches!(lookup(d, "gmai").unwrap(), Lookup::None), "a provider is matched whole");
        upsert(d, vec![sample_entry("gmail", "b@x.test")]).unwrap();
        match lookup(d, "gmail").unwrap() {
            Lookup::Many(t) => assert_eq!(t, ["gmail:a@x.test", "gmail:b@x.test"]),
            other => panic!("{other:?}"),
        }
        let idx = load(d).unwrap();
        assert_eq!(idx.accounts.len(), 3);
        assert_eq!(idx.accounts[0].target, "gmail:a@x.test");
        remove(d, "gmail:a@x.test").unwrap();
        assert_eq!(one(lookup(d, "gmail").unwrap()).account, "b@x.test");
    }

    #[test]
    fn version_one_indexes_still_work_and_are_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let v1 = r#"{
  "version": 1,
  "accounts": [
    {"provider": "gmail", "account": "a@x.test", "store": "file", "client_id": "c", "scopes": [],
     "expires_at": "2030-01-01T00:00:00Z", "has_refresh_token": true, "updated_at": "2029-12-31T23:00:00Z"}
  ]
}"#;
        fsutil::write_atomic(&d.join(FILE_NAME), v1.as_bytes()).unwrap();
        assert_eq!(one(lookup(d, "gmail").unwrap()).target, "gmail:a@x.test");
        upsert(d, vec![sample_entry("gmail", "b@x.test")]).unwrap();
        let text = std::fs::read_to_string(d.join(FILE_NAME)).unwrap();
        assert!(text.starts_with(HEAD), "{text}");
        assert!(matches!(lookup(d, "gmail").unwrap(), Lookup::Many(_)));
    }

    #[test]
    fn connection_lines_are_never_taken_for_accounts() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        update(d, |idx| {
            idx.connections.push(Connection {
                kind: "airbyte".into(),
                target: "airbyte:gmail-a".into(),
                platform_id: "c1".into(),
                provider: "gmail".into(),
                workspace: Some("w".into()),
                status: "active".into(),
                updated_at: 0,
            })
        })
        .unwrap();
        assert!(matches!(lookup(d, "airbyte").unwrap(), Lookup::None));
        assert_eq!(load(d).unwrap().connection("airbyte:gmail-a").unwrap().platform_id, "c1");
    }

    #[test]
    fn bad_targets_are_refused() {
        for t in ["", ":a", "gmail:", "gm\u{1b}ail"] {
            assert!(matches!(parse_target(t), Err(Error::BadTarget(_))), "{t:?}");
        }
    }
}
