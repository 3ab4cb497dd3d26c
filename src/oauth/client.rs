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
    /// Adds client authentication to a token-endpoint form: `client_secret_post` puts both values
    /// in the body, `client_secret_basic` sends HTTP Basic (RFC 6749 §2.3.1: each part
    /// form-urlencoded first), `none` sends only the id (a public client with PKCE). A client
    /// without a secret is public whatever the provider's method says, and sends only the id.
    pub fn authenticate(&self, req: Request, form: &mut Vec<(&'static str, String)>) -> Request {
        match (self.auth, &self.secret) {
            (TokenAuth::ClientSecretBasic, Some(secret)) => {
                let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                let pair = format!("{}:{}", enc(&self.id), enc(secret.expose()));
                req.header("Authorization", format!("Basic {}", STANDARD.encode(pair)))
            }
            (TokenAuth::ClientSecretPost, Some(secret)) => {
                form.push(("client_id", self.id.clone()));
                form.push(("client_secret", secret.expose().to_string()));
                req
            }
            _ => {
                form.push(("client_id", self.id.clone()));
                req
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_encodes_parts() {
        let c = Client { id: "a b".into(), secret: Some(Secret::new("p:w")), auth: TokenAuth::ClientSecretBasic };
        let mut form = vec![];
        let req = c.authenticate(Request::new("POST", "http://127.0.0.1/t"), &mut form);
        let auth = req.headers.iter().find(|(n, _)| n == "Authorization").unwrap();
        assert_eq!(auth.1, format!("Basic {}", STANDARD.encode("a+b:p%3Aw")));
        assert!(form.is_empty());
    }

    #[test]
    fn post_and_none() {
        let mut form = vec![];
        let c = Client { id: "id".into(), secret: Some(Secret::new("s")), auth: TokenAuth::ClientSecretPost };
        c.authenticate(Request::new("POST", "x"), &mut form);
        assert_eq!(form, vec![("client_id", "id".to_string()), ("client_secret", "s".to_string())]);
        for auth in [TokenAuth::None, TokenAuth::ClientSecretPost, TokenAuth::ClientSecretBasic] {
            let mut form = vec![];
            let c = Client { id: "id".into(), secret: None, auth };
            let req = c.authenticate(Request::new("POST", "x"), &mut form);
            assert_eq!(form, vec![("client_id", "id".to_string())], "{auth:?} without a secret is public");
            assert!(!req.headers.iter().any(|(n, _)| n == "Authorization"));
        }
    }
}
