//! The provider entry: every field a catalog table (`[providers.NAME]`) can set, with its default.
//! Built-in entries, `providers.toml` and discovered providers all deserialize into this one type,
//! so a new field is one edit here (the field, its default, and its line in the README).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How the client authenticates at the token endpoint (RFC 6749 §2.3.1, OIDC Core §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TokenAuth {
    #[default]
    ClientSecretPost,
    ClientSecretBasic,
    None,
}

impl TokenAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenAuth::ClientSecretPost => "client_secret_post",
            TokenAuth::ClientSecretBasic => "client_secret_basic",
            TokenAuth::None => "none",
        }
    }
}

/// How token-endpoint requests carry their fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BodyFormat {
    #[default]
    Form,
    Json,
}

/// What the provider does with refresh tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RefreshPolicy {
    /// The same refresh token works again (Google).
    #[default]
    Reusable,
    /// Each refresh answers a new one and the old one dies (single-use): refreshes must be
    /// serialized and the new token saved before anything else.
    Rotating,
    /// None is ever issued: the access token does not expire, or the person connects again.
    None,
}

/// How a token is revoked at logout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Revocation {
    /// RFC 7009: POST `token` and `token_type_hint` with client authentication.
    Rfc7009,
    /// POST with `Authorization: Bearer TOKEN` and no body (Dropbox).
    Bearer,
    /// POST `token=TOKEN` as a form without client authentication (Slack's auth.revoke).
    Query,
    /// GitHub: `DELETE /applications/{client_id}/grant`, Basic client auth, JSON `access_token`.
    Github,
    /// The provider has no way to revoke a token from a client.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RevocationScope {
    #[default]
    Token,
    Grant,
}

fn is_token_scope(s: &RevocationScope) -> bool {
    *s == RevocationScope::Token
}

/// Where a built-in entry ends up after `providers.toml` and discovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    #[default]
    Builtin,
    /// A built-in with fields overridden in providers.toml.
    Overridden,
    /// Defined only in providers.toml.
    User,
    /// Found at connect time (an OIDC issuer, an MCP server) and kept with the credential.
    Discovered,
}

/// A connect-time value for a `{NAME}` template in the entry's URLs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// One GET after the exchange, with the new access token, whose answer provides extras or the
/// account name (Atlassian's accessible resources, Mailchimp's metadata).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub url: String,
    /// The Authorization scheme: `Bearer`, or `OAuth` as Mailchimp wants.
    #[serde(default = "bearer")]
    pub auth: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extras: BTreeMap<String, String>,
}

fn bearer() -> String {
    "Bearer".into()
}

/// What a platform needs from a credential of this provider.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platforms {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blaxel: Option<PlatformUse>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub airbyte: Option<PlatformUse>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformUse {
    /// Blaxel's integration name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<String>,
    /// Airbyte's connector type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector_type: Option<String>,
    /// Scopes the platform's integration needs from the credential.
    #[serde(default)]
    pub scopes: Vec<String>,
}

fn yes() -> bool {
    true
}
fn space() -> String {
    " ".into()
}
fn scope_word() -> String {
    "scope".into()
}
fn user_scope_word() -> String {
    "user_scope".into()
}
fn default_account() -> Vec<String> {
    vec!["id_token:email".into(), "userinfo:email".into()]
}
fn loopback_ip() -> String {
    "127.0.0.1".into()
}
fn port_8080() -> u16 {
    8080
}
fn callback_path() -> String {
    "/callback".into()
}
fn http_scheme() -> String {
    "http".into()
}
fn is_false(b: &bool) -> bool {
    !*b
}
fn is_true(b: &bool) -> bool {
    *b
}

/// One provider. Field documentation is the README's "Provider fields" table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    #[serde(skip_deserializing)]
    pub name: String,
    #[serde(skip_deserializing)]
    pub source: Source,

    // What it is.
    #[serde(default)]
    pub display_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub setup: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,

    // Endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub iss_parameter: bool,
    #[serde(default)]
    pub authorization_url: String,
    #[serde(default)]
    pub token_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation: Option<Revocation>,
    /// What a revocation ends: the one token (`token`, RFC 7009's default), or the whole grant of
    /// this client and user (`grant`, Google), which then includes tokens of a newer connect.
    #[serde(default, skip_serializing_if = "is_token_scope")]
    pub revocation_scope: RevocationScope,
    /// The client authentication of `rfc7009` revocations when the revocation endpoint wants another
    /// than the token endpoint's (Strava: HTTP Basic for revocation, the secret in the body for tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_auth: Option<TokenAuth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_url: Option<String>,
    /// A JSON body for the identity request, which is then a POST (GraphQL APIs: Linear, monday).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_body: Option<String>,
    /// Headers the identity request needs besides the token (an API version).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub identity_headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_scopes: Option<Vec<String>>,
    /// Extra fields of the device authorization request (Salesforce: `response_type=device_code`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub device_authorization_params: BTreeMap<String, String>,
    /// The device poll's grant type, when not RFC 8628's (Salesforce: `device`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_grant_type: Option<String>,
    /// The field the device poll carries the device code in, when not `device_code` (Salesforce: `code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_code_param: Option<String>,
    /// RFC 8707 resource indicator sent in authorization, token and refresh requests (MCP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// A variable whose URL's origin replaces the issuer when set (a platform moved for tests or a
    /// private deployment: BlueNexus's `BLUENEXUS_API_URL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_from_env: Option<String>,
    /// RFC 7591 registration endpoint: without a client id, oauthctl registers itself there (kept
    /// per issuer, reused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_url: Option<String>,
    /// The MCP endpoint this provider's tokens are for (`connect URL`; `mcp proxy` forwards to it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mcp_url: Option<String>,

    // Client and token endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default)]
    pub token_auth: TokenAuth,
    #[serde(default)]
    pub body_format: BodyFormat,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub pkce: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub token_params: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub refresh_params: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub token_headers: BTreeMap<String, String>,

    // Authorization request.
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default = "space")]
    pub scope_separator: String,
    #[serde(default = "scope_word")]
    pub scope_param: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_scopes: Vec<String>,
    #[serde(default = "user_scope_word", skip_serializing_if = "String::is_empty")]
    pub user_scope_param: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub authorization_params: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub omit_authorization_params: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Param>,
    /// Short scope names a provider also accepts, spelled out (`email` →
    /// `https://www.googleapis.com/auth/userinfo.email`), so granted and required scopes compare.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scope_aliases: BTreeMap<String, String>,
    /// Prefix that turns a short scope (`gmail.send`) into its long form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_prefix: Option<String>,
    /// A scope that covers others (`https://mail.google.com/` covers `…/gmail.*`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scope_implies: BTreeMap<String, Vec<String>>,

    // Token answer.
    #[serde(default)]
    pub refresh_token: RefreshPolicy,
    /// Accepted from older providers.toml files; `refresh_token = "rotating"` says the same.
    #[serde(default, skip_serializing)]
    pub rotates_refresh_tokens: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_default: Option<i64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub nested_tokens: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_token: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extras: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub callback_extras: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUp>,
    #[serde(default = "default_account")]
    pub account: Vec<String>,

    // Loopback redirect.
    #[serde(default = "loopback_ip")]
    pub redirect_host: String,
    #[serde(default = "port_8080")]
    pub redirect_port: u16,
    #[serde(default = "callback_path")]
    pub redirect_path: String,
    #[serde(default = "http_scheme")]
    pub redirect_scheme: String,

    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hints: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "is_default_platforms")]
    pub platforms: Platforms,
}

fn is_default_platforms(p: &Platforms) -> bool {
    p == &Platforms::default()
}

/// The fields that say where a provider is. An override in providers.toml that moves the
/// provider's authorization or token endpoint inherits none of the others: a test server must not
/// be checked against Google's issuer, nor its tokens be sent to Google's userinfo endpoint.
pub const ENDPOINT_FIELDS: &[&str] = &[
    "issuer",
    "registration_url",
    "iss_parameter",
    "authorization_url",
    "token_url",
    "refresh_url",
    "revocation_url",
    "userinfo_url",
    "identity_url",
    "device_authorization_url",
    "follow_up",
];

/// The URL fields, for validation and template filling.
pub const URL_FIELDS: &[&str] = &[
    "issuer",
    "registration_url",
    "authorization_url",
    "token_url",
    "refresh_url",
    "revocation_url",
    "userinfo_url",
    "identity_url",
    "device_authorization_url",
];

/// Where an account name can come from (`account = ["SOURCE:PATH", …]`).
pub const ACCOUNT_SOURCES: &[&str] =
    &["id_token", "userinfo", "identity", "response", "follow_up", "callback", "param"];

/// Template names every entry may use without declaring them: filled from the client.
pub const IMPLICIT_TEMPLATES: &[&str] = &["client_id"];

impl Provider {
    /// The URL field `name`, as stored (templates unfilled).
    pub fn url_field(&self, name: &str) -> Option<&str> {
        match name {
            "issuer" => self.issuer.as_deref(),
            "registration_url" => self.registration_url.as_deref(),
            "authorization_url" => Some(self.authorization_url.as_str()).filter(|s| !s.is_empty()),
            "token_url" => Some(self.token_url.as_str()).filter(|s| !s.is_empty()),
            "refresh_url" => self.refresh_url.as_deref(),
            "revocation_url" => self.revocation_url.as_deref(),
            "userinfo_url" => self.userinfo_url.as_deref(),
            "identity_url" => self.identity_url.as_deref(),
            "device_authorization_url" => self.device_authorization_url.as_deref(),
            _ => None,
        }
    }

    /// Every `{NAME}` template in the entry's URLs that a connect must fill (not `{client_id}`).
    pub fn template_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        let urls =
            URL_FIELDS.iter().filter_map(|f| self.url_field(f)).chain(self.follow_up.as_ref().map(|f| f.url.as_str()));
        for url in urls {
            for name in templates_in(url) {
                if !names.contains(&name) && !IMPLICIT_TEMPLATES.contains(&name.as_str()) {
                    names.push(name);
                }
            }
        }
        names
    }

    /// The refresh-token policy, taking the older `rotates_refresh_tokens` into account.
    pub fn refresh_policy(&self) -> RefreshPolicy {
        match self.rotates_refresh_tokens {
            Some(true) => RefreshPolicy::Rotating,
            _ => self.refresh_token,
        }
    }

    pub fn rotates_refresh_tokens(&self) -> bool {
        self.refresh_policy() == RefreshPolicy::Rotating
    }

    /// How logout revokes: the entry's style, else RFC 7009 when there is an endpoint.
    pub fn revocation_style(&self) -> Revocation {
        match (self.revocation, &self.revocation_url) {
            (Some(style), _) => style,
            (None, Some(_)) => Revocation::Rfc7009,
            (None, None) => Revocation::None,
        }
    }

    /// Whether the authorization asks for offline access, so a refresh token is expected.
    pub fn wants_offline(&self, scopes: &[String]) -> bool {
        self.refresh_policy() != RefreshPolicy::None
            && (self.authorization_params.get("access_type").is_some_and(|v| v == "offline")
                || self.authorization_params.get("token_access_type").is_some_and(|v| v == "offline")
                || self.authorization_params.get("duration").is_some_and(|v| v == "permanent")
                || scopes.iter().any(|s| s == "offline_access" || s == "offline.access"))
    }

    /// A hint from the entry's `hints` table: keyed by an OAuth error code (shown with that
    /// error), or by one of the topics the code asks for (`client_id`, `no_refresh_token`).
    pub fn hint(&self, key: &str) -> Option<&str> {
        self.hints.get(key).map(String::as_str)
    }

    /// The long form of a scope, for comparing granted with required scopes.
    pub fn canonical_scope(&self, scope: &str) -> String {
        if let Some(long) = self.scope_aliases.get(scope) {
            return long.clone();
        }
        const OIDC: &[&str] = &["openid", "email", "profile", "offline_access", "address", "phone"];
        match &self.scope_prefix {
            Some(prefix) if !scope.contains("://") && !OIDC.contains(&scope) => format!("{prefix}{scope}"),
            _ => scope.to_string(),
        }
    }

    /// The scopes in `required` that `granted` lacks, with aliases, prefixes and covering scopes
    /// taken into account.
    pub fn missing_scopes<'a>(&self, granted: &[String], required: &'a [String]) -> Vec<&'a str> {
        let granted: Vec<String> = granted.iter().map(|s| self.canonical_scope(s)).collect();
        required
            .iter()
            .map(String::as_str)
            .filter(|want| {
                let want = self.canonical_scope(want);
                let covered = granted.iter().any(|g| {
                    g == &want
                        || self
                            .scope_implies
                            .get(g)
                            .is_some_and(|covers| covers.iter().any(|p| scope_matches(p, &want)))
                });
                !covered
            })
            .collect()
    }
}

/// `pattern` is a scope or ends in `*` (a prefix).
fn scope_matches(pattern: &str, scope: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => scope.starts_with(prefix),
        None => pattern == scope,
    }
}

/// The `{NAME}` parts of a URL template.
pub fn templates_in(url: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = url;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

/// `url` with each `{NAME}` replaced by its value; the first name without one is the error.
pub fn fill_template(url: &str, values: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = url.to_string();
    for name in templates_in(url) {
        let value = values.get(&name).ok_or_else(|| name.clone())?;
        let encoded: String = url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
        out = out.replace(&format!("{{{name}}}"), &encoded);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(toml_text: &str) -> Provider {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let p = parse("authorization_url = \"https://a.test/a\"\ntoken_url = \"https://a.test/t\"\n");
        assert_eq!(p.token_auth, TokenAuth::ClientSecretPost);
        assert_eq!(p.body_format, BodyFormat::Form);
        assert!(p.pkce);
        assert_eq!(p.scope_separator, " ");
        assert_eq!(p.refresh_policy(), RefreshPolicy::Reusable);
        assert_eq!(p.account, ["id_token:email", "userinfo:email"]);
        assert_eq!(
            (p.redirect_host.as_str(), p.redirect_port, p.redirect_path.as_str()),
            ("127.0.0.1", 8080, "/callback")
        );
        assert_eq!(p.revocation_style(), Revocation::None);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let e = toml::from_str::<Provider>("token_uri = \"x\"\n").unwrap_err();
        assert!(e.message().contains("token_uri"), "{}", e.message());
    }

    /// The field names a table accepts, from serde's own unknown-field error (which lists them
    /// all), so the list cannot drift from the struct.
    fn accepted_fields<T: serde::de::DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
        const BOGUS: &str = "no_such_field_for_the_readme_test";
        let e = toml::from_str::<T>(&format!("{BOGUS} = 1\n")).unwrap_err();
        let message = e.message();
        assert!(message.contains("unknown field"), "{message}");
        let names: Vec<String> =
            message.split('`').skip(1).step_by(2).filter(|name| *name != BOGUS).map(str::to_string).collect();
        assert!(!names.is_empty(), "no field names in {message:?}");
        names
    }

    /// The README's "Provider fields" table has a row for every field the deserializer accepts,
    /// those of the nested tables included (`follow_up.url`, `params.NAME.default`, …). The error
    /// for an unknown field in providers.toml sends people there.
    #[test]
    fn the_readme_lists_every_provider_field() {
        let readme = include_str!("../../README.md");
        let section = readme
            .split("\n## Provider fields\n")
            .nth(1)
            .expect("the README has a \"## Provider fields\" section")
            .split("\n## ")
            .next()
            .unwrap();
        let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| `")).collect();
        let fields = [
            ("", accepted_fields::<Provider>()),
            ("follow_up.", accepted_fields::<FollowUp>()),
            ("params.NAME.", accepted_fields::<Param>()),
            ("platforms.", accepted_fields::<Platforms>()),
            ("platforms.PLATFORM.", accepted_fields::<PlatformUse>()),
        ];
        assert!(fields[0].1.len() > 50, "{:?}", fields[0].1);
        let missing: Vec<String> = fields
            .iter()
            .flat_map(|(prefix, names)| names.iter().map(move |n| format!("{prefix}{n}")))
            .filter(|name| !rows.iter().any(|row| row.starts_with(&format!("| `{name}` |"))))
            .collect();
        assert!(missing.is_empty(), "the README's Provider fields table lacks a row for {missing:?}");
    }

    #[test]
    fn the_older_rotation_flag_still_counts() {
        let p = parse("rotates_refresh_tokens = true\n");
        assert!(p.rotates_refresh_tokens());
        assert_eq!(parse("refresh_token = \"rotating\"\n").refresh_policy(), RefreshPolicy::Rotating);
    }

    #[test]
    fn templates_are_found_and_filled() {
        assert_eq!(templates_in("https://login.test/{tenant}/oauth2/{v}/token"), ["tenant", "v"]);
        let values: BTreeMap<String, String> = [("tenant".to_string(), "a b".to_string())].into();
        assert_eq!(fill_template("https://x.test/{tenant}/t", &values).unwrap(), "https://x.test/a+b/t");
        assert_eq!(fill_template("https://{shop}.test/", &values).unwrap_err(), "shop");
    }

    #[test]
    fn scopes_compare_through_aliases_prefixes_and_covering_scopes() {
        let p = parse(
            "scope_prefix = \"https://www.googleapis.com/auth/\"\n\
             scope_aliases = { email = \"https://www.googleapis.com/auth/userinfo.email\" }\n\
             scope_implies = { \"https://mail.google.com/\" = [\"https://www.googleapis.com/auth/gmail.*\"] }\n",
        );
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let granted = s(&[
            "https://www.googleapis.com/auth/gmail.send",
            "openid",
            "https://www.googleapis.com/auth/userinfo.email",
        ]);
        assert!(p.missing_scopes(&granted, &s(&["gmail.send", "openid", "email"])).is_empty());
        assert_eq!(p.missing_scopes(&s(&["gmail.send", "email"]), &s(&["gmail.send", "openid", "email"])), ["openid"]);
        let full = s(&["https://mail.google.com/", "openid"]);
        assert_eq!(p.missing_scopes(&full, &s(&["https://www.googleapis.com/auth/gmail.modify", "email"])), ["email"]);
    }
}
