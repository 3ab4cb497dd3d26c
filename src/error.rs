//! The user-facing error. Every failure carries a kind (which fixes the exit code scripts rely
//! on), a message saying what happened, and usually a hint saying what to run next. The layers
//! below return typed errors (`http::Error`, `oauth::Error`, `store::Error`, …); this module maps
//! them, and is the only place that knows what a kind of failure means to the person: which
//! flag or variable to use, which command to run. `main` prints the result once.

use std::fmt;
use std::process::ExitCode;

use crate::{fsutil, http, oauth, platforms, providers, store};

/// What kind of failure; each maps to one documented exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Other,
    Usage,
    NotFound,
    Reauth,
    Timeout,
    Denied,
    Remote,
    Store,
    Interrupted,
}

/// The exit codes scripts rely on, defined once: `--help`, the README's table and the tests are
/// checked against this table.
pub const EXIT_CODES: &[(u8, &str)] = &[
    (0, "success"),
    (1, "other error"),
    (2, "usage or configuration error"),
    (3, "no such provider or account"),
    (4, "re-authorization needed"),
    (5, "timed out waiting for the browser"),
    (6, "authorization denied"),
    (7, "a remote service failed"),
    (8, "credential store unavailable or unreadable"),
    (130, "interrupted"),
];

impl Kind {
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Other => 1,
            Kind::Usage => 2,
            Kind::NotFound => 3,
            Kind::Reauth => 4,
            Kind::Timeout => 5,
            Kind::Denied => 6,
            Kind::Remote => 7,
            Kind::Store => 8,
            Kind::Interrupted => 130,
        }
    }
}

/// The exit-code paragraph of `--help`.
pub fn exit_codes_help() -> String {
    let codes: Vec<String> = EXIT_CODES.iter().map(|(c, m)| format!("{c} {m}")).collect();
    format!("TARGET is PROVIDER[:ACCOUNT]; PROVIDER alone names its only account.\nExit codes: {}.", codes.join(", "))
}

#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hint: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), hint: None }
    }
    pub fn other(message: impl Into<String>) -> Self {
        Self::new(Kind::Other, message)
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Kind::NotFound, message)
    }
    pub fn reauth(message: impl Into<String>) -> Self {
        Self::new(Kind::Reauth, message)
    }
    pub fn remote(message: impl Into<String>) -> Self {
        Self::new(Kind::Remote, message)
    }
    pub fn store(message: impl Into<String>) -> Self {
        Self::new(Kind::Store, message)
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// Sets a hint only when there is none yet.
    pub fn or_hint(self, hint: impl Into<String>) -> Self {
        if self.hint.is_some() { self } else { self.with_hint(hint) }
    }
    pub fn with_kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }
    /// Adds context in front of the message, keeping kind and hint.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.kind.exit_code())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

// ---------------------------------------------------------------------------------------------
// Typed errors of the layers below, as the person sees them.

const NETWORK_HINT: &str = "check the network or proxy settings (HTTPS_PROXY, NO_PROXY)";

impl From<http::Error> for Error {
    fn from(e: http::Error) -> Self {
        match &e {
            http::Error::Timeout { .. } => Error::remote(e.to_string())
                .with_hint(format!("{NETWORK_HINT}; OAUTHCTL_HTTP_TIMEOUT sets the limit in seconds")),
            http::Error::Unreachable { .. } => Error::remote(e.to_string()).with_hint(NETWORK_HINT),
            http::Error::Interrupted => Error::new(Kind::Interrupted, "interrupted"),
        }
    }
}

impl From<oauth::Error> for Error {
    fn from(e: oauth::Error) -> Self {
        match e {
            oauth::Error::Transport(t) => t.into(),
            oauth::Error::MissingParam(name) => Error::usage(format!("no value for {{{name}}} in the provider's URLs"))
                .with_hint(format!("pass --param {name}=VALUE")),
            other => Error::remote(other.to_string()),
        }
    }
}

impl From<fsutil::Error> for Error {
    fn from(e: fsutil::Error) -> Self {
        let fix = e.fix();
        let err = Error::store(e.to_string());
        match fix {
            Some(f) => err.with_hint(f),
            None => err,
        }
    }
}

/// What to do when the keyring cannot be used: the file store, or a Secret Service.
pub const KEYRING_HINT: &str = "keep credentials in 0600 files instead: `export OAUTHCTL_STORE=file` (or --store file); \
     or start a Secret Service, e.g. `gnome-keyring-daemon --start --components=secrets` in a desktop or D-Bus session";

impl From<store::Error> for Error {
    fn from(e: store::Error) -> Self {
        let msg = e.to_string();
        match e {
            store::Error::File(f) => f.into(),
            store::Error::Corrupt { what: "account index", .. } => Error::store(msg)
                .with_hint("move it away; credentials stay in their store, and `oauthctl connect` adds them back"),
            store::Error::Corrupt { .. } => Error::store(msg)
                .with_hint("restore it from a backup, or move it away and run `oauthctl connect` again"),
            store::Error::Keyring { .. } | store::Error::KeyringTimeout { .. } => {
                Error::store(msg).with_hint(KEYRING_HINT)
            }
            store::Error::NotARecord { key, .. } => Error::store(msg)
                .with_hint(format!("remove it with `oauthctl logout {key} --local-only`, then connect again")),
            store::Error::Missing { key, .. } => {
                let provider = key.split(':').next().unwrap_or_default().to_string();
                Error::store(msg).with_hint(format!("run `oauthctl connect {provider}` to store it again"))
            }
            store::Error::BadTarget(_) => Error::usage(msg),
        }
    }
}

impl From<providers::ConfigError> for Error {
    fn from(e: providers::ConfigError) -> Self {
        Error::usage(e.to_string()).with_hint(format!(
            "edit {} (the README's \"Provider fields\" lists every field), or move it away to use the built-in catalog only",
            e.file
        ))
    }
}

impl From<providers::LoadError> for Error {
    fn from(e: providers::LoadError) -> Self {
        match e {
            providers::LoadError::Config(c) => c.into(),
            providers::LoadError::File(f) => f.into(),
        }
    }
}

impl From<providers::ResolveError> for Error {
    fn from(e: providers::ResolveError) -> Self {
        match e {
            providers::ResolveError::Unknown { name, suggestion } => {
                let hint = match suggestion {
                    Some(s) => format!("did you mean {s}? `oauthctl providers` lists every provider"),
                    None => format!(
                        "`oauthctl providers` lists every provider; add your own under [providers.{name}] in {}",
                        providers::FILE_NAME
                    ),
                };
                Error::not_found(format!("unknown provider {name:?}")).with_hint(hint)
            }
            providers::ResolveError::Config(c) => c.into(),
            providers::ResolveError::Discovery { .. } => Error::remote(e.to_string()).with_hint(
                "check the issuer URL; oauthctl reads its /.well-known/ metadata (RFC 8414 or OpenID Connect)",
            ),
        }
    }
}

impl From<oauth::listener::BindError> for Error {
    fn from(e: oauth::listener::BindError) -> Self {
        match e {
            oauth::listener::BindError::InUse(_) => Error::other(e.to_string()).with_hint(
                "pick another with --port N (a Desktop-app client accepts any port), or --port 0 for any free port",
            ),
            oauth::listener::BindError::Other(..) => Error::other(e.to_string()),
        }
    }
}

impl From<platforms::Error> for Error {
    fn from(e: platforms::Error) -> Self {
        let msg = e.to_string();
        match e {
            platforms::Error::Transport(t) => t.into(),
            platforms::Error::Refused { advice, .. } => {
                let err = Error::remote(msg);
                match advice {
                    platforms::Advice::Credentials(h) | platforms::Advice::Check(h) | platforms::Advice::Retry(h) => {
                        err.with_hint(h)
                    }
                    platforms::Advice::None => err,
                }
            }
            platforms::Error::Malformed { .. } => Error::remote(msg),
            platforms::Error::Settings { hint, .. } => {
                let err = Error::usage(msg);
                if hint.is_empty() { err } else { err.with_hint(hint) }
            }
            platforms::Error::Exists { hint, .. } => Error::other(msg).with_hint(hint),
            platforms::Error::Failed { hint, .. } => Error::remote(msg).with_hint(hint),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_ones() {
        for (kind, code) in [
            (Kind::Other, 1),
            (Kind::Usage, 2),
            (Kind::NotFound, 3),
            (Kind::Reauth, 4),
            (Kind::Timeout, 5),
            (Kind::Denied, 6),
            (Kind::Remote, 7),
            (Kind::Store, 8),
            (Kind::Interrupted, 130),
        ] {
            assert_eq!(kind.exit_code(), code, "{kind:?}");
            assert!(EXIT_CODES.iter().any(|(c, _)| *c == code), "{code} is in the table");
        }
        assert_eq!(EXIT_CODES.len(), 10);
    }

    /// The README's exit-code table lists exactly the codes of [`EXIT_CODES`], in order.
    #[test]
    fn the_readme_table_matches() {
        let readme = include_str!("../README.md");
        let section = readme.split("### Exit codes").nth(1).expect("the README has an Exit codes section");
        let codes: Vec<u8> = section
            .lines()
            .skip_while(|l| !l.starts_with("| code"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| l.trim_matches('|').split('|').next().unwrap().trim().parse().unwrap())
            .collect();
        let ours: Vec<u8> = EXIT_CODES.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes, ours);
    }

    #[test]
    fn context_keeps_kind_and_hint() {
        let e = Error::store("locked").with_hint("unlock it").context("reading gmail:me");
        assert_eq!(e.kind, Kind::Store);
        assert_eq!(e.message, "reading gmail:me: locked");
        assert_eq!(e.hint.as_deref(), Some("unlock it"));
    }
}
