//! The catalog: built-in entries (`catalog.toml`, embedded in the binary) merged with the user's
//! `providers.toml`. Only the entries a command asks for are parsed: a built-in entry is found by
//! its `[providers.NAME]` header and parsed alone, so looking up one provider costs the same with
//! four entries or four hundred.
//!
//! Merging is per key: a key in `providers.toml` replaces the built-in's value whole. An override
//! that moves the authorization or token endpoint inherits none of the built-in's other endpoint
//! fields ([`ENDPOINT_FIELDS`]): the issuer, userinfo, revocation, device and follow-up URLs belong
//! to the server that was replaced. Quirk fields (client auth, body format, parameters, parsing
//! rules, hints) are kept, and so are those inside `follow_up` (its scheme and extras): a
//! `follow_up` that sets only its `url` moves the request and keeps the rest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::schema::{ACCOUNT_SOURCES, ENDPOINT_FIELDS, Provider, Source, URL_FIELDS, fill_template};
use super::{check_endpoint, valid_name};
use crate::fsutil::{self, Trust};

pub const FILE_NAME: &str = "providers.toml";
const BUILTIN: &str = include_str!("catalog.toml");
const USER_FILE_LIMIT: u64 = 1024 * 1024;

/// A configuration problem, located as precisely as it can be: file, entry, field, line.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub file: String,
    pub entry: Option<String>,
    pub field: Option<String>,
    pub line: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(entry) = &self.entry {
            write!(f, ": [providers.{entry}]")?;
        }
        if let Some(field) = &self.field {
            write!(f, " {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Why the catalog could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    Config(ConfigError),
    File(fsutil::Error),
}

impl From<ConfigError> for LoadError {
    fn from(e: ConfigError) -> Self {
        LoadError::Config(e)
    }
}

/// The user's providers.toml, checked for types and unknown fields, kept as tables for merging.
struct UserFile {
    path: String,
    text: String,
    tables: BTreeMap<String, toml::Table>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    providers: BTreeMap<String, toml::Table>,
}

pub struct Catalog {
    user: Option<UserFile>,
}

impl Catalog {
    /// The built-in entries alone.
    pub fn builtin() -> Self {
        Catalog { user: None }
    }

    /// Built-ins plus `providers.toml` in `config_dir` when it exists. The file must be a regular
    /// file of the user's that nobody else can write (it says where tokens are sent).
    pub fn load(config_dir: &Path) -> Result<Self, LoadError> {
        let path = config_dir.join(FILE_NAME);
        let Some(bytes) = fsutil::read_trusted(&path, Trust::Config, USER_FILE_LIMIT).map_err(LoadError::File)? else {
            return Ok(Catalog::builtin());
        };
        let text = String::from_utf8(bytes).map_err(|_| ConfigError {
            file: path.display().to_string(),
            entry: None,
            field: None,
            line: None,
            message: "is not UTF-8 text".into(),
        })?;
        Ok(Self::with_user_text(&text, &path)?)
    }

    pub fn with_user_text(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let file = path.display().to_string();
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_at(text, s.start));
            let entry = line.and_then(|l| entry_at_line(text, l));
            ConfigError { file: file.clone(), entry, field: None, line, message: e.message().trim().to_string() }
        })?;
        // Each key alone, so that a wrong type or an unknown field is located exactly.
        for (name, table) in &raw.providers {
            for (key, value) in table {
                let one: toml::Table = [(key.clone(), value.clone())].into_iter().collect();
                if let Err(e) = from_table(one) {
                    return Err(ConfigError {
                        file,
                        entry: Some(name.clone()),
                        field: Some(key.clone()),
                        line: line_of(text, name, key),
                        message: e.message().trim().to_string(),
                    });
                }
            }
        }
        let catalog = Catalog { user: Some(UserFile { path: file, text: text.to_string(), tables: raw.providers }) };
        // Every entry of the file is checked now, so a mistake is reported whatever is asked for.
        for name in catalog.user.as_ref().expect("set").tables.keys() {
            catalog.get(name)?;
        }
        Ok(catalog)
    }

    /// The entry `name`, or `None` when neither the built-ins nor providers.toml has it.
    pub fn get(&self, name: &str) -> Result<Option<Provider>, ConfigError> {
        let builtin = builtin_table(name);
        let user = self.user.as_ref().and_then(|u| u.tables.get(name).map(|t| (u, t)));
        let (table, source) = match (builtin, user) {
            (None, None) => return Ok(None),
            (Some(b), None) => (b, Source::Builtin),
            (None, Some((_, u))) => (u.clone(), Source::User),
            (Some(b), Some((_, u))) => (merge(b, u), Source::Overridden),
        };
        let locate = |field: Option<&str>, message: String| {
            let (file, line) = match (user, field) {
                (Some((u, t)), Some(f)) if t.contains_key(f) => (u.path.clone(), line_of(&u.text, name, f)),
                (Some((u, _)), _) => (u.path.clone(), line_of(&u.text, name, "")),
                (None, _) => ("the built-in catalog".to_string(), None),
            };
            ConfigError { file, entry: Some(name.to_string()), field: field.map(str::to_string), line, message }
        };
        let mut provider: Provider = from_table(table).map_err(|e| locate(None, e.message().to_string()))?;
        provider.name = name.to_string();
        provider.source = source;
        if provider.display_name.is_empty() {
            provider.display_name = name.to_string();
        }
        validate(&provider).map_err(|(field, msg)| locate(Some(field), msg))?;
        Ok(Some(provider))
    }

    /// Every entry, sorted by name.
    pub fn all(&self) -> Result<Vec<Provider>, ConfigError> {
        let mut names: Vec<&str> = builtin_names().collect();
        if let Some(u) = &self.user {
            names.extend(u.tables.keys().map(String::as_str));
        }
        names.sort_unstable();
        names.dedup();
        names.into_iter().map(|n| self.get(n).map(|p| p.expect("listed names exist"))).collect()
    }

    /// Every name, built-in and user-defined (for "did you mean").
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = builtin_names().map(str::to_string).collect();
        if let Some(u) = &self.user {
            names.extend(u.tables.keys().cloned());
        }
        names.sort();
        names.dedup();
        names
    }

    pub fn user_file(&self) -> Option<PathBuf> {
        self.user.as_ref().map(|u| PathBuf::from(&u.path))
    }
}

/// The names of the built-in entries, in file order (sorted: a test checks it).
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    BUILTIN.lines().filter_map(header_name)
}

/// `NAME` of a `[providers.NAME]` line.
fn header_name(line: &str) -> Option<&str> {
    line.trim().strip_prefix("[providers.")?.strip_suffix(']').map(str::trim)
}

/// The text of one built-in entry: its header up to the next header.
fn builtin_section(name: &str) -> Option<&'static str> {
    let mut start = None;
    let mut offset = 0;
    for line in BUILTIN.split_inclusive('\n') {
        let is_header = header_name(line).is_some();
        match start {
            None if header_name(line) == Some(name) => start = Some(offset),
            Some(s) if is_header => return Some(&BUILTIN[s..offset]),
            _ => {}
        }
        offset += line.len();
    }
    start.map(|s| &BUILTIN[s..])
}

fn builtin_table(name: &str) -> Option<toml::Table> {
    let section = builtin_section(name)?;
    let raw: RawFile = toml::from_str(section).expect("the built-in catalog parses (tested)");
    raw.providers.into_iter().next().map(|(_, t)| t)
}

/// The one way a [`Provider`] is read (built-in, providers.toml, a credential's snapshot): one
/// deserializer for a large struct keeps the binary small.
pub fn from_table(table: toml::Table) -> Result<Provider, toml::de::Error> {
    Provider::deserialize(toml::Value::Table(table))
}

fn merge(mut builtin: toml::Table, user: &toml::Table) -> toml::Table {
    let builtin_follow_up = builtin.get("follow_up").and_then(toml::Value::as_table).cloned();
    let moved = ["authorization_url", "token_url"].iter().any(|f| match (user.get(*f), builtin.get(*f)) {
        (Some(new), old) => Some(new) != old,
        (None, _) => false,
    });
    if moved {
        for f in ENDPOINT_FIELDS {
            builtin.remove(*f);
        }
    }
    for (k, v) in user {
        let v = match (k.as_str(), v, &builtin_follow_up) {
            ("follow_up", toml::Value::Table(set), Some(kept)) => {
                let mut t = kept.clone();
                t.extend(set.iter().map(|(k, v)| (k.clone(), v.clone())));
                toml::Value::Table(t)
            }
            _ => v.clone(),
        };
        builtin.insert(k.clone(), v);
    }
    builtin
}

/// The checks serde cannot make: names, https endpoints, fillable templates, known sources.
fn validate(p: &Provider) -> Result<(), (&'static str, String)> {
    if !valid_name(&p.name) {
        return Err(("name", "a provider name takes lowercase letters, digits and '-'".into()));
    }
    if p.source == Source::User && p.issuer.is_none() {
        let missing: Vec<&str> = [("authorization_url", &p.authorization_url), ("token_url", &p.token_url)]
            .into_iter()
            .filter_map(|(f, v)| v.is_empty().then_some(f))
            .collect();
        if !missing.is_empty() {
            return Err((
                missing[0],
                format!("a new provider needs {} (or an issuer to discover them from)", missing.join(" and ")),
            ));
        }
    }
    let examples: BTreeMap<String, String> = p
        .template_names()
        .into_iter()
        .chain(super::schema::IMPLICIT_TEMPLATES.iter().map(|s| s.to_string()))
        .map(|n| {
            let v = p.params.get(&n).and_then(|s| s.default.clone()).unwrap_or_else(|| "example".into());
            (n, v)
        })
        .collect();
    for field in URL_FIELDS {
        let Some(value) = p.url_field(field) else { continue };
        for name in super::schema::templates_in(value) {
            if !p.params.contains_key(&name) && !super::schema::IMPLICIT_TEMPLATES.contains(&name.as_str()) {
                return Err((field, format!("uses {{{name}}}, which has no entry in params")));
            }
        }
        let filled = fill_template(value, &examples).unwrap_or_else(|_| value.to_string());
        check_endpoint(&filled).map_err(|msg| (*field, format!("{value:?} {msg}")))?;
    }
    if let Some(f) = &p.follow_up {
        let filled = fill_template(&f.url, &examples).unwrap_or_else(|_| f.url.clone());
        check_endpoint(&filled).map_err(|msg| ("follow_up", format!("{:?} {msg}", f.url)))?;
    }
    if p.scope_separator.is_empty() {
        return Err(("scope_separator", "must not be empty".into()));
    }
    for source in &p.account {
        let kind = source.split_once(':').map(|(k, _)| k).unwrap_or_default();
        if !ACCOUNT_SOURCES.contains(&kind) {
            return Err((
                "account",
                format!("{source:?} is not SOURCE:PATH with SOURCE one of {}", ACCOUNT_SOURCES.join(", ")),
            ));
        }
    }
    if !matches!(p.redirect_scheme.as_str(), "http" | "https") {
        return Err(("redirect_scheme", format!("{:?} is not http or https", p.redirect_scheme)));
    }
    if !matches!(p.redirect_host.as_str(), "127.0.0.1" | "localhost" | "[::1]") {
        return Err(("redirect_host", format!("{:?} is not 127.0.0.1, localhost or [::1]", p.redirect_host)));
    }
    if !p.redirect_path.starts_with('/') {
        return Err(("redirect_path", "must start with '/'".into()));
    }
    Ok(())
}

/// 1-based line of byte `offset`.
fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count() + 1
}

/// The entry whose section holds `line`.
fn entry_at_line(text: &str, line: usize) -> Option<String> {
    text.lines().take(line).filter_map(header_name).last().map(str::to_string)
}

/// The line of `field` inside `[providers.ENTRY]` (the header's line for an empty field).
fn line_of(text: &str, entry: &str, field: &str) -> Option<usize> {
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with('[') {
            if inside {
                return None;
            }
            inside = header_name(t) == Some(entry);
            if inside && field.is_empty() {
                return Some(i + 1);
            }
            continue;
        }
        if inside && let Some(rest) = t.strip_prefix(field) {
            let rest = rest.trim_start();
            if rest.starts_with('=') {
                return Some(i + 1);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::schema::{self, RefreshPolicy, TokenAuth};

    fn with(text: &str) -> Result<Catalog, ConfigError> {
        Catalog::with_user_text(text, Path::new("/cfg/providers.toml"))
    }

    #[test]
    fn the_builtin_catalog_is_sorted_unique_and_every_entry_loads() {
        let names: Vec<&str> = builtin_names().collect();
        assert!(names.len() >= 2);
        for pair in names.windows(2) {
            assert!(pair[0] < pair[1], "{} must sort before {} (and names are unique)", pair[0], pair[1]);
        }
        // Loading one entry alone gives what parsing the whole file gives.
        let whole: RawFile = toml::from_str(BUILTIN).unwrap();
        assert_eq!(whole.providers.len(), names.len(), "every table has a [providers.NAME] header of its own");
        for (name, table) in whole.providers {
            assert_eq!(builtin_table(&name).as_ref(), Some(&table), "{name}");
            let p = Catalog::builtin().get(&name).unwrap().unwrap();
            assert_eq!(p.source, Source::Builtin);
        }
    }

    /// What every built-in entry must have, beyond loading: what it is for and how to set it
    /// up, https endpoints (checked by `validate`), scopes unless the provider takes none, an
    /// account-name source, and a default for every template that is not obvious.
    #[test]
    fn every_builtin_entry_is_complete() {
        for name in builtin_names() {
            let p = Catalog::builtin().get(name).unwrap().unwrap();
            assert!(!p.display_name.is_empty() && p.display_name != name || name.len() <= 2, "{name}: display_name");
            assert!(!p.description.is_empty() && p.description.chars().count() < 70, "{name}: a one-line description");
            assert!(p.setup.len() > 80, "{name}: setup notes (where to create the app, the redirect URI, review)");
            assert!(p.docs.as_deref().is_some_and(|d| d.starts_with("https://")), "{name}: the doc followed");
            assert!(!p.scopes.is_empty() || p.scope_param.is_empty(), "{name}: default scopes");
            assert!(!p.account.is_empty(), "{name}: where the account name comes from");
            let mut scopes = p.scopes.clone();
            scopes.sort();
            scopes.dedup();
            assert_eq!(scopes.len(), p.scopes.len(), "{name} repeats a scope");
            for t in p.template_names() {
                let spec = p.params.get(&t).unwrap_or_else(|| panic!("{name}: {{{t}}} has no params entry"));
                assert!(
                    spec.default.is_some() || !spec.description.is_empty(),
                    "{name}: {{{t}}} needs a default or a description"
                );
            }
            let discovered = p.issuer.is_some() && p.token_url.is_empty() && p.authorization_url.is_empty();
            assert!(
                discovered || p.token_url.starts_with("https://") && p.authorization_url.starts_with("https://"),
                "{name}: https endpoints, or an issuer to discover them from"
            );
            if p.device_scopes.is_some() {
                assert!(p.device_authorization_url.is_some(), "{name}: device_scopes without a device endpoint");
            }
            // GitHub's DELETE /applications/{client_id}/grant ends every token of the grant
            // (docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization): a
            // reconnect must not send the superseded token there.
            if p.revocation == Some(schema::Revocation::Github) {
                assert_eq!(p.revocation_scope, schema::RevocationScope::Grant, "{name}: a grant revocation");
            }
        }
    }

    #[test]
    fn builtins_load_without_a_file() {
        let c = Catalog::builtin();
        let g = c.get("gmail").unwrap().unwrap();
        assert!(g.scopes.iter().any(|s| s.ends_with("gmail.send")));
        assert_eq!(g.authorization_params.get("access_type").map(String::as_str), Some("offline"));
        assert!(g.wants_offline(&g.scopes));
        assert!(c.get("nope").unwrap().is_none());
    }

    #[test]
    fn override_changes_only_what_it_sets_and_drops_the_moved_servers_endpoints() {
        let c = with(
            "[providers.gmail]\nauthorization_url = \"http://127.0.0.1:9999/auth\"\ntoken_url = \"http://127.0.0.1:9999/token\"\n",
        )
        .unwrap();
        let g = c.get("gmail").unwrap().unwrap();
        assert_eq!(g.token_url, "http://127.0.0.1:9999/token");
        assert_eq!(g.source, Source::Overridden);
        assert!(g.scopes.iter().any(|s| s.ends_with("gmail.send")), "scopes kept");
        assert_eq!(g.authorization_params.get("prompt").map(String::as_str), Some("consent"), "quirks kept");
        assert!(g.hint("no_refresh_token").is_some(), "hints kept");
        assert_eq!(g.issuer, None, "Google's issuer is not inherited by a test server");
        assert_eq!(g.userinfo_url, None, "nor Google's userinfo endpoint");
        assert_eq!(g.revocation_url, None);

        // An override that keeps the endpoints keeps the rest too.
        let c = with("[providers.gmail]\nscopes = [\"openid\"]\n").unwrap();
        let g = c.get("gmail").unwrap().unwrap();
        assert_eq!(g.issuer.as_deref(), Some("https://accounts.google.com"));
        assert_eq!(g.scopes, ["openid"]);

        // A follow-up request moved with them keeps its scheme and extras.
        let c = with(
            "[providers.mailchimp]\ntoken_url = \"http://127.0.0.1:1/t\"\nfollow_up = { url = \"http://127.0.0.1:1/meta\" }\n",
        )
        .unwrap();
        let f = c.get("mailchimp").unwrap().unwrap().follow_up.unwrap();
        assert_eq!(
            (f.url.as_str(), f.auth.as_str(), f.extras["dc"].as_str()),
            ("http://127.0.0.1:1/meta", "OAuth", "dc")
        );

        // The moved server's own issuer, when given, is used.
        let c =
            with("[providers.gmail]\ntoken_url = \"http://127.0.0.1:1/t\"\nissuer = \"http://127.0.0.1:1\"\n").unwrap();
        assert_eq!(c.get("gmail").unwrap().unwrap().issuer.as_deref(), Some("http://127.0.0.1:1"));
    }

    #[test]
    fn user_entry_needs_endpoints_and_https() {
        let e = with("[providers.acme]\nscopes=[\"a\"]\n").err().unwrap();
        assert!(e.message.contains("authorization_url and token_url"), "{e}");
        assert_eq!((e.entry.as_deref(), e.line), (Some("acme"), Some(1)));

        let e = with(
            "[providers.acme]\nauthorization_url=\"http://auth.acme.test/a\"\ntoken_url=\"https://auth.acme.test/t\"\n",
        )
        .err()
        .unwrap();
        assert!(e.message.contains("must use https"), "{e}");
        assert_eq!((e.field.as_deref(), e.line), (Some("authorization_url"), Some(2)));
        assert_eq!(
            e.to_string(),
            "/cfg/providers.toml:2: [providers.acme] authorization_url: \"http://auth.acme.test/a\" must use https (plain http is allowed only for 127.0.0.1, [::1] and localhost)"
        );
    }

    #[test]
    fn unknown_fields_and_bad_types_name_file_entry_and_line() {
        let e = with("[providers.gmail]\nscopes = [\"a\"]\ntoken_uri = \"x\"\n").err().unwrap();
        assert!(e.message.contains("token_uri"), "{e}");
        assert_eq!((e.entry.as_deref(), e.line), (Some("gmail"), Some(3)));
        let e = with("[providers.gmail]\ntoken_auth = \"magic\"\n").err().unwrap();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.message.contains("magic") || e.message.contains("variant"), "{e}");
    }

    #[test]
    fn templates_need_a_param_and_fill_for_validation() {
        let ok = "[providers.ms]\nauthorization_url = \"https://login.test/{tenant}/a\"\ntoken_url = \"https://login.test/{tenant}/t\"\n\
                  params = { tenant = { default = \"common\" } }\n";
        let p = with(ok).unwrap().get("ms").unwrap().unwrap();
        assert_eq!(p.template_names(), ["tenant"]);
        let bad = "[providers.ms]\nauthorization_url = \"https://login.test/{tenant}/a\"\ntoken_url = \"https://login.test/t\"\n";
        let e = with(bad).err().unwrap();
        assert!(e.message.contains("{tenant}"), "{e}");
    }

    #[test]
    fn every_field_of_a_user_entry_is_read() {
        let p = with(
            "[providers.acme]\nauthorization_url = \"https://a.test/a\"\ntoken_url = \"https://a.test/t\"\n\
             token_auth = \"client_secret_basic\"\nbody_format = \"json\"\nrefresh_token = \"rotating\"\n\
             nested_tokens = { user = \"authed_user\" }\nextras = { team_id = \"team.id\" }\naccount = [\"response:team.name\"]\n",
        )
        .unwrap()
        .get("acme")
        .unwrap()
        .unwrap();
        assert_eq!(p.token_auth, TokenAuth::ClientSecretBasic);
        assert_eq!(p.refresh_policy(), RefreshPolicy::Rotating);
        assert_eq!(p.extras["team_id"], "team.id");
        let e = with("[providers.acme]\nauthorization_url = \"https://a.test/a\"\ntoken_url = \"https://a.test/t\"\naccount = [\"email\"]\n")
            .err()
            .unwrap();
        assert_eq!(e.field.as_deref(), Some("account"));
    }
}
