//! The account index (`accounts.json`, no secrets): which accounts exist, in which store, with the
//! metadata `status` shows, so listing never touches the keyring; and the hosted connections
//! (Airbyte connectors, BlueNexus connections) oauthctl created, which hold no secret at all.
//!
//! The file is JSON with one entry per line:
//!
//! ```text
//! {"version":3,"accounts":[
//! {"target":"gmail:alice@example.com","provider":"gmail",…},
//! {"target":"slack:Acme/U1","provider":"slack",…}
//! ],"connections":[
//! {"kind":"airbyte","target":"airbyte:gmail-alice",…}
//! ],"registrations":[
//! {"issuer":"https://as.example.com","client_id":"…",…}
//! ]}
//! ```
//!
//! with the account lines sorted by their target's JSON string, so that `token` finds its line by
//! binary search over the file, as look(1) does ([`lookup`]): about log2(n) small reads, whatever
//! the number of accounts. Everything else parses the file whole. Version 2 files (the same
//! layout, sorted by provider and account) and version 1 files (pretty-printed) are parsed whole
//! and rewritten as version 3 on the next write.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Error, StoreKind};
use crate::clock;
use crate::fsutil::{self, Trust};

pub const FILE_NAME: &str = "accounts.json";
const VERSION: u32 = 3;
const HEAD: &str = "{\"version\":3,\"accounts\":[\n";
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

/// The account `target` names, found by binary search over the sorted account lines (version 3
/// files); older files, and a search that finds nothing (a file edited out of order), are
/// answered by parsing the whole file.
pub fn lookup(dir: &Path, target: &str) -> Result<Lookup, Error> {
    let (provider, account) = parse_target(target)?;
    let full = || -> Result<Lookup, Error> { Ok(Index::from_loaded(load(dir)?).lookup(provider, account)) };
    let Some((file, len)) = fsutil::open_trusted(&path(dir), Trust::Config, LIMIT).map_err(Error::File)? else {
        return Ok(Lookup::None);
    };
    let io = |e: std::io::Error| Error::File(fsutil::Error::io(&path(dir), "cannot read", e));
    let mut lines = Lines { file, len };
    let first = HEAD.len() as u64;
    match lines.line_at(0, 0).map_err(io)? {
        Some((0, head, _)) if head.len() + 1 == HEAD.len() && HEAD.as_bytes().starts_with(&head) => {}
        _ => return full(),
    }
    // The JSON string of the target (exact), or its opening part `"PROVIDER:` (every account of
    // the provider): the keys of matching lines are equal to it, or start with it.
    let json = |s: &str| serde_json::to_string(s).expect("strings serialize");
    let (wanted, exact) = match account {
        Some(a) => (json(&super::record::key(provider, a)), true),
        None => {
            let mut p = json(&format!("{provider}:"));
            p.pop();
            (p, false)
        }
    };
    let wanted = wanted.as_bytes();
    // Narrow down to where the first line whose key is not below `wanted` starts (non-account
    // lines sort last), then read on from there: the last few lines are cheaper to read in order
    // than to bisect.
    let (mut lo, mut hi) = (first, len);
    while lo < hi && hi - lo > BLOCK as u64 {
        let mid = lo + (hi - lo) / 2;
        match lines.line_at(mid, first).map_err(io)? {
            Some((start, line, next)) if start < hi && key_of(&line).is_some_and(|k| k < wanted) => lo = next,
            _ => hi = mid,
        }
    }
    let mut found: Vec<Vec<u8>> = Vec::new();
    let mut pos = lo;
    while let Some((_, line, next)) = lines.line_at(pos, first).map_err(io)? {
        let Some(key) = key_of(&line) else { break };
        if key < wanted {
            pos = next;
            continue;
        }
        if (exact && key != wanted) || !key.starts_with(wanted) {
            break;
        }
        found.push(line);
        if exact {
            break;
        }
        pos = next;
    }
    let parse = |line: &[u8]| -> Result<Entry, Error> {
        let line = line.strip_suffix(b",").unwrap_or(line);
        serde_json::from_slice(line).map_err(|e| corrupt(dir, e.to_string()))
    };
    match found.as_slice() {
        [] => full(),
        [one] => Ok(Lookup::One(Box::new(parse(one)?))),
        many => Ok(Lookup::Many(many.iter().map(|l| parse(l).map(|e| e.target)).collect::<Result<_, _>>()?)),
    }
}

/// The JSON string (with its quotes) that starts an account line, `None` for other lines.
fn key_of(line: &[u8]) -> Option<&[u8]> {
    let rest = line.strip_prefix(b"{\"target\":")?;
    if rest.first() != Some(&b'"') {
        return None;
    }
    let mut i = 1;
    while i < rest.len() {
        match rest[i] {
            b'\\' => i += 2,
            b'"' => return Some(&rest[..=i]),
            _ => i += 1,
        }
    }
    None
}

/// Lines of the index file read in blocks, by offset.
struct Lines {
    file: std::fs::File,
    len: u64,
}

/// The first read of a line: most lines (~300 bytes) and the end of the one before fit; each
/// further read of the same line doubles.
const BLOCK: usize = 2048;

#[cfg(test)]
thread_local! {
    /// Reads and bytes read by [`Lines`] on this thread (tests check that a lookup reads little).
    static READ: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, 0)) };
}

impl Lines {
    fn read_at(&mut self, pos: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&self.file, buf, pos)?;
        #[cfg(not(unix))]
        let n = {
            use std::io::{Read, Seek, SeekFrom};
            self.file.seek(SeekFrom::Start(pos))?;
            self.file.read(buf)?
        };
        #[cfg(test)]
        READ.with(|r| r.set((r.get().0 + 1, r.get().1 + n as u64)));
        Ok(n)
    }

    /// The first line that starts at or after `pos` (lines start at `first` or after a newline):
    /// its start, its bytes without the newline, and where the next line starts.
    fn line_at(&mut self, pos: u64, first: u64) -> std::io::Result<Option<(u64, Vec<u8>, u64)>> {
        let mut block = vec![0u8; BLOCK];
        let mut reads = 0;
        // Where to start reading: the byte before `pos` tells whether a line starts at `pos`.
        let mut at = if pos <= first { first } else { pos - 1 };
        let mut start = if pos <= first { Some(first) } else { None };
        let mut line = Vec::new();
        while at < self.len {
            if reads > 0 && block.len() < 64 * BLOCK {
                block.resize(block.len() * 2, 0);
            }
            reads += 1;
            let n = self.read_at(at, &mut block)?;
            if n == 0 {
                break;
            }
            let mut chunk = &block[..n];
            if start.is_none() {
                match memchr(b'\n', chunk) {
                    Some(i) => {
                        start = Some(at + i as u64 + 1);
                        chunk = &chunk[i + 1..];
                    }
                    None => {
                        at += n as u64;
                        continue;
                    }
                }
            }
            match memchr(b'\n', chunk) {
                Some(i) => {
                    line.extend_from_slice(&chunk[..i]);
                    let s = start.expect("set above");
                    let next = s + line.len() as u64 + 1;
                    return Ok(Some((s, line, next)));
                }
                None => line.extend_from_slice(chunk),
            }
            at += n as u64;
        }
        Ok(match start {
            Some(s) if s < self.len => {
                let next = s + line.len() as u64;
                Some((s, line, next))
            }
            _ => None,
        })
    }
}

fn memchr(byte: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|b| *b == byte)
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
    // Sorted by the JSON string that starts each line: what [`lookup`]'s binary search compares.
    idx.accounts.sort_by_cached_key(|e| serde_json::to_string(&e.key()).expect("strings serialize"));
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
        let keys: std::collections::HashSet<String> = entries.iter().map(Entry::key).collect();
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

    fn targets(l: Lookup) -> Vec<String> {
        match l {
            Lookup::One(e) => vec![e.target],
            Lookup::Many(t) => t,
            Lookup::None => vec![],
        }
    }

    #[test]
    fn binary_search_agrees_with_the_full_parse_and_reads_little() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // Providers that are prefixes of each other, and names whose JSON escaping and byte order
        // differ from their plain order ('-' sorts before ':' and '"').
        let providers = ["a", "a-b", "git", "github", "gmail", "z"];
        let accounts = ["x", "x\"q", "back\\slash", "\u{e9}t\u{e9}", "c:o:lon", "-dash", "tab-less", "zz"];
        let mut entries = Vec::new();
        for (i, p) in providers.iter().enumerate() {
            for n in 0..400 {
                let mut e = sample_entry(p, &format!("{}{n:03}", accounts[n % accounts.len()]));
                if n == 7 * (i + 1) {
                    // A line longer than several read blocks.
                    e.scopes = (0..900).map(|k| format!("https://scope.test/{k}")).collect();
                }
                entries.push(e);
            }
        }
        upsert(d, entries.clone()).unwrap();
        let size = std::fs::metadata(d.join(FILE_NAME)).unwrap().len();
        let idx = load(d).unwrap();
        let mut reads = Vec::new();
        for e in &entries {
            READ.with(|r| r.set((0, 0)));
            assert_eq!(one(lookup(d, &e.key()).unwrap()).scopes, e.scopes, "{}", e.key());
            reads.push(READ.with(|r| r.get()));
        }
        // About log2(lines) reads of a block each; more where the search meets the few lines
        // that are longer than many blocks, but never the whole file.
        reads.sort();
        let (median, most) = (reads[reads.len() / 2], reads[reads.len() - 1]);
        assert!(median.0 <= 16 && median.1 <= 16 * 2048, "median lookup: {median:?} of {size} bytes");
        assert!(most.0 <= 40 && most.1 * 3 < size, "the costliest lookup: {most:?} of {size} bytes");
        for p in providers {
            assert_eq!(targets(lookup(d, p).unwrap()), targets(idx.lookup(p, None)), "{p}");
            assert!(matches!(lookup(d, &format!("{p}:nobody")).unwrap(), Lookup::None));
        }
        assert!(matches!(lookup(d, "gi").unwrap(), Lookup::None));
        assert!(matches!(lookup(d, "gmail:x").unwrap(), Lookup::None), "an account is matched whole");
    }

    #[test]
    fn an_index_out_of_order_is_still_answered() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // Version 2 sorted by (provider, account); then a version 3 file edited by hand.
        let line = |p: &str, a: &str| {
            let mut e = sample_entry(p, a);
            e.target = e.key();
            serde_json::to_string(&e).unwrap()
        };
        for head in ["{\"version\":2,\"accounts\":[\n", HEAD] {
            let text = format!(
                "{head}{},\n{},\n{}\n],\"connections\":[\n],\"registrations\":[\n]}}\n",
                line("a", "1"),
                line("a-b", "2"),
                line("a", "0")
            );
            fsutil::write_atomic(&d.join(FILE_NAME), text.as_bytes()).unwrap();
            assert_eq!(one(lookup(d, "a:0").unwrap()).account, "0", "{head}");
            assert_eq!(one(lookup(d, "a-b").unwrap()).account, "2", "{head}");
        }
        upsert(d, vec![sample_entry("b", "3")]).unwrap();
        let text = std::fs::read_to_string(d.join(FILE_NAME)).unwrap();
        assert!(text.starts_with(HEAD), "rewritten as version 3: {text}");
        assert!(text.find("\"a-b:2\"").unwrap() < text.find("\"a:0\"").unwrap(), "sorted by the JSON key");
        assert_eq!(targets(lookup(d, "a").unwrap()), ["a:0", "a:1"]);
    }

    #[test]
    fn bad_targets_are_refused() {
        for t in ["", ":a", "gmail:", "gm\u{1b}ail"] {
            assert!(matches!(parse_target(t), Err(Error::BadTarget(_))), "{t:?}");
        }
    }
}
