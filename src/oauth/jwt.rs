//! Reading the claims of an id_token. The token came straight from the token endpoint over TLS
//! (OIDC Core §3.1.3.7), so its signature is not checked here; its `nonce`, `aud`, `iss` and
//! `exp` are. A token that does not parse is refused: a check that cannot be made fails closed.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

pub type Claims = Map<String, Value>;

pub fn claims(id_token: &str) -> Option<Claims> {
    let payload = id_token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// What an id_token must match.
pub struct Expect<'a> {
    pub nonce: Option<&'a str>,
    pub client_id: &'a str,
    /// The provider's issuer, when known.
    pub issuer: Option<&'a str>,
    pub now: i64,
}

/// Allowed clock difference for `exp`.
const LEEWAY: i64 = 300;

/// The token's claims once every check passed, or what failed.
pub fn verify(id_token: &str, expect: &Expect) -> Result<Claims, String> {
    let c = claims(id_token).ok_or("it is not a JWT whose payload is a JSON object")?;
    if let Some(expected) = expect.nonce {
        match c.get("nonce").and_then(Value::as_str) {
            Some(n) if super::pkce::constant_time_eq(n, expected) => {}
            Some(_) => return Err("the id_token's nonce does not match the one sent".into()),
            None => return Err("the id_token carries no nonce although one was sent".into()),
        }
    }
    let aud_ok = match c.get("aud") {
        Some(Value::String(a)) => a == expect.client_id,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(expect.client_id)),
        _ => false,
    };
    if !aud_ok {
        return Err("the id_token was issued to another client (aud)".into());
    }
    if let Some(issuer) = expect.issuer {
        match c.get("iss").and_then(Value::as_str) {
            Some(iss) if crate::providers::discovery::same_issuer(iss, issuer) => {}
            Some(iss) => return Err(format!("the id_token's issuer {iss:?} is not {issuer:?}")),
            None => return Err("the id_token names no issuer (iss)".into()),
        }
    }
    match c.get("exp").and_then(Value::as_i64) {
        Some(exp) if exp + LEEWAY < expect.now => return Err("the id_token has expired (exp)".into()),
        Some(_) => {}
        None => return Err("the id_token has no expiry (exp)".into()),
    }
    Ok(c)
}

#[cfg(test)]
pub fn token(payload: &Value) -> String {
    format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(payload.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expect<'a>(nonce: Option<&'a str>, issuer: Option<&'a str>) -> Expect<'a> {
        Expect { nonce, client_id: "cid", issuer, now: 1_000_000 }
    }

    #[test]
    fn reads_claims_and_checks_nonce_aud_iss_exp() {
        let t = token(
            &serde_json::json!({"email":"me@x.test","nonce":"n1","aud":"cid","iss":"https://as.test","exp":1_000_100}),
        );
        let c = verify(&t, &expect(Some("n1"), Some("https://as.test/"))).unwrap();
        assert_eq!(c["email"], "me@x.test");
        assert!(verify(&t, &expect(Some("n2"), None)).unwrap_err().contains("nonce"));
        assert!(verify(&t, &Expect { client_id: "other", ..expect(Some("n1"), None) }).unwrap_err().contains("aud"));
        assert!(verify(&t, &expect(Some("n1"), Some("https://evil.test"))).unwrap_err().contains("issuer"));
        assert!(verify(&t, &Expect { now: 2_000_000, ..expect(None, None) }).unwrap_err().contains("expired"));
    }

    #[test]
    fn unreadable_or_incomplete_tokens_fail_closed() {
        assert!(verify("not-a-jwt", &expect(None, None)).is_err());
        assert!(verify("a.!!!.c", &expect(None, None)).is_err());
        let no_aud = token(&serde_json::json!({"exp": 1_000_100}));
        assert!(verify(&no_aud, &expect(None, None)).unwrap_err().contains("aud"));
        let no_exp = token(&serde_json::json!({"aud": "cid"}));
        assert!(verify(&no_exp, &expect(None, None)).unwrap_err().contains("exp"));
    }
}
