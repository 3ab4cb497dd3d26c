//! The authorization request URL (RFC 6749 §4.1.1 with PKCE and OIDC's nonce).

use crate::providers::Provider;

pub struct AuthRequest<'a> {
    pub provider: &'a Provider,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scopes: &'a [String],
    pub state: &'a str,
    pub code_challenge: Option<&'a str>,
    pub nonce: Option<&'a str>,
}

impl AuthRequest<'_> {
    pub fn url(&self) -> String {
        let mut url = url::Url::parse(&self.provider.authorization_url).expect("validated when the catalog loaded");
        let core = [
            ("response_type", Some("code")),
            ("client_id", Some(self.client_id)),
            ("redirect_uri", Some(self.redirect_uri)),
            ("state", Some(self.state)),
            ("code_challenge", self.code_challenge),
            ("code_challenge_method", self.code_challenge.map(|_| "S256")),
            ("nonce", self.nonce),
        ];
        let scope = self.scopes.join(&self.provider.scope_separator);
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in core {
                if let Some(v) = v {
                    q.append_pair(k, v);
                }
            }
            if !scope.is_empty() {
                q.append_pair("scope", &scope);
            }
            for (k, v) in &self.provider.authorization_params {
                if !core.iter().any(|(c, _)| c == k) && k != "scope" {
                    q.append_pair(k, v);
                }
            }
        }
        url.into()
    }
}

/// Requested scopes: the provider's, then `--scope` values (space or comma separated), no repeats.
pub fn merge_scopes(base: &[String], extra: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let extra = extra.iter().flat_map(|s| s.split([' ', ',']));
    for s in base.iter().map(String::as_str).chain(extra) {
        if !s.is_empty() && !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::Catalog;

    #[test]
    fn builds_a_pkce_url_with_provider_params() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::load(dir.path()).unwrap();
        let gmail = catalog.get("gmail").unwrap();
        let scopes = merge_scopes(&gmail.scopes, &["extra.one,openid".into()]);
        let req = AuthRequest {
            provider: gmail,
            client_id: "cid",
            redirect_uri: "http://127.0.0.1:8080/callback",
            scopes: &scopes,
            state: "st",
            code_challenge: Some("ch"),
            nonce: Some("nn"),
        };
        let url = url::Url::parse(&req.url()).unwrap();
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(url.host_str(), Some("accounts.google.com"));
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:8080/callback");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["access_type"], "offline");
        assert_eq!(q["prompt"], "consent");
        assert_eq!(q["nonce"], "nn");
        assert_eq!(q["scope"], "https://www.googleapis.com/auth/gmail.send openid profile email extra.one");
    }
}
