//! Handing a stored credential to a hosted agent platform (Blaxel, Airbyte). This module owns what
//! both targets share: the credential that is sent and the checks made before anything is sent
//! (refresh token, client secret, scopes), resource names, base URLs, the dry-run rendering of
//! requests, and scrubbing secrets out of error text. The targets know nothing about terminals:
//! `commands/push.rs` talks to the person.

pub mod airbyte;
pub mod blaxel;
pub mod blaxel_config;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::http::Request;
use crate::secret::Secret;
use crate::store::Record;

/// What a platform needs to refresh the account on its own: the OAuth client and the grant.
pub struct Credential {
    pub client_id: String,
    pub client_secret: Secret,
    pub refresh_token: Secret,
    /// Possibly expired; sent only where a platform takes it (Airbyte), which refreshes anyway.
    pub access_token: Secret,
}

impl Credential {
    /// Takes the stored record as it is: a push never refreshes or rewrites anything local.
    /// Missing pieces are re-authorization errors (exit 4): the fix is `oauthctl connect`, the
    /// same as for a grant the provider revoked.
    pub fn from_record(record: &Record) -> Result<Self> {
        let key = record.key();
        let connect = format!("oauthctl connect {}", record.provider);
        let present = |s: &Option<Secret>| s.clone().filter(|s| !s.expose().is_empty());
        let refresh_token = present(&record.refresh_token).ok_or_else(|| {
            Error::reauth(format!(
                "{key} has no refresh token, so the platform could not renew its access token after the first hour"
            ))
            .with_hint(format!(
                "connect again to get one (Google sends it with prompt=consent, which oauthctl asks for): {connect}"
            ))
        })?;
        let client_secret = present(&record.client_secret).ok_or_else(|| {
            Error::reauth(format!(
                "{key} was connected without a client secret; the platform needs the OAuth client's secret to refresh"
            ))
            .with_hint(format!("connect again with the client's secret: {connect} --client-secrets-file PATH (or set OAUTHCTL_CLIENT_SECRET)"))
        })?;
        Ok(Credential {
            client_id: record.client_id.clone(),
            client_secret,
            refresh_token,
            access_token: record.access_token.clone(),
        })
    }

    /// Every secret value this credential carries, for [`Scrub`].
    pub fn secret_values(&self) -> [&str; 3] {
        [self.client_secret.expose(), self.refresh_token.expose(), self.access_token.expose()]
    }
}

// ---------------------------------------------------------------------------------------------
// Scopes

const GOOGLE_SCOPE_PREFIX: &str = "https://www.googleapis.com/auth/";
/// Google's full-access Gmail scope: covers every `gmail.*` scope.
const GMAIL_FULL_ACCESS: &str = "https://mail.google.com/";

/// One spelling per scope, so that the forms Google accepts and the forms it answers with compare
/// equal: it is asked for `email` and reports `https://www.googleapis.com/auth/userinfo.email`;
/// `gmail.send` and `https://www.googleapis.com/auth/gmail.send` are the same scope.
fn canonical_scope(scope: &str) -> String {
    match scope {
        "openid" => "openid".into(),
        "email" => format!("{GOOGLE_SCOPE_PREFIX}userinfo.email"),
        "profile" => format!("{GOOGLE_SCOPE_PREFIX}userinfo.profile"),
        s if s.starts_with("gmail.") || s.starts_with("drive") || s.starts_with("userinfo.") => {
            format!("{GOOGLE_SCOPE_PREFIX}{s}")
        }
        s => s.to_string(),
    }
}

/// The scopes in `required` that `granted` lacks. An empty `granted` means "unknown" and is the
/// caller's to handle.
pub fn missing_scopes<'a>(granted: &[String], required: &[&'a str]) -> Vec<&'a str> {
    let granted: Vec<String> = granted.iter().map(|s| canonical_scope(s)).collect();
    let full_gmail = granted.iter().any(|s| s == GMAIL_FULL_ACCESS);
    required
        .iter()
        .copied()
        .filter(|want| {
            let want = canonical_scope(want);
            let covered = full_gmail && want.starts_with(&format!("{GOOGLE_SCOPE_PREFIX}gmail."));
            !covered && !granted.contains(&want)
        })
        .collect()
}

/// Checks the credential's granted scopes against what the platform's integration needs. A
/// shortfall is a re-authorization error (exit 4) naming the exact `connect` command that fixes
/// it; `connect` adds `--scope`s to the provider's defaults, so nothing already granted is lost.
/// Returns a warning when the record lists no scopes at all (nothing to check against).
pub fn check_scopes(
    key: &str,
    provider: &str,
    granted: &[String],
    required: &[&str],
    needed_by: &str,
) -> Result<Option<String>> {
    if required.is_empty() {
        return Ok(None);
    }
    if granted.is_empty() {
        return Ok(Some(format!(
            "{key} records no granted scopes, so they were not checked; {needed_by} needs {}",
            required.join(" ")
        )));
    }
    let missing = missing_scopes(granted, required);
    if missing.is_empty() {
        return Ok(None);
    }
    let flags: Vec<String> = missing.iter().map(|s| format!("--scope {s}")).collect();
    Err(Error::reauth(format!(
        "{key} lacks scope{} {needed_by} needs: {} (granted: {})",
        if missing.len() == 1 { "" } else { "s" },
        missing.join(", "),
        granted.join(" ")
    ))
    .with_hint(format!("connect again with them: oauthctl connect {provider} {}", flags.join(" "))))
}

// ---------------------------------------------------------------------------------------------
// Names

/// Blaxel's limits (its names become URL parts); also used for Airbyte's default name so that one
/// account gets the same name on both platforms.
pub const NAME_MAX: usize = 49;
pub const DISPLAY_NAME_MAX: usize = 63;

/// `PROVIDER-ACCOUNT` reduced to lowercase letters, digits and single `-`, at most 49 characters:
/// `gmail` + `alice@example.test` → `gmail-alice-example-test`. A name that had to be cut ends in
/// 6 hex digits of a hash of the full target, so two long accounts still get different names.
pub fn default_name(provider: &str, account: &str) -> String {
    let mut name = String::new();
    for c in format!("{provider}-{account}").chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-').to_string();
    if name.len() <= NAME_MAX {
        return name;
    }
    let digest = Sha256::digest(format!("{provider}:{account}").as_bytes());
    let tag: String = digest.iter().take(3).map(|b| format!("{b:02x}")).collect();
    let head = name[..NAME_MAX - tag.len() - 1].trim_end_matches('-');
    format!("{head}-{tag}")
}

/// A user-given resource name, refused before any request: lowercase letters, digits and `-`,
/// starting and ending with a letter or digit (a DNS label, as the name becomes part of URLs), at
/// most 49 characters.
pub fn check_name(flag: &str, name: &str) -> Result<()> {
    let problem = if name.is_empty() {
        Some("is empty".to_string())
    } else if name.len() > NAME_MAX {
        Some(format!("is {} characters long (at most {NAME_MAX})", name.len()))
    } else if let Some(c) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        Some(format!("contains {c:?} (only lowercase letters, digits and '-')"))
    } else if name.starts_with('-') || name.ends_with('-') {
        Some("starts or ends with '-'".to_string())
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(p) => Err(Error::usage(format!("{flag} {name:?} {p}"))
            .with_hint("names take lowercase letters, digits and '-', at most 49 characters, e.g. gmail-alice")),
    }
}

/// A display name cut to the platform's limit (63 characters), marked with `…` when cut.
pub fn display_name(text: &str) -> String {
    if text.chars().count() <= DISPLAY_NAME_MAX {
        return text.to_string();
    }
    let mut s: String = text.chars().take(DISPLAY_NAME_MAX - 1).collect();
    s.push('…');
    s
}

// ---------------------------------------------------------------------------------------------
// Base URLs, settings sources

/// A platform base URL from `var`: https, or plain http on a loopback host only (local mocks), so
/// an API key is never sent in clear over a network. The trailing `/` is dropped.
pub fn base_url(var: &str, value: &str) -> Result<String> {
    crate::providers::check_endpoint(value).map_err(|why| {
        Error::usage(format!("{var} {value:?} {why}")).with_hint(format!("unset {var} to use the default"))
    })?;
    Ok(value.trim_end_matches('/').to_string())
}

/// Reads settings from the process environment; empty values count as unset. A function so that
/// the resolution rules can be tested without touching the real environment.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

// ---------------------------------------------------------------------------------------------
// Dry run

/// A request as `--dry-run` shows it: the Authorization value and secret body fields redacted.
#[derive(Debug, Serialize)]
pub struct PlannedRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// When the request is sent only in some case ("if the connection exists (409)").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

impl PlannedRequest {
    pub fn new(req: &Request, when: Option<&str>) -> Self {
        let mut headers: Vec<(String, String)> = req
            .headers
            .iter()
            .map(|(name, value)| {
                if name.eq_ignore_ascii_case("authorization") {
                    let scheme = value.split_whitespace().next().unwrap_or("Bearer");
                    (name.clone(), format!("{scheme} [redacted]"))
                } else {
                    (name.clone(), value.clone())
                }
            })
            .collect();
        let body = req.body.as_ref().map(|(text, content_type)| {
            headers.push(("Content-Type".into(), content_type.to_string()));
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(v) => crate::output::redact_json(&v),
                Err(_) => serde_json::Value::String(crate::output::redact_body(text)),
            }
        });
        PlannedRequest { method: req.method, url: req.url.clone(), headers, body, when: when.map(str::to_string) }
    }
}

/// The plain-text form of a dry run: each request as an HTTP message, with a `#` line saying
/// when a conditional one would be sent.
pub fn render_requests(requests: &[PlannedRequest]) -> String {
    let mut out = String::new();
    for r in requests {
        if let Some(when) = &r.when {
            out.push_str(&format!("# {when}:\n"));
        }
        out.push_str(&format!("{} {}\n", r.method, r.url));
        for (name, value) in &r.headers {
            out.push_str(&format!("{name}: {value}\n"));
        }
        if let Some(body) = &r.body {
            out.push('\n');
            out.push_str(&serde_json::to_string_pretty(body).expect("JSON values serialize"));
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Results and errors

/// What a push did to one remote resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
        }
    }
}

/// Replaces every known secret value in text that came from a remote service (an error body may
/// echo the request), so nothing secret reaches the terminal even in free text.
pub struct Scrub {
    values: Vec<String>,
}

impl Scrub {
    pub fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut all = Vec::new();
        // Very short values would blank out ordinary words; real secrets are long.
        let escape = |v: &str| {
            let quoted = serde_json::to_string(v).expect("strings serialize");
            quoted[1..quoted.len() - 1].to_string()
        };
        for v in values.into_iter().filter(|v| v.len() >= 6) {
            // An echoed request body carries the value JSON-escaped, and a JSON answer quoting
            // that body (as the `-v` trace prints it) escaped twice.
            let once = escape(v);
            let twice = escape(&once);
            all.extend([v.to_string(), once, twice]);
        }
        all.sort();
        all.dedup();
        // Longest first, so a value inside another is not replaced first.
        all.sort_by_key(|v| std::cmp::Reverse(v.len()));
        // The `-v` trace of response bodies gets the same treatment.
        crate::output::hide_in_trace(all.iter().cloned());
        Scrub { values: all }
    }

    pub fn text(&self, text: &str) -> String {
        self.values.iter().fold(text.to_string(), |acc, v| acc.replace(v.as_str(), "[redacted]"))
    }

    pub fn error(&self, mut e: Error) -> Error {
        e.message = self.text(&e.message);
        e.hint = e.hint.map(|h| self.text(&h));
        e
    }
}

/// A short, one-line form of a response body for error messages (JSON or not).
pub fn snippet(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = flat.chars().take(200).collect();
    if flat.chars().count() > 200 {
        s.push('…');
    }
    if s.is_empty() { "(empty body)".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn short_and_long_google_scopes_are_the_same_scope() {
        let granted = strings(&[
            "https://www.googleapis.com/auth/gmail.send",
            "openid",
            "https://www.googleapis.com/auth/userinfo.email",
        ]);
        assert!(
            missing_scopes(&granted, &["https://www.googleapis.com/auth/gmail.send", "openid", "email"]).is_empty()
        );
        assert!(
            missing_scopes(
                &strings(&["gmail.send", "email", "openid"]),
                &["https://www.googleapis.com/auth/gmail.send", "https://www.googleapis.com/auth/userinfo.email"]
            )
            .is_empty()
        );
        assert_eq!(missing_scopes(&strings(&["gmail.send", "email"]), &["gmail.send", "openid", "email"]), ["openid"]);
    }

    #[test]
    fn full_gmail_access_covers_gmail_scopes_only() {
        let granted = strings(&["https://mail.google.com/", "openid"]);
        assert_eq!(
            missing_scopes(
                &granted,
                &[
                    "https://www.googleapis.com/auth/gmail.modify",
                    "https://www.googleapis.com/auth/gmail.compose",
                    "email"
                ]
            ),
            ["email"]
        );
    }

    #[test]
    fn scope_shortfall_names_the_connect_command() {
        let e = check_scopes("gmail:a", "gmail", &strings(&["openid"]), &["gmail.modify", "gmail.compose"], "Airbyte")
            .unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Reauth);
        assert!(e.message.contains("gmail.modify, gmail.compose"), "{}", e.message);
        assert_eq!(
            e.hint.unwrap(),
            "connect again with them: oauthctl connect gmail --scope gmail.modify --scope gmail.compose"
        );
        let warn = check_scopes("gmail:a", "gmail", &[], &["openid"], "Blaxel").unwrap();
        assert!(warn.unwrap().contains("records no granted scopes"));
    }

    #[test]
    fn default_names_are_valid_blaxel_names() {
        assert_eq!(default_name("gmail", "alice@example.test"), "gmail-alice-example-test");
        assert_eq!(
            default_name("google-drive", "Bob.Smith+work@Example.TEST"),
            "google-drive-bob-smith-work-example-test"
        );
        assert_eq!(default_name("gmail", "jöhn--doe@x.test."), "gmail-j-hn-doe-x-test");
        let long = default_name("gmail", &format!("{}@example.test", "a".repeat(80)));
        assert_eq!(long.len(), NAME_MAX, "{long}");
        let other = default_name("gmail", &format!("{}@example.tests", "a".repeat(80)));
        assert_ne!(long, other, "cut names keep a hash of the full target");
        for n in [&long, &other] {
            check_name("--name", n).unwrap();
        }
    }

    #[test]
    fn user_names_are_checked_before_any_request() {
        for ok in ["a", "gmail-alice", "x1", &"a".repeat(49)] {
            check_name("--connection-name", ok).unwrap();
        }
        for bad in ["", "Gmail", "gmail_alice", "-gmail", "gmail-", "gmail alice", &"a".repeat(50)] {
            let e = check_name("--connection-name", bad).unwrap_err();
            assert_eq!(e.kind, crate::error::Kind::Usage, "{bad:?}");
            assert!(e.message.starts_with("--connection-name"), "{}", e.message);
        }
    }

    #[test]
    fn display_names_are_cut_to_63_characters() {
        assert_eq!(display_name("Gmail alice@example.test"), "Gmail alice@example.test");
        let cut = display_name(&"é".repeat(100));
        assert_eq!(cut.chars().count(), DISPLAY_NAME_MAX);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn base_urls_must_be_https_or_loopback() {
        assert_eq!(base_url("BL_API_URL", "https://api.example.test/v0/").unwrap(), "https://api.example.test/v0");
        assert_eq!(base_url("BL_API_URL", "http://127.0.0.1:4010").unwrap(), "http://127.0.0.1:4010");
        let e = base_url("AIRBYTE_API_URL", "http://api.example.test").unwrap_err();
        assert!(e.message.starts_with("AIRBYTE_API_URL"), "{}", e.message);
    }

    #[test]
    fn dry_run_redacts_authorization_and_secret_fields() {
        let req = Request::new("POST", "https://x.test/c")
            .bearer("live-api-key")
            .header("X-Blaxel-Workspace", "ws")
            .json(&serde_json::json!({"spec": {"secret": {"CLIENT_ID": "cid", "CLIENT_SECRET": "cs-value", "REFRESH_TOKEN": "rt-value"}}}));
        let text = render_requests(&[PlannedRequest::new(&req, Some("if it exists"))]);
        assert!(!text.contains("live-api-key") && !text.contains("cs-value") && !text.contains("rt-value"), "{text}");
        assert!(text.starts_with("# if it exists:\nPOST https://x.test/c\n"), "{text}");
        assert!(text.contains("Authorization: Bearer [redacted]") && text.contains("\"CLIENT_ID\": \"cid\""), "{text}");
        assert!(text.contains("Content-Type: application/json"), "{text}");
    }

    #[test]
    fn scrub_removes_secret_values_from_free_text() {
        let s = Scrub::new(["refresh-token-value", "abc", "quote\"back\\slash"]);
        assert_eq!(s.text("bad token refresh-token-value (abc)"), "bad token [redacted] (abc)");
        assert_eq!(
            s.text(r#"echo: {"t":"quote\"back\\slash"} quote"back\slash"#),
            r#"echo: {"t":"[redacted]"} [redacted]"#
        );
    }
}
