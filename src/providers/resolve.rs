//! The provider resolver: a command asks for a provider by name and gets one from the built-in
//! catalog, `providers.toml`, a snapshot kept with a credential (providers found by discovery at
//! connect time), or discovery itself (an entry with an `issuer` and no endpoints). Commands never
//! look at where it came from.

use super::catalog::{Catalog, ConfigError};
use super::discovery;
use super::schema::{Provider, Source};
use crate::env::Env;
use crate::http::Http;

#[derive(Debug)]
pub enum Error {
    Unknown { name: String, suggestion: Option<String> },
    Config(ConfigError),
    Discovery { name: String, source: discovery::Error },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Unknown { name, .. } => write!(f, "unknown provider {name:?}"),
            Error::Config(e) => write!(f, "{e}"),
            Error::Discovery { name, source } => write!(f, "discovering {name}'s endpoints: {source}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

/// The provider `name`. `stored` is the snapshot a credential keeps of a discovered provider (so
/// `refresh` needs no network discovery); `discover`, when given, allows discovery (and lets an
/// entry's `issuer_from_env` variable move its issuer).
pub fn resolve(
    catalog: &Catalog,
    name: &str,
    stored: Option<&Provider>,
    discover: Option<(&Http, &Env)>,
) -> Result<Provider, Error> {
    let mut found = catalog.get(name)?;
    if let (Some(p), Some((_, env))) = (found.as_mut(), discover) {
        moved_by_env(p, env)?;
    }
    let mut provider = match (found, stored) {
        (Some(p), _) if !needs_discovery(&p) => return Ok(p),
        (_, Some(s)) => return Ok(Provider { name: name.to_string(), source: Source::Discovered, ..s.clone() }),
        (Some(p), None) => p,
        (None, None) => {
            let names = catalog.names();
            let suggestion = super::did_you_mean(name, names.iter().map(String::as_str)).map(str::to_string);
            return Err(Error::Unknown { name: name.into(), suggestion });
        }
    };
    let issuer = provider.issuer.clone().expect("needs_discovery implies an issuer");
    let Some((http, _)) = discover else {
        return Err(Error::Discovery {
            name: name.into(),
            source: discovery::Error::NotFound { issuer, tried: Vec::new() },
        });
    };
    let meta = discovery::discover(http, &issuer).map_err(|source| Error::Discovery { name: name.into(), source })?;
    meta.apply(&mut provider);
    provider.source = Source::Discovered;
    Ok(provider)
}

/// An entry whose platform can be moved by a variable (BlueNexus: `BLUENEXUS_API_URL`, for tests
/// and private deployments) takes its issuer from that URL's origin; its endpoints then come from
/// that server's metadata.
fn moved_by_env(p: &mut Provider, env: &Env) -> Result<(), Error> {
    let Some(value) = p.issuer_from_env.as_deref().and_then(|var| env.get(var)) else { return Ok(()) };
    let url = url::Url::parse(&value).ok().filter(|_| super::check_endpoint(&value).is_ok()).ok_or_else(|| {
        Error::Config(ConfigError {
            file: p.issuer_from_env.clone().unwrap_or_default(),
            entry: Some(p.name.clone()),
            field: Some("issuer".into()),
            line: None,
            message: format!("{value:?} is not an https URL (or http on loopback)"),
        })
    })?;
    p.issuer = Some(url.origin().ascii_serialization());
    p.authorization_url.clear();
    p.token_url.clear();
    Ok(())
}

/// An entry with an issuer but no endpoints of its own is completed from the issuer's metadata.
pub fn needs_discovery(p: &Provider) -> bool {
    p.issuer.is_some() && (p.authorization_url.is_empty() || p.token_url.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_suggest_a_close_one() {
        let c = Catalog::builtin();
        match resolve(&c, "gmial", None, None) {
            Err(Error::Unknown { suggestion, .. }) => assert_eq!(suggestion.as_deref(), Some("gmail")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_stored_snapshot_serves_names_the_catalog_lacks() {
        let c = Catalog::builtin();
        let mut snap = c.get("gmail").unwrap().unwrap();
        snap.token_url = "https://mcp.test/token".into();
        let p = resolve(&c, "mcp-test", Some(&snap), None).unwrap();
        assert_eq!(
            (p.name.as_str(), p.source, p.token_url.as_str()),
            ("mcp-test", Source::Discovered, "https://mcp.test/token")
        );
        let p = resolve(&c, "gmail", Some(&snap), None).unwrap();
        assert_eq!(p.token_url, "https://oauth2.googleapis.com/token", "the catalog wins for its own names");
    }
}
