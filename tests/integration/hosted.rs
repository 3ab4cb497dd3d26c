//! Hosted connect flows (`connect PROVIDER --via airbyte|bluenexus`) against in-test servers that
//! follow the platforms' documented requests and answers (no public API description covers these
//! flows):
//! - Airbyte's "bring your own OAuth flow" (Airbyte agent-connector docs): POST
//!   /api/v1/integrations/connectors/oauth/initiate {workspace, connector_type, redirect_url} →
//!   {consent_url}; after consent the browser comes back to redirect_url?connector_id=… (or
//!   ?error=…&error_description=…); connectors are read and deleted as the published description
//!   says (tests/fixtures/specs/airbyte).
//! - BlueNexus (its API pages): RFC 8414 metadata at the API origin, dynamic registration at
//!   /api/v1/auth/register, tokens at /api/v1/auth/token (form body; 15-minute access tokens,
//!   single-use refresh tokens whose reuse revokes the session), /api/v1/connections/initiate
//!   {providerId, redirectUrl} → {authorizationUrl}, pending fields and finalize, GET
//!   /api/v1/connections {data: [{id, providerId, status, createdAt}]}, DELETE, GET /providers.

use std::collections::HashMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::util::{self, Env, Fake as Server, Reply};

fn json_reply(status: u16, v: Value) -> Reply {
    (status, "application/json", String::new(), v.to_string())
}

fn redirect(to: &str) -> Reply {
    (302, "text/plain", format!("Location: {to}\r\n"), String::new())
}

fn query(path: &str) -> HashMap<String, String> {
    let q = path.split_once('?').map(|(_, q)| q).unwrap_or("");
    url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes()).into_owned().collect()
}

/// `url` with `extra` query parameters appended.
fn with_params(url: &str, extra: &str) -> String {
    if url.contains('?') { format!("{url}&{extra}") } else { format!("{url}?{extra}") }
}

fn browser_env() -> Env {
    let mut env = Env::new();
    env.scripted_browser();
    env.set("OAUTHCTL_STORE", "file");
    env
}

// ---------------------------------------------------------------------------------------------
// Airbyte

/// `consent` decides what the consent page sends back: Ok(connector id) or Err(error).
fn airbyte(consent: Result<&'static str, &'static str>) -> Server {
    Server::start(move |base, r| match (r.method.as_str(), r.path.split('?').next().unwrap()) {
        ("POST", "/api/v1/account/applications/token") => {
            json_reply(200, json!({"access_token": "airbyte-app-token", "token_type": "bearer", "expires_in": 900}))
        }
        ("POST", "/api/v1/integrations/connectors/oauth/initiate") => {
            let body: Value = serde_json::from_str(&r.body).unwrap();
            let back = body["redirect_url"].as_str().unwrap();
            let consent = format!(
                "{base}/consent?back={}",
                url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
            );
            json_reply(200, json!({"consent_url": consent}))
        }
        ("GET", "/consent") => {
            let back = query(&r.path)["back"].clone();
            match consent {
                Ok(id) => redirect(&with_params(&back, &format!("connector_id={id}"))),
                Err(e) => redirect(&with_params(&back, &format!("error={e}&error_description=The+user+declined"))),
            }
        }
        ("GET", p) if p.starts_with("/api/v1/integrations/connectors/") => {
            json_reply(200, json!({"id": p.rsplit('/').next()}))
        }
        ("DELETE", p) if p.starts_with("/api/v1/integrations/connectors/") => {
            json_reply(200, json!({"id": p.rsplit('/').next(), "deleted_at": "2026-11-24T00:00:00Z"}))
        }
        _ => json_reply(404, json!({"message": "not found"})),
    })
}

fn airbyte_env(server: &Server) -> Env {
    let mut env = browser_env();
    env.set("AIRBYTE_API_URL", server.base.clone())
        .set("AIRBYTE_CLIENT_ID", "app-id")
        .set("AIRBYTE_CLIENT_SECRET", "app-secret-value");
    env
}

#[test]
fn airbyte_runs_the_flow_and_oauthctl_records_only_the_connector_id() {
    let server = airbyte(Ok("c-123"));
    let env = airbyte_env(&server);
    let out =
        env.run(&["connect", "gmail", "--via", "airbyte", "--workspace-name", "team-a", "--json", "--timeout", "30"]);
    out.expect_code(0);
    assert_eq!(
        out.json(),
        json!({"target": "airbyte:gmail-team-a", "kind": "airbyte", "platform_id": "c-123", "provider": "gmail", "workspace": "team-a", "status": "active"})
    );
    let initiate: Value =
        serde_json::from_str(&server.last("POST", "/api/v1/integrations/connectors/oauth/initiate").body).unwrap();
    assert_eq!(initiate["workspace_name"], "team-a");
    assert_eq!(initiate["customer_name"], "team-a");
    assert_eq!(initiate["connector_type"], "Gmail", "from the gmail entry");
    let redirect = initiate["redirect_url"].as_str().unwrap();
    assert!(
        redirect.starts_with("http://127.0.0.1:")
            && util::query_param(redirect, "state").is_some_and(|s| s.len() >= 40),
        "{redirect}"
    );
    assert!(env.stored_files().is_empty(), "no token stored locally");
    assert!(!std::fs::read_to_string(env.config_dir().join("accounts.json")).unwrap().contains("app-secret-value"));

    let status = env.run(&["status", "--json"]);
    assert_eq!(status.json()[0]["target"], "airbyte:gmail-team-a");
    let checked = env.run(&["status", "--check"]);
    assert!(checked.expect_code(0).stdout.contains("active"), "{}", checked.stdout);
    env.run(&["logout", "airbyte:gmail-team-a"]).expect_code(0).stderr_has("deleted");
    assert_eq!(server.count("DELETE", "/api/v1/integrations/connectors/c-123"), 1);
    assert_eq!(env.run(&["status", "--json"]).json(), json!([]));
    env.run(&["logout", "airbyte:gmail-team-a"])
        .expect_code(3)
        .stderr_has("no airbyte connection or account named \"gmail-team-a\"")
        .stderr_has("--via airbyte");
}

#[test]
fn flags_a_hosted_flow_does_not_use_are_refused() {
    let env = Env::new();
    for extra in [
        &["--param", "tenant=x"][..],
        &["--scope", "openid"],
        &["--client-id", "c"],
        &["--device"],
        &["--account", "a"],
    ] {
        let out = env.run(&[&["connect", "gmail", "--via", "airbyte", "--workspace-name", "w"][..], extra].concat());
        out.expect_code(2);
        assert!(out.stderr.contains(extra[0]), "{extra:?}: {}", out.stderr);
    }
}

#[test]
fn an_airbyte_denial_is_exit_6_with_its_description_and_nothing_is_recorded() {
    let server = airbyte(Err("access_denied"));
    let env = airbyte_env(&server);
    env.run(&["connect", "gmail", "--via", "airbyte", "--workspace-name", "team-a", "--timeout", "30"])
        .expect_code(6)
        .stderr_has("The user declined");
    assert_eq!(env.run(&["status", "--json"]).json(), json!([]));
}

#[test]
fn a_forged_hosted_callback_never_ends_the_wait() {
    let server = airbyte(Ok("c-9"));
    let mut env = airbyte_env(&server);
    env.set("BROWSER", "true");
    let mut run = util::Running::spawn(env.cmd(&[
        "connect",
        "gmail",
        "--via",
        "airbyte",
        "--workspace-name",
        "w",
        "--timeout",
        "30",
    ]));
    let line = run.wait_line("Waiting for Airbyte", std::time::Duration::from_secs(20));
    let port: u16 = line.split("127.0.0.1:").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
    let (status, _) = util::raw_get(port, "/callback?state=forged&connector_id=evil", &format!("127.0.0.1:{port}"));
    assert_eq!(status, 400);
    let initiate: Value =
        serde_json::from_str(&server.last("POST", "/api/v1/integrations/connectors/oauth/initiate").body).unwrap();
    let state = util::query_param(initiate["redirect_url"].as_str().unwrap(), "state").unwrap();
    let (status, _) = util::raw_get(port, &format!("/callback?state={state}"), &format!("127.0.0.1:{port}"));
    assert_eq!(status, 400, "the right state without a connector_id is not a callback either");
    let (status, _) =
        util::raw_get(port, &format!("/callback?state={state}&connector_id=c-9"), &format!("127.0.0.1:{port}"));
    assert_eq!(status, 200);
    let out = run.finish(std::time::Duration::from_secs(20));
    out.expect_code(0).stderr_has("state does not match").stderr_has("no connector_id");
    let idx = env.index();
    assert_eq!(idx["connections"][0]["platform_id"], "c-9");
}

// ---------------------------------------------------------------------------------------------
// BlueNexus

#[derive(Default)]
struct Nexus {
    /// The refresh token that works now; every other one is spent.
    live_refresh: Option<String>,
    access: Vec<String>,
    serial: usize,
    refreshes: usize,
    reused: usize,
    session_revoked: bool,
    pending_fields: bool,
    connections: Vec<Value>,
}

fn bluenexus(state: Arc<Mutex<Nexus>>, consent_error: bool) -> Server {
    Server::start(move |base, r| {
        let path = r.path.split('?').next().unwrap();
        let bearer = r
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.trim_start_matches("Bearer ").to_string());
        let mut s = state.lock().unwrap();
        let authorized = bearer.as_ref().is_some_and(|b| s.access.contains(b)) && !s.session_revoked;
        match (r.method.as_str(), path) {
            ("GET", "/.well-known/oauth-authorization-server") => json_reply(
                200,
                json!({
                    "issuer": base,
                    "authorization_endpoint": format!("{base}/oauth/authorize"),
                    "token_endpoint": format!("{base}/api/v1/auth/token"),
                    "registration_endpoint": format!("{base}/api/v1/auth/register"),
                    "userinfo_endpoint": format!("{base}/api/v1/accounts/me"),
                    "code_challenge_methods_supported": ["S256"],
                    "scopes_supported": ["connections", "providers", "account", "openid", "profile", "email"],
                }),
            ),
            ("POST", "/api/v1/auth/register") => json_reply(201, json!({"client_id": "oauthctl-client"})),
            ("GET", "/oauth/authorize") => {
                let q = query(&r.path);
                assert_eq!(q["code_challenge_method"], "S256");
                redirect(&format!("{}?code=code-1&state={}", q["redirect_uri"], q["state"]))
            }
            ("POST", "/api/v1/auth/token") => {
                let f = form(&r.body);
                if f["grant_type"] == "refresh_token" {
                    s.refreshes += 1;
                    if s.live_refresh.as_deref() != Some(f["refresh_token"].as_str()) {
                        // A spent refresh token: BlueNexus ends the whole session.
                        s.reused += 1;
                        s.session_revoked = true;
                        return json_reply(
                            400,
                            json!({"error": "invalid_grant", "error_description": "refresh token reused; session revoked"}),
                        );
                    }
                }
                s.serial += 1;
                let (at, rt) = (format!("bn-at-{}", s.serial), format!("bn-rt-{}", s.serial));
                s.access.push(at.clone());
                s.live_refresh = Some(rt.clone());
                json_reply(
                    200,
                    json!({"access_token": at, "token_type": "Bearer", "expires_in": 900, "refresh_token": rt,
                    "refresh_expires_in": 604800, "scope": "connections providers account openid profile email"}),
                )
            }
            ("GET", "/api/v1/accounts/me") if authorized => json_reply(200, json!({"email": "ada@example.test"})),
            ("POST", "/api/v1/connections/initiate") if authorized => {
                let body: Value = serde_json::from_str(&r.body).unwrap();
                let back = body["redirectUrl"].as_str().unwrap();
                json_reply(
                    201,
                    json!({"authorizationUrl": format!("{base}/provider-consent?back={}", url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()), "providerMetadata": {}}),
                )
            }
            ("GET", "/provider-consent") => {
                let back = query(&r.path)["back"].clone();
                if consent_error {
                    return redirect(&with_params(&back, "error=access_denied&error_description=Consent+was+refused"));
                }
                let n = s.connections.len() + 1;
                let status = if s.pending_fields { "pending" } else { "active" };
                s.connections.push(json!({"id": format!("conn-{n}"), "providerId": "gmail", "status": status, "createdAt": format!("2026-11-24T00:00:0{n}Z")}));
                if s.pending_fields {
                    redirect(&with_params(&back, &format!("pendingId=conn-{n}")))
                } else {
                    redirect(&back)
                }
            }
            ("GET", p) if p.ends_with("/fields") && authorized => {
                json_reply(200, json!({"fields": [{"name": "workspace", "label": "Workspace", "required": true}]}))
            }
            ("POST", p) if p.ends_with("/finalize") && authorized => {
                let body: Value = serde_json::from_str(&r.body).unwrap();
                assert!(body["fields"]["workspace"].is_string(), "{body}");
                for c in s.connections.iter_mut() {
                    c["status"] = json!("active");
                }
                json_reply(200, json!({"ok": true}))
            }
            ("GET", "/api/v1/connections") if authorized => json_reply(200, json!({"data": s.connections})),
            ("DELETE", p) if p.starts_with("/api/v1/connections/") && authorized => {
                let id = p.rsplit('/').next().unwrap().to_string();
                s.connections.retain(|c| c["id"] != id.as_str());
                json_reply(200, json!({}))
            }
            ("GET", "/api/v1/providers") => {
                json_reply(200, json!({"data": [{"id": "gmail", "name": "Gmail"}, {"id": "notion", "name": "Notion"}]}))
            }
            (_, p) if p.starts_with("/api/v1/") => {
                json_reply(401, json!({"statusCode": 401, "message": "Unauthorized"}))
            }
            _ => json_reply(404, json!({"message": "not found"})),
        }
    })
}

fn bluenexus_env(server: &Server) -> Env {
    let mut env = browser_env();
    env.set("BLUENEXUS_API_URL", format!("{}/api/v1", server.base));
    env
}

fn signed_in(state: &Arc<Mutex<Nexus>>, consent_error: bool) -> (Server, Env) {
    let server = bluenexus(state.clone(), consent_error);
    let env = bluenexus_env(&server);
    let out = env.run(&["connect", "bluenexus", "--json", "--timeout", "30"]);
    out.expect_code(0).stderr_has("Registered oauthctl at");
    assert_eq!(out.json()["account"], "ada@example.test");
    (server, env)
}

#[test]
fn bluenexus_sign_in_registers_and_eight_callers_on_an_expired_token_cause_one_refresh() {
    let state = Arc::new(Mutex::new(Nexus::default()));
    let (_server, env) = signed_in(&state, false);
    env.run(&["token", "bluenexus"]).expect_code(0);
    // Expire the access token in the store, as 15 minutes would.
    let mut rec: oauthctl::store::Record =
        serde_json::from_value(env.file_record("bluenexus:ada@example.test").unwrap()).unwrap();
    rec.expires_at = Some(0);
    env.save_record(&rec);
    let children: Vec<_> = (0..8)
        .map(|_| env.cmd(&["token", "bluenexus"]).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap())
        .collect();
    let tokens: std::collections::BTreeSet<String> =
        children.into_iter().map(|c| String::from_utf8(c.wait_with_output().unwrap().stdout).unwrap()).collect();
    assert_eq!(tokens.len(), 1, "every caller got the same token: {tokens:?}");
    let s = state.lock().unwrap();
    assert_eq!(s.refreshes, 1, "one refresh for eight callers");
    assert_eq!(s.reused, 0, "oauthctl never sent a spent refresh token");
    assert!(!s.session_revoked);
}

#[test]
fn a_spent_bluenexus_refresh_token_revokes_the_session_at_the_server_not_by_oauthctl() {
    let state = Arc::new(Mutex::new(Nexus::default()));
    let (_server, env) = signed_in(&state, false);
    let spent = env.file_record("bluenexus:ada@example.test").unwrap()["refresh_token"].as_str().unwrap().to_string();
    env.run(&["refresh", "bluenexus", "--force"]).expect_code(0);
    assert_eq!(state.lock().unwrap().reused, 0);
    // Someone else replays the spent token (a copy pushed elsewhere): the server ends the session.
    let mut old: oauthctl::store::Record =
        serde_json::from_value(env.file_record("bluenexus:ada@example.test").unwrap()).unwrap();
    old.refresh_token = Some(oauthctl::secret::Secret::new(spent));
    env.save_record(&old);
    env.run(&["refresh", "bluenexus", "--force"]).expect_code(4).stderr_has("oauthctl connect bluenexus");
    let s = state.lock().unwrap();
    assert_eq!((s.reused, s.session_revoked), (1, true), "the server revoked it; oauthctl sent it once and stopped");
    assert_eq!(s.refreshes, 2);
}

#[test]
fn a_bluenexus_connection_with_pending_fields_is_finalized_and_tracked() {
    let state = Arc::new(Mutex::new(Nexus { pending_fields: true, ..Nexus::default() }));
    let (server, env) = signed_in(&state, false);
    // Without a terminal and without --field, the missing field is named.
    env.run(&["connect", "gmail", "--via", "bluenexus", "--timeout", "30"])
        .expect_code(2)
        .stderr_has("--field workspace=");
    let out =
        env.run(&["connect", "gmail", "--via", "bluenexus", "--field", "workspace=acme", "--json", "--timeout", "30"]);
    out.expect_code(0);
    let report = out.json();
    assert_eq!(
        (report["kind"].as_str(), report["status"].as_str(), report["provider"].as_str()),
        (Some("bluenexus"), Some("active"), Some("gmail"))
    );
    let finalize: Value = serde_json::from_str(&server.last("POST", "/api/v1/connections/pending/").body).unwrap();
    assert_eq!(finalize["fields"]["workspace"], "acme");
    let target = report["target"].as_str().unwrap().to_string();

    // The platform's status reaches `status --check`, with advice.
    for c in state.lock().unwrap().connections.iter_mut() {
        c["status"] = json!("expired");
    }
    let checked = env.run(&["status", "--check", "--json"]);
    checked.expect_code(0).stderr_has("--via bluenexus");
    let item = checked.json().as_array().unwrap().iter().find(|i| i["target"] == target.as_str()).cloned().unwrap();
    assert_eq!(item["status"], "expired");

    env.run(&["logout", &target]).expect_code(0);
    assert!(state.lock().unwrap().connections.iter().all(|c| c["id"] != report["platform_id"]), "deleted at BlueNexus");
}

#[test]
fn a_bluenexus_denial_is_exit_6_and_its_provider_catalog_is_listed() {
    let state = Arc::new(Mutex::new(Nexus::default()));
    let (_server, env) = signed_in(&state, true);
    env.run(&["connect", "gmail", "--via", "bluenexus", "--timeout", "30"])
        .expect_code(6)
        .stderr_has("Consent was refused");
    let list = env.run(&["providers", "--from", "bluenexus", "--json"]);
    list.expect_code(0);
    assert_eq!(list.json()[1]["id"], "notion");
    let without = Env::new();
    without
        .run(&["connect", "gmail", "--via", "bluenexus", "--store", "file"])
        .expect_code(2)
        .stderr_has("oauthctl connect bluenexus");
}
