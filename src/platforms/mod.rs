//! Hosted agent platforms (Blaxel, Airbyte). Each platform module is an API client plus the steps
//! of one pipeline, [`Target`]: settings (environment, files; nothing sent) → plan (every request
//! a run may send, for `--dry-run`) → run → report. The pipeline itself (`commands/push.rs`) does
//! what every platform needs once: pick the account, check the credential, show warnings, print
//! a dry run with secrets redacted, remove every secret of the run from any error, and render the
//! report. Platform code knows nothing about terminals, and returns typed errors ([`Error`]).

pub mod airbyte;
pub mod blaxel;
pub mod blaxel_config;
pub mod bluenexus;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::http::Request;
use crate::providers::Provider;
use crate::redact::Redactor;
use crate::secret::Secret;
use crate::store::Record;

/// Why a platform step failed.
#[derive(Debug)]
pub enum Error {
    Transport(crate::http::Error),
    /// The platform answered with an error status.
    Refused {
        platform: &'static str,
        action: String,
        status: u16,
        message: String,
        advice: Advice,
    },
    /// An answer without what was needed.
    Malformed {
        platform: &'static str,
        detail: String,
    },
    /// A setting (variable, file, flag value) is unusable.
    Settings {
        message: String,
        hint: String,
    },
    /// A resource of that name exists and replacing it was not asked for.
    Exists {
        message: String,
        hint: String,
    },
    /// A deployment or check finished badly, or did not finish in time.
    Failed {
        message: String,
        hint: String,
    },
}

/// What to tell the person when a platform refuses.
#[derive(Debug, Clone)]
pub enum Advice {
    /// 401/403: the credential's source and how to fix it.
    Credentials(String),
    /// 404: names and URLs to check.
    Check(String),
    /// 5xx: try again (and whether that is safe).
    Retry(String),
    None,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Transport(e) => write!(f, "{e}"),
            Error::Refused { platform, action, status, message, .. } => {
                let verb = if *status >= 500 { "failed to" } else { "refused to" };
                write!(f, "{platform} {verb} {action} (HTTP {status}): {message}")
            }
            Error::Malformed { platform, detail } => write!(f, "{platform} answered {detail}"),
            Error::Settings { message, .. } | Error::Exists { message, .. } | Error::Failed { message, .. } => {
                f.write_str(message)
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<crate::http::Error> for Error {
    fn from(e: crate::http::Error) -> Self {
        Error::Transport(e)
    }
}

impl Error {
    pub fn settings(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Settings { message: message.into(), hint: hint.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where a push goes, for the dry run's header and `-v`.
#[derive(Debug, Serialize)]
pub struct Destination {
    pub workspace: String,
    pub base_url: String,
    /// Where the platform credentials come from ("none found" allowed in a dry run).
    pub auth_source: String,
}

/// The steps of a push, in the order the pipeline runs them.
pub trait Target {
    type Report: Serialize;
    fn platform(&self) -> &'static str;
    /// The platform's name in messages ("Blaxel").
    fn display_name(&self) -> &'static str;
    /// The scopes the platform needs of the credential, and what needs them ("Blaxel's gmail
    /// integration"): the pipeline checks them before anything is sent.
    fn required_scopes(&self) -> (&[String], String);
    /// Warnings of the platform's own (an expired CLI login); none by default.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
    fn destination(&self) -> Destination;
    /// Every request a run may send, in order (the dry run).
    fn plan(&self, credential: &Credential) -> Vec<PlannedRequest>;
    /// The platform credentials' secrets, known before the first request.
    fn secrets(&self) -> Vec<String>;
    /// Why a real run cannot start (no platform credentials); a dry run goes on.
    fn missing_auth(&self) -> Option<Error>;
    /// Sends the requests. `progress` hears each step; `redactor` learns secrets the platform
    /// hands out during the run (a token). A report with a failure is what exists after a last
    /// step failed.
    fn run(
        &mut self,
        credential: &Credential,
        redactor: &mut Redactor,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(Self::Report, Option<Error>)>;
}

/// What a run tells the pipeline as it goes.
pub enum Progress {
    /// A step finished: "Integration connection x created".
    Done(String),
    /// A detail line under the last step.
    Detail(String),
    /// Something the person should act on, though the run goes on.
    Warn(String),
    /// A waiting step's state, read again (a spinner on a terminal, a line per change otherwise).
    Waiting {
        name: String,
        what: String,
        state: String,
    },
    WaitOver,
}

/// What a platform needs to refresh the account on its own: the OAuth client and the grant.
pub struct Credential {
    pub key: String,
    pub provider: String,
    pub account: String,
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
    pub fn from_record(record: &Record, provider: &Provider) -> crate::error::Result<Self> {
        use crate::error::Error as E;
        let key = record.key();
        let connect = format!("oauthctl connect {}", record.provider);
        let present = |s: &Option<Secret>| s.clone().filter(|s| !s.is_empty());
        let refresh_token = present(&record.refresh_token).ok_or_else(|| {
            let why = provider.hint("no_refresh_token").map(|h| format!(" ({h})")).unwrap_or_default();
            E::reauth(format!(
                "{key} has no refresh token, so the platform could not renew its access token after it expires"
            ))
            .with_hint(format!("connect again to get one{why}: {connect}"))
        })?;
        let client_secret = present(&record.client_secret).ok_or_else(|| {
            E::reauth(format!(
                "{key} was connected without a client secret; the platform needs the OAuth client's secret to refresh"
            ))
            .with_hint(format!("connect again with the client's secret: {connect} --client-secrets-file PATH (or set OAUTHCTL_CLIENT_SECRET)"))
        })?;
        Ok(Credential {
            key,
            provider: record.provider.clone(),
            account: record.account.clone(),
            client_id: record.client_id.clone(),
            client_secret,
            refresh_token,
            access_token: record.access_token.clone(),
        })
    }

    /// Every secret value this credential carries.
    pub fn secret_values(&self) -> [&str; 3] {
        [self.client_secret.expose(), self.refresh_token.expose(), self.access_token.expose()]
    }
}

/// Checks the credential's granted scopes against what the platform's integration needs. A
/// shortfall is a re-authorization error (exit 4) naming the exact `connect` command that fixes
/// it; `connect` adds `--scope`s to the provider's defaults, so nothing already granted is lost.
/// Returns a warning when the record lists no scopes at all (nothing to check against).
pub fn check_scopes(
    provider: &Provider,
    key: &str,
    granted: &[String],
    required: &[String],
    needed_by: &str,
) -> crate::error::Result<Option<String>> {
    if required.is_empty() {
        return Ok(None);
    }
    if granted.is_empty() {
        return Ok(Some(format!(
            "{key} records no granted scopes, so they were not checked; {needed_by} needs {}",
            required.join(" ")
        )));
    }
    let missing = provider.missing_scopes(granted, required);
    if missing.is_empty() {
        return Ok(None);
    }
    let flags: Vec<String> = missing.iter().map(|s| format!("--scope {s}")).collect();
    Err(crate::error::Error::reauth(format!(
        "{key} lacks scope{} {needed_by} needs: {} (granted: {})",
        if missing.len() == 1 { "" } else { "s" },
        missing.join(", "),
        granted.join(" ")
    ))
    .with_hint(format!("connect again with them: oauthctl connect {} {}", provider.name, flags.join(" "))))
}

/// After a push the platform refreshes with the same refresh token. Where the provider rotates
/// refresh tokens, the first refresh on either side invalidates the other's copy.
pub fn ownership_warning(provider: &Provider, key: &str, platform: &str) -> Option<String> {
    provider.rotates_refresh_tokens().then(|| {
        format!(
            "{} rotates refresh tokens: once pushed, {platform} and the local copy of {key} share one, and whichever refreshes first \
             keeps working while the other gets invalid_grant. Let {platform} own it: forget the local copy with \
             `oauthctl logout {key} --local-only` (that does not revoke), and run `oauthctl connect {}` for a separate local grant if you need one.",
            provider.display_name, provider.name
        )
    })
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
    let name = crate::providers::slug(&format!("{provider}-{account}"));
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
pub fn check_name(flag: &str, name: &str) -> crate::error::Result<()> {
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
        Some(p) => Err(crate::error::Error::usage(format!("{flag} {name:?} {p}"))
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

/// A platform base URL from `var`: https, or plain http on a loopback host only (local mocks), so
/// an API key is never sent in clear over a network. The trailing `/` is dropped.
pub fn base_url(var: &str, value: &str) -> Result<String> {
    crate::providers::check_endpoint(value)
        .map_err(|why| Error::settings(format!("{var} {value:?} {why}"), format!("unset {var} to use the default")))?;
    Ok(value.trim_end_matches('/').to_string())
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
        let redactor = req.secrets();
        let mut headers: Vec<(String, String)> = req
            .headers
            .iter()
            .map(|(name, value)| {
                if name.eq_ignore_ascii_case("authorization") {
                    let scheme = value.split_whitespace().next().unwrap_or("Bearer");
                    (name.clone(), format!("{scheme} [redacted]"))
                } else {
                    (name.clone(), redactor.text(value))
                }
            })
            .collect();
        let body = req.body.as_ref().map(|(text, content_type)| {
            headers.push(("Content-Type".into(), content_type.to_string()));
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(v) => crate::redact::redact_json(&v),
                Err(_) => serde_json::Value::String(redactor.body(text)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::Catalog;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn scope_shortfall_names_the_connect_command() {
        let gmail = Catalog::builtin().get("gmail").unwrap().unwrap();
        let e = check_scopes(
            &gmail,
            "gmail:a",
            &strings(&["openid"]),
            &strings(&["gmail.modify", "gmail.compose"]),
            "Airbyte",
        )
        .unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Reauth);
        assert!(e.message.contains("gmail.modify, gmail.compose"), "{}", e.message);
        assert_eq!(
            e.hint.unwrap(),
            "connect again with them: oauthctl connect gmail --scope gmail.modify --scope gmail.compose"
        );
        let warn = check_scopes(&gmail, "gmail:a", &[], &strings(&["openid"]), "Blaxel").unwrap();
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
        assert!(e.to_string().starts_with("AIRBYTE_API_URL"), "{e}");
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
}
