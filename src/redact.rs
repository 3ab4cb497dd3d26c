//! Keeping secrets out of what people see. A [`Redactor`] knows the secret values of the current
//! request (the client secret, the refresh token, a platform's API key, …) and removes them from
//! any text, wherever they appear: a provider that echoes the request in an error, a trace line, a
//! platform's free-text message. Bodies shown in traces additionally hide the values of fields that
//! hold secrets by nature (an answer's new `access_token` is not known before it arrives).

use serde_json::Value;

/// Fields whose values are secret wherever they appear: form bodies, JSON, query strings.
const SECRET_FIELDS: &[&str] = &[
    "access_token",
    "api_key",
    "apikey",
    "assertion",
    "bearerToken",
    "client_secret",
    "client_credentials",
    "clientCredentials",
    "clientSecret",
    "code",
    "code_verifier",
    "device_code",
    "id_token",
    "password",
    "refresh_token",
    "registration_access_token",
    "token",
    "CLIENT_SECRET",
    "REFRESH_TOKEN",
];

pub fn is_secret_field(name: &str) -> bool {
    SECRET_FIELDS.iter().any(|f| f.eq_ignore_ascii_case(name))
}

/// Values shorter than this are not treated as secrets: they would blank out ordinary words, and
/// real secrets are long.
const MIN_LEN: usize = 6;

#[derive(Clone, Default)]
pub struct Redactor {
    /// Each value in the forms it may appear in (raw, JSON-escaped once and twice, form-encoded),
    /// longest first so that a value inside another is not replaced first.
    values: Vec<String>,
}

impl Redactor {
    pub fn new() -> Self {
        Redactor::default()
    }

    pub fn of<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut r = Redactor::new();
        for v in values {
            r.add(v);
        }
        r
    }

    pub fn add(&mut self, value: &str) {
        if value.len() < MIN_LEN {
            return;
        }
        let escape = |v: &str| {
            let quoted = serde_json::to_string(v).expect("strings serialize");
            quoted[1..quoted.len() - 1].to_string()
        };
        let once = escape(value);
        let twice = escape(&once);
        let form: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        for v in [value.to_string(), once, twice, form] {
            if !self.values.contains(&v) {
                self.values.push(v);
            }
        }
        self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }

    pub fn extend(&mut self, other: &Redactor) {
        for v in &other.values {
            if !self.values.contains(v) {
                self.values.push(v.clone());
            }
        }
        self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }

    /// `text` with every known secret value replaced by `[redacted]`.
    pub fn text(&self, text: &str) -> String {
        if self.values.is_empty() {
            return text.to_string();
        }
        self.values.iter().fold(text.to_string(), |acc, v| acc.replace(v.as_str(), "[redacted]"))
    }

    /// A body for a trace: JSON and form bodies with secret fields hidden, anything else shown as
    /// its size; known values hidden in all of them.
    pub fn body(&self, body: &str) -> String {
        let shown = if let Ok(v) = serde_json::from_str::<Value>(body) {
            redact_json(&v).to_string()
        } else if !body.is_empty() && !body.contains(char::is_whitespace) && body.contains('=') {
            redact_form(body)
        } else {
            return format!("[{} bytes]", body.len());
        };
        self.text(&shown)
    }

    /// A URL for a trace: query values of secret fields hidden.
    pub fn url(&self, url: &str) -> String {
        let shown = match url.split_once('?') {
            Some((base, query)) => format!("{base}?{}", redact_form(query)),
            None => url.to_string(),
        };
        self.text(&shown)
    }
}

/// Names, never values.
impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} forms)", self.values.len())
    }
}

/// Redacts the values of secret fields in a form-encoded string.
pub fn redact_form(form: &str) -> String {
    form.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret_field(&percent_decode(k)) => format!("{k}=[redacted]"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Redacts the values of secret fields anywhere in a JSON document.
pub fn redact_json(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_secret_field(k) && !v.is_null() {
                        Value::String("[redacted]".into())
                    } else {
                        redact_json(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact_json).collect()),
        other => other.clone(),
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("{s}=").as_bytes()).next().map(|(k, _)| k.into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_redaction_hides_secret_values_only() {
        let got = redact_form("grant_type=refresh_token&refresh_token=abc&client_id=cid&client_secret=s3");
        assert_eq!(got, "grant_type=refresh_token&refresh_token=[redacted]&client_id=cid&client_secret=[redacted]");
    }

    #[test]
    fn json_redaction_is_recursive() {
        let v = serde_json::json!({"spec": {"secret": {"CLIENT_ID": "id", "REFRESH_TOKEN": "rt", "CLIENT_SECRET": "cs"}},
            "credentials": [{"access_token": "at"}], "name": "n"});
        let got = Redactor::new().body(&v.to_string());
        assert!(!got.contains("rt") && !got.contains("\"cs\"") && !got.contains("\"at\""), "{got}");
        assert!(got.contains("\"CLIENT_ID\":\"id\"") && got.contains("\"name\":\"n\""), "{got}");
    }

    #[test]
    fn opaque_bodies_show_only_their_size() {
        assert_eq!(Redactor::new().body("<html>secret stuff</html>"), "[25 bytes]");
    }

    #[test]
    fn known_values_are_hidden_wherever_they_appear() {
        let r = Redactor::of(["refresh-token-value", "abc", "quote\"back\\slash", "a b+c/d"]);
        assert_eq!(r.text("bad token refresh-token-value (abc)"), "bad token [redacted] (abc)");
        assert_eq!(
            r.text(r#"echo: {"t":"quote\"back\\slash"} quote"back\slash"#),
            r#"echo: {"t":"[redacted]"} [redacted]"#
        );
        // An echoed form body carries the value form-encoded.
        assert_eq!(r.text("got secret=a+b%2Bc%2Fd"), "got secret=[redacted]");
        // An unusual field name still does not let the value through.
        assert_eq!(r.body(r#"{"echo":"refresh-token-value"}"#), r#"{"echo":"[redacted]"}"#);
    }

    #[test]
    fn urls_in_traces_hide_codes() {
        assert_eq!(Redactor::new().url("http://x/cb?code=abc&state=s"), "http://x/cb?code=[redacted]&state=s");
    }
}
