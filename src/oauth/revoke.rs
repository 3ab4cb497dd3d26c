//! Revoking a token at logout, in the provider's style: RFC 7009 (in the body format of the
//! provider's token endpoint, with its client authentication unless the entry's `revocation_auth`
//! names another), a bearer POST (Dropbox), a form with just the token (Slack), or GitHub's grant API.

use std::collections::BTreeMap;

use serde_json::json;

use super::Error;
use super::client::Client;
use crate::http::{Http, Request};
use crate::providers::{BodyFormat, Provider, Revocation, fill_template};

#[derive(Debug, PartialEq)]
pub enum Outcome {
    Revoked,
    /// The provider has no way for a client to revoke.
    Unsupported,
}

/// The request that revokes `token` in the provider's style; `None` when it has no way to revoke.
fn request(
    provider: &Provider,
    values: &BTreeMap<String, String>,
    client: &Client,
    token: &str,
    hint: &str,
) -> Result<Option<Request>, Error> {
    let style = provider.revocation_style();
    let Some(template) = provider.revocation_url.as_deref().filter(|_| style != Revocation::None) else {
        return Ok(None);
    };
    let mut values = values.clone();
    values.insert("client_id".into(), client.id.clone());
    let url = fill_template(template, &values).map_err(Error::MissingParam)?;
    let req = match style {
        Revocation::Rfc7009 => {
            let mut fields = vec![("token".to_string(), token.to_string()), ("token_type_hint".into(), hint.into())];
            // The revocation endpoint may want another client authentication than the token endpoint.
            let client = Client { auth: provider.revocation_auth.unwrap_or(client.auth), ..client.clone() };
            let req = client.authenticate(Request::new("POST", &url), &mut fields);
            // In the body format of the provider's token endpoint: Notion's and monday's revocation
            // endpoints take JSON as their token endpoints do.
            match provider.body_format {
                BodyFormat::Form => req.form(fields),
                BodyFormat::Json => {
                    let body: serde_json::Map<String, serde_json::Value> =
                        fields.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect();
                    req.secret(token).json(&serde_json::Value::Object(body))
                }
            }
        }
        Revocation::Bearer => Request::new("POST", &url).bearer(token),
        Revocation::Query => Request::new("POST", &url).form([("token", token)]),
        Revocation::Github => client
            .basic(Request::new("DELETE", &url))
            .header("Accept", "application/vnd.github+json")
            .secret(token)
            .json(&json!({ "access_token": token })),
        Revocation::None => unreachable!("handled above"),
    };
    Ok(Some(req))
}

/// Revokes `token` (a refresh token when `hint` says so, else an access token).
pub fn revoke(
    http: &Http,
    provider: &Provider,
    values: &BTreeMap<String, String>,
    client: &Client,
    token: &str,
    hint: &str,
) -> Result<Outcome, Error> {
    let Some(req) = request(provider, values, client, token, hint)? else {
        return Ok(Outcome::Unsupported);
    };
    let resp = http.send(&req).map_err(Error::Transport)?;
    // Slack answers HTTP 200 with {"ok": false, "error": …}.
    let body = resp.json();
    let slack_error = body.as_ref().filter(|v| v["ok"] == false).and_then(|v| v["error"].as_str().map(str::to_string));
    if resp.is_success() && slack_error.is_none() {
        return Ok(Outcome::Revoked);
    }
    let (error, description) = match &body {
        Some(v) => (
            v["error"].as_str().map(str::to_string).or(slack_error).unwrap_or_else(|| "error".into()),
            v["error_description"].as_str().or(v["message"].as_str()).map(|d| resp.scrub(d)),
        ),
        None => ("error".into(), Some(resp.snippet())),
    };
    Err(Error::Refused { status: resp.status, error, description, uri: None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::TokenAuth;
    use crate::secret::Secret;

    #[test]
    fn rfc7009_revocations_use_the_entrys_revocation_auth() {
        let entry = |extra: &str| -> Provider {
            toml::from_str(&format!(
                "authorization_url = \"https://a.test/a\"\ntoken_url = \"https://a.test/t\"\n\
                 revocation_url = \"https://a.test/r\"\n{extra}"
            ))
            .unwrap()
        };
        let client = Client { id: "id".into(), secret: Some(Secret::new("s3cr3t")), auth: TokenAuth::ClientSecretPost };
        let values = BTreeMap::new();
        let has_basic =
            |req: &Request| req.headers.iter().any(|(n, v)| n == "Authorization" && v.starts_with("Basic "));
        let body = |req: &Request| req.body.as_ref().unwrap().0.clone();

        let req = request(&entry(""), &values, &client, "rt", "refresh_token").unwrap().unwrap();
        assert!(!has_basic(&req));
        assert_eq!(body(&req), "token=rt&token_type_hint=refresh_token&client_id=id&client_secret=s3cr3t");

        let separate = entry("revocation_auth = \"client_secret_basic\"\n");
        let req = request(&separate, &values, &client, "rt", "refresh_token").unwrap().unwrap();
        assert!(has_basic(&req), "HTTP Basic for the revocation endpoint");
        assert_eq!(body(&req), "token=rt&token_type_hint=refresh_token", "and no secret in the body");
    }
}
