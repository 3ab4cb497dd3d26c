//! Token-endpoint requests (code exchange, refresh) and the parsing of their answers, including the
//! shapes real providers send: errors with HTTP 200, form-encoded bodies, `expires_in` as a string,
//! HTML error pages. Raw answers are kept for the message, never with a token in them.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::client::Client;
use crate::error::{Error, Kind, Result};
use crate::http::{Http, Request, Response};
use crate::secret::Secret;

#[derive(Debug)]
pub struct TokenSet {
    pub access_token: Secret,
    pub token_type: String,
    pub refresh_token: Option<Secret>,
    pub expires_in: Option<i64>,
    pub scope: Option<String>,
    pub id_token: Option<Secret>,
    pub extras: BTreeMap<String, Value>,
}

/// Why a token request failed, before it becomes an [`Error`].
#[derive(Debug, PartialEq)]
pub enum Failure {
    /// An OAuth error answer (RFC 6749 §5.2), whatever the HTTP status.
    OAuth { status: u16, error: String, description: Option<String> },
    /// Anything that is neither tokens nor an OAuth error.
    Malformed { status: u16, detail: String },
}

impl Failure {
    pub fn oauth_error(&self) -> Option<&str> {
        match self {
            Failure::OAuth { error, .. } => Some(error),
            Failure::Malformed { .. } => None,
        }
    }

    /// `what`: "exchanging the authorization code", "refreshing gmail:me@x".
    pub fn into_error(self, what: &str, endpoint: &str) -> Error {
        match self {
            Failure::OAuth { status, error, description } => {
                let desc = description.map(|d| format!(": {d}")).unwrap_or_default();
                let kind =
                    if error == "invalid_grant" && what.starts_with("refresh") { Kind::Reauth } else { Kind::Remote };
                Error::new(
                    kind,
                    format!("{what} failed: the provider answered {error}{desc} (HTTP {status} from {endpoint})"),
                )
            }
            Failure::Malformed { status, detail } => {
                Error::remote(format!("{what} failed: {endpoint} answered HTTP {status}, {detail}"))
            }
        }
    }
}

const KNOWN: &[&str] = &["access_token", "token_type", "refresh_token", "expires_in", "scope", "id_token"];

pub fn parse(resp: &Response) -> std::result::Result<TokenSet, Failure> {
    let status = resp.status;
    let fields = match body_fields(resp) {
        Some(f) => f,
        None => {
            let what =
                if resp.content_type.is_empty() { "no content type".to_string() } else { resp.content_type.clone() };
            let mut detail = format!("with {what}, not JSON");
            if (300..400).contains(&status) {
                detail =
                    format!("a redirect to {} (redirects are not followed)", resp.location.as_deref().unwrap_or("?"));
            } else if !resp.is_success() && !resp.body.is_empty() && !resp.body.to_ascii_lowercase().contains("token") {
                detail.push_str(&format!(": {}", resp.snippet()));
            } else if resp.body.is_empty() {
                detail = "with an empty body".into();
            }
            return Err(Failure::Malformed { status, detail });
        }
    };
    if let Some(error) = fields.get("error").and_then(error_code) {
        let description = fields.get("error_description").and_then(Value::as_str).map(str::to_string);
        return Err(Failure::OAuth { status, error, description });
    }
    if !resp.is_success() {
        let names: Vec<&str> = fields.keys().map(String::as_str).collect();
        return Err(Failure::Malformed {
            status,
            detail: format!("a JSON answer without an error code (fields: {})", names.join(", ")),
        });
    }
    let text = |k: &str| fields.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    let Some(access_token) = text("access_token") else {
        let names: Vec<&str> = fields.keys().map(String::as_str).collect();
        return Err(Failure::Malformed {
            status,
            detail: format!("but no access_token in the answer (fields: {})", names.join(", ")),
        });
    };
    let expires_in = match fields.get("expires_in") {
        Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let token_type = match text("token_type") {
        Some(t) if t.eq_ignore_ascii_case("bearer") => "Bearer".to_string(),
        Some(t) => t,
        None => "Bearer".to_string(),
    };
    Ok(TokenSet {
        access_token: Secret::new(access_token),
        token_type,
        refresh_token: text("refresh_token").map(Secret::new),
        expires_in,
        scope: text("scope"),
        id_token: text("id_token").map(Secret::new),
        extras: fields.into_iter().filter(|(k, _)| !KNOWN.contains(&k.as_str())).collect(),
    })
}

/// The answer's fields: a JSON object, or a form-encoded body (GitHub without `Accept`).
fn body_fields(resp: &Response) -> Option<Map<String, Value>> {
    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&resp.body) {
        return Some(map);
    }
    if resp.content_type.starts_with("application/x-www-form-urlencoded") {
        let map: Map<String, Value> = url::form_urlencoded::parse(resp.body.trim().as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        return (!map.is_empty()).then_some(map);
    }
    None
}

/// `error` is a string in RFC 6749; some providers nest it (`{"error": {"code": ..}}`).
fn error_code(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Object(o) => {
            o.get("code").or_else(|| o.get("message")).map(|c| c.as_str().map_or(c.to_string(), str::to_string))
        }
        _ => None,
    }
}

/// `grant_type=authorization_code` with the PKCE verifier.
pub fn exchange_code(
    http: &Http,
    token_url: &str,
    client: &Client,
    code: &str,
    redirect_uri: &str,
    verifier: Option<&str>,
) -> Result<TokenSet> {
    let mut form: Vec<(&'static str, String)> =
        vec![("grant_type", "authorization_code".into()), ("code", code.into()), ("redirect_uri", redirect_uri.into())];
    if let Some(v) = verifier {
        form.push(("code_verifier", v.into()));
    }
    let req = client.authenticate(Request::new("POST", token_url), &mut form);
    let resp = http.send(&req.form(form))?;
    parse(&resp).map_err(|f| f.into_error("exchanging the authorization code", token_url))
}

/// `grant_type=refresh_token`; transport failures and 5xx answers are retried.
pub fn refresh(
    http: &Http,
    token_url: &str,
    client: &Client,
    refresh_token: &str,
) -> std::result::Result<TokenSet, RefreshError> {
    let mut form: Vec<(&'static str, String)> =
        vec![("grant_type", "refresh_token".into()), ("refresh_token", refresh_token.into())];
    let req = client.authenticate(Request::new("POST", token_url), &mut form);
    let resp = http.send_with_retries(&req.form(form)).map_err(RefreshError::Transport)?;
    parse(&resp).map_err(RefreshError::Refused)
}

#[derive(Debug)]
pub enum RefreshError {
    Transport(Error),
    Refused(Failure),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, ct: &str, body: &str) -> Response {
        Response { status, content_type: ct.into(), location: None, body: body.into() }
    }

    #[test]
    fn parses_a_standard_answer() {
        let t = parse(&resp(200, "application/json", r#"{"access_token":"at","token_type":"bearer","expires_in":"3599","refresh_token":"rt","scope":"a b","instance_url":"https://x"}"#)).unwrap();
        assert_eq!(t.access_token.expose(), "at");
        assert_eq!(t.token_type, "Bearer");
        assert_eq!(t.expires_in, Some(3599));
        assert_eq!(t.refresh_token.unwrap().expose(), "rt");
        assert_eq!(t.extras.get("instance_url").unwrap(), "https://x");
    }

    #[test]
    fn error_with_http_200_is_an_error() {
        let f = parse(&resp(
            200,
            "application/json",
            r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}"#,
        ))
        .unwrap_err();
        assert_eq!(
            f,
            Failure::OAuth {
                status: 200,
                error: "bad_verification_code".into(),
                description: Some("The code passed is incorrect or expired.".into())
            }
        );
        let slack = parse(&resp(200, "application/json", r#"{"ok":false,"error":"invalid_code"}"#)).unwrap_err();
        assert_eq!(slack.oauth_error(), Some("invalid_code"));
    }

    #[test]
    fn html_and_broken_json_are_malformed_with_a_snippet() {
        let f = parse(&resp(502, "text/html", "<html><body>Bad   gateway</body></html>")).unwrap_err();
        let e = f.into_error("exchanging the authorization code", "http://127.0.0.1/token");
        assert_eq!(e.kind, Kind::Remote);
        assert!(
            e.message.contains("HTTP 502") && e.message.contains("text/html") && e.message.contains("Bad gateway"),
            "{}",
            e.message
        );

        let f = parse(&resp(200, "application/json", r#"{"access_token":"secret-at","#)).unwrap_err();
        let Failure::Malformed { detail, .. } = &f else { panic!() };
        assert!(!detail.contains("secret-at"), "a half answer's token is never shown: {detail}");
    }

    #[test]
    fn form_encoded_answers_parse() {
        let t = parse(&resp(
            200,
            "application/x-www-form-urlencoded; charset=utf-8",
            "access_token=gho_x&scope=repo&token_type=bearer",
        ))
        .unwrap();
        assert_eq!(t.access_token.expose(), "gho_x");
        assert_eq!(t.expires_in, None);
    }

    #[test]
    fn invalid_grant_means_reauth_only_for_refresh() {
        let f = || Failure::OAuth { status: 400, error: "invalid_grant".into(), description: None };
        assert_eq!(f().into_error("refreshing gmail:a", "u").kind, Kind::Reauth);
        assert_eq!(f().into_error("exchanging the authorization code", "u").kind, Kind::Remote);
    }

    #[test]
    fn success_without_access_token_is_malformed() {
        let f = parse(&resp(200, "application/json", r#"{"token_type":"bearer"}"#)).unwrap_err();
        assert!(matches!(f, Failure::Malformed { .. }));
    }
}
