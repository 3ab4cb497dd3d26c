//! The built-in catalog: data, sorted by name, checked by the tests below.

use super::TokenAuth;

pub struct Builtin {
    pub name: &'static str,
    pub display_name: &'static str,
    pub authorization_url: &'static str,
    pub token_url: &'static str,
    pub revocation_url: Option<&'static str>,
    pub userinfo_url: Option<&'static str>,
    pub issuer: Option<&'static str>,
    pub scopes: &'static [&'static str],
    pub authorization_params: &'static [(&'static str, &'static str)],
    pub token_auth: TokenAuth,
    pub pkce: bool,
    pub scope_separator: &'static str,
    pub rotates_refresh_tokens: bool,
}

const GOOGLE_AUTH: &str = "https://accounts.google.com/o/oauth2/v2/auth";
const GOOGLE_TOKEN: &str = "https://oauth2.googleapis.com/token";
const GOOGLE_REVOKE: &str = "https://oauth2.googleapis.com/revoke";
const GOOGLE_USERINFO: &str = "https://openidconnect.googleapis.com/v1/userinfo";
const GOOGLE_ISSUER: &str = "https://accounts.google.com";
/// Google issues a refresh token only with offline access, and reliably only on a fresh consent.
const GOOGLE_OFFLINE: &[(&str, &str)] = &[("access_type", "offline"), ("prompt", "consent")];

pub const BUILTINS: &[Builtin] = &[
    Builtin {
        name: "gmail",
        display_name: "Gmail",
        authorization_url: GOOGLE_AUTH,
        token_url: GOOGLE_TOKEN,
        revocation_url: Some(GOOGLE_REVOKE),
        userinfo_url: Some(GOOGLE_USERINFO),
        issuer: Some(GOOGLE_ISSUER),
        scopes: &["https://www.googleapis.com/auth/gmail.send", "openid", "profile", "email"],
        authorization_params: GOOGLE_OFFLINE,
        token_auth: TokenAuth::ClientSecretPost,
        pkce: true,
        scope_separator: " ",
        rotates_refresh_tokens: false,
    },
    Builtin {
        name: "google-drive",
        display_name: "Google Drive",
        authorization_url: GOOGLE_AUTH,
        token_url: GOOGLE_TOKEN,
        revocation_url: Some(GOOGLE_REVOKE),
        userinfo_url: Some(GOOGLE_USERINFO),
        issuer: Some(GOOGLE_ISSUER),
        scopes: &["https://www.googleapis.com/auth/drive.file", "openid", "email", "profile"],
        authorization_params: GOOGLE_OFFLINE,
        token_auth: TokenAuth::ClientSecretPost,
        pkce: true,
        scope_separator: " ",
        rotates_refresh_tokens: false,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_unique() {
        for pair in BUILTINS.windows(2) {
            assert!(pair[0].name < pair[1].name, "{} must sort before {}", pair[0].name, pair[1].name);
        }
    }

    #[test]
    fn entries_are_well_formed() {
        for b in BUILTINS {
            assert!(super::super::valid_name(b.name), "{}", b.name);
            assert!(!b.scopes.is_empty(), "{} has no scopes", b.name);
            assert!(!b.display_name.is_empty());
            let urls = [Some(b.authorization_url), Some(b.token_url), b.revocation_url, b.userinfo_url, b.issuer];
            for u in urls.into_iter().flatten() {
                assert!(u.starts_with("https://"), "{}: built-in endpoints are https: {u}", b.name);
                url::Url::parse(u).unwrap();
            }
            let mut scopes = b.scopes.to_vec();
            scopes.sort();
            scopes.dedup();
            assert_eq!(scopes.len(), b.scopes.len(), "{} repeats a scope", b.name);
        }
    }
}
