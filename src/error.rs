//! The one error type. Every failure carries a kind (which fixes the exit code scripts rely on), a
//! message saying what happened, and usually a hint saying what to run next. `main` prints it once.

use std::fmt;
use std::process::ExitCode;

/// What kind of failure; each maps to one documented exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 1: anything not covered below.
    Other,
    /// 2: bad flags, arguments or configuration.
    Usage,
    /// 3: no such provider or account.
    NotFound,
    /// 4: the grant is gone or unusable: run `connect` again.
    Reauth,
    /// 5: nobody completed the browser step in time.
    Timeout,
    /// 6: the person (or the provider) refused the authorization.
    Denied,
    /// 7: a remote service failed: provider, Blaxel, Airbyte, network.
    Remote,
    /// 8: the credential store cannot be reached or read.
    Store,
}

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
        }
    }
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

/// Local file-system failures: which path and what the OS said. Kind `Other` unless the caller
/// knows better (the store maps its own to `Store`).
pub fn io_error(what: &str, path: &std::path::Path, err: std::io::Error) -> Error {
    Error::other(format!("{what} {}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_ones() {
        let table = [
            (Kind::Other, 1),
            (Kind::Usage, 2),
            (Kind::NotFound, 3),
            (Kind::Reauth, 4),
            (Kind::Timeout, 5),
            (Kind::Denied, 6),
            (Kind::Remote, 7),
            (Kind::Store, 8),
        ];
        for (kind, code) in table {
            assert_eq!(kind.exit_code(), code, "{kind:?}");
        }
    }

    #[test]
    fn context_keeps_kind_and_hint() {
        let e = Error::store("locked").with_hint("unlock it").context("reading gmail:me");
        assert_eq!(e.kind, Kind::Store);
        assert_eq!(e.message, "reading gmail:me: locked");
        assert_eq!(e.hint.as_deref(), Some("unlock it"));
    }
}
