//! Where output goes: data on stdout (a token, or one JSON document with `--json`), everything
//! else on stderr. Also the redaction used by the HTTP trace.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

static VERBOSE: AtomicBool = AtomicBool::new(false);

/// How this run talks to the person at the terminal.
#[derive(Debug, Clone)]
pub struct Ui {
    pub json: bool,
    pub quiet: bool,
    /// A person can answer prompts: stdin is a terminal and `--no-input` was not given.
    pub interactive: bool,
    /// stdin is a terminal (a pasted redirect URL can be read from it).
    pub stdin_tty: bool,
    /// stderr is a terminal (countdowns and spinners are drawn).
    pub stderr_tty: bool,
    pub color: bool,
}

impl Ui {
    pub fn new(json: bool, quiet: bool, verbose: bool, no_input: bool) -> Self {
        VERBOSE.store(verbose, Ordering::Relaxed);
        let stdin_tty = std::io::stdin().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let color = stderr_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Ui { json, quiet, interactive: stdin_tty && !no_input, stdin_tty, stderr_tty, color }
    }

    /// Progress and summaries (suppressed by `-q`).
    pub fn info(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", msg.as_ref());
        }
    }

    /// Something the person should act on; shown even with `-q`.
    pub fn warn(&self, msg: impl AsRef<str>) {
        let prefix = self.paint("warning:", "33");
        eprintln!("{prefix} {}", msg.as_ref());
    }

    pub fn paint(&self, text: &str, ansi: &str) -> String {
        if self.color { format!("\x1b[{ansi}m{text}\x1b[0m") } else { text.to_string() }
    }

    /// One JSON document on stdout.
    pub fn print_json<T: Serialize>(&self, value: &T) -> crate::error::Result<()> {
        let text = serde_json::to_string_pretty(value).expect("reports serialize");
        print_stdout(&format!("{text}\n"))
    }
}

/// Writes data to stdout; a closed pipe is not an error worth a message (`oauthctl token | head`).
pub fn print_stdout(text: &str) -> crate::error::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(crate::error::Error::other(format!("writing to stdout: {e}"))),
    }
}

pub fn verbose() -> bool {
    VERBOSE.load(Ordering::Relaxed)
}

/// Secret values known to this run (registered by `push`), removed from every trace line too:
/// a remote error body may echo a request in free text, where redaction by field name misses it.
static TRACE_HIDDEN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

pub fn hide_in_trace(values: impl IntoIterator<Item = String>) {
    let mut hidden = TRACE_HIDDEN.lock().unwrap_or_else(|e| e.into_inner());
    hidden.extend(values.into_iter().filter(|v| !v.is_empty()));
    hidden.sort_by_key(|v| std::cmp::Reverse(v.len()));
    hidden.dedup();
}

/// HTTP and store tracing for `-v`. Callers redact before they call.
pub fn trace(msg: impl AsRef<str>) {
    if verbose() {
        let hidden = TRACE_HIDDEN.lock().unwrap_or_else(|e| e.into_inner());
        let msg = hidden.iter().fold(msg.as_ref().to_string(), |m, v| m.replace(v.as_str(), "[redacted]"));
        eprintln!("* {msg}");
    }
}

/// Field names whose values are secret wherever they appear: form bodies, JSON, query strings.
const SECRET_FIELDS: &[&str] = &[
    "access_token",
    "api_key",
    "apikey",
    "assertion",
    "client_secret",
    // Blaxel client credentials (base64 id:secret), as its CLI file and answers spell them.
    "client_credentials",
    "clientCredentials",
    "code",
    "code_verifier",
    "id_token",
    "password",
    "refresh_token",
    "token",
    "CLIENT_SECRET",
    "REFRESH_TOKEN",
];

pub fn is_secret_field(name: &str) -> bool {
    SECRET_FIELDS.iter().any(|f| f.eq_ignore_ascii_case(name))
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
pub fn redact_json(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if is_secret_field(k) && !v.is_null() {
                        serde_json::Value::String("[redacted]".into())
                    } else {
                        redact_json(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(redact_json).collect()),
        other => other.clone(),
    }
}

/// Redacts a body for the trace: JSON by field, form by field, anything else shown as its size.
pub fn redact_body(body: &str) -> String {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
        return redact_json(&v).to_string();
    }
    if !body.is_empty() && !body.contains(char::is_whitespace) && body.contains('=') {
        return redact_form(body);
    }
    format!("[{} bytes]", body.len())
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
        let got = redact_body(&v.to_string());
        assert!(!got.contains("rt") && !got.contains("\"cs\"") && !got.contains("\"at\""), "{got}");
        assert!(got.contains("\"CLIENT_ID\":\"id\"") && got.contains("\"name\":\"n\""), "{got}");
    }

    #[test]
    fn opaque_bodies_show_only_their_size() {
        assert_eq!(redact_body("<html>secret stuff</html>"), "[25 bytes]");
    }
}
