//! token, refresh, exec and import against the real authorization server (rotating refresh
//! tokens), plus retries and proxies against the stub.

use std::process::Stdio;
use std::time::Duration;

use crate::oidc::{self, Client, Oidc};
use crate::stub::{Mode, Stub};
use crate::util::{self, Env, Keyring};

const ALICE: &str = "gmail:alice@example.test";

/// A connected alice whose stored access token lives 60 s, so the default --min-valid (300)
/// refreshes it.
fn short_lived(store: &str, keyring: Option<&Keyring>) -> Option<(Oidc, Env)> {
    let oidc = Oidc::start()?;
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    if let Some(k) = keyring {
        k.apply(&mut env);
    }
    env.set("OAUTHCTL_STORE", store);
    oidc.config(serde_json::json!({"access_token_ttl": 60}));
    oidc::connect(&env, &[]);
    // Tokens issued from now on live an hour: one refresh satisfies every caller.
    oidc.config(serde_json::json!({"access_token_ttl": 3600}));
    oidc.reset();
    Some((oidc, env))
}

fn record(env: &Env, keyring: Option<&Keyring>) -> serde_json::Value {
    match keyring {
        Some(k) => k.lookup(ALICE).expect("record in the keyring"),
        None => env.file_record(ALICE).expect("record in the file"),
    }
}

fn concurrent_callers_cause_one_refresh(store: &str, keyring: Option<&Keyring>) {
    let Some((oidc, env)) = short_lived(store, keyring) else { return };
    let before = record(&env, keyring);
    let children: Vec<_> = (0..32)
        .map(|_| env.cmd(&["token", "gmail"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap())
        .collect();
    let outputs: Vec<util::Output> =
        children.into_iter().map(|c| util::Output::from(c.wait_with_output().unwrap())).collect();
    for o in &outputs {
        o.expect_code(0);
    }
    let tokens: std::collections::BTreeSet<&str> = outputs.iter().map(|o| o.stdout.as_str()).collect();
    assert_eq!(tokens.len(), 1, "every caller printed the same token: {tokens:?}");
    let stats = oidc.stats();
    assert_eq!(stats["token_requests"]["refresh_token"], 1, "{stats}");
    assert_eq!(stats["token_errors"]["refresh_token"], 0, "{stats}");
    let after = record(&env, keyring);
    assert_eq!(format!("{}\n", after["access_token"].as_str().unwrap()), *tokens.first().unwrap());
    assert_ne!(after["refresh_token"], before["refresh_token"], "the rotated refresh token was stored");
    // The stored (rotated) refresh token works.
    env.run(&["refresh", "--force"]).expect_code(0);
    assert_eq!(oidc.stats()["token_errors"]["refresh_token"], 0);
}

#[test]
fn thirty_two_concurrent_token_calls_refresh_once_keyring() {
    let Some(keyring) = Keyring::start() else { return };
    concurrent_callers_cause_one_refresh("keyring", Some(&keyring));
}

#[test]
fn thirty_two_concurrent_token_calls_refresh_once_file() {
    concurrent_callers_cause_one_refresh("file", None);
}

#[test]
fn a_valid_token_costs_no_request() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    oidc::connect(&env, &["--store", "file"]);
    oidc.reset();
    let out = env.run(&["token", "gmail"]);
    out.expect_code(0);
    assert_eq!(out.stdout, format!("{}\n", env.file_record(ALICE).unwrap()["access_token"].as_str().unwrap()));
    assert!(out.stderr.is_empty(), "token prints nothing else: {}", out.stderr);
    let json = env.run(&["token", "gmail", "--json"]);
    json.expect_code(0);
    let v = json.json();
    assert_eq!(
        v.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["access_token", "expires_at", "extras", "scopes", "token_type"]
    );
    assert_eq!(v["token_type"], "Bearer");
    env.run(&["refresh", "gmail"]).expect_code(0).stderr_has("still valid");
    let stats = oidc.stats();
    assert_eq!(stats["token_requests"]["refresh_token"], 0, "{stats}");
    assert_eq!(stats["userinfo_requests"], 0);
}

#[test]
fn revoked_grant_is_exit_4_and_the_record_is_kept() {
    let Some((oidc, env)) = short_lived("file", None) else { return };
    let before = env.file_record(ALICE).unwrap();
    oidc.admin("POST", "revoke-grants", Some(serde_json::json!({"account": "alice"})));
    let out = env.run(&["refresh", "gmail"]);
    out.expect_code(4).stderr_has("invalid_grant").stderr_has("oauthctl connect gmail");
    assert_eq!(env.file_record(ALICE).unwrap(), before, "kept, never deleted");
    env.run(&["token", "gmail"]).expect_code(4);
    let status = env.run(&["status", "--json"]);
    status.expect_code(0);
    let s = &status.json()[0];
    assert_eq!(s["needs_reauth"], true);
    assert!(s["reauth_reason"].as_str().unwrap().contains("invalid_grant"));
    env.run(&["status"]).expect_code(0);
    assert!(env.run(&["status"]).stdout.contains("re-authorize"));
    // Connecting again clears the mark.
    oidc::connect(&env, &[]);
    assert_eq!(env.run(&["status", "--json"]).json()[0]["needs_reauth"], false);
}

#[test]
fn refresh_all_reports_each_account() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    env.set("OAUTHCTL_STORE", "file");
    oidc::connect(&env, &[]);
    env.set("SCRIPTED_LOGIN", "bob");
    oidc::connect(&env, &[]);
    oidc.reset();
    let out = env.run(&["refresh", "--json"]);
    out.expect_code(0);
    let items = out.json();
    assert_eq!(items.as_array().unwrap().len(), 2);
    assert!(items.as_array().unwrap().iter().all(|i| i["result"] == "valid"));
    assert_eq!(oidc.refreshes(), 0);

    let forced = env.run(&["refresh", "--force", "--json"]);
    forced.expect_code(0);
    assert!(forced.json().as_array().unwrap().iter().all(|i| i["result"] == "refreshed"));
    assert_eq!(oidc.refreshes(), 2);

    env.run(&["token", "gmail"]).expect_code(2).stderr_has("gmail has 2 accounts");
    oidc.admin("POST", "revoke-grants", Some(serde_json::json!({"account": "bob"})));
    let mixed = env.run(&["refresh", "--force", "--json"]);
    mixed.expect_code(4);
    let items = mixed.json();
    assert_eq!(items[0]["result"], "refreshed");
    assert_eq!(items[1]["result"], "failed");
    assert_eq!(items[1]["exit_code"], 4);
}

/// SIGTERM while the refresh is in flight: the answer is stored first, then the signal ends it.
#[cfg(unix)]
#[test]
fn sigterm_during_a_refresh_stores_the_new_record_first() {
    use std::os::unix::process::ExitStatusExt;
    let Some((oidc, env)) = short_lived("file", None) else { return };
    let before = env.file_record(ALICE).unwrap();
    oidc.config(serde_json::json!({"token_delay_ms": 2000, "token_delay_mode": "after"}));
    let child = env.cmd(&["token", "gmail"]).stdout(Stdio::piped()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(800));
    util::signal(child.id(), "TERM");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.signal(), Some(15), "ended by the deferred SIGTERM");
    assert!(out.stdout.is_empty(), "nothing printed once interrupted");
    let after = env.file_record(ALICE).expect("a whole record");
    assert_ne!(after["refresh_token"], before["refresh_token"], "the rotated token was saved");
    oidc.config(serde_json::json!({"token_delay_ms": 0}));
    env.run(&["refresh", "--force"]).expect_code(0);
    assert_eq!(oidc.stats()["token_errors"]["refresh_token"], 0);
}

/// SIGKILL cannot be deferred: the old record stays whole, and the lock dies with the process.
#[cfg(unix)]
#[test]
fn sigkill_during_a_refresh_leaves_the_old_record_whole() {
    let Some((oidc, env)) = short_lived("file", None) else { return };
    let before = env.file_record(ALICE).unwrap();
    // "before": the server waits first and drops the request when the client is gone, so the
    // old refresh token is still good afterwards.
    oidc.config(serde_json::json!({"token_delay_ms": 2000, "token_delay_mode": "before"}));
    let mut child = env.cmd(&["token", "gmail"]).stdout(Stdio::null()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(800));
    util::signal(child.id(), "KILL");
    child.wait().unwrap();
    assert_eq!(env.file_record(ALICE).unwrap(), before, "the old record, byte for byte");
    oidc.config(serde_json::json!({"token_delay_ms": 0}));
    let out = env.run(&["token", "gmail"]);
    out.expect_code(0);
    assert_ne!(env.file_record(ALICE).unwrap()["refresh_token"], before["refresh_token"]);
}

#[cfg(unix)]
#[test]
fn exec_passes_environment_stdin_and_exit_code() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    oidc::connect(&env, &["--store", "file"]);
    let token = env.file_record(ALICE).unwrap()["access_token"].as_str().unwrap().to_string();
    let out = env.run_stdin(
        &[
            "exec",
            "gmail",
            "--",
            "sh",
            "-c",
            "printf '%s|' \"$OAUTHCTL_ACCESS_TOKEN\"; cat; tr '\\0' ' ' < /proc/$$/cmdline >&2; exit 7",
        ],
        "from stdin",
    );
    out.expect_code(7);
    assert_eq!(out.stdout, format!("{token}|from stdin"));
    assert!(!out.stderr.contains(&token), "the token is not in the child's argv: {}", out.stderr);

    let named = env.run(&[
        "exec",
        "gmail",
        "--env",
        "GMAIL_TOKEN",
        "--",
        "sh",
        "-c",
        "test -n \"$GMAIL_TOKEN\" && test -z \"$OAUTHCTL_ACCESS_TOKEN\"",
    ]);
    named.expect_code(0);

    let killed = env.cmd(&["exec", "gmail", "--", "sh", "-c", "kill -TERM $$"]).output().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(killed.status.signal(), Some(15), "the child's signal is oauthctl's");

    env.run(&["exec", "gmail", "--", "/nonexistent/cmd"]).expect_code(127).stderr_has("cannot run /nonexistent/cmd");
    env.run(&["exec", "gmail"]).expect_code(2);
}

#[test]
fn import_validates_by_refreshing_once() {
    let Some(oidc) = Oidc::start() else { return };
    let mut source = Env::new();
    oidc.configure(&mut source, Client::Post);
    oidc::connect(&source, &["--store", "file"]);
    let rt = source.file_record(ALICE).unwrap()["refresh_token"].as_str().unwrap().to_string();

    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    env.set("OAUTHCTL_STORE", "file");
    let bad = env.run_stdin(&["import", "gmail", "--refresh-token-stdin"], "not-a-real-token\n");
    bad.expect_code(4).stderr_has("invalid_grant").stderr_has("nothing was stored");
    assert!(env.stored_files().is_empty());

    let good = env.run_stdin(&["import", "gmail", "--refresh-token-stdin", "--json"], &format!("{rt}\n"));
    good.expect_code(0);
    assert_eq!(good.json()["account"], "alice@example.test", "from the id_token the refresh returned");
    let rec = env.file_record(ALICE).unwrap();
    assert_ne!(rec["refresh_token"], rt.as_str(), "the rotated token replaced the spent one");
    assert!(!good.stderr.contains(&rt) && !good.stdout.contains(&rt));
    env.run(&["token", "gmail"]).expect_code(0);

    env.run(&["import", "gmail"]).expect_code(2).stderr_has("--refresh-token-stdin");
}

#[test]
fn refresh_retries_5xx_but_never_4xx() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let mut env = Env::new();
    stub.configure(&env, "acme");
    env.set("OAUTHCTL_CLIENT_ID", "c").set("OAUTHCTL_CLIENT_SECRET", "s").set("OAUTHCTL_STORE", "file");
    env.run_stdin(&["import", "acme", "--account", "me", "--refresh-token-stdin"], "rt0\n").expect_code(0);
    let base = stub.token_requests.load(std::sync::atomic::Ordering::SeqCst);

    stub.fail_first.store(2, std::sync::atomic::Ordering::SeqCst);
    env.run(&["refresh", "acme", "--force"]).expect_code(0);
    assert_eq!(
        stub.token_requests.load(std::sync::atomic::Ordering::SeqCst) - base,
        3,
        "two 503s retried, then the answer"
    );

    stub.set(Mode::InvalidGrant);
    let before = stub.token_requests.load(std::sync::atomic::Ordering::SeqCst);
    env.run(&["refresh", "acme", "--force"]).expect_code(4);
    assert_eq!(stub.token_requests.load(std::sync::atomic::Ordering::SeqCst) - before, 1, "a 4xx is not retried");

    stub.set(Mode::Status500);
    env.run(&["refresh", "acme", "--force"]).expect_code(7);
}

/// HTTPS_PROXY carries requests to providers elsewhere, and never those to loopback (a local
/// test server, a local MCP server). The proxy here answers 502 to anything not on loopback
/// without resolving it, so nothing leaves this machine.
#[test]
fn https_proxy_is_used_for_remote_hosts_and_never_for_loopback() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let proxy = util::ConnectProxy::start();
    let mut env = Env::new();
    stub.configure(&env, "acme");
    env.set("OAUTHCTL_CLIENT_ID", "c").set("OAUTHCTL_CLIENT_SECRET", "s").set("OAUTHCTL_STORE", "file");
    env.set("HTTPS_PROXY", format!("http://127.0.0.1:{}", proxy.port));
    env.set("HTTP_PROXY", format!("http://127.0.0.1:{}", proxy.port));
    env.run_stdin(&["import", "acme", "--account", "me", "--refresh-token-stdin"], "rt0\n").expect_code(0);
    assert!(proxy.seen().is_empty(), "loopback went through the proxy: {:?}", proxy.seen());

    let toml = std::fs::read_to_string(env.config_dir().join("providers.toml")).unwrap();
    env.write_providers(&format!(
        "{toml}\n[providers.remote]\nauthorization_url = \"https://auth.example.test/a\"\ntoken_url = \"https://auth.example.test/t\"\n"
    ));
    env.run_stdin(&["import", "remote", "--account", "me", "--refresh-token-stdin"], "rt0\n")
        .expect_code(7)
        .stderr_has("auth.example.test");
    assert!(
        proxy.seen().iter().any(|l| l == "CONNECT auth.example.test:443"),
        "went through the proxy: {:?}",
        proxy.seen()
    );
}

#[test]
fn dead_network_is_exit_7_and_the_record_is_untouched() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let mut env = Env::new();
    stub.configure(&env, "acme");
    env.set("OAUTHCTL_CLIENT_ID", "c").set("OAUTHCTL_CLIENT_SECRET", "s").set("OAUTHCTL_STORE", "file");
    env.run_stdin(&["import", "acme", "--account", "me", "--refresh-token-stdin"], "rt0\n").expect_code(0);
    let before = env.file_record("acme:me").unwrap();
    // The provider goes away: its token endpoint is now a closed loopback port.
    let dead = util::free_port();
    let toml = std::fs::read_to_string(env.config_dir().join("providers.toml")).unwrap();
    env.write_providers(&toml.replace(&format!("127.0.0.1:{}/token", stub.port), &format!("127.0.0.1:{dead}/token")));
    let out = env.run(&["refresh", "acme", "--force"]);
    out.expect_code(7).stderr_has(&format!("cannot reach 127.0.0.1:{dead}"));
    assert_eq!(env.file_record("acme:me").unwrap(), before);
    assert_eq!(
        env.run(&["status", "--json"]).json()[0]["needs_reauth"],
        false,
        "a network failure is not a lost grant"
    );
}
