//! The authorization request URL (RFC 6749 §4.1.1 with PKCE, OIDC's nonce, RFC 8707's resource),
//! shaped by the provider's entry: its scope parameter and separator, user scopes, extra and
//! refused parameters, and URL templates.

use std::collections::BTreeMap;

use super::Error;
use crate::providers::{Provider, fill_template};

pub struct AuthRequest<'a> {
    pub provider: &'a Provider,
    pub values: &'a BTreeMap<String, String>,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scopes: &'a [String],
    pub user_scopes: &'a [String],
    pub state: &'a str,
    pub code_challenge: Option<&'a str>,
    pub nonce: Option<&'a str>,
}

const CORE: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "scope",
    "resource",
];

impl AuthRequest<'_> {
    pub fn url(&self) -> Result<String, Error> {
        let p = self.provider;
        let base = fill_template(&p.authorization_url, self.values).map_err(Error::MissingParam)?;
        let mut url =
            url::Url::parse(&base).map_err(|e| Error::Malformed { status: 0, detail: format!("{base}: {e}") })?;
        // The resource goes last and replaces any the endpoint URL already carries (an
        // authorization endpoint with a built-in `?resource=` must not override the server's).
        let kept: Vec<(String, String)> = url.query_pairs().into_owned().filter(|(k, _)| k != "resource").collect();
        let omit = |k: &str| p.omit_authorization_params.iter().any(|o| o == k);
        let core = [
            ("response_type", Some("code")),
            ("client_id", Some(self.client_id)),
            ("redirect_uri", Some(self.redirect_uri)),
            ("state", Some(self.state)),
            ("code_challenge", self.code_challenge),
            ("code_challenge_method", self.code_challenge.map(|_| "S256")),
            ("nonce", self.nonce),
        ];
        {
            let mut q = url.query_pairs_mut();
            q.clear();
            q.extend_pairs(kept);
            for (k, v) in core {
                if let Some(v) = v.filter(|_| !omit(k)) {
                    q.append_pair(k, v);
                }
            }
            if !p.scope_param.is_empty() && !self.scopes.is_empty() {
                q.append_pair(&p.scope_param, &self.scopes.join(&p.scope_separator));
            }
            if !p.user_scope_param.is_empty() && !self.user_scopes.is_empty() {
                q.append_pair(&p.user_scope_param, &self.user_scopes.join(&p.scope_separator));
            }
            for (k, v) in &p.authorization_params {
                if !CORE.contains(&k.as_str()) && *k != p.scope_param && *k != p.user_scope_param {
                    q.append_pair(k, v);
                }
            }
            if let Some(resource) = &p.resource {
                q.append_pair("resource", resource);
            }
        }
        Ok(url.into())
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

    fn query(url: &str) -> Vec<(String, String)> {
        url::Url::parse(url).unwrap().query_pairs().into_owned().collect()
    }

    #[test]
    fn builds_a_pkce_url_with_provider_params() {
        let gmail = Catalog::builtin().get("gmail").unwrap().unwrap();
        let scopes = merge_scopes(&gmail.scopes, &["extra.one,openid".into()]);
        let values = BTreeMap::new();
        let req = AuthRequest {
            provider: &gmail,
            values: &values,
            client_id: "cid",
            redirect_uri: "http://127.0.0.1:8080/callback",
            scopes: &scopes,
            user_scopes: &[],
            state: "st",
            code_challenge: Some("ch"),
            nonce: Some("nn"),
        };
        let url = req.url().unwrap();
        assert!(url.starts_with("https://accounts.google.com/o/oauth2/v2/auth?"), "{url}");
        let q: std::collections::HashMap<_, _> = query(&url).into_iter().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:8080/callback");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["access_type"], "offline");
        assert_eq!(q["prompt"], "consent");
        assert_eq!(q["nonce"], "nn");
        assert_eq!(q["scope"], "https://www.googleapis.com/auth/gmail.send openid profile email extra.one");
    }

    #[test]
    fn quirks_shape_the_url() {
        let p: Provider = toml::from_str(
            "authorization_url = \"https://x.test/{tenant}/authorize?resource=https://wrong.test&keep=1\"\n\
             token_url = \"https://x.test/t\"\nscope_separator = \",\"\nuser_scopes = [\"u1\"]\n\
             omit_authorization_params = [\"response_type\"]\nresource = \"https://mcp.test/mcp\"\n\
             params = { tenant = { default = \"common\" } }\n",
        )
        .unwrap();
        let values: BTreeMap<String, String> = [("tenant".into(), "contoso".into())].into();
        let scopes = vec!["a".to_string(), "b".to_string()];
        let url = AuthRequest {
            provider: &p,
            values: &values,
            client_id: "cid",
            redirect_uri: "http://127.0.0.1:1/cb",
            scopes: &scopes,
            user_scopes: &["u1".to_string(), "u2".to_string()],
            state: "st",
            code_challenge: None,
            nonce: None,
        }
        .url()
        .unwrap();
        assert!(url.starts_with("https://x.test/contoso/authorize?"), "{url}");
        let q = query(&url);
        assert!(!q.iter().any(|(k, _)| k == "response_type"), "omitted: {url}");
        assert!(q.contains(&("scope".into(), "a,b".into())) && q.contains(&("user_scope".into(), "u1,u2".into())));
        assert!(q.contains(&("keep".into(), "1".into())));
        let resources: Vec<&(String, String)> = q.iter().filter(|(k, _)| k == "resource").collect();
        assert_eq!(resources, [&("resource".to_string(), "https://mcp.test/mcp".to_string())], "{url}");
        assert_eq!(q.last().unwrap().0, "resource", "set last");
    }
}
