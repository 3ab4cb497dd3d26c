//! The OAuth protocol, free of terminals and storage: authorization URL, PKCE, the loopback
//! listener, the browser, token requests, revocation and userinfo.
//!
//! Requests are written by hand on the one HTTP client (ureq 3) rather than through the `oauth2`
//! crate: its ureq adapter pins ureq 2, and its typed responses would hide the provider quirks
//! (HTTP-200 errors, form-encoded answers, string `expires_in`) that `token::parse` handles. Its
//! habits are kept: secrets as redacted types, a non-cloneable PKCE verifier, raw answers in errors.

pub mod authorize;
pub mod browser;
pub mod client;
pub mod endpoints;
pub mod jwt;
pub mod listener;
pub mod pkce;
pub mod token;
