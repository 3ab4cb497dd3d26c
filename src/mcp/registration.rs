//! How oauthctl becomes a client of an MCP server's authorization server, in the spec's order: a
//! pre-registered client id, a Client ID Metadata Document, or dynamic client registration
//! (RFC 7591) as a native application. A registration is kept (in the credential store) per
//! authorization-server issuer with the redirect URI it was made for: servers match that URI
//! exactly, so the next connect listens on the same port.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::http::{Http, Request};
use crate::providers::TokenAuth;
use crate::secret::Secret;

/// A client registration at one authorization server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Registration {
    pub issuer: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Secret>,
    pub token_auth: TokenAuth,
    /// The exact redirect URI registered.
    pub redirect_uri: String,
    #[serde(with = "crate::clock::rfc3339_time")]
    pub created_at: i64,
}

impl Registration {
    /// The loopback port of the registered redirect URI.
    pub fn port(&self) -> Option<u16> {
        url::Url::parse(&self.redirect_uri).ok()?.port()
    }
}

#[derive(Debug)]
pub enum Error {
    Transport(crate::http::Error),
    Refused { status: u16, error: String, description: Option<String> },
    Malformed { detail: String },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Transport(e) => write!(f, "{e}"),
            Error::Refused { status, error, description } => {
                let d = description.as_ref().map(|d| format!(": {d}")).unwrap_or_default();
                write!(f, "the registration was refused: {error}{d} (HTTP {status})")
            }
            Error::Malformed { detail } => write!(f, "the registration answer {detail}"),
        }
    }
}

impl std::error::Error for Error {}

/// Registers oauthctl (RFC 7591) as a native, public client with one loopback redirect URI.
/// What the server echoes as redirect URIs is not trusted: the one sent is the one kept. No
/// `scope` is registered: an MCP server's scopes often belong to the resource, not to the
/// authorization server, which then refuses them as client metadata (oidc-provider does).
pub fn register(http: &Http, endpoint: &str, issuer: &str, redirect_uri: &str) -> Result<Registration, Error> {
    let body = json!({
        "client_name": "oauthctl",
        "redirect_uris": [redirect_uri],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        // Loopback redirect URIs belong to native applications; OIDC's default "web" can refuse them.
        "application_type": "native",
        "software_id": "oauthctl",
        "software_version": env!("CARGO_PKG_VERSION"),
    });
    let resp = http.send(&Request::new("POST", endpoint).json(&body)).map_err(Error::Transport)?;
    let v: Value = resp.json().unwrap_or(Value::Null);
    if !resp.is_success() {
        return Err(Error::Refused {
            status: resp.status,
            error: v["error"].as_str().unwrap_or("error").to_string(),
            description: v["error_description"].as_str().map(|d| resp.scrub(d)).or_else(|| Some(resp.snippet())),
        });
    }
    let client_id = v["client_id"]
        .as_str()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::Malformed { detail: format!("has no client_id: {}", resp.snippet()) })?;
    let client_secret = v["client_secret"].as_str().filter(|s| !s.is_empty()).map(Secret::new);
    let token_auth = match (v["token_endpoint_auth_method"].as_str(), &client_secret) {
        (Some("client_secret_post"), Some(_)) => TokenAuth::ClientSecretPost,
        (Some("client_secret_basic"), Some(_)) => TokenAuth::ClientSecretBasic,
        (_, Some(_)) => TokenAuth::ClientSecretBasic,
        (_, None) => TokenAuth::None,
    };
    Ok(Registration {
        issuer: issuer.to_string(),
        client_id: client_id.to_string(),
        client_secret,
        token_auth,
        redirect_uri: redirect_uri.to_string(),
        created_at: crate::clock::now(),
    })
}

/// How a pre-registered client authenticates, from what the server supports
/// (`token_endpoint_auth_methods_supported`): Basic, then post, for a client with a secret.
pub fn auth_method(has_secret: bool, supported: Option<&[String]>) -> TokenAuth {
    if !has_secret {
        return TokenAuth::None;
    }
    let offers = |m: &str| supported.is_none_or(|s| s.iter().any(|x| x == m));
    if offers("client_secret_basic") {
        TokenAuth::ClientSecretBasic
    } else if offers("client_secret_post") {
        TokenAuth::ClientSecretPost
    } else {
        TokenAuth::ClientSecretBasic
    }
}

/// Whether the server still knows `client_id`: a token request with a made-up code is answered
/// `invalid_client` by a server that forgot the client, and `invalid_grant` (or another error
/// about the code) by one that knows it. No authorization is spent.
pub fn still_known(http: &Http, token_url: &str, reg: &Registration, resource: Option<&str>) -> Result<bool, Error> {
    let mut fields: Vec<(String, String)> = vec![
        ("grant_type".into(), "authorization_code".into()),
        ("code".into(), "oauthctl-registration-check".into()),
        ("redirect_uri".into(), reg.redirect_uri.clone()),
        ("code_verifier".into(), crate::oauth::pkce::random_token(32)),
    ];
    if let Some(r) = resource {
        fields.push(("resource".into(), r.to_string()));
    }
    let client = crate::oauth::client::Client {
        id: reg.client_id.clone(),
        secret: reg.client_secret.clone(),
        auth: reg.token_auth,
    };
    let req = client.authenticate(Request::new("POST", token_url), &mut fields).form(fields);
    let resp = http.send(&req).map_err(Error::Transport)?;
    let error = resp.json().and_then(|v| v["error"].as_str().map(str::to_string));
    Ok(!matches!(error.as_deref(), Some("invalid_client" | "unauthorized_client")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_registered_clients_use_what_the_server_offers() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(auth_method(false, Some(&s(&["client_secret_basic"]))), TokenAuth::None);
        assert_eq!(auth_method(true, Some(&s(&["client_secret_post", "none"]))), TokenAuth::ClientSecretPost);
        assert_eq!(
            auth_method(true, Some(&s(&["client_secret_basic", "client_secret_post"]))),
            TokenAuth::ClientSecretBasic
        );
        assert_eq!(auth_method(true, None), TokenAuth::ClientSecretBasic);
    }

    #[test]
    fn the_registered_port_is_read_back() {
        let r = Registration {
            issuer: "https://as.test".into(),
            client_id: "c".into(),
            client_secret: None,
            token_auth: TokenAuth::None,
            redirect_uri: "http://127.0.0.1:4242/callback".into(),
            created_at: 0,
        };
        assert_eq!(r.port(), Some(4242));
    }
}
