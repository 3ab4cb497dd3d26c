//! The provider's other endpoints: token revocation (RFC 7009) and userinfo (OIDC Core §5.3).

use super::client::Client;
use crate::error::{Error, Result};
use crate::http::{Http, Request};

/// Revokes `token`; RFC 7009 says 200 for success and for tokens already invalid.
pub fn revoke(http: &Http, url: &str, client: &Client, token: &str, hint: &str) -> Result<()> {
    let mut form: Vec<(&'static str, String)> = vec![("token", token.into()), ("token_type_hint", hint.into())];
    let req = client.authenticate(Request::new("POST", url), &mut form);
    let resp = http.send(&req.form(form))?;
    if resp.is_success() {
        return Ok(());
    }
    let reason = match serde_json::from_str::<serde_json::Value>(&resp.body) {
        Ok(v) => {
            let err = v.get("error").and_then(|e| e.as_str()).unwrap_or("");
            let desc = v.get("error_description").and_then(|e| e.as_str()).unwrap_or("");
            format!("{err} {desc}").trim().to_string()
        }
        Err(_) => resp.snippet(),
    };
    Err(Error::remote(format!("revocation at {url} failed with HTTP {}: {reason}", resp.status)))
}

/// The `email` claim from the userinfo endpoint, when it answers with one.
pub fn userinfo_email(http: &Http, url: &str, access_token: &str) -> Option<String> {
    let resp = http.send(&Request::new("GET", url).bearer(access_token)).ok()?;
    if !resp.is_success() {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&resp.body).ok()?;
    v.get("email").and_then(|e| e.as_str()).filter(|e| !e.is_empty()).map(str::to_string)
}
