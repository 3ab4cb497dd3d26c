//! The OAuth protocol, free of terminals, flags and storage: the authorization URL, PKCE, the
//! loopback listener and its callback classifiers, the browser, one grant layer for every token
//! request, the device grant, account naming, and revocation. Errors are typed ([`Error`]); the
//! command layer decides what they mean to the person (exit code, hint).
//!
//! Requests are written by hand on the one HTTP client (ureq 3) rather than through the `oauth2`
//! crate: its ureq adapter pins ureq 2, and its typed responses would hide the provider quirks
//! that [`grant::parse`] handles. Its habits are kept: secrets as redacted types, a non-cloneable
//! PKCE verifier, raw answers (secrets removed) in errors.

pub mod authorize;
pub mod browser;
pub mod client;
pub mod device;
pub mod grant;
pub mod identity;
pub mod jwt;
pub mod listener;
pub mod pkce;
pub mod revoke;

/// Why a request to an authorization server did not give what was asked.
#[derive(Debug)]
pub enum Error {
    Transport(crate::http::Error),
    /// An OAuth error answer (RFC 6749 §5.2), whatever the HTTP status. Texts are scrubbed of the
    /// request's secrets.
    Refused {
        status: u16,
        error: String,
        description: Option<String>,
        uri: Option<String>,
    },
    /// Anything that is neither what was asked for nor an OAuth error.
    Malformed {
        status: u16,
        detail: String,
    },
    /// A `{NAME}` in an endpoint has no value.
    MissingParam(String),
    /// The id_token failed a check (nonce, audience, issuer, expiry) or does not parse.
    IdToken(String),
}

impl Error {
    pub fn oauth_error(&self) -> Option<&str> {
        match self {
            Error::Refused { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Transport(e) => write!(f, "{e}"),
            Error::Refused { status, error, description, .. } => {
                let desc = description.as_ref().map(|d| format!(": {d}")).unwrap_or_default();
                write!(f, "the provider answered {error}{desc} (HTTP {status})")
            }
            Error::Malformed { status, detail } => write!(f, "the provider answered HTTP {status}, {detail}"),
            Error::MissingParam(name) => write!(f, "no value for {{{name}}} in the provider's URLs"),
            Error::IdToken(why) => write!(f, "the id_token was refused: {why}"),
        }
    }
}

impl std::error::Error for Error {}
