//! OAuth-protected MCP servers: `connect URL` and `mcp proxy`, against
//! - the official MCP TypeScript SDK's example server with its OAuth demo (tests/fixtures/mcp/
//!   sdk-example.mjs: dynamic registration, exact redirect matching, auto-approval, no refresh
//!   tokens);
//! - the real oidc-provider fixture with dynamic registration and resource indicators, behind an
//!   MCP-shaped resource server (tests/fixtures/mcp/resource-server.mjs) that introspects every
//!   token and checks its audience;
//! - in-test servers for the faults those cannot produce.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::oidc::Oidc;
use crate::util::{self, Env, Proc};

// ---------------------------------------------------------------------------------------------
// Peers

fn node_fixture(script: &str, args: &[&str]) -> Option<(Proc, Value)> {
    util::node_fixture(&["mcp", script], args)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().proxy(None).http_status_as_error(false).build().into()
}

fn post_json(url: &str, token: &str, body: &Value) -> (u16, String) {
    let mut resp = agent()
        .post(url)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .unwrap();
    (resp.status().as_u16(), resp.body_mut().read_to_string().unwrap_or_default())
}

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
        "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}})
}

fn browser_env() -> Env {
    let mut env = Env::new();
    env.scripted_browser();
    env.set("OAUTHCTL_STORE", "file");
    env
}

/// `oauthctl mcp proxy` with pipes: messages in, JSON lines out.
struct ProxyRun(util::JsonLines);

impl ProxyRun {
    fn start(env: &Env, args: &[&str]) -> Self {
        ProxyRun(util::JsonLines::spawn(env.cmd(&[&["mcp", "proxy"], args].concat()), Stdio::piped()))
    }

    fn send(&mut self, msg: &Value) {
        self.0.send(msg)
    }

    /// The answer with `id` (other lines collected on the way).
    fn answer(&mut self, id: i64) -> Value {
        self.0.answer(&json!(id), Duration::from_secs(30))
    }

    fn finish(self) -> (i32, String) {
        self.0.finish()
    }
}

// ---------------------------------------------------------------------------------------------
// The official SDK's example server

#[test]
fn the_sdk_example_server_connects_reuses_its_registration_and_proxies() {
    let Some((_sdk, ready)) = node_fixture("sdk-example.mjs", &[]) else { return };
    let mcp = ready["mcp"].as_str().unwrap().to_string();
    let env = browser_env();
    let out = env.run(&["connect", &mcp, "--name", "demo", "--json", "--timeout", "60"]);
    out.expect_code(0).stderr_has("Registered oauthctl at");
    assert_eq!(out.json()["provider"], "demo");

    // The token is accepted by the MCP endpoint.
    let token = env.run(&["token", "demo"]);
    token.expect_code(0);
    let (status, body) = post_json(&mcp, token.stdout.trim(), &initialize());
    assert_eq!(status, 200, "{body}");

    // A second connect reuses the registration (the demo matches redirect URIs exactly).
    env.run(&["connect", "demo", "--timeout", "60"]).expect_code(0).stderr_has("Using the client registered at");
    let idx = env.index();
    assert_eq!(idx["registrations"].as_array().unwrap().len(), 1, "{idx}");

    let mut proxy = ProxyRun::start(&env, &["demo", "--no-browser"]);
    proxy.send(&initialize());
    let init = proxy.answer(1);
    assert!(init["result"]["protocolVersion"].is_string(), "{init}");
    proxy.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    proxy.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}));
    let tools = proxy.answer(2);
    assert!(tools["result"]["tools"].as_array().unwrap().iter().any(|t| t["name"] == "greet"), "{tools}");
    proxy.send(&json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "greet", "arguments": {"name": "oauthctl"}}}));
    let call = proxy.answer(3);
    assert_eq!(call["result"]["content"][0]["text"], "Hello, oauthctl!", "{call}");
    let (code, stderr) = proxy.finish();
    assert_eq!(code, 0, "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// oidc-provider with registration and resource indicators, behind a resource server

struct Protected {
    oidc: Oidc,
    url: String,
    _rs: Proc,
}

impl Protected {
    fn start() -> Option<Self> {
        let oidc =
            Oidc::start_with(&["--registration", "--resource-indicators", "--resource-scopes", "mcp:tools mcp:admin"])?;
        let (rs, ready) = node_fixture("resource-server.mjs", &["--issuer", &oidc.issuer])?;
        Some(Protected { url: ready["url"].as_str().unwrap().to_string(), oidc, _rs: rs })
    }

    fn admin(&self, path: &str, body: Value) -> Value {
        let base = self.url.rsplit_once('/').unwrap().0;
        let mut resp = agent()
            .post(&format!("{base}/__admin/{path}"))
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .unwrap();
        serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap_or(Value::Null)
    }

    fn stats(&self) -> Value {
        let base = self.url.rsplit_once('/').unwrap().0;
        let mut resp = agent().get(&format!("{base}/__admin/stats")).call().unwrap();
        serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap()
    }
}

#[test]
fn a_real_authorization_server_with_resource_indicators() {
    let Some(p) = Protected::start() else { return };
    let env = browser_env();
    env.run(&["connect", &p.url, "--name", "rs", "--timeout", "60"]).expect_code(0);
    let resources = &p.oidc.stats()["resources"];
    assert_eq!(resources["authorization"][0], p.url.as_str(), "resource in the authorization request: {resources}");
    assert_eq!(resources["authorization_code"][0], p.url.as_str(), "and in the token request: {resources}");
    let rec = env.file_record("rs:default").unwrap();
    assert!(rec["refresh_token"].is_string(), "offline_access was asked for: {rec}");
    assert!(rec["scopes"].as_array().unwrap().iter().any(|s| s == "mcp:tools"), "{rec}");

    // The token works at the resource server (it checks the audience); refresh keeps the resource.
    let mut proxy = ProxyRun::start(&env, &["rs", "--no-browser"]);
    proxy.send(&initialize());
    assert!(proxy.answer(1)["result"].is_object());
    proxy.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    // The proxy opens the server's GET stream after initialize: let that settle first.
    let started = std::time::Instant::now();
    while p.stats()["http_requests"]["GET"].as_u64().unwrap_or(0) == 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "the proxy opened no GET stream");
        std::thread::sleep(Duration::from_millis(50));
    }
    // The next request meets a revoked-looking token once: the proxy refreshes and retries.
    p.admin("config", json!({"fail_next": 1}));
    proxy.send(
        &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "whoami", "arguments": {}}}),
    );
    let who = proxy.answer(2);
    assert!(who["result"].is_object(), "retried after the 401: {who}");
    let (code, stderr) = proxy.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("refused the token (401)"), "{stderr}");
    let refreshes = p.oidc.stats()["resources"]["refresh_token"].clone();
    assert!(
        refreshes.as_array().is_some_and(|r| !r.is_empty() && r.iter().all(|x| x == p.url.as_str())),
        "{refreshes}"
    );

    // Rotation under the lock: many callers on an expired token, one refresh.
    p.oidc.config(json!({"access_token_ttl": 60}));
    env.run(&["refresh", "rs", "--force"]).expect_code(0);
    // Tokens issued from now on live an hour: one refresh satisfies every caller.
    p.oidc.config(json!({"access_token_ttl": 3600}));
    p.oidc.reset();
    let children: Vec<_> = (0..32)
        .map(|_| env.cmd(&["token", "rs"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap())
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    assert_eq!(p.oidc.refreshes(), 1, "32 callers, one refresh");
    assert_eq!(p.oidc.stats()["token_errors"]["refresh_token"], 0);

    env.run(&["logout", "rs"]).expect_code(0).stderr_has("Revoked");
    assert_eq!(p.oidc.stats()["revocations"], 1);
}

#[test]
fn a_403_insufficient_scope_without_a_browser_names_the_connect_command() {
    let Some(p) = Protected::start() else { return };
    let env = browser_env();
    env.run(&["connect", &p.url, "--name", "rs", "--timeout", "60"]).expect_code(0);
    p.admin("config", json!({"require_scope": "mcp:admin"}));
    let mut proxy = ProxyRun::start(&env, &["rs", "--no-browser"]);
    proxy.send(&initialize());
    proxy.answer(1);
    proxy.send(
        &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "whoami", "arguments": {}}}),
    );
    let err = proxy.answer(2);
    assert!(err["error"]["message"].as_str().unwrap().contains("oauthctl connect rs"), "{err}");
    proxy.finish();
    // By hand: connect with the scope, and the call goes through.
    env.run(&["connect", "rs", "--scope", "mcp:admin", "--timeout", "60"]).expect_code(0);
    let mut proxy = ProxyRun::start(&env, &["rs", "--no-browser"]);
    proxy.send(&initialize());
    proxy.answer(1);
    proxy.send(
        &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "whoami", "arguments": {}}}),
    );
    assert!(proxy.answer(2)["result"].is_object());
    proxy.finish();
}

#[test]
fn the_proxy_authorizes_again_in_the_browser_when_more_scope_is_needed() {
    let Some(p) = Protected::start() else { return };
    let env = browser_env();
    env.run(&["connect", &p.url, "--name", "rs", "--timeout", "60"]).expect_code(0);
    p.admin("config", json!({"require_scope": "mcp:admin"}));
    let mut proxy = ProxyRun::start(&env, &["rs"]);
    proxy.send(&initialize());
    proxy.answer(1);
    proxy.send(
        &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "whoami", "arguments": {}}}),
    );
    let who = proxy.answer(2);
    assert!(who["result"].is_object(), "stepped up and retried: {who}");
    let (code, stderr) = proxy.finish();
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("needs more scope"), "{stderr}");
    let rec = env.file_record("rs:default").unwrap();
    assert!(rec["scopes"].as_array().unwrap().iter().any(|s| s == "mcp:admin"), "{rec}");
}

// ---------------------------------------------------------------------------------------------
// Faults: an in-test MCP server and authorization server on one port

type Answer = util::Reply;

/// The in-test server with the handler these tests write: `(base, method, path, body)`.
fn fake(handler: impl Fn(&str, &str, &str, &str) -> Answer + Send + Sync + 'static) -> util::Fake {
    util::Fake::start(move |base, r| handler(base, &r.method, &r.path, &r.body))
}

fn json_answer(v: Value) -> Answer {
    (200, "application/json", String::new(), v.to_string())
}

fn as_metadata(base: &str, methods: Option<&[&str]>) -> Value {
    let mut m = json!({"issuer": base, "authorization_endpoint": format!("{base}/authorize"), "token_endpoint": format!("{base}/token"),
        "registration_endpoint": format!("{base}/register"), "scopes_supported": ["mcp:tools"]});
    if let Some(methods) = methods {
        m["code_challenge_methods_supported"] = json!(methods);
    }
    m
}

/// The authorization URL a connect printed before it timed out (the fakes approve nothing).
fn printed_auth_url(env: &Env, url: &str, extra: &[&str]) -> (util::Output, Option<String>) {
    let mut args = vec!["connect", url, "--name", "fake", "--no-browser", "--timeout", "1"];
    args.extend_from_slice(extra);
    let out = env.run(&args);
    let auth = out.stderr.lines().map(str::trim).find(|l| l.contains("/authorize?")).map(str::to_string);
    (out, auth)
}

#[test]
fn without_protected_resource_metadata_the_origin_is_the_authorization_server() {
    let fake = fake(|base, method, path, _| match (method, path) {
        ("POST", "/mcp") => {
            (401, "application/json", "WWW-Authenticate: Bearer error=\"invalid_token\"\r\n".into(), "{}".into())
        }
        (_, "/.well-known/oauth-protected-resource/mcp") => (401, "application/json", String::new(), "{}".into()),
        (_, "/.well-known/oauth-protected-resource") => {
            (200, "text/html", String::new(), "<html>welcome</html>".into())
        }
        (_, "/.well-known/oauth-authorization-server") => json_answer(as_metadata(base, Some(&["S256"]))),
        ("POST", "/register") => json_answer(json!({"client_id": "fake-client"})),
        _ => (404, "application/json", String::new(), "{}".into()),
    });
    let env = Env::new();
    let url = format!("{}/mcp", fake.base);
    let (out, auth) = printed_auth_url(&env, &url, &["--store", "file"]);
    out.expect_code(5).stderr_has("publishes no protected-resource metadata");
    let auth = auth.expect("an authorization URL");
    assert_eq!(util::query_param(&auth, "resource").as_deref(), Some(url.as_str()));
    assert_eq!(util::query_param(&auth, "client_id").as_deref(), Some("fake-client"));
    let paths = fake.paths();
    let tried: Vec<&String> = paths.iter().filter(|p| p.contains("oauth-protected-resource")).collect();
    assert_eq!(tried.len(), 2, "path-specific, then root: {paths:?}");
    assert!(tried[0].ends_with("/oauth-protected-resource/mcp"), "{paths:?}");
}

#[test]
fn a_resource_with_a_trailing_slash_is_sent_byte_for_byte() {
    let fake = fake(|base, method, path, _| match (method, path) {
        ("POST", "/mcp") => (
            401,
            "application/json",
            format!("WWW-Authenticate: Bearer resource_metadata=\"{base}/prm\", scope=\"mcp:tools\"\r\n"),
            "{}".into(),
        ),
        (_, "/prm") => {
            json_answer(json!({"resource": format!("{base}/mcp/"), "authorization_servers": [format!("{base}/as")]}))
        }
        (_, "/.well-known/oauth-authorization-server/as") => {
            json_answer(as_metadata(&format!("{base}/as"), Some(&["S256"])))
        }
        ("POST", "/as/register") => json_answer(json!({"client_id": "c1"})),
        _ => (404, "application/json", String::new(), "{}".into()),
    });
    let env = Env::new();
    let url = format!("{}/mcp", fake.base);
    let (out, auth) = printed_auth_url(&env, &url, &["--store", "file"]);
    out.expect_code(5);
    let auth = auth.expect("an authorization URL");
    assert_eq!(util::query_param(&auth, "resource").unwrap(), format!("{url}/"), "as the metadata has it");
    assert_eq!(util::query_param(&auth, "scope").as_deref(), Some("mcp:tools"), "the challenge's scope");
}

fn pkce_server(methods: Option<&'static [&'static str]>) -> util::Fake {
    fake(move |base, method, path, _| match (method, path) {
        ("POST", "/mcp") => (
            401,
            "application/json",
            format!("WWW-Authenticate: Bearer resource_metadata=\"{base}/prm\"\r\n"),
            "{}".into(),
        ),
        (_, "/prm") => json_answer(json!({"resource": format!("{base}/mcp"), "authorization_servers": [base]})),
        (_, "/.well-known/oauth-authorization-server") => json_answer(as_metadata(base, methods)),
        ("POST", "/register") => json_answer(json!({"client_id": "c1"})),
        _ => (404, "application/json", String::new(), "{}".into()),
    })
}

#[test]
fn pkce_s256_is_required_and_its_absence_warned_or_refused_with_strict() {
    let env = Env::new();
    let fake = pkce_server(Some(&["plain"]));
    let (out, auth) = printed_auth_url(&env, &format!("{}/mcp", fake.base), &["--store", "file"]);
    out.expect_code(7).stderr_has("does not support PKCE S256");
    assert!(auth.is_none());

    let fake = pkce_server(None);
    let url = format!("{}/mcp", fake.base);
    let (out, auth) = printed_auth_url(&env, &url, &["--store", "file"]);
    out.expect_code(5).stderr_has("does not list code_challenge_methods_supported");
    assert_eq!(util::query_param(&auth.unwrap(), "code_challenge_method").as_deref(), Some("S256"));
    let (out, auth) = printed_auth_url(&env, &url, &["--store", "file", "--strict"]);
    out.expect_code(7).stderr_has("--strict");
    assert!(auth.is_none());
}

#[test]
fn authorization_server_metadata_naming_another_issuer_is_refused() {
    let fake = fake(|base, method, path, _| match (method, path) {
        ("POST", "/mcp") => (
            401,
            "application/json",
            format!("WWW-Authenticate: Bearer resource_metadata=\"{base}/prm\"\r\n"),
            "{}".into(),
        ),
        (_, "/prm") => json_answer(json!({"resource": format!("{base}/mcp"), "authorization_servers": [base]})),
        (_, "/.well-known/oauth-authorization-server") => {
            json_answer(as_metadata("https://evil.example.test", Some(&["S256"])))
        }
        _ => (404, "application/json", String::new(), "{}".into()),
    });
    let env = Env::new();
    let (out, _) = printed_auth_url(&env, &format!("{}/mcp", fake.base), &["--store", "file"]);
    out.expect_code(7).stderr_has("names issuer \"https://evil.example.test\"");
}

#[test]
fn a_forgotten_registration_is_made_again() {
    let forgotten = Arc::new(Mutex::new(false));
    let flag = forgotten.clone();
    let registrations = Arc::new(Mutex::new(0));
    let count = registrations.clone();
    let fake = fake(move |base, method, path, body| match (method, path) {
        ("POST", "/mcp") => (
            401,
            "application/json",
            format!("WWW-Authenticate: Bearer resource_metadata=\"{base}/prm\"\r\n"),
            "{}".into(),
        ),
        (_, "/prm") => json_answer(json!({"resource": format!("{base}/mcp"), "authorization_servers": [base]})),
        (_, "/.well-known/oauth-authorization-server") => json_answer(as_metadata(base, Some(&["S256"]))),
        ("POST", "/register") => {
            let mut n = count.lock().unwrap();
            *n += 1;
            json_answer(json!({"client_id": format!("client-{n}")}))
        }
        // RFC 6749 §5.2: an unknown client is invalid_client; a known one with a bad code, invalid_grant.
        ("POST", "/token") if *flag.lock().unwrap() && body.contains("client_id=client-1") => {
            (401, "application/json", String::new(), json!({"error": "invalid_client"}).to_string())
        }
        ("POST", "/token") => (400, "application/json", String::new(), json!({"error": "invalid_grant"}).to_string()),
        _ => (404, "application/json", String::new(), "{}".into()),
    });
    let env = Env::new();
    let url = format!("{}/mcp", fake.base);
    let (out, auth) = printed_auth_url(&env, &url, &["--store", "file"]);
    out.expect_code(5);
    assert_eq!(util::query_param(&auth.unwrap(), "client_id").as_deref(), Some("client-1"));
    let (out, auth) = printed_auth_url(&env, &url, &["--store", "file"]);
    out.expect_code(5).stderr_has("Using the client registered");
    assert_eq!(util::query_param(&auth.unwrap(), "client_id").as_deref(), Some("client-1"), "kept and reused");
    *forgotten.lock().unwrap() = true;
    let (out, auth) = printed_auth_url(&env, &url, &["--store", "file"]);
    out.expect_code(5).stderr_has("no longer knows client client-1");
    assert_eq!(util::query_param(&auth.unwrap(), "client_id").as_deref(), Some("client-2"));
    assert_eq!(*registrations.lock().unwrap(), 2);
}

#[test]
fn a_client_id_metadata_document_is_the_client_id_where_the_server_accepts_one() {
    let fake = fake(|base, method, path, _| match (method, path) {
        ("POST", "/mcp") => (
            401,
            "application/json",
            format!("WWW-Authenticate: Bearer resource_metadata=\"{base}/prm\"\r\n"),
            "{}".into(),
        ),
        (_, "/prm") => json_answer(json!({"resource": format!("{base}/mcp"), "authorization_servers": [base]})),
        (_, "/.well-known/oauth-authorization-server") => {
            let mut m = as_metadata(base, Some(&["S256"]));
            m["client_id_metadata_document_supported"] = json!(true);
            json_answer(m)
        }
        _ => (404, "application/json", String::new(), "{}".into()),
    });
    let env = Env::new();
    let cimd = "https://oauthctl.example.test/client.json";
    let (out, auth) =
        printed_auth_url(&env, &format!("{}/mcp", fake.base), &["--store", "file", "--client-metadata-url", cimd]);
    out.expect_code(5);
    assert_eq!(util::query_param(&auth.unwrap(), "client_id").as_deref(), Some(cimd));
    assert!(!fake.paths().iter().any(|p| p.contains("/register")), "no registration: {:?}", fake.paths());
}
