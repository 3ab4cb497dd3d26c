//! connect against the in-test stub: callback hardening, paste, and every token-endpoint fault,
//! each checking the exit code, the message, that the port is freed, and that an earlier
//! credential survives untouched.

use std::time::Duration;

use crate::stub::{self, Mode, Stub};
use crate::util::{self, Env, Running};

const KEY: &str = "acme:me";

fn env_for(stub: &Stub) -> Env {
    let mut env = Env::new();
    stub.configure(&env, "acme");
    env.set("OAUTHCTL_CLIENT_ID", "stub-client").set("OAUTHCTL_CLIENT_SECRET", "stub-secret");
    env
}

fn start(env: &Env, port: u16, extra: &[&str]) -> Running {
    let port = port.to_string();
    let mut args = vec!["--store", "file", "connect", "acme", "--account", "me", "--no-browser", "--port", &port];
    args.extend_from_slice(extra);
    Running::spawn(env.cmd(&args))
}

/// A successful connect through the stub; returns the stored record.
fn connect_ok(env: &Env) -> serde_json::Value {
    let port = util::free_port();
    let mut run = start(env, port, &["--json"]);
    let url = run.auth_url();
    let (status, body) = stub::approve(&url);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("You can close this tab"), "{body}");
    let out = run.finish(Duration::from_secs(20));
    out.expect_code(0);
    let report = out.json();
    assert_eq!(report["provider"], "acme");
    assert_eq!(report["account"], "me");
    assert_eq!(report["store"], "file");
    assert!(util::port_is_free(port), "port {port} freed after exit");
    env.file_record(KEY).expect("stored")
}

#[test]
fn success_stores_a_private_record_and_reports_json_without_secrets() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = env_for(&stub);
    let port = util::free_port();
    let mut run = start(&env, port, &["--json"]);
    let url = run.auth_url();
    assert!(url.contains("code_challenge_method=S256") && url.contains("nonce="), "{url}");
    let (status, _) = stub::approve(&url);
    assert_eq!(status, 200);
    let out = run.finish(Duration::from_secs(20));
    out.expect_code(0);
    let report = out.json();
    assert_eq!(
        report.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["account", "expires_at", "has_refresh_token", "provider", "scopes", "store"]
    );
    assert_eq!(report["has_refresh_token"], true);
    assert!(!out.stdout.contains("stub-at-") && !out.stdout.contains("stub-rt-"), "{}", out.stdout);
    assert!(!out.stderr.contains("stub-at-") && !out.stderr.contains("stub-secret"), "{}", out.stderr);

    let body = stub.last_token_body.lock().unwrap().clone();
    assert!(body.contains("code_verifier=") && body.contains("client_secret=stub-secret"), "{body}");

    let rec = env.file_record(KEY).unwrap();
    assert_eq!(rec["access_token"], "stub-at-1");
    assert_eq!(rec["refresh_token"], "stub-rt-1");
    assert_eq!(rec["client_secret"], "stub-secret");
    assert_eq!(rec["scopes"], serde_json::json!(["openid", "email"]));
    assert!(rec["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(util::mode_of(&env.credential_path(KEY)), 0o600);
    let idx = env.index();
    assert_eq!(idx["accounts"][0]["provider"], "acme");
    assert!(idx.to_string().find("stub-at").is_none(), "the index holds no secrets");

    let status = env.run(&["status", "--json"]);
    status.expect_code(0);
    let s = status.json();
    assert_eq!(s[0]["target"], KEY);
    assert_eq!(s[0]["has_refresh_token"], true);
    assert!(s[0]["expires_in"].as_i64().unwrap() > 3500);
}

#[test]
fn forged_and_odd_requests_are_refused_and_the_real_callback_still_wins() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = env_for(&stub);
    let port = util::free_port();
    let mut run = start(&env, port, &[]);
    let url = run.auth_url();
    let host = format!("127.0.0.1:{port}");
    let state = util::query_param(&url, "state").unwrap();

    let (s, body) = util::raw_get(port, "/callback?code=evil&state=forged", &host);
    assert_eq!(s, 400, "{body}");
    run.wait_line("state does not match", Duration::from_secs(5));
    let (s, _) = util::raw_get(port, "/callback?code=evil", &host);
    assert_eq!(s, 400);
    run.wait_line("no state parameter", Duration::from_secs(5));
    let (s, _) = util::raw_get(port, &format!("/callback?code=evil&state={state}"), "evil.test");
    assert_eq!(s, 400, "a DNS-rebinding Host is refused");
    run.wait_line("host evil.test", Duration::from_secs(5));
    let (s, _) = util::raw_get(port, &format!("/other?code=evil&state={state}"), &host);
    assert_eq!(s, 404);
    let (s, _) = util::raw_request(port, "POST", &format!("/callback?code=evil&state={state}"), &host);
    assert_eq!(s, 405);
    let (s, _) = util::raw_get(port, &format!("/callback?code=evil&state={state}&iss=http%3A%2F%2Fevil.test"), &host);
    assert_eq!(s, 400, "a mix-up (wrong iss) is refused");

    let (s, _) = stub::approve(&url);
    assert_eq!(s, 200);
    run.finish(Duration::from_secs(20)).expect_code(0);
    assert_eq!(stub.token_requests.load(std::sync::atomic::Ordering::SeqCst), 1, "forged codes were never exchanged");
    assert!(stub.last_token_body.lock().unwrap().contains("code=stub-code"));
}

#[test]
fn pasted_redirect_url_completes_the_flow_with_the_state_check() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = env_for(&stub);
    let port = util::free_port();
    let mut run = start(&env, port, &["--paste"]);
    let url = run.auth_url();
    let state = util::query_param(&url, "state").unwrap();
    run.write_stdin(&format!("http://127.0.0.1:{port}/callback?code=stub-code&state=wrong\n"));
    run.wait_line("pasted URL ignored: state does not match", Duration::from_secs(5));
    run.write_stdin(&format!("http://127.0.0.1:{port}/callback?code=stub-code&state={state}\n"));
    run.finish(Duration::from_secs(20)).expect_code(0);
    assert_eq!(env.file_record(KEY).unwrap()["access_token"], "stub-at-1");
}

/// Connects once, then runs a second connect whose token endpoint misbehaves; returns its output
/// after checking the first credential survived byte for byte and the port was freed.
fn fault(mode: Mode, extra_env: &[(&str, &str)]) -> util::Output {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let mut env = env_for(&stub);
    let before = connect_ok(&env);
    let index_before = env.index();
    stub.set(mode);
    for (k, v) in extra_env {
        env.set(k, *v);
    }
    let port = util::free_port();
    let mut run = start(&env, port, &[]);
    let url = run.auth_url();
    let browser = std::thread::spawn(move || stub::approve(&url));
    let out = run.finish(Duration::from_secs(30));
    let (status, page) = browser.join().unwrap();
    if out.code != 0 {
        assert_eq!(status, 500, "the browser is told it failed: {page}");
        assert!(page.contains("Sign-in failed"), "{page}");
        assert_eq!(env.file_record(KEY).unwrap(), before, "the earlier credential is intact");
        assert_eq!(env.index()["accounts"], index_before["accounts"]);
    }
    assert!(util::port_is_free(port));
    out
}

#[test]
fn token_endpoint_500_is_exit_7() {
    fault(Mode::Status500, &[]).expect_code(7).stderr_has("HTTP 500");
}

#[test]
fn token_endpoint_html_is_exit_7_with_a_snippet() {
    fault(Mode::Html, &[]).expect_code(7).stderr_has("text/html, not JSON").stderr_has("502 Bad Gateway");
}

#[test]
fn token_endpoint_broken_json_is_exit_7_without_leaking_the_half_token() {
    let out = fault(Mode::BrokenJson, &[]);
    out.expect_code(7).stderr_has("not JSON");
    assert!(!out.stderr.contains("stub-at-half"), "{}", out.stderr);
}

#[test]
fn token_endpoint_error_with_http_200_is_exit_7() {
    fault(Mode::Error200, &[])
        .expect_code(7)
        .stderr_has("bad_verification_code")
        .stderr_has("The code passed is incorrect or expired.");
}

#[test]
fn hanging_token_endpoint_times_out_with_exit_7() {
    fault(Mode::Hang, &[("OAUTHCTL_HTTP_TIMEOUT", "2")]).expect_code(7).stderr_has("did not answer within 2s");
}

#[test]
fn missing_refresh_token_is_stored_with_a_warning() {
    let stub = Stub::start(Mode::Ok { refresh_token: false });
    let env = env_for(&stub);
    stub.configure(&env, "acme");
    // Ask for offline access the way Google does.
    let toml = std::fs::read_to_string(env.config_dir().join("providers.toml")).unwrap();
    env.write_providers(&format!("{toml}authorization_params = {{ access_type = \"offline\" }}\n"));
    let port = util::free_port();
    let mut run = start(&env, port, &["--json"]);
    let url = run.auth_url();
    stub::approve(&url);
    let out = run.finish(Duration::from_secs(20));
    out.expect_code(0).stderr_has("returned no refresh token").stderr_has("`oauthctl refresh` cannot renew");
    assert_eq!(out.json()["has_refresh_token"], false);
    assert!(env.file_record(KEY).unwrap().get("refresh_token").is_none());
}

#[test]
fn reconnect_replaces_tokens_of_the_same_account() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = env_for(&stub);
    assert_eq!(connect_ok(&env)["access_token"], "stub-at-1");
    let second = connect_ok(&env);
    assert_eq!(second["access_token"], "stub-at-2");
    assert_eq!(second["refresh_token"], "stub-rt-2");
    assert_eq!(env.index()["accounts"].as_array().unwrap().len(), 1);
}

/// A provider that stops at its own error page never redirects: the timeout names the entry's
/// redirect advice, and `providers NAME` lists every hint the entry has.
#[test]
fn a_timeout_shows_the_entrys_redirect_uri_hint() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = env_for(&stub);
    let toml = std::fs::read_to_string(env.config_dir().join("providers.toml")).unwrap();
    env.write_providers(&format!(
        "{toml}hints = {{ redirect_uri = \"register http://127.0.0.1:PORT/callback exactly\", no_pages = \"share pages\" }}\n"
    ));
    let run = start(&env, util::free_port(), &["--timeout", "1"]);
    run.finish(Duration::from_secs(20)).expect_code(5).stderr_has(
        "if acme showed an error page instead of redirecting: register http://127.0.0.1:PORT/callback exactly",
    );
    let shown = env.run(&["providers", "acme"]);
    shown.expect_code(0);
    assert!(shown.stdout.contains("Known problems (hints):\n  no_pages: share pages\n"), "{}", shown.stdout);
}

#[test]
fn timeout_is_exit_5_and_frees_the_port() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = env_for(&stub);
    let port = util::free_port();
    let run = start(&env, port, &["--timeout", "1"]);
    let out = run.finish(Duration::from_secs(20));
    out.expect_code(5).stderr_has("within 1s").stderr_has("--timeout");
    assert!(util::port_is_free(port));
    assert!(env.stored_files().is_empty());
}

#[test]
fn logout_local_only_forgets_and_revocation_is_reported() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = env_for(&stub);
    connect_ok(&env);
    let out = env.run(&["--store", "file", "logout", "acme", "--json"]);
    out.expect_code(0).stderr_has("Revoked acme:me");
    assert_eq!(out.json()["revocation"], "revoked");
    assert!(env.file_record(KEY).is_none());
    assert_eq!(env.index()["accounts"], serde_json::json!([]));

    connect_ok(&env);
    env.run(&["logout", "acme:me", "--local-only"]).expect_code(0).stderr_has("--local-only");
    assert!(env.file_record(KEY).is_none());
}

#[test]
fn verbose_trace_shows_the_exchange_with_secrets_redacted() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = env_for(&stub);
    let port = util::free_port().to_string();
    let mut run = Running::spawn(env.cmd(&[
        "-v",
        "--store",
        "file",
        "connect",
        "acme",
        "--account",
        "me",
        "--no-browser",
        "--port",
        &port,
    ]));
    let url = run.auth_url();
    stub::approve(&url);
    let out = run.finish(Duration::from_secs(20));
    out.expect_code(0)
        .stderr_has(&format!("→ POST http://127.0.0.1:{}/token", stub.port))
        .stderr_has("code=[redacted]")
        .stderr_has("client_secret=[redacted]")
        .stderr_has("code_verifier=[redacted]")
        .stderr_has("\"access_token\":\"[redacted]\"")
        .stderr_has("← 200");
    for secret in ["stub-secret", "stub-at-1", "stub-rt-1", "stub-code"] {
        assert!(!out.stderr.contains(secret), "{secret} leaked into the trace:\n{}", out.stderr);
    }
}

#[test]
fn web_client_file_supplies_client_and_its_registered_redirect() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = Env::new();
    stub.configure(&env, "acme");
    let port = util::free_port();
    let file = env.dir.path().join("client_secret.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"web":{{"client_id":"web-client","client_secret":"web-secret","redirect_uris":["https://example.test/cb","http://127.0.0.1:{port}/oauth2/callback"]}}}}"#
        ),
    )
    .unwrap();
    let f = file.display().to_string();
    let mut run = Running::spawn(env.cmd(&[
        "--store",
        "file",
        "connect",
        "acme",
        "--account",
        "me",
        "--no-browser",
        "--client-secrets-file",
        &f,
    ]));
    let url = run.auth_url();
    assert!(url.contains("client_id=web-client"), "{url}");
    assert!(url.contains(&format!("redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Foauth2%2Fcallback")), "{url}");
    assert_eq!(stub::approve(&url).0, 200);
    run.finish(Duration::from_secs(20)).expect_code(0);
    let body = stub.last_token_body.lock().unwrap().clone();
    assert!(body.contains("client_secret=web-secret"), "{body}");
    assert_eq!(env.file_record(KEY).unwrap()["client_id"], "web-client");
}
