//! The OAuth client (id, optional secret) and how it authenticates at the token endpoint.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::http::Request;
use crate::providers::TokenAuth;
use crate::secret::Secret;

#[derive(Debug, Clone)]
pub struct Client {
    pub id: String,
    pub secret: Option<Secret>,
    pub auth: TokenAuth,
}

impl Client {
    /// Adds client authentication to a token-endpoint request: `client_secret_post` puts both
    /// values in the body, `client_secret_basic` sends HTTP Basic (RFC 6749 §2.3.1: each part
    /// form-urlencoded first), `none` sends only the id (a public client with PKCE). A client
    /// without a secret is public whatever the provider's method says, and sends only the id.
    pub fn authenticate(&self, req: Request, fields: &mut Vec<(String, String)>) -> Request {
        match (self.auth, &self.secret) {
            (TokenAuth::ClientSecretBasic, Some(secret)) => {
                let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                let pair = format!("{}:{}", enc(&self.id), enc(secret.expose()));
                req.secret(secret.expose()).secret_header("Authorization", format!("Basic {}", STANDARD.encode(pair)))
            }
            (TokenAuth::ClientSecretPost, Some(secret)) => {
                fields.push(("client_id".into(), self.id.clone()));
                fields.push(("client_secret".into(), secret.expose().to_string()));
                req.secret(secret.expose())
            }
            _ => {
                fields.push(("client_id".into(), self.id.clone()));
                req
            }
        }
    }

    /// HTTP Basic credentials for endpoints that take only that (GitHub's grant API).
    pub fn basic(&self, req: Request) -> Request {
        let secret = self.secret.as_ref().map(Secret::expose).unwrap_or_default();
        let pair = format!("{}:{secret}", self.id);
        req.secret(secret).secret_header("Authorization", format!("Basic {}", STANDARD.encode(pair)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_encodes_parts_and_hides_them() {
        let c =
            Client { id: "a b".into(), secret: Some(Secret::new("p:w-secret")), auth: TokenAuth::ClientSecretBasic };
        let mut form = vec![];
        let req = c.authenticate(Request::new("POST", "http://127.0.0.1/t"), &mut form);
        let auth = req.headers.iter().find(|(n, _)| n == "Authorization").unwrap();
        assert_eq!(auth.1, format!("Basic {}", STANDARD.encode("a+b:p%3Aw-secret")));
        assert!(form.is_empty());
        assert_eq!(req.secrets().text("echo p:w-secret"), "echo [redacted]");
    }

    #[test]
    fn post_and_none() {
        let mut form = vec![];
        let c = Client { id: "id".into(), secret: Some(Secret::new("s")), auth: TokenAuth::ClientSecretPost };
        c.authenticate(Request::new("POST", "x"), &mut form);
        assert_eq!(form, vec![("client_id".into(), "id".into()), ("client_secret".into(), "s".into())]);
        for auth in [TokenAuth::None, TokenAuth::ClientSecretPost, TokenAuth::ClientSecretBasic] {
            let mut form = vec![];
            let c = Client { id: "id".into(), secret: None, auth };
            let req = c.authenticate(Request::new("POST", "x"), &mut form);
            assert_eq!(form, vec![("client_id".to_string(), "id".to_string())], "{auth:?} without a secret is public");
            assert!(!req.headers.iter().any(|(n, _)| n == "Authorization"));
        }
    }
}
