//! Reading the claims of an id_token. The token came straight from the token endpoint over TLS
//! (OIDC Core §3.1.3.7), so its signature is not checked here; its `nonce` and `aud` are.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

pub fn claims(id_token: &str) -> Option<serde_json::Map<String, Value>> {
    let payload = id_token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Checks `nonce` (when we sent one) and `aud` against our client id. Returns the problem, if any.
pub fn check(claims: &serde_json::Map<String, Value>, nonce: Option<&str>, client_id: &str) -> Result<(), String> {
    if let Some(expected) = nonce {
        match claims.get("nonce").and_then(Value::as_str) {
            Some(n) if super::pkce::constant_time_eq(n, expected) => {}
            Some(_) => return Err("the id_token's nonce does not match the one sent".into()),
            None => return Err("the id_token carries no nonce although one was sent".into()),
        }
    }
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == client_id,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(client_id)),
        _ => true,
    };
    if !aud_ok {
        return Err("the id_token was issued to another client (aud)".into());
    }
    Ok(())
}

pub fn email(claims: &serde_json::Map<String, Value>) -> Option<String> {
    claims.get("email").and_then(Value::as_str).filter(|e| !e.is_empty()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: &Value) -> String {
        format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(payload.to_string()))
    }

    #[test]
    fn reads_email_and_checks_nonce_and_aud() {
        let t = token(&serde_json::json!({"email":"me@x.test","nonce":"n1","aud":"cid"}));
        let c = claims(&t).unwrap();
        assert_eq!(email(&c).as_deref(), Some("me@x.test"));
        assert!(check(&c, Some("n1"), "cid").is_ok());
        assert!(check(&c, Some("n2"), "cid").unwrap_err().contains("nonce"));
        assert!(check(&c, Some("n1"), "other").unwrap_err().contains("aud"));
        assert!(claims("not-a-jwt").is_none());
    }
}
