//! The token endpoint, for every grant: `request` sends an authorization code, refresh or device
//! code grant with the provider's client authentication, body format, extra parameters, headers
//! and resource indicator, and `parse` reads every answer through one set of rules that knows the
//! providers' habits: errors with HTTP 200 (GitHub, Slack's `ok:false`), form-encoded answers,
//! `expires_in` as a string or missing, tokens nested in the answer (Slack's `authed_user`),
//! refresh-token lifetimes, and the extras a provider's entry asks to keep. The raw answer is kept
//! for messages, with the request's secrets removed and never with a token in it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Error;
use super::client::Client;
use crate::http::{Http, Request, Response};
use crate::providers::{BodyFormat, Provider, fill_template};
use crate::secret::Secret;

/// Longest access-token lifetime believed: ten years. Longer (or absurd: 1e300, i64::MAX) is cut
/// to this, so an expiry is always a time the record can hold.
pub const MAX_EXPIRES_IN: i64 = 10 * 365 * 86_400;

pub enum Grant<'a> {
    AuthorizationCode { code: &'a str, redirect_uri: &'a str, verifier: Option<&'a str> },
    Refresh { refresh_token: &'a str },
    DeviceCode { device_code: &'a str },
}

impl Grant<'_> {
    fn fields(&self, provider: &Provider) -> Vec<(String, String)> {
        let fields = self.standard_fields();
        let Grant::DeviceCode { .. } = self else {
            return fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        };
        // A provider whose device flow is not RFC 8628's names the grant and the code differently.
        fields
            .into_iter()
            .map(|(k, v)| match k {
                "grant_type" => (k.to_string(), provider.device_grant_type.clone().unwrap_or(v)),
                "device_code" => (provider.device_code_param.clone().unwrap_or_else(|| k.to_string()), v),
                _ => (k.to_string(), v),
            })
            .collect()
    }

    fn standard_fields(&self) -> Vec<(&'static str, String)> {
        match self {
            Grant::AuthorizationCode { code, redirect_uri, verifier } => {
                let mut f = vec![
                    ("grant_type", "authorization_code".to_string()),
                    ("code", code.to_string()),
                    ("redirect_uri", redirect_uri.to_string()),
                ];
                if let Some(v) = verifier {
                    f.push(("code_verifier", v.to_string()));
                }
                f
            }
            Grant::Refresh { refresh_token } => {
                vec![("grant_type", "refresh_token".into()), ("refresh_token", refresh_token.to_string())]
            }
            Grant::DeviceCode { device_code } => vec![
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code".into()),
                ("device_code", device_code.to_string()),
            ],
        }
    }

    pub fn is_refresh(&self) -> bool {
        matches!(self, Grant::Refresh { .. })
    }
}

/// A provider's token endpoint with the connect-time values of its URL templates.
pub struct Endpoint<'a> {
    pub provider: &'a Provider,
    pub values: &'a BTreeMap<String, String>,
    pub client: &'a Client,
}

impl Endpoint<'_> {
    /// Where `grant` goes: the refresh URL for refreshes when the provider has one.
    pub fn url(&self, grant: &Grant) -> Result<String, Error> {
        let p = self.provider;
        let template = match (grant, &p.refresh_url) {
            (Grant::Refresh { .. }, Some(u)) => u.as_str(),
            _ => p.token_url.as_str(),
        };
        fill_template(template, self.values).map_err(Error::MissingParam)
    }

    /// The request for `grant`, not yet sent.
    pub fn request(&self, grant: &Grant) -> Result<Request, Error> {
        let p = self.provider;
        let mut fields = grant.fields(p);
        let extra = if grant.is_refresh() { &p.refresh_params } else { &p.token_params };
        fields.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        if let Some(resource) = &p.resource {
            fields.retain(|(k, _)| k != "resource");
            fields.push(("resource".into(), resource.clone()));
        }
        let mut req = Request::new("POST", self.url(grant)?);
        for (k, v) in &p.token_headers {
            req = req.header(k, v.as_str());
        }
        let req = self.client.authenticate(req, &mut fields);
        Ok(match p.body_format {
            BodyFormat::Form => req.form(fields),
            BodyFormat::Json => {
                let secrets: Vec<String> =
                    fields.iter().filter(|(k, _)| crate::redact::is_secret_field(k)).map(|(_, v)| v.clone()).collect();
                let body: Map<String, Value> = fields.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
                secrets.iter().fold(req.json(&Value::Object(body)), |r, s| r.secret(s))
            }
        })
    }

    /// Sends `grant` once and parses the answer.
    pub fn send(&self, http: &Http, grant: &Grant) -> Result<TokenSet, Error> {
        let resp = http.send(&self.request(grant)?).map_err(Error::Transport)?;
        parse(&resp, self.provider)
    }

    /// Sends `grant`, retrying transport failures and 5xx answers while `keep_going` says so.
    pub fn send_retrying(
        &self,
        http: &Http,
        grant: &Grant,
        keep_going: &mut dyn FnMut() -> bool,
    ) -> Result<TokenSet, Error> {
        let resp = http.send_retrying(&self.request(grant)?, keep_going).map_err(Error::Transport)?;
        parse(&resp, self.provider)
    }
}

/// One token (a provider may answer more than one: Slack's bot and user tokens).
#[derive(Debug, Clone)]
pub struct Slot {
    pub access_token: Secret,
    pub token_type: String,
    pub refresh_token: Option<Secret>,
    pub expires_in: Option<i64>,
    /// `expires_in` is the entry's `expires_in_default`: the answer stated no lifetime.
    pub expiry_assumed: bool,
    pub refresh_expires_in: Option<i64>,
    pub scope: Option<String>,
}

pub struct TokenSet {
    /// The token `token` hands out by default: a nested one when present, else the top level's.
    pub main: Slot,
    /// Its name when the provider answers several ("user"), else `None`.
    pub main_name: Option<String>,
    /// The other tokens of the answer, by name ("bot").
    pub others: BTreeMap<String, Slot>,
    pub id_token: Option<Secret>,
    /// The values the entry's `extras` asks for.
    pub extras: BTreeMap<String, Value>,
    /// Things worth a warning (an `expires_in` that made no sense).
    pub notes: Vec<String>,
    /// The whole answer, for account names taken from it (`response:PATH`). Holds secrets.
    raw: Map<String, Value>,
}

/// Shows no token, no raw answer.
impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("main", &self.main)
            .field("main_name", &self.main_name)
            .field("others", &self.others.keys().collect::<Vec<_>>())
            .field("extras", &self.extras.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl TokenSet {
    /// The value at `path` of the answer (for account names); secrets are not offered.
    pub fn response_value(&self, path: &str) -> Option<String> {
        let leaf = path.rsplit('.').next().unwrap_or(path);
        if crate::redact::is_secret_field(leaf) {
            return None;
        }
        json_path(&Value::Object(self.raw.clone()), path).and_then(scalar_text)
    }
}

/// The value at `path` (`a.b.0.c`: object keys, array indexes).
pub fn json_path<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').filter(|s| !s.is_empty()).try_fold(value, |v, part| match v {
        Value::Object(m) => m.get(part),
        Value::Array(a) => part.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// A scalar as text (strings as they are, numbers and booleans printed).
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Token types oauthctl cannot use: they need a proof of possession with every request.
const UNUSABLE_TOKEN_TYPES: &[&str] = &["mac", "dpop", "pop"];

/// Reads a token-endpoint answer by the provider's rules.
pub fn parse(resp: &Response, provider: &Provider) -> Result<TokenSet, Error> {
    let status = resp.status;
    let Some(fields) = body_fields(resp) else {
        let what = if resp.content_type.is_empty() { "no content type".to_string() } else { resp.content_type.clone() };
        let mut detail = format!("with {what}, not JSON");
        if (300..400).contains(&status) {
            detail = format!("a redirect to {} (redirects are not followed)", resp.location.as_deref().unwrap_or("?"));
        } else if resp.body.is_empty() {
            detail = "with an empty body".into();
        } else if !resp.is_success() && !resp.body.to_ascii_lowercase().contains("token") {
            detail.push_str(&format!(": {}", resp.snippet()));
        }
        return Err(Error::Malformed { status, detail });
    };
    let text = |k: &str| fields.get(k).and_then(Value::as_str).map(|s| resp.scrub(s));
    if let Some(error) = fields.get("error").and_then(error_code) {
        return Err(Error::Refused {
            status,
            error: resp.scrub(&error),
            description: text("error_description").or_else(|| text("message")),
            uri: text("error_uri"),
        });
    }
    // Shapes of providers that do not follow RFC 6749 §5.2: Figma's {"error": true, "message"},
    // ClickUp's {"err", "ECODE"}.
    if fields.get("error") == Some(&Value::Bool(true)) || fields.contains_key("ECODE") {
        return Err(Error::Refused {
            status,
            error: text("ECODE").unwrap_or_else(|| "error".into()),
            description: text("message").or_else(|| text("err")),
            uri: None,
        });
    }
    // The error objects of providers' own APIs, on a failed status only (a success may carry a
    // `code`): Notion's and Canva's {"code", "message"}, Intercom's {"errors": [{"code", "message"}]},
    // Strava's {"message", "errors": [{"resource", "field", "code"}]}.
    if !resp.is_success() {
        let first = fields.get("errors").and_then(|e| e.get(0)).and_then(Value::as_object).unwrap_or(&fields);
        if let Some(code) = first.get("code").and_then(Value::as_str).filter(|c| !c.is_empty()) {
            let message = first
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| refused_field(first, &fields));
            let description = message.map(|m| resp.scrub(&m));
            return Err(Error::Refused { status, error: resp.scrub(code), description, uri: None });
        }
    }
    if fields.get("ok") == Some(&Value::Bool(false)) {
        return Err(Error::Refused { status, error: "unknown_error".into(), description: None, uri: None });
    }
    if !resp.is_success() {
        let names: Vec<&str> = fields.keys().map(String::as_str).collect();
        return Err(Error::Malformed {
            status,
            detail: format!("a JSON answer without an error code (fields: {})", names.join(", ")),
        });
    }
    let mut notes = Vec::new();
    let top = slot(&fields, provider, &mut notes);
    let mut nested: Vec<(String, Slot)> = Vec::new();
    for (name, path) in &provider.nested_tokens {
        if let Some(Value::Object(inner)) = json_path(&Value::Object(fields.clone()), path)
            && let Some(s) = slot(inner, provider, &mut notes)
        {
            nested.push((name.clone(), s));
        }
    }
    let primary_name = provider.primary_token.clone().unwrap_or_else(|| "primary".into());
    let (main, main_name, others) = match (nested.is_empty(), top) {
        (true, Some(top)) => (top, None, BTreeMap::new()),
        (true, None) => {
            let names: Vec<&str> = fields.keys().map(String::as_str).collect();
            return Err(Error::Malformed {
                status,
                detail: format!("but no access_token in the answer (fields: {})", names.join(", ")),
            });
        }
        (false, top) => {
            let (name, main) = nested.remove(0);
            let mut others: BTreeMap<String, Slot> = nested.into_iter().collect();
            if let Some(t) = top {
                others.insert(primary_name, t);
            }
            (main, Some(name), others)
        }
    };
    for s in std::iter::once(&main).chain(others.values()) {
        if UNUSABLE_TOKEN_TYPES.contains(&s.token_type.to_ascii_lowercase().as_str()) {
            return Err(Error::Malformed {
                status,
                detail: format!(
                    "a token of type {:?}, which needs a proof of possession with every request; oauthctl hands out bearer tokens only",
                    s.token_type
                ),
            });
        }
    }
    let extras = provider
        .extras
        .iter()
        .filter_map(|(name, path)| {
            json_path(&Value::Object(fields.clone()), path).filter(|v| !v.is_null()).map(|v| (name.clone(), v.clone()))
        })
        .collect();
    let text = |k: &str| fields.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(Secret::new);
    Ok(TokenSet { main, main_name, others, id_token: text("id_token"), extras, notes, raw: fields })
}

fn slot(fields: &Map<String, Value>, provider: &Provider, notes: &mut Vec<String>) -> Option<Slot> {
    let text = |k: &str| fields.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
    let access_token = text("access_token")?;
    let stated = fields.get("expires_in").filter(|v| !v.is_null());
    let expires_in = match stated {
        None => provider.expires_in_default,
        Some(v) => lifetime(v, "expires_in", notes),
    };
    let refresh_expires_in = ["refresh_expires_in", "refresh_token_expires_in", "x_refresh_token_expires_in"]
        .iter()
        .find_map(|k| fields.get(*k).filter(|v| !v.is_null()).map(|v| (k, v)))
        .and_then(|(k, v)| lifetime(v, k, notes));
    let token_type = match text("token_type") {
        Some(t) if t.eq_ignore_ascii_case("bearer") => "Bearer".to_string(),
        Some(t) => t,
        None => "Bearer".to_string(),
    };
    Some(Slot {
        access_token: Secret::new(access_token),
        token_type,
        refresh_token: text("refresh_token").map(Secret::new),
        expires_in,
        expiry_assumed: stated.is_none() && expires_in.is_some(),
        refresh_expires_in,
        scope: match fields.get("scope") {
            // Linear's older apps answer an array.
            Some(Value::Array(items)) => Some(items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" ")),
            _ => text("scope"),
        },
    })
}

/// Assumed when a provider states a lifetime that makes no sense: long enough not to refresh on
/// every call, short enough that a token that did expire is renewed soon.
pub const ASSUMED_EXPIRES_IN: i64 = 3600;

/// A lifetime in seconds: a number or a numeric string, cut to [`MAX_EXPIRES_IN`]. A negative or
/// non-numeric value says nothing usable: it is treated as unknown and an hour is assumed, with a
/// note (neither "never refresh" nor "refresh on every call"). Zero means no expiry (Mailchimp).
fn lifetime(v: &Value, name: &str, notes: &mut Vec<String>) -> Option<i64> {
    let seconds = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match seconds {
        Some(0.0) => None,
        Some(s) if s.is_finite() && s >= 1.0 => {
            if s > MAX_EXPIRES_IN as f64 {
                notes.push(format!("the provider's {name} ({v}) is longer than ten years; ten years was used"));
                Some(MAX_EXPIRES_IN)
            } else {
                Some(s as i64)
            }
        }
        _ => {
            notes.push(format!(
                "the provider's {name} ({v}) is not a positive number of seconds; treated as unknown, an hour is assumed"
            ));
            Some(ASSUMED_EXPIRES_IN)
        }
    }
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

/// An error object that names what was refused instead of describing it (Strava's `resource` and
/// `field`), after the answer's own `message`: "Bad Request: resource RefreshToken, field refresh_token".
fn refused_field(error: &Map<String, Value>, answer: &Map<String, Value>) -> Option<String> {
    let parts: Vec<String> = ["resource", "field"]
        .iter()
        .filter_map(|k| error.get(*k).and_then(Value::as_str).filter(|v| !v.is_empty()).map(|v| format!("{k} {v}")))
        .collect();
    if parts.is_empty() {
        return None;
    }
    let parts = parts.join(", ");
    Some(match answer.get("message").and_then(Value::as_str).filter(|m| !m.is_empty()) {
        Some(m) => format!("{m}: {parts}"),
        None => parts,
    })
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::providers::Catalog;

    pub fn resp(status: u16, ct: &str, body: &str) -> Response {
        Response::test(status, ct, body)
    }

    pub fn plain() -> Provider {
        toml::from_str("authorization_url = \"https://a.test/a\"\ntoken_url = \"https://a.test/t\"\n").unwrap()
    }

    #[test]
    fn parses_a_standard_answer() {
        let t = parse(&resp(200, "application/json", r#"{"access_token":"at","token_type":"bearer","expires_in":"3599","refresh_token":"rt","scope":"a b","instance_url":"https://x"}"#), &plain()).unwrap();
        assert_eq!(t.main.access_token.expose(), "at");
        assert_eq!(t.main.token_type, "Bearer");
        assert_eq!(t.main.expires_in, Some(3599));
        assert_eq!(t.main.refresh_token.unwrap().expose(), "rt");
        assert!(t.extras.is_empty(), "only the extras an entry declares are kept");
    }

    #[test]
    fn error_with_http_200_is_an_error() {
        let f = parse(
            &resp(
                200,
                "application/json",
                r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}"#,
            ),
            &plain(),
        )
        .unwrap_err();
        assert!(matches!(&f, Error::Refused { status: 200, error, description: Some(d), .. }
            if error == "bad_verification_code" && d.starts_with("The code")));
        let slack =
            parse(&resp(200, "application/json", r#"{"ok":false,"error":"invalid_code"}"#), &plain()).unwrap_err();
        assert_eq!(slack.oauth_error(), Some("invalid_code"));
    }

    #[test]
    fn api_error_objects_give_their_code() {
        for (body, code, message) in [
            (
                r#"{"object":"error","status":400,"code":"invalid_request","message":"body failed validation"}"#,
                "invalid_request",
                "body failed validation",
            ),
            (
                r#"{"type":"error.list","errors":[{"code":"unauthorized","message":"Unauthorized Code"}]}"#,
                "unauthorized",
                "Unauthorized Code",
            ),
            (
                r#"{"message":"Bad Request","errors":[{"resource":"RefreshToken","field":"refresh_token","code":"invalid"}]}"#,
                "invalid",
                "Bad Request: resource RefreshToken, field refresh_token",
            ),
        ] {
            let f = parse(&resp(400, "application/json", body), &plain()).unwrap_err();
            assert!(
                matches!(&f, Error::Refused { error, description: Some(d), .. } if error == code && d == message),
                "{f:?}"
            );
        }
        let t = parse(&resp(200, "application/json", r#"{"access_token":"at","code":"not-an-error"}"#), &plain());
        assert!(t.is_ok(), "a success is never an error for its `code` field");
    }

    #[test]
    fn html_and_broken_json_are_malformed_without_the_half_token() {
        let f = parse(&resp(502, "text/html", "<html><body>Bad   gateway</body></html>"), &plain()).unwrap_err();
        let Error::Malformed { status: 502, detail } = &f else { panic!("{f:?}") };
        assert!(detail.contains("text/html") && detail.contains("Bad gateway"), "{detail}");
        let f = parse(&resp(200, "application/json", r#"{"access_token":"secret-at","#), &plain()).unwrap_err();
        let Error::Malformed { detail, .. } = &f else { panic!() };
        assert!(!detail.contains("secret-at"), "a half answer's token is never shown: {detail}");
    }

    #[test]
    fn form_encoded_answers_parse() {
        let t = parse(
            &resp(
                200,
                "application/x-www-form-urlencoded; charset=utf-8",
                "access_token=gho_x&scope=repo&token_type=bearer",
            ),
            &plain(),
        )
        .unwrap();
        assert_eq!(t.main.access_token.expose(), "gho_x");
        assert_eq!(t.main.expires_in, None);
    }

    #[test]
    fn success_without_access_token_is_malformed() {
        let f = parse(&resp(200, "application/json", r#"{"token_type":"bearer"}"#), &plain()).unwrap_err();
        assert!(matches!(f, Error::Malformed { .. }));
    }

    #[test]
    fn absurd_lifetimes_are_cut_or_unknown_with_a_note() {
        for (value, expect) in [
            ("300000000000", Some(MAX_EXPIRES_IN)),
            ("1e300", Some(MAX_EXPIRES_IN)),
            ("9223372036854775807", Some(MAX_EXPIRES_IN)),
            ("-5", Some(ASSUMED_EXPIRES_IN)),
            ("0", None),
            ("\"soon\"", Some(ASSUMED_EXPIRES_IN)),
            ("\"3600\"", Some(3600)),
            ("3600.7", Some(3600)),
        ] {
            let body = format!(r#"{{"access_token":"at","expires_in":{value}}}"#);
            let t = parse(&resp(200, "application/json", &body), &plain()).unwrap();
            assert_eq!(t.main.expires_in, expect, "{value}");
            assert_eq!(t.notes.is_empty(), matches!(value, "\"3600\"" | "3600.7" | "0"), "{value}: {:?}", t.notes);
        }
    }

    #[test]
    fn an_unstated_lifetime_is_the_entrys_default_and_marked_assumed() {
        let p: Provider = toml::from_str(
            "authorization_url = \"https://a.test/a\"\ntoken_url = \"https://a.test/t\"\nexpires_in_default = 1800\n",
        )
        .unwrap();
        let t = parse(&resp(200, "application/json", r#"{"access_token":"at","expires_in":null}"#), &p).unwrap();
        assert_eq!((t.main.expires_in, t.main.expiry_assumed), (Some(1800), true));
        let t = parse(&resp(200, "application/json", r#"{"access_token":"at","expires_in":60}"#), &p).unwrap();
        assert_eq!((t.main.expires_in, t.main.expiry_assumed), (Some(60), false));
        let t = parse(&resp(200, "application/json", r#"{"access_token":"at"}"#), &plain()).unwrap();
        assert_eq!((t.main.expires_in, t.main.expiry_assumed), (None, false));
    }

    #[test]
    fn refresh_token_lifetimes_are_kept() {
        for field in ["refresh_expires_in", "refresh_token_expires_in", "x_refresh_token_expires_in"] {
            let body = format!(r#"{{"access_token":"at","refresh_token":"rt","{field}":8726400}}"#);
            let t = parse(&resp(200, "application/json", &body), &plain()).unwrap();
            assert_eq!(t.main.refresh_expires_in, Some(8_726_400), "{field}");
        }
    }

    #[test]
    fn proof_of_possession_tokens_are_refused() {
        let f = parse(&resp(200, "application/json", r#"{"access_token":"at","token_type":"DPoP"}"#), &plain())
            .unwrap_err();
        assert!(matches!(&f, Error::Malformed { detail, .. } if detail.contains("DPoP")), "{f:?}");
    }

    #[test]
    fn gmail_answers_keep_google_id_tokens() {
        let g = Catalog::builtin().get("gmail").unwrap().unwrap();
        let t = parse(
            &resp(200, "application/json; charset=utf-8", r#"{"access_token":"ya29.a0","expires_in":3599,"refresh_token":"1//0g","scope":"https://www.googleapis.com/auth/gmail.send openid","token_type":"Bearer","id_token":"e30.e30.sig"}"#),
            &g,
        )
        .unwrap();
        assert_eq!(t.main.expires_in, Some(3599));
        assert_eq!(t.id_token.unwrap().expose(), "e30.e30.sig");
    }

    #[test]
    fn secrets_echoed_in_an_error_are_removed() {
        let mut r = resp(
            400,
            "application/json",
            r#"{"error":"invalid_client","error_description":"bad secret s3cr3t-value for client"}"#,
        );
        r.redactor.add("s3cr3t-value");
        let f = parse(&r, &plain()).unwrap_err();
        assert!(
            matches!(&f, Error::Refused { description: Some(d), .. } if d == "bad secret [redacted] for client"),
            "{f:?}"
        );
    }

    #[test]
    fn json_paths_walk_objects_and_arrays() {
        let v: Value = serde_json::from_str(r#"{"team":{"id":"T1"},"list":[{"id":"c1"}],"n":5}"#).unwrap();
        assert_eq!(json_path(&v, "team.id").and_then(scalar_text).as_deref(), Some("T1"));
        assert_eq!(json_path(&v, "list.0.id").and_then(scalar_text).as_deref(), Some("c1"));
        assert_eq!(json_path(&v, "n").and_then(scalar_text).as_deref(), Some("5"));
        assert!(json_path(&v, "team.nope").is_none());
    }
}
