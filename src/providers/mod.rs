//! The provider catalog: built-in entries (data in the binary) merged with `providers.toml` from
//! the config dir. An entry named like a built-in overrides only the fields it sets.

mod builtin;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How the client authenticates at the token endpoint (RFC 6749 §2.3.1, OIDC Core §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenAuth {
    ClientSecretPost,
    ClientSecretBasic,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Builtin,
    /// A built-in with fields overridden in providers.toml.
    Overridden,
    /// Defined only in providers.toml.
    User,
}

#[derive(Debug, Clone, Serialize)]
pub struct Provider {
    pub name: String,
    pub display_name: String,
    pub authorization_url: String,
    pub token_url: String,
    pub revocation_url: Option<String>,
    pub userinfo_url: Option<String>,
    pub issuer: Option<String>,
    pub scopes: Vec<String>,
    pub client_id: Option<String>,
    pub authorization_params: BTreeMap<String, String>,
    pub token_auth: TokenAuth,
    pub pkce: bool,
    pub scope_separator: String,
    /// The provider hands out a new refresh token on every refresh and invalidates the old one.
    pub rotates_refresh_tokens: bool,
    pub source: Source,
}

impl Provider {
    fn from_builtin(b: &builtin::Builtin) -> Self {
        Provider {
            name: b.name.into(),
            display_name: b.display_name.into(),
            authorization_url: b.authorization_url.into(),
            token_url: b.token_url.into(),
            revocation_url: b.revocation_url.map(Into::into),
            userinfo_url: b.userinfo_url.map(Into::into),
            issuer: b.issuer.map(Into::into),
            scopes: b.scopes.iter().map(|s| s.to_string()).collect(),
            client_id: None,
            authorization_params: b.authorization_params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            token_auth: b.token_auth,
            pkce: b.pkce,
            scope_separator: b.scope_separator.into(),
            rotates_refresh_tokens: b.rotates_refresh_tokens,
            source: Source::Builtin,
        }
    }

    /// Whether the authorization asks for offline access, so a refresh token is expected.
    pub fn wants_offline(&self, scopes: &[String]) -> bool {
        self.authorization_params.get("access_type").is_some_and(|v| v == "offline")
            || self.authorization_params.get("token_access_type").is_some_and(|v| v == "offline")
            || scopes.iter().any(|s| s == "offline_access")
    }

    /// Whether this provider is Google (for Google-specific advice): a Google endpoint, or a
    /// Google built-in, even one pointed elsewhere by providers.toml.
    pub fn is_google(&self) -> bool {
        self.token_url.starts_with("https://oauth2.googleapis.com/")
            || (self.source != Source::User && matches!(self.name.as_str(), "gmail" | "google-drive"))
    }
}

/// One `[providers.NAME]` table in providers.toml. Every field is optional so that an entry named
/// like a built-in can override just what it sets.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserEntry {
    display_name: Option<String>,
    authorization_url: Option<String>,
    token_url: Option<String>,
    revocation_url: Option<String>,
    userinfo_url: Option<String>,
    issuer: Option<String>,
    scopes: Option<Vec<String>>,
    client_id: Option<String>,
    authorization_params: Option<BTreeMap<String, String>>,
    token_auth: Option<TokenAuth>,
    pkce: Option<bool>,
    scope_separator: Option<String>,
    rotates_refresh_tokens: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserFile {
    #[serde(default)]
    providers: BTreeMap<String, UserEntry>,
}

pub struct Catalog {
    providers: BTreeMap<String, Provider>,
}

pub const FILE_NAME: &str = "providers.toml";

impl Catalog {
    /// Built-ins plus `providers.toml` in `config_dir` when it exists.
    pub fn load(config_dir: &Path) -> Result<Self> {
        let path = config_dir.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(crate::error::io_error("reading", &path, e)),
        };
        Self::from_parts(text.as_deref(), &path.display().to_string())
    }

    fn from_parts(user_toml: Option<&str>, origin: &str) -> Result<Self> {
        let mut providers: BTreeMap<String, Provider> =
            builtin::BUILTINS.iter().map(|b| (b.name.to_string(), Provider::from_builtin(b))).collect();
        if let Some(text) = user_toml {
            let file: UserFile = toml::from_str(text).map_err(|e| {
                Error::usage(format!("{origin} is not valid: {}", e.message().trim()))
                    .with_hint("see `oauthctl providers gmail` for the fields an entry takes")
            })?;
            for (name, entry) in file.providers {
                let merged = merge(providers.remove(&name), &name, entry)
                    .map_err(|e| e.context(format!("{origin}: [providers.{name}]")))?;
                providers.insert(name, merged);
            }
        }
        Ok(Catalog { providers })
    }

    pub fn get(&self, name: &str) -> Result<&Provider> {
        self.providers.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.providers.keys().map(String::as_str).collect();
            Error::not_found(format!("unknown provider {name:?} (known: {})", known.join(", ")))
                .with_hint(format!("add it under [providers.{name}] in {FILE_NAME} in the config directory"))
        })
    }

    pub fn all(&self) -> impl Iterator<Item = &Provider> {
        self.providers.values()
    }
}

fn merge(base: Option<Provider>, name: &str, e: UserEntry) -> Result<Provider> {
    if !valid_name(name) {
        return Err(Error::usage("a provider name takes lowercase letters, digits and '-'"));
    }
    let mut p = match base {
        Some(mut p) => {
            p.source = Source::Overridden;
            p
        }
        None => {
            let missing: Vec<&str> =
                [("authorization_url", e.authorization_url.is_none()), ("token_url", e.token_url.is_none())]
                    .into_iter()
                    .filter_map(|(f, m)| m.then_some(f))
                    .collect();
            if !missing.is_empty() {
                return Err(Error::usage(format!("a new provider needs {}", missing.join(" and "))));
            }
            Provider {
                name: name.into(),
                display_name: name.into(),
                authorization_url: String::new(),
                token_url: String::new(),
                revocation_url: None,
                userinfo_url: None,
                issuer: None,
                scopes: Vec::new(),
                client_id: None,
                authorization_params: BTreeMap::new(),
                token_auth: TokenAuth::ClientSecretPost,
                pkce: true,
                scope_separator: " ".into(),
                rotates_refresh_tokens: false,
                source: Source::User,
            }
        }
    };
    macro_rules! set {
        ($field:ident) => {
            if let Some(v) = e.$field {
                p.$field = v;
            }
        };
        ($field:ident, opt) => {
            if let Some(v) = e.$field {
                p.$field = Some(v);
            }
        };
    }
    set!(display_name);
    set!(authorization_url);
    set!(token_url);
    set!(revocation_url, opt);
    set!(userinfo_url, opt);
    set!(issuer, opt);
    set!(scopes);
    set!(client_id, opt);
    set!(authorization_params);
    set!(token_auth);
    set!(pkce);
    set!(scope_separator);
    set!(rotates_refresh_tokens);
    for (field, value) in [
        ("authorization_url", Some(&p.authorization_url)),
        ("token_url", Some(&p.token_url)),
        ("revocation_url", p.revocation_url.as_ref()),
        ("userinfo_url", p.userinfo_url.as_ref()),
    ] {
        if let Some(v) = value {
            check_endpoint(v).map_err(|msg| Error::usage(format!("{field} {v:?} {msg}")))?;
        }
    }
    if p.scope_separator.is_empty() {
        return Err(Error::usage("scope_separator must not be empty"));
    }
    Ok(p)
}

/// Endpoints must be https; plain http only for loopback hosts (local servers and tests).
pub fn check_endpoint(value: &str) -> std::result::Result<(), &'static str> {
    let url = url::Url::parse(value).map_err(|_| "is not a URL")?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_host(&url) => Ok(()),
        "http" => Err("must use https (plain http is allowed only for 127.0.0.1, [::1] and localhost)"),
        _ => Err("must be an https URL"),
    }
}

pub fn is_loopback_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_load_without_a_file() {
        let c = Catalog::from_parts(None, "x").unwrap();
        let g = c.get("gmail").unwrap();
        assert!(g.scopes.iter().any(|s| s.ends_with("gmail.send")));
        assert_eq!(g.authorization_params.get("access_type").map(String::as_str), Some("offline"));
        assert!(g.wants_offline(&g.scopes));
        assert_eq!(c.get("nope").unwrap_err().kind, crate::error::Kind::NotFound);
    }

    #[test]
    fn override_changes_only_what_it_sets() {
        let toml = r#"
            [providers.gmail]
            authorization_url = "http://127.0.0.1:9999/auth"
            token_url = "http://127.0.0.1:9999/token"
        "#;
        let c = Catalog::from_parts(Some(toml), "x").unwrap();
        let g = c.get("gmail").unwrap();
        assert_eq!(g.token_url, "http://127.0.0.1:9999/token");
        assert_eq!(g.source, Source::Overridden);
        assert!(g.scopes.iter().any(|s| s.ends_with("gmail.send")), "scopes kept");
        assert_eq!(g.authorization_params.get("prompt").map(String::as_str), Some("consent"));
    }

    #[test]
    fn user_entry_needs_endpoints_and_https() {
        let missing = Catalog::from_parts(Some("[providers.acme]\nscopes=[\"a\"]\n"), "p.toml").err().unwrap();
        assert_eq!(missing.kind, crate::error::Kind::Usage);
        assert!(missing.message.contains("authorization_url and token_url"), "{}", missing.message);

        let http =
            "[providers.acme]\nauthorization_url=\"http://auth.acme.test/a\"\ntoken_url=\"https://auth.acme.test/t\"\n";
        let err = Catalog::from_parts(Some(http), "p.toml").err().unwrap();
        assert!(err.message.contains("must use https"), "{}", err.message);

        for ok in ["http://127.0.0.1:1/a", "http://[::1]:1/a", "http://localhost/a", "https://x.test/a"] {
            assert!(check_endpoint(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn unknown_fields_are_refused_by_name() {
        let err = Catalog::from_parts(Some("[providers.gmail]\ntoken_uri = \"x\"\n"), "p.toml").err().unwrap();
        assert!(err.message.contains("token_uri"), "{}", err.message);
    }

    #[test]
    fn names_are_lowercase_slugs() {
        assert!(valid_name("google-drive") && valid_name("m365"));
        assert!(!valid_name("Gmail") && !valid_name("a:b") && !valid_name("") && !valid_name("-x"));
    }
}
