//! Authorization-server metadata: RFC 8414 and OpenID Connect Discovery. The well-known URLs are
//! tried in the order the MCP authorization spec gives (which covers issuers with a path), a
//! missing document (any 4xx, HTML, or an answer that is not a JSON object) falls through to the
//! next, and a document whose `issuer` is not the issuer asked about is refused. Some servers list
//! the revocation or device endpoint in only one of the two documents, so every document found is
//! read and the first one's values win.

use serde_json::Value;

use crate::http::{Http, Request};

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub device_authorization_endpoint: Option<String>,
    pub registration_endpoint: Option<String>,
    pub code_challenge_methods_supported: Option<Vec<String>>,
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    pub scopes_supported: Option<Vec<String>>,
    pub authorization_response_iss_parameter_supported: bool,
    pub client_id_metadata_document_supported: bool,
    /// The URLs the values came from, first one first.
    pub documents: Vec<String>,
}

#[derive(Debug)]
pub enum Error {
    Transport(crate::http::Error),
    /// No well-known URL answered with a document.
    NotFound {
        issuer: String,
        tried: Vec<(String, String)>,
    },
    /// A document names another issuer.
    IssuerMismatch {
        url: String,
        expected: String,
        found: String,
    },
    /// A server error (5xx): not a missing document, so discovery stops.
    Server {
        url: String,
        status: u16,
    },
    /// The document's endpoint is not https (or http on loopback).
    BadEndpoint {
        url: String,
        field: &'static str,
        value: String,
        why: &'static str,
    },
    BadIssuer {
        issuer: String,
        why: &'static str,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Transport(e) => write!(f, "{e}"),
            Error::NotFound { issuer, tried } => {
                let tried: Vec<String> = tried.iter().map(|(u, why)| format!("{u} ({why})")).collect();
                write!(f, "no authorization server metadata for {issuer}; tried {}", tried.join(", "))
            }
            Error::IssuerMismatch { url, expected, found } => {
                write!(f, "the metadata at {url} names issuer {found:?}, not {expected:?}; refusing it")
            }
            Error::Server { url, status } => write!(f, "{url} answered HTTP {status}"),
            Error::BadEndpoint { url, field, value, why } => write!(f, "{field} {value:?} in {url} {why}"),
            Error::BadIssuer { issuer, why } => write!(f, "issuer {issuer:?} {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// The well-known URLs for `issuer`, in the order they are tried.
pub fn well_known_urls(issuer: &str) -> Result<Vec<String>, Error> {
    let url = url::Url::parse(issuer).map_err(|_| Error::BadIssuer { issuer: issuer.into(), why: "is not a URL" })?;
    super::check_endpoint(issuer).map_err(|why| Error::BadIssuer { issuer: issuer.into(), why })?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::BadIssuer { issuer: issuer.into(), why: "must not have a query or fragment" });
    }
    let origin = url.origin().ascii_serialization();
    let path = url.path().trim_end_matches('/');
    Ok(if path.is_empty() {
        vec![
            format!("{origin}/.well-known/oauth-authorization-server"),
            format!("{origin}/.well-known/openid-configuration"),
        ]
    } else {
        vec![
            format!("{origin}/.well-known/oauth-authorization-server{path}"),
            format!("{origin}/.well-known/openid-configuration{path}"),
            format!("{origin}{path}/.well-known/openid-configuration"),
        ]
    })
}

/// Issuers compare as strings, except for one trailing `/` (many servers differ only there).
pub fn same_issuer(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// One well-known metadata document, as every discovery here reads them.
pub enum Document {
    /// A JSON object from a 2xx answer.
    Found(serde_json::Map<String, Value>),
    /// No document here (any 4xx, HTML, anything but a JSON object), and why: try the next URL.
    Missing(String),
    /// A server error (5xx): the server is there but failing, so discovery stops.
    Failed(u16),
}

/// GETs `url` and says what it holds.
pub fn fetch_document(http: &Http, url: &str) -> Result<Document, crate::http::Error> {
    let resp = http.send(&Request::new("GET", url))?;
    Ok(if resp.status >= 500 {
        Document::Failed(resp.status)
    } else if !resp.is_success() {
        Document::Missing(format!("HTTP {}", resp.status))
    } else {
        match serde_json::from_str::<Value>(&resp.body) {
            Ok(Value::Object(map)) => Document::Found(map),
            _ if resp.content_type.contains("html") => Document::Missing("HTML, not JSON".into()),
            _ => Document::Missing("not a JSON object".into()),
        }
    })
}

/// Fetches and merges the metadata of `issuer`.
pub fn discover(http: &Http, issuer: &str) -> Result<Metadata, Error> {
    let mut tried = Vec::new();
    let mut docs: Vec<(String, serde_json::Map<String, Value>)> = Vec::new();
    for url in well_known_urls(issuer)? {
        match fetch_document(http, &url).map_err(Error::Transport)? {
            Document::Found(map) => {
                let found = map.get("issuer").and_then(Value::as_str).unwrap_or_default().to_string();
                if !same_issuer(&found, issuer) {
                    return Err(Error::IssuerMismatch { url, expected: issuer.into(), found });
                }
                docs.push((url, map));
            }
            Document::Missing(why) => tried.push((url, why)),
            Document::Failed(status) => return Err(Error::Server { url, status }),
        }
    }
    if docs.is_empty() {
        return Err(Error::NotFound { issuer: issuer.into(), tried });
    }
    merge(issuer, docs)
}

fn merge(issuer: &str, docs: Vec<(String, serde_json::Map<String, Value>)>) -> Result<Metadata, Error> {
    let first = |key: &str| docs.iter().find_map(|(_, d)| d.get(key).filter(|v| !v.is_null()).cloned());
    let text = |key: &str| first(key).and_then(|v| v.as_str().map(str::to_string));
    let list = |key: &str| {
        first(key).and_then(|v| v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()))
    };
    let flag = |key: &str| first(key).and_then(|v| v.as_bool()).unwrap_or(false);
    let m = Metadata {
        issuer: issuer.to_string(),
        authorization_endpoint: text("authorization_endpoint"),
        token_endpoint: text("token_endpoint"),
        revocation_endpoint: text("revocation_endpoint"),
        userinfo_endpoint: text("userinfo_endpoint"),
        device_authorization_endpoint: text("device_authorization_endpoint"),
        registration_endpoint: text("registration_endpoint"),
        code_challenge_methods_supported: list("code_challenge_methods_supported"),
        token_endpoint_auth_methods_supported: list("token_endpoint_auth_methods_supported"),
        scopes_supported: list("scopes_supported"),
        authorization_response_iss_parameter_supported: flag("authorization_response_iss_parameter_supported"),
        client_id_metadata_document_supported: flag("client_id_metadata_document_supported"),
        documents: docs.iter().map(|(u, _)| u.clone()).collect(),
    };
    for (field, value) in [
        ("authorization_endpoint", &m.authorization_endpoint),
        ("token_endpoint", &m.token_endpoint),
        ("revocation_endpoint", &m.revocation_endpoint),
        ("userinfo_endpoint", &m.userinfo_endpoint),
        ("device_authorization_endpoint", &m.device_authorization_endpoint),
        ("registration_endpoint", &m.registration_endpoint),
    ] {
        if let Some(v) = value {
            super::check_endpoint(v).map_err(|why| Error::BadEndpoint {
                url: m.documents[0].clone(),
                field,
                value: v.clone(),
                why,
            })?;
        }
    }
    Ok(m)
}

impl Metadata {
    /// Fills the endpoints `p` does not set; records whether the server promises `iss`.
    pub fn apply(&self, p: &mut super::Provider) {
        let fill = |slot: &mut String, v: &Option<String>| {
            if slot.is_empty()
                && let Some(v) = v
            {
                *slot = v.clone();
            }
        };
        fill(&mut p.authorization_url, &self.authorization_endpoint);
        fill(&mut p.token_url, &self.token_endpoint);
        let fill_opt = |slot: &mut Option<String>, v: &Option<String>| {
            if slot.is_none() {
                slot.clone_from(v);
            }
        };
        fill_opt(&mut p.revocation_url, &self.revocation_endpoint);
        fill_opt(&mut p.userinfo_url, &self.userinfo_endpoint);
        fill_opt(&mut p.device_authorization_url, &self.device_authorization_endpoint);
        fill_opt(&mut p.registration_url, &self.registration_endpoint);
        if p.issuer.is_none() {
            p.issuer = Some(self.issuer.clone());
        }
        p.iss_parameter |= self.authorization_response_iss_parameter_supported;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_order_follows_the_spec() {
        assert_eq!(
            well_known_urls("https://as.test").unwrap(),
            [
                "https://as.test/.well-known/oauth-authorization-server",
                "https://as.test/.well-known/openid-configuration"
            ]
        );
        assert_eq!(
            well_known_urls("https://as.test/tenant1/").unwrap(),
            [
                "https://as.test/.well-known/oauth-authorization-server/tenant1",
                "https://as.test/.well-known/openid-configuration/tenant1",
                "https://as.test/tenant1/.well-known/openid-configuration"
            ]
        );
        assert!(well_known_urls("http://as.example.test").is_err(), "https only off loopback");
        assert!(well_known_urls("https://as.test/?x=1").is_err());
    }

    #[test]
    fn documents_merge_first_wins_and_endpoints_are_checked() {
        let a: serde_json::Map<String, Value> = serde_json::from_str(
            r#"{"issuer":"https://as.test","token_endpoint":"https://as.test/t","code_challenge_methods_supported":["S256"]}"#,
        )
        .unwrap();
        let b: serde_json::Map<String, Value> = serde_json::from_str(
            r#"{"issuer":"https://as.test","token_endpoint":"https://as.test/other","revocation_endpoint":"https://as.test/r","authorization_response_iss_parameter_supported":true}"#,
        )
        .unwrap();
        let m = merge("https://as.test", vec![("u1".into(), a.clone()), ("u2".into(), b)]).unwrap();
        assert_eq!(m.token_endpoint.as_deref(), Some("https://as.test/t"));
        assert_eq!(m.revocation_endpoint.as_deref(), Some("https://as.test/r"), "read from the second document");
        assert!(m.authorization_response_iss_parameter_supported);
        let mut bad = a;
        bad.insert("token_endpoint".into(), "http://evil.test/t".into());
        assert!(matches!(merge("https://as.test", vec![("u".into(), bad)]), Err(Error::BadEndpoint { .. })));
    }

    #[test]
    fn trailing_slashes_do_not_make_another_issuer() {
        assert!(same_issuer("http://localhost:3001/", "http://localhost:3001"));
        assert!(!same_issuer("https://a.test", "https://b.test"));
    }
}
