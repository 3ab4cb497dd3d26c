//! An in-test server that behaves as providers document their OAuth endpoints, one [`Profile`] per
//! provider (each cites the page it follows): the authorization endpoint (a redirect with code,
//! state and the provider's callback extras), the token endpoint (checking what the provider
//! requires: its client authentication, body format, headers, extra fields, PKCE, single-use
//! codes, live refresh tokens), a separate refresh endpoint, identity and follow-up endpoints,
//! and revocation. Answers are shaped as the provider shapes them (errors with HTTP 200, form
//! bodies, nested tokens, lifetimes as strings). Every request is recorded for assertions.
//! Modelled on stub.rs; loopback only.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::Digest;

use crate::util;

pub const CLIENT_ID: &str = "imitation-client";
pub const CLIENT_SECRET: &str = "imitation-secret";

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Req {
    pub method: String,
    /// Without the query.
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn is_json(&self) -> bool {
        self.header("content-type").is_some_and(|c| c.starts_with("application/json"))
    }

    /// The body's fields: a JSON object's string values, or a form.
    pub fn fields(&self) -> BTreeMap<String, String> {
        if self.is_json() {
            let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&self.body) else { return BTreeMap::new() };
            return m.into_iter().filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string()))).collect();
        }
        url::form_urlencoded::parse(self.body.as_bytes()).into_owned().collect()
    }

    /// HTTP Basic credentials, each part form-decoded (RFC 6749 §2.3.1).
    pub fn basic(&self) -> Option<(String, String)> {
        let b64 = self.credential("Basic")?;
        let pair = String::from_utf8(STANDARD.decode(b64).ok()?).ok()?;
        let (id, secret) = pair.split_once(':')?;
        let dec =
            |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
        Some((dec(id)?, dec(secret)?))
    }

    /// The credential of `Authorization: SCHEME CREDENTIAL`.
    pub fn credential(&self, scheme: &str) -> Option<&str> {
        self.header("authorization")?.strip_prefix(scheme)?.strip_prefix(' ')
    }

    pub fn accepts_json(&self) -> bool {
        self.header("accept").is_some_and(|a| a.contains("application/json"))
    }
}

/// An HTTP answer.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub headers: String,
}

impl Answer {
    pub fn json(status: u16, v: &Value) -> Self {
        Answer {
            status,
            content_type: "application/json; charset=utf-8".into(),
            body: v.to_string(),
            headers: String::new(),
        }
    }
    /// A form-encoded answer of the object's top-level scalars (GitHub without `Accept`).
    pub fn form(status: u16, v: &Value) -> Self {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in v.as_object().into_iter().flatten() {
            match v {
                Value::String(s) => {
                    out.append_pair(k, s);
                }
                Value::Number(_) | Value::Bool(_) => {
                    out.append_pair(k, &v.to_string());
                }
                Value::Null | Value::Object(_) | Value::Array(_) => {}
            }
        }
        Answer {
            status,
            content_type: "application/x-www-form-urlencoded; charset=utf-8".into(),
            body: out.finish(),
            headers: String::new(),
        }
    }
    pub fn empty(status: u16) -> Self {
        Answer { status, content_type: "text/plain".into(), body: String::new(), headers: String::new() }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ClientAuth {
    /// HTTP Basic with the client id and secret; no secret in the body.
    Basic,
    /// `client_id` and `client_secret` in the body.
    Post,
}

/// What a successful exchange or refresh handed out, for the profile's answer shape.
pub struct Issued {
    /// "code" or "refresh".
    pub grant: &'static str,
    /// Which token a refresh renewed ("user", "bot" at Slack), else "".
    pub kind: String,
    pub access: String,
    pub refresh: Option<String>,
    pub expires_in: i64,
    pub refresh_expires_in: Option<i64>,
    /// Slack's user token (access, refresh) when user scopes were requested.
    pub user: Option<(String, Option<String>)>,
    /// The scope requested at authorization.
    pub scope: String,
}

/// A resource endpoint that takes the access token (identity, userinfo, follow-up).
#[derive(Clone)]
pub struct Api {
    /// The end of its path.
    pub suffix: &'static str,
    pub method: &'static str,
    /// The Authorization scheme it wants (`Bearer`, Mailchimp's `OAuth`).
    pub scheme: &'static str,
    pub answer: fn(&Req) -> Value,
}

type Refused = fn(&str, &str) -> (u16, Value);
/// Whether an authorization request (its query) asked for offline access.
type Offline = fn(&BTreeMap<String, String>) -> bool;
type Revoke = fn(&Profile, &Req, &mut Tokens) -> Answer;

/// How one provider behaves. The knobs at the end may be changed while the server runs.
#[derive(Clone)]
pub struct Profile {
    pub name: &'static str,
    pub client_auth: ClientAuth,
    /// The token endpoint takes JSON bodies only (else forms only).
    pub json_body: bool,
    /// Headers every token request must carry.
    pub token_headers: Vec<(&'static str, &'static str)>,
    /// Fields the code exchange must carry besides the standard ones.
    pub code_fields: Vec<(&'static str, &'static str)>,
    /// Fields a refresh must carry besides the standard ones.
    pub refresh_fields: Vec<(&'static str, &'static str)>,
    /// GitHub: answers (errors included) form-encoded unless the request accepts JSON.
    pub form_unless_accept_json: bool,
    /// PKCE (S256) is required.
    pub pkce: bool,
    /// Refresh tokens are issued at all.
    pub refresh_tokens: bool,
    /// When refresh tokens depend on the authorization request (an offline parameter or scope).
    pub offline: Option<Offline>,
    /// A refresh token works once; the refresh answers a new one.
    pub rotating: bool,
    /// Where refreshes go: "/token", or another path (Figma's "/refresh"), where the token path
    /// then refuses them.
    pub refresh_path: &'static str,
    /// Extra parameters of the callback (QuickBooks' realmId), from the authorization request.
    pub callback_extras: fn(&Req) -> Vec<(String, String)>,
    pub answer: fn(&Issued) -> Value,
    /// The provider's refusal: (status, body) for an error code and description.
    pub refused: Refused,
    pub apis: Vec<Api>,
    pub revoke: Option<Revoke>,
    // Knobs.
    pub expires_in: i64,
    pub refresh_expires_in: Option<i64>,
    /// Refuse code exchanges with this (code, description).
    pub refuse_code: Option<(&'static str, &'static str)>,
    /// Answer form-encoded whatever the request accepts (GitHub's default answer).
    pub answer_form_always: bool,
}

fn no_extras(_: &Req) -> Vec<(String, String)> {
    Vec::new()
}

/// RFC 6749 §5.2.
pub fn rfc6749(code: &str, description: &str) -> (u16, Value) {
    (400, json!({ "error": code, "error_description": description }))
}

impl Profile {
    /// A plain RFC 6749 provider; the constructors below change what their provider does otherwise.
    fn base(name: &'static str, answer: fn(&Issued) -> Value) -> Self {
        Profile {
            name,
            client_auth: ClientAuth::Post,
            json_body: false,
            token_headers: Vec::new(),
            code_fields: Vec::new(),
            refresh_fields: Vec::new(),
            form_unless_accept_json: false,
            pkce: false,
            refresh_tokens: true,
            offline: None,
            rotating: false,
            refresh_path: "/token",
            callback_extras: no_extras,
            answer,
            refused: rfc6749,
            apis: Vec::new(),
            revoke: None,
            expires_in: 3600,
            refresh_expires_in: None,
            refuse_code: None,
            answer_form_always: false,
        }
    }

    fn api(
        mut self,
        suffix: &'static str,
        method: &'static str,
        scheme: &'static str,
        answer: fn(&Req) -> Value,
    ) -> Self {
        self.apis.push(Api { suffix, method, scheme, answer });
        self
    }

    /// GitHub: docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps —
    /// "By default, the response takes the following form: access_token=…&scope=…&token_type=bearer";
    /// JSON with `Accept: application/json`; errors with HTTP 200 (troubleshooting page); a GitHub
    /// App's expiring user tokens come with a single-use refresh token (refreshing-user-access-tokens);
    /// `GET /user` names the login; `DELETE /applications/{client_id}/grant` with Basic client
    /// credentials and `{"access_token"}` ends the grant (REST "OAuth authorizations").
    pub fn github() -> Self {
        Profile {
            form_unless_accept_json: true,
            pkce: true,
            rotating: true,
            refused: |code, desc| {
                (200, json!({"error": code, "error_description": desc, "error_uri": "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors"}))
            },
            revoke: Some(revoke_github),
            ..Profile::base("github", |i| {
                let mut v = json!({"access_token": i.access, "token_type": "bearer", "scope": "repo,read:org,user"});
                if let Some(rt) = &i.refresh {
                    v["expires_in"] = json!(i.expires_in);
                    v["refresh_token"] = json!(rt);
                    v["refresh_token_expires_in"] = json!(i.refresh_expires_in.unwrap_or(15_811_200));
                }
                v
            })
        }
        .api("/identity", "GET", "Bearer", |_| json!({"login": "octocat", "id": 1, "name": "monalisa octocat", "email": null}))
    }

    /// Slack: docs.slack.dev/reference/methods/oauth.v2.access — the bot token at the top, the user
    /// token under `authed_user` when `user_scope` was requested, errors as HTTP 200 `{"ok": false}`;
    /// with token rotation (docs.slack.dev/authentication/using-token-rotation) both expire and carry
    /// single-use refresh tokens, and a refresh answers the renewed token at the top level;
    /// auth.revoke takes `token` as a form and answers `{"ok": true, "revoked": true}`.
    pub fn slack() -> Self {
        Profile {
            rotating: true,
            refused: |code, _| (200, json!({"ok": false, "error": code})),
            revoke: Some(revoke_slack),
            expires_in: 43_200,
            ..Profile::base("slack", |i| {
                let kind = if i.kind.is_empty() { "bot" } else { i.kind.as_str() };
                let mut v = json!({
                    "ok": true, "app_id": "A0KRD7HC3", "access_token": i.access, "token_type": kind,
                    "expires_in": i.expires_in, "team": {"name": "Slack Softball Team", "id": "T9TK3CUKW"},
                    "enterprise": null, "is_enterprise_install": false,
                });
                v["scope"] = json!(if kind == "user" { "search:read" } else { "channels:history,chat:write,users:read" });
                if kind == "bot" {
                    v["bot_user_id"] = json!("U0KRQLJ9H");
                }
                if let Some(rt) = &i.refresh {
                    v["refresh_token"] = json!(rt);
                }
                if i.grant == "code" {
                    let mut user = json!({"id": "U1234"});
                    if let Some((at, rt)) = &i.user {
                        user = json!({"id": "U1234", "scope": "search:read", "access_token": at, "token_type": "user", "expires_in": i.expires_in});
                        if let Some(rt) = rt {
                            user["refresh_token"] = json!(rt);
                        }
                    }
                    v["authed_user"] = user;
                }
                v
            })
        }
        .api("/identity", "GET", "Bearer", |_| json!({"ok": true, "team": "Slack Softball Team", "user": "grace", "team_id": "T9TK3CUKW", "user_id": "U1234"}))
    }

    /// Notion: developers.notion.com/reference/create-a-token — HTTP Basic, a JSON body, the
    /// `Notion-Version` header; the answer names the workspace and its owner; refresh-a-token
    /// rotates; errors are Notion's error object; revoke-token takes `{"token"}` as JSON with Basic.
    pub fn notion() -> Self {
        Profile {
            client_auth: ClientAuth::Basic,
            json_body: true,
            token_headers: vec![("Notion-Version", "2025-09-03")],
            rotating: true,
            refused: |code, desc| {
                let status = if code == "invalid_client" { 401 } else { 400 };
                (
                    status,
                    json!({"object": "error", "status": status, "code": code, "message": desc, "additional_data": {}}),
                )
            },
            revoke: Some(revoke_notion),
            ..Profile::base("notion", |i| {
                let mut v = json!({
                    "access_token": i.access, "token_type": "bearer", "bot_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
                    "workspace_icon": null, "workspace_name": "Ada's Notion Workspace",
                    "workspace_id": "3c90c3cc-0d44-4b50-8888-8dd25736052b",
                    "owner": {"type": "user", "user": {"type": "person", "person": {"email": "ada@example.com"},
                              "name": "Ada Lovelace", "id": "3c90c3cc-0d44-4b50-8888-8dd25736052c", "object": "user"}},
                    "duplicated_template_id": null, "request_id": "3c90c3cc-0d44-4b50-8888-8dd25736052d",
                });
                if let Some(rt) = &i.refresh {
                    v["refresh_token"] = json!(rt);
                }
                v
            })
        }
    }

    /// monday.com's legacy endpoint (developer.monday.com/apps/docs/oauth): "This token will be valid
    /// until the user uninstalls your app" — no expires_in, no refresh token; the same JSON request
    /// body as the new flow (migrating-to-the-new-oauth-flow: "The request body parameters remain the
    /// same"); a GraphQL identity.
    pub fn monday_legacy() -> Self {
        Profile {
            json_body: true,
            refresh_tokens: false,
            pkce: true,
            ..Profile::base(
                "monday",
                |i| json!({"access_token": i.access, "token_type": "Bearer", "scope": "me:read boards:read"}),
            )
        }
        .api("/identity", "POST", "Bearer", |req| {
            if req.body.contains("me") {
                json!({"data": {"me": {"id": 7, "name": "Anna M", "email": "anna@example.com"}}})
            } else {
                json!({"errors": [{"message": "no query"}]})
            }
        })
    }

    /// Intercom (developers.intercom.com, "Setting up OAuth"): the token twice (`token`,
    /// `access_token`), no expiry, no refresh token; errors as an error list; `GET /me` names the admin.
    pub fn intercom() -> Self {
        Profile {
            refresh_tokens: false,
            refused: |code, desc| {
                (401, json!({"type": "error.list", "request_id": "000on8sf2ppkbbhltkr0", "errors": [{"code": code, "message": desc}]}))
            },
            ..Profile::base("intercom", |i| json!({"token_type": "Bearer", "token": i.access, "access_token": i.access}))
        }
        .api("/identity", "GET", "Bearer", |_| {
            json!({"type": "admin", "id": "991267460", "email": "admin@example.com", "name": "Ciaran Lee", "app": {"type": "app", "name": "MyApp 1"}})
        })
    }

    /// Microsoft identity platform (learn.microsoft.com/en-us/entra/identity-platform/
    /// v2-oauth2-auth-code-flow): endpoints under `/{tenant}/oauth2/v2.0/`, refresh tokens with
    /// `offline_access`, a new one on every refresh; lifetimes as strings in some answers
    /// (modelcontextprotocol/typescript-sdk#1111); Graph `/me` names the userPrincipalName.
    pub fn microsoft() -> Self {
        Profile {
            pkce: true,
            rotating: true,
            offline: Some(|q| scope_has(q, "offline_access")),
            ..Profile::base("microsoft", |i| {
                let mut v = json!({
                    "token_type": "Bearer", "scope": "openid profile email User.Read Mail.ReadWrite",
                    "expires_in": i.expires_in.to_string(), "ext_expires_in": i.expires_in.to_string(),
                    "access_token": i.access,
                });
                if let Some(rt) = &i.refresh {
                    v["refresh_token"] = json!(rt);
                }
                v
            })
        }
        .api("/identity", "GET", "Bearer", |_| {
            json!({"displayName": "Adele Vance", "mail": "AdeleV@contoso.com", "userPrincipalName": "AdeleV@contoso.com", "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd"})
        })
    }

    /// Salesforce web-server flow (help.salesforce.com, remoteaccess_oauth_web_server_flow): no
    /// expires_in, `instance_url`, `id` and `issued_at` (a string) in the answer; the refresh answer
    /// carries no refresh token (rotation off); userinfo names the user.
    pub fn salesforce() -> Self {
        Profile {
            pkce: true,
            ..Profile::base("salesforce", |i| {
                let mut v = json!({
                    "access_token": i.access, "signature": "0CmxinZir53Yex7nE0TD+zMpvIWYGb/bdJh6XfOH6EQ=",
                    "scope": "refresh_token api", "instance_url": "https://yourInstance.my.salesforce.com",
                    "id": "https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P",
                    "token_type": "Bearer", "issued_at": "1278448832702",
                });
                if let (Some(rt), "code") = (&i.refresh, i.grant) {
                    v["refresh_token"] = json!(rt);
                }
                v
            })
        }
        .api("/userinfo", "GET", "Bearer", |_| {
            json!({"sub": "https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P", "preferred_username": "ada@example.com", "email": "ada@example.com"})
        })
    }

    /// Dropbox (developers.dropbox.com/oauth-guide): Basic client auth, PKCE; a refresh token only
    /// with `token_access_type=offline`; the refresh answer carries none; `account_id` and `uid`.
    pub fn dropbox() -> Self {
        Profile {
            client_auth: ClientAuth::Basic,
            pkce: true,
            offline: Some(|q| q.get("token_access_type").is_some_and(|v| v == "offline")),
            revoke: Some(revoke_bearer),
            expires_in: 14_400,
            ..Profile::base("dropbox", |i| {
                let mut v = json!({"access_token": i.access, "expires_in": i.expires_in, "token_type": "bearer"});
                if i.grant == "code" {
                    v["scope"] = json!("account_info.read files.content.read");
                    v["account_id"] = json!("dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc");
                    v["uid"] = json!("12345");
                    if let Some(rt) = &i.refresh {
                        v["refresh_token"] = json!(rt);
                    }
                }
                v
            })
        }
    }

    /// Reddit (github.com/reddit-archive/reddit/wiki/OAuth2): Basic client auth, a refresh token only
    /// with `duration=permanent`, the User-Agent the entry sends; `/api/v1/me` names the user.
    pub fn reddit() -> Self {
        Profile {
            client_auth: ClientAuth::Basic,
            token_headers: vec![("User-Agent", "oauthctl:oauthctl:v1 (by /u/oauthctl-user)")],
            offline: Some(|q| q.get("duration").is_some_and(|v| v == "permanent")),
            expires_in: 86_400,
            ..Profile::base("reddit", |i| {
                let mut v = json!({"access_token": i.access, "token_type": "bearer", "expires_in": i.expires_in, "scope": "identity read"});
                if let Some(rt) = &i.refresh {
                    v["refresh_token"] = json!(rt);
                }
                v
            })
        }
        .api("/identity", "GET", "Bearer", |_| json!({"name": "spez", "id": "1w72"}))
    }

    /// Atlassian 3LO (developer.atlassian.com/cloud/oauth/getting-started/implementing-oauth-3lo and
    /// refresh-tokens): JSON bodies, `audience=api.atlassian.com` and `prompt=consent` on the
    /// authorization URL, a refresh token only with `offline_access`, rotating ("the refresh token you
    /// used for the request is disabled"), a dead one refused with 403 invalid_grant; `/me` names the
    /// user; accessible-resources lists the sites (cloud id) for a Bearer token.
    pub fn atlassian() -> Self {
        Profile {
            json_body: true,
            rotating: true,
            offline: Some(|q| {
                scope_has(q, "offline_access")
                    && q.get("audience").is_some_and(|a| a == "api.atlassian.com")
                    && q.get("prompt").is_some_and(|p| p == "consent")
            }),
            refused: |code, desc| (if code == "invalid_grant" { 403 } else { 400 }, json!({"error": code, "error_description": desc})),
            ..Profile::base("atlassian", |i| {
                let mut v = json!({"access_token": i.access, "expires_in": i.expires_in, "token_type": "Bearer", "scope": i.scope});
                if let Some(rt) = &i.refresh {
                    v["refresh_token"] = json!(rt);
                }
                v
            })
        }
        .api("/identity", "GET", "Bearer", |_| {
            json!({"account_type": "atlassian", "account_id": "557058:f58131cb", "email": "mia@example.com", "name": "Mia Krystof"})
        })
        .api("/follow-up", "GET", "Bearer", |_| {
            json!([{"id": "1324a887-45db-1bf4-1e99-ef0ff456d421", "name": "Site name", "url": "https://your-domain.atlassian.net", "scopes": ["write:jira-work"]}])
        })
    }

    /// X (docs.x.com, OAuth 2.0 user access token): Basic client auth for confidential clients, PKCE,
    /// a refresh token only with `offline.access`, single-use refresh tokens; `/2/users/me`.
    pub fn x() -> Self {
        Profile {
            client_auth: ClientAuth::Basic,
            pkce: true,
            rotating: true,
            offline: Some(|q| scope_has(q, "offline.access")),
            expires_in: 7200,
            ..Profile::base("x", |i| {
                let mut v = json!({"token_type": "bearer", "expires_in": i.expires_in, "access_token": i.access, "scope": i.scope});
                if let Some(rt) = &i.refresh {
                    v["refresh_token"] = json!(rt);
                }
                v
            })
        }
        .api("/identity", "GET", "Bearer", |_| json!({"data": {"id": "2244994945", "name": "X Dev", "username": "XDevelopers"}}))
    }

    /// Figma (developers.figma.com/docs/rest-api/authentication): Basic client auth; refreshes go to
    /// `/v1/oauth/refresh` (the token endpoint does not take them) and answer only access_token and
    /// expires_in; errors as `{"error": true, "message"}`; `/v1/me`.
    pub fn figma() -> Self {
        Profile {
            client_auth: ClientAuth::Basic,
            refresh_path: "/refresh",
            refused: |_, desc| (400, json!({"error": true, "status": 400, "message": desc, "i18n": null})),
            expires_in: 7_776_000,
            ..Profile::base("figma", |i| {
                let mut v = json!({"access_token": i.access, "expires_in": i.expires_in});
                if i.grant == "code" {
                    v["user_id"] = json!(123);
                    v["user_id_string"] = json!("123");
                    v["refresh_token"] = json!(i.refresh);
                }
                v
            })
        }
        .api(
            "/identity",
            "GET",
            "Bearer",
            |_| json!({"id": "1234567890", "email": "designer@example.com", "handle": "Jane Designer"}),
        )
    }

    /// Zoom (developers.zoom.us/docs/integrations/oauth/): Basic client auth, PKCE, single-use
    /// refresh tokens ("Invalid Token!" once used), `api_url` in the answer; `/v2/users/me`.
    pub fn zoom() -> Self {
        Profile {
            client_auth: ClientAuth::Basic,
            pkce: true,
            rotating: true,
            refused: |code, desc| (400, json!({"reason": desc, "error": code})),
            expires_in: 3599,
            ..Profile::base("zoom", |i| {
                json!({"access_token": i.access, "token_type": "bearer", "refresh_token": i.refresh, "expires_in": i.expires_in,
                       "scope": "meeting:read:list_meetings user:read:user", "api_url": "https://api.zoom.us"})
            })
        }
        .api("/identity", "GET", "Bearer", |_| json!({"id": "KDcuGIm1QgePTO8WbOqwIQ", "email": "jchill@example.com"}))
    }

    /// Shopify (shopify.dev, authorization-code-grant and the expiring offline tokens changelog):
    /// endpoints on the shop's own host, credentials in a JSON body, `expiring=1` for a 1-hour token
    /// with a rotating refresh token; the callback carries `shop`, `host`, `hmac` and `timestamp`.
    pub fn shopify() -> Self {
        Profile {
            json_body: true,
            code_fields: vec![("expiring", "1")],
            rotating: true,
            callback_extras: |req| {
                let shop = req.path.trim_start_matches('/').split('/').next().unwrap_or_default();
                vec![
                    ("shop".into(), format!("{shop}.myshopify.com")),
                    ("host".into(), STANDARD.encode(format!("admin.shopify.com/store/{shop}"))),
                    ("hmac".into(), "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf".into()),
                    ("timestamp".into(), "1337178173".into()),
                ]
            },
            refresh_expires_in: Some(7_776_000),
            ..Profile::base("shopify", |i| {
                json!({"access_token": i.access, "scope": "read_products,write_products", "expires_in": i.expires_in,
                       "refresh_token": i.refresh, "refresh_token_expires_in": i.refresh_expires_in})
            })
        }
    }

    /// Zendesk (developer.zendesk.com, grant_type_tokens): endpoints on `{subdomain}.zendesk.com`,
    /// `expires_in` sent on the exchange and refresh to get expiring tokens with a refresh token,
    /// which is replaced on every refresh; `/api/v2/users/me.json`.
    pub fn zendesk() -> Self {
        Profile {
            pkce: true,
            code_fields: vec![("expires_in", "1800")],
            refresh_fields: vec![("expires_in", "1800")],
            rotating: true,
            expires_in: 1800,
            refresh_expires_in: Some(2_592_000),
            ..Profile::base("zendesk", |i| {
                json!({"access_token": i.access, "refresh_token": i.refresh, "token_type": "bearer", "scope": "read write",
                       "expires_in": i.expires_in, "refresh_token_expires_in": i.refresh_expires_in})
            })
        }
        .api("/identity", "GET", "Bearer", |_| json!({"user": {"id": 35436, "name": "Johnny Agent", "email": "johnny@example.com"}}))
    }

    /// GitLab (docs.gitlab.com/api/oauth2/): rotating refresh tokens, `created_at`; revocation at
    /// `/oauth/revoke` (RFC 7009, client credentials in the body); `/api/v4/user`.
    pub fn gitlab() -> Self {
        Profile {
            pkce: true,
            rotating: true,
            revoke: Some(revoke_rfc7009),
            expires_in: 7200,
            ..Profile::base("gitlab", |i| {
                json!({"access_token": i.access, "token_type": "bearer", "expires_in": i.expires_in,
                       "refresh_token": i.refresh, "created_at": 1_607_635_748, "scope": "api read_user"})
            })
        }
        .api(
            "/identity",
            "GET",
            "Bearer",
            |_| json!({"id": 1, "username": "john_smith", "email": "john@example.com"}),
        )
    }

    /// QuickBooks Online (developer.intuit.com, OAuth 2.0): Basic client auth, the company id as
    /// `realmId` on the callback, `x_refresh_token_expires_in` in the answer; userinfo.
    pub fn quickbooks() -> Self {
        Profile {
            client_auth: ClientAuth::Basic,
            rotating: true,
            callback_extras: |_| vec![("realmId".into(), "9341453474484455".into())],
            refresh_expires_in: Some(8_726_400),
            ..Profile::base("quickbooks", |i| {
                json!({"token_type": "bearer", "expires_in": i.expires_in, "refresh_token": i.refresh,
                       "x_refresh_token_expires_in": i.refresh_expires_in, "access_token": i.access})
            })
        }
        .api(
            "/userinfo",
            "GET",
            "Bearer",
            |_| json!({"sub": "1182d6ec", "email": "john@doe.com", "emailVerified": true}),
        )
    }

    /// Mailchimp (mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/): tokens that do
    /// not expire (`expires_in: 0`, `scope: null`), and the metadata endpoint, which wants
    /// `Authorization: OAuth TOKEN`, names the data center.
    pub fn mailchimp() -> Self {
        Profile {
            refresh_tokens: false,
            ..Profile::base("mailchimp", |i| json!({"access_token": i.access, "expires_in": 0, "scope": null}))
        }
        .api("/follow-up", "GET", "OAuth", |_| {
            json!({"dc": "us1", "role": "owner", "accountname": "Freddie's Jokes", "user_id": 21,
                   "login": {"email": "freddie@mailchimp.com", "login_email": "freddie@mailchimp.com"},
                   "api_endpoint": "https://us1.api.mailchimp.com"})
        })
    }

    /// Linear (linear.app/developers/oauth-2-0-authentication): rotating refresh tokens; the API is
    /// GraphQL only, so the identity is a POST of `{ viewer { … } }`.
    pub fn linear() -> Self {
        Profile {
            pkce: true,
            rotating: true,
            expires_in: 86_399,
            ..Profile::base("linear", |i| {
                json!({"access_token": i.access, "token_type": "Bearer", "expires_in": i.expires_in, "scope": "read write", "refresh_token": i.refresh})
            })
        }
        .api("/identity", "POST", "Bearer", |req| {
            let query = serde_json::from_str::<Value>(&req.body).ok().and_then(|v| v["query"].as_str().map(str::to_string));
            match query {
                Some(q) if q.contains("viewer") => json!({"data": {"viewer": {"id": "2e7a9c2d", "name": "Ada Lovelace", "email": "ada@example.com"}}}),
                _ => json!({"errors": [{"message": "a GraphQL query is required"}]}),
            }
        })
    }

    /// Airtable (airtable.com/developers/web/api/oauth-reference): Basic client auth, PKCE,
    /// single-use refresh tokens and `refresh_expires_in` (Keycloak-style); `/v0/meta/whoami`.
    pub fn airtable() -> Self {
        Profile {
            client_auth: ClientAuth::Basic,
            pkce: true,
            rotating: true,
            refresh_expires_in: Some(5_184_000),
            ..Profile::base("airtable", |i| {
                json!({"access_token": i.access, "refresh_token": i.refresh, "token_type": "Bearer", "scope": i.scope,
                       "expires_in": i.expires_in, "refresh_expires_in": i.refresh_expires_in})
            })
        }
        .api("/identity", "GET", "Bearer", |_| json!({"id": "usrL2PNC5o3H4lBEi", "email": "foo@bar.com"}))
    }
}

/// Whether the authorization request asked for `scope` (space- or comma-separated scopes).
fn scope_has(q: &BTreeMap<String, String>, scope: &str) -> bool {
    q.get("scope").is_some_and(|s| s.split([' ', ',']).any(|x| x == scope))
}

struct Code {
    redirect_uri: String,
    challenge: Option<String>,
    query: BTreeMap<String, String>,
}

/// The server's tokens: which are live, and of which kind.
#[derive(Default)]
pub struct Tokens {
    n: usize,
    codes: HashMap<String, Code>,
    /// Live access tokens and their kind.
    pub access: HashMap<String, String>,
    /// Refresh tokens: kind, and whether still usable.
    pub refresh: HashMap<String, (String, bool)>,
    /// Refresh tokens refused because they were spent.
    pub reused: Vec<String>,
}

impl Tokens {
    /// Ends a token (access or refresh); whether it was live.
    pub fn kill(&mut self, token: &str) -> bool {
        let access = self.access.remove(token).is_some();
        let refresh = self.refresh.get_mut(token).map(|r| std::mem::replace(&mut r.1, false)).unwrap_or(false);
        access || refresh
    }
    /// Ends everything (a grant revocation).
    pub fn kill_all(&mut self) {
        self.access.clear();
        self.refresh.values_mut().for_each(|r| r.1 = false);
    }
}

struct Inner {
    profile: Mutex<Profile>,
    tokens: Mutex<Tokens>,
    log: Mutex<Vec<Req>>,
}

/// The running imitation of one provider.
pub struct Imitation {
    pub port: u16,
    inner: Arc<Inner>,
}

impl Imitation {
    pub fn start(profile: Profile) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let inner =
            Arc::new(Inner { profile: Mutex::new(profile), tokens: Mutex::default(), log: Mutex::new(Vec::new()) });
        let server = inner.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let inner = server.clone();
                std::thread::spawn(move || {
                    let Some((method, target, headers, body)) = util::read_request(&mut stream) else { return };
                    let (path, query) = match target.split_once('?') {
                        Some((p, q)) => {
                            (p.to_string(), url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
                        }
                        None => (target.clone(), BTreeMap::new()),
                    };
                    let req = Req { method, path, query, headers, body };
                    let a = handle(&inner, req);
                    util::respond(&mut stream, a.status, &a.content_type, &a.body, &a.headers);
                });
            }
        });
        Imitation { port, inner }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Changes the profile's knobs while running.
    pub fn set(&self, f: impl FnOnce(&mut Profile)) {
        f(&mut self.inner.profile.lock().unwrap());
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Req> {
        self.inner.log.lock().unwrap().clone()
    }

    /// The requests whose path ends with `suffix`.
    pub fn requests_to(&self, suffix: &str) -> Vec<Req> {
        self.requests().into_iter().filter(|r| r.path.ends_with(suffix)).collect()
    }

    /// Token-endpoint requests of one grant type (at any path).
    pub fn grants(&self, grant_type: &str) -> Vec<Req> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.fields().get("grant_type").is_some_and(|g| g == grant_type))
            .collect()
    }

    pub fn tokens<T>(&self, f: impl FnOnce(&Tokens) -> T) -> T {
        f(&self.inner.tokens.lock().unwrap())
    }

    pub fn is_live(&self, token: &str) -> bool {
        self.tokens(|t| t.access.contains_key(token) || t.refresh.get(token).is_some_and(|r| r.1))
    }

    /// A providers.toml entry named like a built-in that moves only endpoint fields here: each
    /// `(field, path)` becomes `field = "BASE{path}"`; `more` is appended as it is.
    pub fn override_toml(&self, name: &str, fields: &[(&str, &str)], more: &str) -> String {
        let mut out = format!("[providers.{name}]\n");
        for (field, path) in fields {
            out.push_str(&format!("{field} = \"{}{path}\"\n", self.base()));
        }
        out.push_str(more);
        out
    }
}

fn handle(inner: &Inner, req: Req) -> Answer {
    inner.log.lock().unwrap().push(req.clone());
    let p = inner.profile.lock().unwrap().clone();
    let path = req.path.as_str();
    if req.method == "GET" && path.ends_with("/authorize") {
        return authorize(&p, inner, &req);
    }
    if req.method == "POST" && p.refresh_path != "/token" && path.ends_with(p.refresh_path) {
        return token(&p, inner, &req, true);
    }
    if req.method == "POST" && path.ends_with("/token") {
        return token(&p, inner, &req, false);
    }
    if path.ends_with("/revoke") || path.ends_with("/grant") {
        return match p.revoke {
            Some(revoke) => revoke(&p, &req, &mut inner.tokens.lock().unwrap()),
            None => Answer::json(404, &json!({"error": "not_found"})),
        };
    }
    if let Some(api) = p.apis.iter().find(|a| path.ends_with(a.suffix)) {
        if req.method != api.method {
            return Answer::json(405, &json!({"error": format!("{} only", api.method)}));
        }
        let live = req.credential(api.scheme).is_some_and(|t| inner.tokens.lock().unwrap().access.contains_key(t));
        if !live {
            return Answer::json(
                401,
                &json!({"error": "invalid_token", "error_description": format!("no live token with the {} scheme", api.scheme)}),
            );
        }
        return Answer::json(200, &(api.answer)(&req));
    }
    Answer::json(404, &json!({"error": "not_found"}))
}

fn authorize(p: &Profile, inner: &Inner, req: &Req) -> Answer {
    let q = &req.query;
    let page = |msg: &str| Answer {
        status: 400,
        content_type: "text/html".into(),
        body: format!("<p>{msg}</p>"),
        headers: String::new(),
    };
    if q.get("client_id").map(String::as_str) != Some(CLIENT_ID) {
        return page("unknown client_id");
    }
    let (Some(redirect), Some(state)) = (q.get("redirect_uri"), q.get("state")) else {
        return page("redirect_uri and state are required");
    };
    let Ok(mut to) = url::Url::parse(redirect) else { return page("redirect_uri is not a URL") };
    if q.get("response_type").map(String::as_str) != Some("code") {
        to.query_pairs_mut().append_pair("error", "unsupported_response_type").append_pair("state", state);
        return redirect_to(&to);
    }
    let challenge = match (q.get("code_challenge"), q.get("code_challenge_method").map(String::as_str)) {
        (Some(c), Some("S256")) => Some(c.clone()),
        _ if p.pkce => {
            to.query_pairs_mut()
                .append_pair("error", "invalid_request")
                .append_pair("error_description", "PKCE (S256) is required")
                .append_pair("state", state);
            return redirect_to(&to);
        }
        _ => None,
    };
    let code = {
        let mut t = inner.tokens.lock().unwrap();
        t.n += 1;
        let code = format!("{}-code-{}", p.name, t.n);
        t.codes.insert(code.clone(), Code { redirect_uri: redirect.clone(), challenge, query: q.clone() });
        code
    };
    to.query_pairs_mut().append_pair("code", &code).append_pair("state", state);
    for (k, v) in (p.callback_extras)(req) {
        to.query_pairs_mut().append_pair(&k, &v);
    }
    redirect_to(&to)
}

fn redirect_to(to: &url::Url) -> Answer {
    Answer {
        status: 302,
        content_type: "text/plain".into(),
        body: String::new(),
        headers: format!("Location: {to}\r\n"),
    }
}

/// The provider's answer, encoded as it encodes answers.
fn encode(p: &Profile, req: &Req, status: u16, v: &Value) -> Answer {
    if p.answer_form_always || (p.form_unless_accept_json && !req.accepts_json()) {
        Answer::form(status, v)
    } else {
        Answer::json(status, v)
    }
}

fn token(p: &Profile, inner: &Inner, req: &Req, at_refresh_path: bool) -> Answer {
    let refuse = |code: &str, desc: &str| {
        let (status, v) = (p.refused)(code, desc);
        encode(p, req, status, &v)
    };
    for (h, v) in &p.token_headers {
        if req.header(h) != Some(*v) {
            return refuse("invalid_request", &format!("the {h} header must be {v:?}"));
        }
    }
    if p.json_body != req.is_json() {
        return refuse(
            "invalid_request",
            if p.json_body { "the body must be JSON" } else { "the body must be form-encoded" },
        );
    }
    let f = req.fields();
    let client_ok = match p.client_auth {
        ClientAuth::Basic => {
            req.basic() == Some((CLIENT_ID.into(), CLIENT_SECRET.into())) && !f.contains_key("client_secret")
        }
        ClientAuth::Post => {
            f.get("client_id").map(String::as_str) == Some(CLIENT_ID)
                && f.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
        }
    };
    if !client_ok {
        let how = match p.client_auth {
            ClientAuth::Basic => "HTTP Basic client authentication is required",
            ClientAuth::Post => "client_id and client_secret are required in the body",
        };
        return refuse("invalid_client", how);
    }
    let grant = f.get("grant_type").map(String::as_str).unwrap_or_default();
    let mut t = inner.tokens.lock().unwrap();
    let issued = match grant {
        "authorization_code" if !at_refresh_path => {
            if let Some((code, desc)) = p.refuse_code {
                return refuse(code, desc);
            }
            for (k, v) in &p.code_fields {
                if f.get(*k).map(String::as_str) != Some(*v) {
                    return refuse("invalid_request", &format!("{k}={v} is required"));
                }
            }
            let Some(c) = f.get("code").and_then(|code| t.codes.remove(code)) else {
                return refuse("invalid_grant", "the code is unknown or was already used");
            };
            if f.get("redirect_uri") != Some(&c.redirect_uri) {
                return refuse("invalid_grant", "redirect_uri does not match the authorization request");
            }
            if let Some(challenge) = &c.challenge {
                let verifier = f.get("code_verifier").map(String::as_str).unwrap_or_default();
                if URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes())) != *challenge {
                    return refuse("invalid_grant", "code_verifier does not match the code_challenge");
                }
            }
            let with_rt = p.refresh_tokens && p.offline.is_none_or(|offline| offline(&c.query));
            let user = c.query.contains_key("user_scope");
            issue(p, &mut t, "code", "", with_rt, user, c.query.get("scope").cloned().unwrap_or_default())
        }
        "refresh_token" if at_refresh_path || p.refresh_path == "/token" => {
            for (k, v) in &p.refresh_fields {
                if f.get(*k).map(String::as_str) != Some(*v) {
                    return refuse("invalid_request", &format!("{k}={v} is required"));
                }
            }
            let rt = f.get("refresh_token").cloned().unwrap_or_default();
            let kind = match t.refresh.get(&rt) {
                Some((kind, true)) => kind.clone(),
                Some((_, false)) => {
                    t.reused.push(rt);
                    return refuse("invalid_grant", "the refresh token was already used or revoked");
                }
                None => return refuse("invalid_grant", "unknown refresh token"),
            };
            if p.rotating {
                t.refresh.insert(rt, (kind.clone(), false));
                issue(p, &mut t, "refresh", &kind, true, false, String::new())
            } else {
                let mut i = issue(p, &mut t, "refresh", &kind, false, false, String::new());
                i.refresh = Some(rt);
                i
            }
        }
        "refresh_token" => return refuse("invalid_grant", "refresh tokens are not taken at this endpoint"),
        other => return refuse("unsupported_grant_type", &format!("grant_type {other:?}")),
    };
    drop(t);
    encode(p, req, 200, &(p.answer)(&issued))
}

fn issue(
    p: &Profile,
    t: &mut Tokens,
    grant: &'static str,
    kind: &str,
    with_rt: bool,
    user: bool,
    scope: String,
) -> Issued {
    t.n += 1;
    let n = t.n;
    let top_kind = if kind.is_empty() && user { "bot" } else { kind };
    let access =
        format!("{}-{}at-{n}", p.name, if top_kind.is_empty() { String::new() } else { format!("{top_kind}-") });
    t.access.insert(access.clone(), top_kind.to_string());
    let refresh = with_rt.then(|| {
        let rt = access.replace("-at-", "-rt-");
        t.refresh.insert(rt.clone(), (top_kind.to_string(), true));
        rt
    });
    let user = user.then(|| {
        let at = format!("{}-user-at-{n}", p.name);
        t.access.insert(at.clone(), "user".into());
        let rt = with_rt.then(|| {
            let rt = format!("{}-user-rt-{n}", p.name);
            t.refresh.insert(rt.clone(), ("user".into(), true));
            rt
        });
        (at, rt)
    });
    Issued {
        grant,
        kind: top_kind.to_string(),
        access,
        refresh,
        expires_in: p.expires_in,
        refresh_expires_in: p.refresh_expires_in,
        user,
        scope,
    }
}

/// RFC 7009 with the client credentials in the form (GitLab).
fn revoke_rfc7009(_: &Profile, req: &Req, t: &mut Tokens) -> Answer {
    let f = req.fields();
    if req.is_json() || f.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET) {
        return Answer::json(400, &json!({"error": "invalid_request"}));
    }
    t.kill(f.get("token").map(String::as_str).unwrap_or_default());
    Answer::json(200, &json!({}))
}

/// Notion's revoke-token: `{"token"}` as JSON with HTTP Basic; a form body fails validation.
fn revoke_notion(_: &Profile, req: &Req, t: &mut Tokens) -> Answer {
    if req.basic() != Some((CLIENT_ID.into(), CLIENT_SECRET.into())) {
        return Answer::json(
            401,
            &json!({"object": "error", "status": 401, "code": "unauthorized", "message": "API token is invalid."}),
        );
    }
    let token = req.is_json().then(|| req.fields().get("token").cloned()).flatten();
    let Some(token) = token else {
        return Answer::json(
            400,
            &json!({"object": "error", "status": 400, "code": "validation_error", "message": "body failed validation: body.token should be defined, instead was `undefined`."}),
        );
    };
    t.kill(&token);
    Answer::json(200, &json!({"request_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a"}))
}

/// Slack's auth.revoke: the token as a form field; errors with HTTP 200.
fn revoke_slack(_: &Profile, req: &Req, t: &mut Tokens) -> Answer {
    let token = req.fields().get("token").cloned().unwrap_or_default();
    if t.kill(&token) {
        Answer::json(200, &json!({"ok": true, "revoked": true}))
    } else {
        Answer::json(200, &json!({"ok": false, "error": "invalid_auth"}))
    }
}

/// GitHub's `DELETE /applications/{client_id}/grant`: Basic client credentials, `{"access_token"}`;
/// the whole grant ends.
fn revoke_github(_: &Profile, req: &Req, t: &mut Tokens) -> Answer {
    let right_path = req.path.ends_with(&format!("/applications/{CLIENT_ID}/grant"));
    if req.method != "DELETE" || !right_path || req.basic() != Some((CLIENT_ID.into(), CLIENT_SECRET.into())) {
        return Answer::json(404, &json!({"message": "Not Found"}));
    }
    let token =
        serde_json::from_str::<Value>(&req.body).ok().and_then(|v| v["access_token"].as_str().map(str::to_string));
    match token {
        Some(tok) if t.access.contains_key(&tok) => {
            t.kill_all();
            Answer::empty(204)
        }
        _ => Answer::json(422, &json!({"message": "Validation Failed"})),
    }
}

/// Dropbox's token/revoke: `Authorization: Bearer`, no body; answers `null`.
fn revoke_bearer(_: &Profile, req: &Req, t: &mut Tokens) -> Answer {
    match req.credential("Bearer").map(str::to_string) {
        Some(tok) if t.kill(&tok) => Answer::json(200, &Value::Null),
        _ => Answer::json(
            401,
            &json!({"error_summary": "invalid_access_token/", "error": {".tag": "invalid_access_token"}}),
        ),
    }
}

/// Plays the browser: follows the authorization redirect to the loopback callback (over TLS for
/// an https redirect, accepting oauthctl's certificate made for the sign-in). Returns the
/// callback's status and body.
pub fn approve(auth_url: &str) -> (u16, String) {
    let url = url::Url::parse(auth_url).unwrap();
    let port = url.port().unwrap();
    let path = format!("{}?{}", url.path(), url.query().unwrap_or(""));
    let (status, resp) = util::raw_get(port, &path, &format!("127.0.0.1:{port}"));
    assert_eq!(status, 302, "{resp}");
    let location = resp.lines().find_map(|l| l.strip_prefix("Location: ")).unwrap().trim().to_string();
    let cb = url::Url::parse(&location).unwrap();
    if cb.scheme() == "https" {
        let tls = ureq::tls::TlsConfig::builder().disable_verification(true).build();
        let agent: ureq::Agent =
            ureq::Agent::config_builder().tls_config(tls).http_status_as_error(false).build().into();
        let mut r = agent.get(cb.as_str()).call().unwrap();
        return (r.status().as_u16(), r.body_mut().read_to_string().unwrap());
    }
    let cb_port = cb.port().unwrap();
    util::raw_get(
        cb_port,
        &format!("{}?{}", cb.path(), cb.query().unwrap_or("")),
        &format!("{}:{cb_port}", cb.host_str().unwrap()),
    )
}
