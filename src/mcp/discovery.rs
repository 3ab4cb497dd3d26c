//! Finding an MCP server's authorization server, as the MCP authorization spec (2025-06-18 and
//! later) requires: probe the endpoint; take `resource_metadata` (and `scope`) from the 401's
//! `WWW-Authenticate`, else the path-specific then the root `/.well-known/oauth-protected-resource`
//! (RFC 9728), falling through on any 4xx, HTML or non-JSON answer; then the authorization server's
//! RFC 8414 / OIDC metadata (see `providers::discovery`). A server without protected-resource
//! metadata gets the 2025-03-26 behaviour: its origin is the authorization server.

use serde_json::{Value, json};

use crate::http::{Http, Request};
use crate::providers::check_endpoint;
use crate::providers::discovery::{Document, fetch_document};

/// A `Bearer` challenge (RFC 6750 §3, RFC 9728 §5.1).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Challenge {
    pub error: Option<String>,
    pub scope: Option<String>,
    pub resource_metadata: Option<String>,
}

/// Parses the Bearer challenge of a `WWW-Authenticate` value (quoted and token values, any order,
/// other schemes skipped).
pub fn parse_challenge(header: &str) -> Option<Challenge> {
    let lower = header.to_ascii_lowercase();
    let start = lower.find("bearer")?;
    let mut rest = &header[start + "bearer".len()..];
    let mut c = Challenge::default();
    loop {
        rest = rest.trim_start_matches([' ', ',']);
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().to_ascii_lowercase();
        if key.contains(' ') {
            break; // the next scheme begins
        }
        rest = &rest[eq + 1..];
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, ch)) = chars.next() {
                match ch {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            out.push(n);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    _ => out.push(ch),
                }
            }
            value = out;
            rest = &quoted[end..];
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_string();
            rest = &rest[end..];
        }
        match key.as_str() {
            "error" => c.error = Some(value),
            "scope" => c.scope = Some(value),
            "resource_metadata" => c.resource_metadata = Some(value),
            _ => {}
        }
    }
    Some(c)
}

/// What the server says about itself (RFC 9728), or what is assumed without it.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The `resource` to send, byte for byte as the metadata has it.
    pub resource: String,
    pub authorization_server: String,
    pub scopes_supported: Option<Vec<String>>,
    /// `None`: no protected-resource metadata; the MCP origin is taken as the authorization
    /// server (2025-03-26).
    pub metadata_url: Option<String>,
}

#[derive(Debug)]
pub enum Error {
    Transport(crate::http::Error),
    /// The endpoint answered without asking for a token: nothing to connect.
    NotProtected {
        url: String,
        status: u16,
    },
    Server {
        url: String,
        status: u16,
    },
    BadUrl {
        url: String,
        why: &'static str,
    },
    /// The metadata's `resource` is not the server that was asked.
    WrongResource {
        url: String,
        resource: String,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Transport(e) => write!(f, "{e}"),
            Error::NotProtected { url, status } => {
                write!(f, "{url} answered HTTP {status} without asking for a token: it is not OAuth-protected")
            }
            Error::Server { url, status } => write!(f, "{url} answered HTTP {status}"),
            Error::BadUrl { url, why } => write!(f, "{url:?} {why}"),
            Error::WrongResource { url, resource } => {
                write!(f, "the protected-resource metadata at {url} is for {resource:?}, not this server")
            }
        }
    }
}

impl std::error::Error for Error {}

/// The MCP `initialize` a probe sends: what any client's first request is.
fn probe_body() -> Value {
    json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "oauthctl", "version": env!("CARGO_PKG_VERSION")}}})
}

/// Probes `url` without a token: the challenge of its 401 (or 403), if it sends one.
pub fn probe(http: &Http, url: &str) -> Result<Option<Challenge>, Error> {
    check_endpoint(url).map_err(|why| Error::BadUrl { url: url.into(), why })?;
    let req = Request::new("POST", url).header("Accept", "application/json, text/event-stream").json(&probe_body());
    let resp = http.send(&req).map_err(Error::Transport)?;
    match resp.status {
        401 | 403 => Ok(Some(resp.www_authenticate.as_deref().and_then(parse_challenge).unwrap_or_default())),
        s if (200..300).contains(&s) => Err(Error::NotProtected { url: url.into(), status: s }),
        // Some servers answer a token-less probe with another error (400, 405): the well-known
        // metadata may still exist.
        s if s < 500 => Ok(None),
        s => Err(Error::Server { url: url.into(), status: s }),
    }
}

/// The well-known protected-resource metadata URLs of `url`: path-specific, then root.
pub fn metadata_urls(url: &str) -> Vec<String> {
    let Ok(u) = url::Url::parse(url) else { return Vec::new() };
    let origin = u.origin().ascii_serialization();
    let path = u.path().trim_end_matches('/');
    let mut urls = Vec::new();
    if !path.is_empty() {
        urls.push(format!("{origin}/.well-known/oauth-protected-resource{path}"));
    }
    urls.push(format!("{origin}/.well-known/oauth-protected-resource"));
    urls
}

/// `url` without fragment and without a trailing slash on a non-root path: the canonical MCP
/// server URI the spec wants as `resource` when the server publishes none.
pub fn canonical(url: &str) -> String {
    let mut u = url::Url::parse(url).expect("checked before");
    u.set_fragment(None);
    let mut s = u.to_string();
    if u.path() != "/" && s.ends_with('/') && u.query().is_none() {
        s.pop();
    }
    if u.path() == "/" && u.query().is_none() {
        s.pop();
    }
    s
}

/// The server's protected-resource metadata, or the 2025-03-26 assumption without it.
pub fn resource(http: &Http, url: &str, challenge: Option<&Challenge>) -> Result<Resource, Error> {
    let mut candidates: Vec<String> = Vec::new();
    if let Some(u) = challenge.and_then(|c| c.resource_metadata.clone()) {
        candidates.push(u);
    }
    candidates.extend(metadata_urls(url));
    for candidate in candidates {
        if check_endpoint(&candidate).is_err() {
            continue;
        }
        let doc = match fetch_document(http, &candidate).map_err(Error::Transport)? {
            Document::Found(map) => Value::Object(map),
            Document::Missing(_) => continue,
            Document::Failed(status) => return Err(Error::Server { url: candidate, status }),
        };
        let Some(resource) = doc["resource"].as_str().map(str::to_string) else { continue };
        let Some(server) = doc["authorization_servers"].as_array().and_then(|a| a.first()).and_then(Value::as_str)
        else {
            continue;
        };
        check_endpoint(server).map_err(|why| Error::BadUrl { url: server.into(), why })?;
        if !same_resource(&resource, url) {
            return Err(Error::WrongResource { url: candidate, resource });
        }
        let scopes = doc["scopes_supported"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect());
        return Ok(Resource {
            resource,
            authorization_server: server.to_string(),
            scopes_supported: scopes,
            metadata_url: Some(candidate),
        });
    }
    let origin = url::Url::parse(url).expect("checked before").origin().ascii_serialization();
    Ok(Resource { resource: canonical(url), authorization_server: origin, scopes_supported: None, metadata_url: None })
}

/// The metadata's resource names this server: the same URL, or a prefix of it (a server may
/// protect a whole origin), ignoring one trailing slash.
fn same_resource(resource: &str, url: &str) -> bool {
    let r = resource.trim_end_matches('/');
    let u = url.trim_end_matches('/');
    u == r || u.starts_with(&format!("{r}/"))
}

/// A stable loopback port for `url` (mcp-remote's habit: the same server gets the same port, so a
/// registration made with it stays valid), in 3335..49150.
pub fn stable_port(url: &str) -> u16 {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(url.as_bytes());
    let n = u16::from_be_bytes([d[0], d[1]]) as u32;
    (3335 + n % (49150 - 3335)) as u16
}

/// A provider name for `url`: host and path as lowercase letters, digits and `-`.
pub fn default_name(url: &str) -> String {
    let u = url::Url::parse(url).expect("checked before");
    let host = u.host_str().unwrap_or("mcp").trim_start_matches("www.");
    let mut name = crate::providers::slug(&format!("{host}/{}", u.path().trim_matches('/')));
    if let Some(p) = u.port() {
        name.push_str(&format!("-{p}"));
    }
    name.truncate(64);
    name.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_parse_in_any_order_with_quotes() {
        let h = r#"Bearer error="invalid_token", error_description="Missing Authorization header", resource_metadata="http://localhost:3000/.well-known/oauth-protected-resource/mcp""#;
        let c = parse_challenge(h).unwrap();
        assert_eq!(c.error.as_deref(), Some("invalid_token"));
        assert_eq!(
            c.resource_metadata.as_deref(),
            Some("http://localhost:3000/.well-known/oauth-protected-resource/mcp")
        );
        assert_eq!(c.scope, None);
        let c = parse_challenge(r#"Basic realm="x", Bearer scope="a b", error=insufficient_scope"#).unwrap();
        assert_eq!((c.scope.as_deref(), c.error.as_deref()), (Some("a b"), Some("insufficient_scope")));
        assert!(parse_challenge("Basic realm=\"x\"").is_none());
        let c = parse_challenge(r#"Bearer scope="say \"hi\"""#).unwrap();
        assert_eq!(c.scope.as_deref(), Some("say \"hi\""));
    }

    #[test]
    fn metadata_urls_are_path_specific_then_root() {
        assert_eq!(
            metadata_urls("https://mcp.test/v1/mcp"),
            [
                "https://mcp.test/.well-known/oauth-protected-resource/v1/mcp",
                "https://mcp.test/.well-known/oauth-protected-resource"
            ]
        );
        assert_eq!(metadata_urls("https://mcp.test/"), ["https://mcp.test/.well-known/oauth-protected-resource"]);
    }

    #[test]
    fn resources_match_with_or_without_a_trailing_slash() {
        assert!(same_resource("http://localhost:3000/mcp", "http://localhost:3000/mcp"));
        assert!(same_resource("http://localhost:3000/mcp/", "http://localhost:3000/mcp"));
        assert!(same_resource("https://api.test", "https://api.test/v0/mcp"));
        assert!(!same_resource("https://api.test/other", "https://api.test/v0/mcp"));
        assert_eq!(canonical("https://mcp.test/mcp/#x"), "https://mcp.test/mcp");
        assert_eq!(canonical("https://mcp.test/"), "https://mcp.test");
    }

    #[test]
    fn names_and_ports_are_stable() {
        assert_eq!(default_name("https://mcp.linear.app/sse"), "mcp-linear-app-sse");
        assert_eq!(default_name("http://127.0.0.1:3000/mcp"), "127-0-0-1-mcp-3000");
        assert_eq!(stable_port("https://mcp.linear.app/sse"), stable_port("https://mcp.linear.app/sse"));
        assert!((3335..49150).contains(&stable_port("https://x.test/mcp")));
        assert!(crate::providers::valid_name(&default_name("https://WWW.Example.test:8443/A/B/")));
    }
}
