//! Issue 9 ("what an attack on oauthctl and a new user's first hour found"): one test per item,
//! each failing against the behaviour the issue describes. Against the real peers where the fault
//! allows (oidc-provider, gnome-keyring, the scripted browser), the in-test stub otherwise.

use std::io::Write;
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::oidc::{self, Client, Oidc};
use crate::stub::{self, Mode, Stub};
use crate::util::{self, Env, Keyring, Running};

const KEY: &str = "acme:me";
const ALICE: &str = "gmail:alice@example.test";

/// An environment whose `acme` provider is the stub, with a confidential client and the file store.
fn stub_env(stub: &Stub) -> Env {
    let mut env = Env::new();
    stub.configure(&env, "acme");
    env.set("OAUTHCTL_CLIENT_ID", "stub-client").set("OAUTHCTL_CLIENT_SECRET", "stub-secret");
    env.set("OAUTHCTL_STORE", "file");
    env
}

/// `connect acme --account me` on `port`, printing the URL only.
fn spawn_connect(env: &Env, port: u16, extra: &[&str]) -> Running {
    let port = port.to_string();
    let mut args = vec!["connect", "acme", "--account", "me", "--no-browser", "--port", &port];
    args.extend_from_slice(extra);
    Running::spawn(env.cmd(&args))
}

/// Stores `acme:ACCOUNT` by importing a refresh token (one refresh at the stub).
fn import(env: &Env, account: &str) -> util::Output {
    env.run_stdin(&["import", "acme", "--account", account, "--refresh-token-stdin"], "rt0\n")
}

/// A record as an earlier connect would have stored it (file store, with its index entry).
fn seed(env: &Env, provider: &str, account: &str, access_token: &str) {
    let record: oauthctl::store::Record = serde_json::from_value(json!({
        "version": oauthctl::store::record::RECORD_VERSION,
        "provider": provider,
        "account": account,
        "client_id": "stub-client",
        "client_secret": "stub-secret",
        "access_token": access_token,
        "refresh_token": "seeded-refresh-token",
        "token_type": "Bearer",
        "scopes": ["openid", "email"],
        "expires_at": "2030-01-01T00:00:00Z",
        "obtained_at": "2029-12-31T23:00:00Z",
    }))
    .unwrap();
    env.save_record(&record);
}

/// alice connected at the oidc fixture (file store) with an access token that lives 60 s, so
/// that `token` refreshes it; tokens issued afterwards live an hour.
fn short_lived_alice(oidc: &Oidc, extra_env: &[(&str, &str)]) -> Env {
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    env.set("OAUTHCTL_STORE", "file");
    for (k, v) in extra_env {
        env.set(k, *v);
    }
    oidc.config(json!({"access_token_ttl": 60}));
    oidc::connect(&env, &[]);
    oidc.config(json!({"access_token_ttl": 3600}));
    oidc.reset();
    env
}

/// Appends fields to the one `[providers.NAME]` table a test's providers.toml holds.
fn add_fields(env: &Env, lines: &str) {
    let path = env.config_dir().join("providers.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{toml}{lines}\n")).unwrap();
}

fn has_raw_control(text: &str) -> bool {
    text.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

#[cfg(unix)]
fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

// ---------------------------------------------------------------------------------------------
// 1. Overriding a built-in that moves its endpoints; a wait that ended after ignored callbacks.

/// The README's "point gmail at a test server", without an `issuer` line: Google's issuer must
/// not survive the move, or the fixture's own RFC 9207 `iss` gets every callback ignored.
#[test]
fn an_override_moving_gmails_endpoints_does_not_keep_googles_issuer() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    let i = &oidc.issuer;
    env.write_providers(&format!(
        "[providers.gmail]\nauthorization_url = \"{i}/auth\"\ntoken_url = \"{i}/token\"\nscopes = [\"openid\", \"email\"]\n"
    ));
    let shown = env.run(&["providers", "gmail", "--json"]);
    shown.expect_code(0);
    assert!(shown.json().get("issuer").is_none_or(|v| v.is_null()), "issuer inherited: {}", shown.stdout);
    let out = env.run(&["--store", "file", "connect", "gmail", "--port", "0", "--timeout", "20", "--json"]);
    out.expect_code(0);
    assert_eq!(out.json()["account"], "alice@example.test");
    assert!(env.file_record(ALICE).is_some());
}

#[test]
fn a_wait_that_ignored_a_callback_ends_saying_how_many_and_why() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    let port = util::free_port();
    let mut run = spawn_connect(&env, port, &["--timeout", "3"]);
    run.auth_url();
    let (status, _) = util::raw_get(port, "/callback?code=forged&state=forged", &format!("127.0.0.1:{port}"));
    assert_eq!(status, 400);
    let out = run.finish(Duration::from_secs(20));
    out.expect_code(5).stderr_has("1 request was ignored").stderr_has("state does not match");
    assert!(!out.stderr.contains("longer --timeout"), "the wait was not too short:\n{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// M1. The config dir and its files: the user's own, closed to writes by others.

#[cfg(unix)]
#[test]
fn a_group_writable_config_dir_is_refused_naming_it_and_the_fix() {
    let mut env = Env::new();
    env.set("OAUTHCTL_CLIENT_ID", "cid").set("OAUTHCTL_CLIENT_SECRET", "cs");
    // Created by oauthctl: 0700, and so is the file store's directory.
    env.run(&["--store", "file", "connect", "gmail", "--no-browser", "--port", "0", "--timeout", "1"]).expect_code(5);
    assert_eq!(util::mode_of(&env.config_dir()), 0o700);
    assert_eq!(util::mode_of(&env.file_store_dir()), 0o700);

    chmod(&env.config_dir(), 0o770);
    let dir = env.config_dir().display().to_string();
    for args in [&["status"][..], &["providers"], &["paths"], &["token", "gmail"], &["connect", "gmail", "--port", "0"]]
    {
        env.run(args).expect_code(8).stderr_has(&dir).stderr_has("writable by group").stderr_has("chmod 700");
    }
}

#[cfg(unix)]
#[test]
fn a_group_writable_providers_toml_is_refused_by_every_command_that_reads_it() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    seed(&env, "acme", "me", "at-seeded");
    let path = env.config_dir().join("providers.toml");
    chmod(&path, 0o664);
    let file = path.display().to_string();
    for args in [
        &["providers"][..],
        &["providers", "acme"],
        &["connect", "acme", "--no-browser", "--port", "0"],
        &["refresh", "acme", "--force"],
        &["logout", "acme"],
    ] {
        env.run(args).expect_code(8).stderr_has(&file).stderr_has("chmod go-w");
    }
    import(&env, "other").expect_code(8).stderr_has(&file);
    assert_eq!(stub.token_requests.load(Ordering::SeqCst), 0, "nothing was sent where that file points");
    assert!(env.file_record(KEY).is_some(), "the stored credential is untouched");
}

#[cfg(unix)]
#[test]
fn a_group_writable_index_lock_file_or_store_dir_is_refused() {
    // The stub: were a check missing, a refresh would go to it, never off this machine.
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    seed(&env, "acme", "me", "at-seeded");
    let index = env.config_dir().join("accounts.json");
    chmod(&index, 0o664);
    let shown = index.display().to_string();
    for args in [
        &["status"][..],
        &["token", "acme"],
        &["refresh"],
        &["exec", "acme", "--", "true"],
        &["logout", "acme", "--local-only"],
        &["push", "blaxel", "--dry-run", "--workspace", "w"],
    ] {
        env.run(args).expect_code(8).stderr_has(&shown).stderr_has("chmod go-w");
    }
    chmod(&index, 0o600);
    let lock = env.config_dir().join("locks").join(format!("{}.lock", oauthctl::fsutil::file_name_for(KEY)));
    assert!(lock.is_file(), "seeding took the account's lock");
    chmod(&lock, 0o666);
    for args in [&["refresh", "acme", "--force"][..], &["logout", "acme", "--local-only"]] {
        env.run(args).expect_code(8).stderr_has(&lock.display().to_string());
    }
    chmod(&lock, 0o600);
    // The file store's directory, on reads too.
    chmod(&env.file_store_dir(), 0o770);
    for args in [&["token", "acme"][..], &["exec", "acme", "--", "true"]] {
        env.run(args).expect_code(8).stderr_has(&env.file_store_dir().display().to_string()).stderr_has("chmod 700");
    }
    chmod(&env.file_store_dir(), 0o700);
    env.run(&["token", "acme"]).expect_code(0);
    assert_eq!(stub.token_requests.load(Ordering::SeqCst), 0);
}

/// Only root can give a file to another user (chown), and CI runs the tests as root. Run as
/// anyone else, the situation cannot be made here, so the test asserts nothing then (the rule
/// itself, uid compared with the file's owner, is the same code the mode checks above run).
#[cfg(unix)]
#[test]
fn files_owned_by_another_user_are_refused() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return;
    }
    let nobody = Some(65534);
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    seed(&env, "acme", "me", "at-seeded");
    let cases: [(std::path::PathBuf, &[&str]); 4] = [
        (env.config_dir().join("accounts.json"), &["status"]),
        (env.config_dir().join("providers.toml"), &["providers"]),
        (env.credential_path(KEY), &["token", "acme"]),
        (env.config_dir(), &["status"]),
    ];
    for (path, args) in cases {
        std::os::unix::fs::chown(&path, nobody, None).unwrap();
        env.run(args)
            .expect_code(8)
            .stderr_has(&path.display().to_string())
            .stderr_has("owned by another user (uid 65534)");
        std::os::unix::fs::chown(&path, Some(0), None).unwrap();
    }
    env.run(&["token", "acme"]).expect_code(0);
}

// ---------------------------------------------------------------------------------------------
// M2, L14. Lifetimes that make no sense.

fn answer_with_lifetime(n: usize, expires_in: &str) -> Mode {
    Mode::Raw {
        status: 200,
        body: util::leak(format!(
            r#"{{"access_token":"at-{n}","token_type":"Bearer","refresh_token":"rt-{n}","expires_in":{expires_in}}}"#
        )),
    }
}

#[test]
fn absurd_expires_in_values_are_bounded_and_the_file_store_stays_readable() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    let values = ["300000000000", "1e300", "9223372036854775807", "-5", "\"soon\""];
    for (n, value) in values.iter().enumerate() {
        stub.set(answer_with_lifetime(n, value));
        import(&env, &format!("a{n}")).expect_code(0).stderr_has("warning:");
    }
    let status = env.run(&["status", "--json"]);
    status.expect_code(0);
    let ten_years = 10 * 366 * 86_400;
    for item in status.json().as_array().unwrap() {
        let left = item["expires_in"].as_i64().unwrap_or_else(|| panic!("no expiry: {item}"));
        assert!((3000..=ten_years).contains(&left), "{item}");
        assert!(item["expires_at"].as_str().unwrap().ends_with('Z'), "{item}");
    }
    let before = stub.token_requests.load(Ordering::SeqCst);
    for n in 0..values.len() {
        let out = env.run(&["token", &format!("acme:a{n}")]);
        out.expect_code(0);
        assert_eq!(out.stdout, format!("at-{n}\n"));
    }
    assert_eq!(stub.token_requests.load(Ordering::SeqCst), before, "every stored token is valid as stored");

    // A record an older version wrote, with an expiry that is not RFC 3339, reads as expired and
    // is refreshed; the others stay readable.
    stub.set(Mode::Ok { refresh_token: true });
    seed(&env, "acme", "old", "at-old");
    let path = env.credential_path("acme:old");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("2030-01-01T00:00:00Z", "300001799999999")).unwrap();
    let index = env.config_dir().join("accounts.json");
    let lines: Vec<String> = std::fs::read_to_string(&index)
        .unwrap()
        .lines()
        .map(|l| {
            if l.starts_with("{\"target\":\"acme:old\"") {
                l.replace("2030-01-01T00:00:00Z", "300001799999999")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&index, lines.join("\n") + "\n").unwrap();
    env.run(&["status", "--json"]).expect_code(0);
    let out = env.run(&["token", "acme:old"]);
    out.expect_code(0);
    assert!(out.stdout.starts_with("stub-at-"), "refreshed: {}", out.stdout);
    for n in 0..values.len() {
        env.run(&["token", &format!("acme:a{n}")]).expect_code(0);
    }
}

#[test]
fn a_negative_or_non_numeric_expires_in_assumes_an_hour() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    for (n, value) in ["-5", "\"soon\""].iter().enumerate() {
        stub.set(answer_with_lifetime(n, value));
        let account = format!("a{n}");
        import(&env, &account).expect_code(0).stderr_has("an hour is assumed");
        let status = env.run(&["status", &format!("acme:{account}"), "--json"]);
        let left =
            status.json()[0]["expires_in"].as_i64().unwrap_or_else(|| panic!("never refreshed: {}", status.stdout));
        assert!((3500..=3600).contains(&left), "{value}: expires in {left}s");
        let before = stub.token_requests.load(Ordering::SeqCst);
        for _ in 0..3 {
            env.run(&["token", &format!("acme:{account}")]).expect_code(0);
        }
        assert_eq!(stub.token_requests.load(Ordering::SeqCst), before, "{value}: not refreshed on every call");
    }
}

// ---------------------------------------------------------------------------------------------
// M3 / L1. Every write of a record under the account's lock.

#[test]
fn a_logout_while_a_refresh_is_in_flight_is_not_undone_by_it() {
    let Some(oidc) = Oidc::start() else { return };
    let env = short_lived_alice(&oidc, &[]);
    oidc.config(json!({"token_delay_ms": 2500, "token_delay_mode": "after"}));
    let refresh = env.cmd(&["token", "gmail"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // The provider has answered (and rotated the refresh token); the answer is on its way.
    util::wait_until("the refresh request", Duration::from_secs(10), || oidc.refreshes() == 1);
    let logout = env.run(&["logout", "gmail", "--json"]);
    let refreshed = util::Output::from(refresh.wait_with_output().unwrap());
    refreshed.expect_code(0);
    logout.expect_code(0);
    assert_eq!(logout.json()["revocation"], "revoked");
    assert!(env.file_record(ALICE).is_none(), "the refresh brought the account back");
    assert!(env.stored_files().is_empty(), "{:?}", env.stored_files());
    assert_eq!(env.run(&["status", "--json"]).json(), json!([]));
}

#[test]
fn a_connect_while_a_refresh_is_in_flight_keeps_the_newer_connects_record() {
    let Some(oidc) = Oidc::start() else { return };
    let env = short_lived_alice(&oidc, &[]);
    // The refresh's answer waits 6 s at the provider (its delay is fixed when it arrives); the
    // connect that starts meanwhile is not delayed and stores first, were it not for the lock.
    oidc.config(json!({"token_delay_ms": 6000, "token_delay_mode": "after"}));
    let refresh = env.cmd(&["token", "gmail"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    util::wait_until("the refresh request", Duration::from_secs(10), || oidc.refreshes() == 1);
    oidc.config(json!({"token_delay_ms": 0}));
    let report = oidc::connect(&env, &["--scope", "mail.read"]);
    assert!(report["scopes"].as_array().unwrap().iter().any(|s| s == "mail.read"), "{report}");
    let refreshed = util::Output::from(refresh.wait_with_output().unwrap());
    refreshed.expect_code(0);
    let record = env.file_record(ALICE).unwrap();
    assert!(
        record["scopes"].as_array().unwrap().iter().any(|s| s == "mail.read"),
        "the refresh overwrote the newer connect: {record}"
    );
    assert_ne!(format!("{}\n", record["access_token"].as_str().unwrap()), refreshed.stdout);
    env.run(&["refresh", "gmail", "--force"]).expect_code(0);
    assert_eq!(oidc.stats()["token_errors"]["refresh_token"], 0, "the connect's refresh token works");
}

// ---------------------------------------------------------------------------------------------
// L2. The listener under load.

#[test]
fn the_callback_gets_through_600_idle_connections_a_slowloris_and_pipelining() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    let port = util::free_port();
    let mut run = spawn_connect(&env, port, &["--timeout", "30"]);
    let url = run.auth_url();
    let started = Instant::now();
    let idle: Vec<TcpStream> = (0..600).map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap()).collect();

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let slowloris = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            let head = format!("GET /callback?code=slow HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ");
            for b in head.bytes().chain(std::iter::repeat(b'a')) {
                if stop.load(Ordering::SeqCst) || s.write_all(&[b]).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(300));
            }
        })
    };
    // Three requests in one write, whose answers are never read.
    let mut pipelined = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let one = format!("GET /a HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    pipelined.write_all(one.repeat(3).as_bytes()).unwrap();
    // A head one byte over the limit, with no end: refused, not buffered forever.
    let mut big = b"GET /".to_vec();
    big.resize(16 * 1024 + 1, b'a');
    assert_eq!(util::raw_bytes(port, &big).0, 431);

    let (status, body) = stub::approve(&url);
    assert_eq!(status, 200, "{body}");
    run.finish(Duration::from_secs(20)).expect_code(0);
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    assert_eq!(env.file_record(KEY).unwrap()["access_token"], "stub-at-1");
    stop.store(true, Ordering::SeqCst);
    drop(idle);
    drop(pipelined);
    slowloris.join().unwrap();
}

// ---------------------------------------------------------------------------------------------
// L3. Control characters from the network never reach the terminal raw.

#[test]
fn control_characters_from_a_provider_reach_stderr_escaped() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    import(&env, "me").expect_code(0);
    stub.set(Mode::Raw {
        status: 400,
        body: r#"{"error":"invalid_request","error_description":"gone \u001b]0;owned\u0007 \u001b[2J\u001b[31mRED"}"#,
    });
    let out = env.run(&["refresh", "acme", "--force"]);
    out.expect_code(7).stderr_has("gone \\u{1b}]0;owned\\u{7} \\u{1b}[2J\\u{1b}[31mRED");
    assert!(!has_raw_control(&out.stderr), "raw control characters on stderr: {:?}", out.stderr);
}

#[test]
fn control_characters_in_refused_requests_and_redirected_errors_reach_stderr_escaped() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    let port = util::free_port();
    let mut run = spawn_connect(&env, port, &[]);
    let url = run.auth_url();
    let state = util::query_param(&url, "state").unwrap();
    let host = format!("127.0.0.1:{port}");
    let path = format!("GET /\x1b[2Jpath HTTP/1.1\r\nHost: {host}\r\n\r\n");
    assert_eq!(util::raw_bytes(port, path.as_bytes()).0, 404);
    run.wait_line("request for /\\u{1b}[2Jpath refused", Duration::from_secs(5));
    let odd_host = format!("GET /callback?code=x&state={state} HTTP/1.1\r\nHost: evil\x1b]0;t\x07\r\n\r\n");
    assert_eq!(util::raw_bytes(port, odd_host.as_bytes()).0, 400);
    run.wait_line("host evil\\u{1b}]0;t\\u{7} refused", Duration::from_secs(5));
    let (status, _) = util::raw_get(
        port,
        &format!("/callback?error=access_denied&error_description=%1B%5B31mred&state={state}"),
        &host,
    );
    assert_eq!(status, 200);
    let out = run.finish(Duration::from_secs(20));
    out.expect_code(6).stderr_has("access_denied: \\u{1b}[31mred");
    assert!(!has_raw_control(&out.stderr), "raw control characters on stderr: {:?}", out.stderr);
}

#[test]
fn token_refuses_an_access_token_holding_control_characters() {
    let env = Env::new();
    seed(&env, "gmail", "me", "ya29.evil\x1b]0;pwned\x07");
    let out = env.run(&["token", "gmail"]);
    out.expect_code(7).stderr_has("control");
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    let exec = env.run(&["exec", "gmail", "--", "sh", "-c", "printf ran"]);
    exec.expect_code(7);
    assert!(exec.stdout.is_empty());
}

// ---------------------------------------------------------------------------------------------
// L4, L5. Secrets stay where they belong.

#[test]
fn a_client_secret_echoed_by_the_token_endpoint_is_never_shown() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let mut env = stub_env(&stub);
    let secret = "Echo42-s3cr+t/x=";
    env.set("OAUTHCTL_CLIENT_SECRET", secret);
    import(&env, "me").expect_code(0);
    stub.set(Mode::EchoSecret);
    let plain = env.run(&["refresh", "acme", "--force"]);
    plain.expect_code(2).stderr_has("invalid_client").stderr_has("[redacted]");
    let traced = env.run(&["-v", "refresh", "acme", "--force"]);
    traced.expect_code(2).stderr_has("← 401");
    let imported = import(&env, "other");
    imported.expect_code(2);
    for out in [&plain, &traced, &imported] {
        assert!(!out.stderr.contains("Echo42") && !out.stdout.contains("Echo42"), "{}", out.stderr);
    }
    assert!(stub.last_token_body.lock().unwrap().contains("Echo42"), "the secret was sent, and echoed");
}

#[cfg(unix)]
#[test]
fn the_client_secret_is_not_in_the_environment_of_the_browser_or_execs_child() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let mut env = stub_env(&stub);
    env.set("OAUTHCTL_CLIENT_SECRET", "stub-secret-L5marker");
    let dump = env.dir.path().join("browser-env.txt");
    let browser = env.dir.path().join("browser.sh");
    std::fs::write(&browser, format!("#!/bin/sh\nenv > '{}.part' && mv '{0}.part' '{0}'\n", dump.display())).unwrap();
    chmod(&browser, 0o755);
    env.set("BROWSER", browser.display().to_string());
    let port = util::free_port().to_string();
    let mut run = Running::spawn(env.cmd(&["connect", "acme", "--account", "me", "--port", &port]));
    let url = run.auth_url();
    let seen = util::wait_for_file(&dump, Duration::from_secs(10));
    assert!(seen.contains("HOME="), "{seen}");
    assert_eq!(stub::approve(&url).0, 200);
    run.finish(Duration::from_secs(20)).expect_code(0);
    assert!(!seen.contains("OAUTHCTL_CLIENT_SECRET") && !seen.contains("L5marker"), "{seen}");

    let out = env.run(&["exec", "acme", "--", "env"]);
    out.expect_code(0);
    assert!(out.stdout.contains("OAUTHCTL_ACCESS_TOKEN=stub-at-1"), "{}", out.stdout);
    assert!(!out.stdout.contains("OAUTHCTL_CLIENT_SECRET") && !out.stdout.contains("L5marker"), "{}", out.stdout);
}

// ---------------------------------------------------------------------------------------------
// L6. No core dumps.

#[cfg(target_os = "linux")]
#[test]
fn core_dumps_are_off_while_connect_waits() {
    use std::os::unix::process::CommandExt;
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    let port = util::free_port().to_string();
    let mut cmd = env.cmd(&["connect", "acme", "--account", "me", "--no-browser", "--port", &port]);
    // Started with dumps allowed (shells and CI often start with 0), so the 0 is oauthctl's own.
    // SAFETY: only setrlimit between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            libc::getrlimit(libc::RLIMIT_CORE, &mut limit);
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_CORE, &limit);
            Ok(())
        });
    }
    let mut run = Running::spawn(cmd);
    let url = run.auth_url();
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", run.child.id())).unwrap();
    let line = limits.lines().find(|l| l.starts_with("Max core file size")).unwrap();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{line}");
    assert_eq!(stub::approve(&url).0, 200);
    run.finish(Duration::from_secs(20)).expect_code(0);
}

// ---------------------------------------------------------------------------------------------
// L7, L8. A locked keyring.

#[test]
fn a_locked_keyring_fails_connect_before_the_authorization_url() {
    let Some(keyring) = Keyring::start() else { return };
    if !keyring.lock() {
        return;
    }
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let mut env = Env::new();
    stub.configure(&env, "acme");
    env.set("OAUTHCTL_CLIENT_ID", "stub-client").set("OAUTHCTL_CLIENT_SECRET", "stub-secret");
    env.set("OAUTHCTL_KEYRING_TIMEOUT", "3");
    keyring.apply(&mut env);
    let started = Instant::now();
    let out = env.run(&["connect", "acme", "--account", "me", "--no-browser", "--port", "0", "--timeout", "10"]);
    out.expect_code(8).stderr_has("locked").stderr_has("--store file");
    assert!(!out.stderr.contains("state="), "the authorization URL was printed:\n{}", out.stderr);
    assert!(started.elapsed() < Duration::from_secs(9), "failed only after the wait");
    assert!(env.stored_files().is_empty());
}

#[test]
fn a_keyring_write_failing_after_a_refresh_keeps_the_rotated_token_in_a_file() {
    let (Some(oidc), Some(keyring)) = (Oidc::start(), Keyring::start()) else { return };
    if !util::available("dbus-send", util::have_program("dbus-send")) {
        return;
    }
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    keyring.apply(&mut env);
    env.set("OAUTHCTL_KEYRING_TIMEOUT", "2");
    oidc.config(json!({"access_token_ttl": 60}));
    oidc::connect(&env, &[]);
    assert!(keyring.lookup(ALICE).is_some());
    oidc.config(json!({"access_token_ttl": 3600, "token_delay_ms": 2000, "token_delay_mode": "after"}));
    oidc.reset();
    let refresh = env.cmd(&["token", "gmail"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    util::wait_until("the refresh request", Duration::from_secs(10), || oidc.refreshes() == 1);
    // The provider has rotated the refresh token; its answer arrives at a locked keyring.
    assert!(keyring.lock());
    let out = util::Output::from(refresh.wait_with_output().unwrap());
    let file = env.credential_path(ALICE);
    out.expect_code(0).stderr_has("keyring refused").stderr_has(&file.display().to_string());
    let record = env.file_record(ALICE).expect("saved in the file store");
    assert_eq!(out.stdout, format!("{}\n", record["access_token"].as_str().unwrap()));
    assert_eq!(util::mode_of(&file), 0o600);
    assert_eq!(env.run(&["status", "--json"]).json()[0]["store"], "file");
    oidc.config(json!({"token_delay_ms": 0}));
    env.run(&["refresh", "gmail", "--force"]).expect_code(0);
    assert_eq!(oidc.stats()["token_errors"]["refresh_token"], 0, "the rotated refresh token was kept and works");
}

// ---------------------------------------------------------------------------------------------
// L9, L11. The listener's edges.

#[test]
fn a_failed_ipv6_bind_for_a_localhost_redirect_is_warned() {
    let held = (0..50).find_map(|_| {
        let l = std::net::TcpListener::bind("[::1]:0").ok()?;
        util::port_is_free(l.local_addr().unwrap().port()).then_some(l)
    });
    let Some(held) = held else {
        util::available("an IPv6 loopback ([::1])", false);
        return;
    };
    let port = held.local_addr().unwrap().port();
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    let uri = format!("http://localhost:{port}/cb");
    let mut run =
        Running::spawn(env.cmd(&["connect", "acme", "--account", "me", "--no-browser", "--redirect-uri", &uri]));
    let warning = run.wait_line("not listening on [::1]", Duration::from_secs(10));
    assert!(warning.starts_with("warning:"), "{warning}");
    let url = run.auth_url();
    assert_eq!(stub::approve(&url).0, 200);
    run.finish(Duration::from_secs(20)).expect_code(0);
}

#[test]
fn a_non_utf8_pasted_line_does_not_stop_the_paste_reader() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    let port = util::free_port();
    let mut run = spawn_connect(&env, port, &["--paste", "--timeout", "20"]);
    let url = run.auth_url();
    let state = util::query_param(&url, "state").unwrap();
    let stdin = run.child.stdin.as_mut().unwrap();
    stdin.write_all(b"\xff\xfe garbage \xc3\x28 from a terminal\n").unwrap();
    // Longer than a pasted line may be (16 KiB), shorter than a pipe's buffer.
    stdin.write_all(&[b'x'; 20_000]).unwrap();
    stdin.write_all(b"\n").unwrap();
    stdin.flush().unwrap();
    run.wait_line("pasted URL ignored", Duration::from_secs(5));
    run.write_stdin(&format!("http://127.0.0.1:{port}/callback?code=stub-code&state={state}\n"));
    run.finish(Duration::from_secs(20)).expect_code(0);
    assert!(env.file_record(KEY).is_some());
}

// ---------------------------------------------------------------------------------------------
// L12. What the config dir may hold.

#[cfg(unix)]
#[test]
fn a_fifo_or_device_as_providers_toml_is_refused_at_once() {
    let env = Env::new();
    std::fs::create_dir_all(env.config_dir()).unwrap();
    chmod(&env.config_dir(), 0o700);
    let path = env.config_dir().join("providers.toml");
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for args in [&["providers"][..], &["connect", "gmail", "--port", "0"]] {
        let started = Instant::now();
        let out = Running::spawn(env.cmd(args)).finish(Duration::from_secs(10));
        out.expect_code(8).stderr_has("not a regular file").stderr_has(&path.display().to_string());
        assert!(started.elapsed() < Duration::from_secs(5));
    }
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
    Running::spawn(env.cmd(&["providers"]))
        .finish(Duration::from_secs(10))
        .expect_code(8)
        .stderr_has("not a regular file");
}

#[cfg(unix)]
#[test]
fn a_symlinked_lock_file_is_not_followed() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    seed(&env, "acme", "me", "at-seeded");
    let lock = env.config_dir().join("locks").join(format!("{}.lock", oauthctl::fsutil::file_name_for(KEY)));
    std::fs::remove_file(&lock).unwrap();
    let target = env.dir.path().join("elsewhere.txt");
    std::fs::write(&target, "keep").unwrap();
    chmod(&target, 0o644);
    std::os::unix::fs::symlink(&target, &lock).unwrap();
    for args in [&["logout", "acme", "--local-only"][..], &["refresh", "acme", "--force"]] {
        env.run(args).expect_code(8).stderr_has(&lock.display().to_string());
    }
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    assert_eq!(util::mode_of(&target), 0o644);
    assert!(env.file_record(KEY).is_some(), "nothing was logged out");

    let absent = env.dir.path().join("created-through-the-link");
    std::fs::remove_file(&lock).unwrap();
    std::os::unix::fs::symlink(&absent, &lock).unwrap();
    env.run(&["logout", "acme", "--local-only"]).expect_code(8);
    assert!(!absent.exists(), "the lock was created through the symlink");
}

// ---------------------------------------------------------------------------------------------
// L13. Ctrl-C during retries.

#[cfg(unix)]
#[test]
fn ctrl_c_during_refresh_retries_ends_after_the_attempt_in_flight() {
    use std::os::unix::process::ExitStatusExt;
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    import(&env, "me").expect_code(0);
    let before = env.file_record(KEY).unwrap();
    // Each attempt takes 1.5 s; all four with their backoff would take about 7.75 s.
    stub.set(Mode::Slow503 { ms: 1500 });
    let base = stub.token_requests.load(Ordering::SeqCst);
    let mut child = env.cmd(&["refresh", "acme", "--force"]).stderr(Stdio::null()).spawn().unwrap();
    util::wait_until("the first attempt", Duration::from_secs(10), || {
        stub.token_requests.load(Ordering::SeqCst) == base + 1
    });
    let interrupted = Instant::now();
    util::signal(child.id(), "INT");
    let status = child.wait().unwrap();
    let took = interrupted.elapsed();
    assert!(status.signal() == Some(2) || status.code() == Some(130), "{status:?}");
    assert!(took < Duration::from_millis(3500), "ended {took:?} after Ctrl-C");
    assert_eq!(stub.token_requests.load(Ordering::SeqCst), base + 1, "no retry after Ctrl-C");
    assert_eq!(env.file_record(KEY).unwrap(), before, "the record is untouched");
}

// ---------------------------------------------------------------------------------------------
// L15. Temp files a killed write left.

#[cfg(unix)]
#[test]
fn a_stale_temp_file_in_the_file_store_is_removed_by_the_next_write() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    import(&env, "me").expect_code(0);
    let dead = {
        let mut c = Command::new("true").spawn().unwrap();
        let pid = c.id();
        c.wait().unwrap();
        pid
    };
    let name = format!("{}.json", oauthctl::fsutil::file_name_for(KEY));
    let stale = env.file_store_dir().join(format!(".{name}.{dead}.7.tmp"));
    std::fs::write(&stale, "a whole record").unwrap();
    chmod(&stale, 0o600);
    // A writer that is still running (this test) keeps its temp file.
    let live = env.file_store_dir().join(format!(".{name}.{}.8.tmp", std::process::id()));
    std::fs::write(&live, "in progress").unwrap();
    chmod(&live, 0o600);
    env.run(&["refresh", "acme", "--force"]).expect_code(0);
    assert!(!stale.exists(), "the killed writer's temp file is still there");
    assert!(live.exists(), "a live writer's temp file was removed");
}

// ---------------------------------------------------------------------------------------------
// Info items.

fn id_token(payload: serde_json::Value) -> String {
    use base64::Engine;
    let b64 = |v: &serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.sig", b64(&json!({"alg": "RS256"})), b64(&payload))
}

/// Connects through the stub, whose token endpoint answers `id_token` (made from the sign-in's
/// nonce); returns the output.
fn connect_with_id_token(stub: &Stub, env: &Env, make: impl Fn(&str) -> String) -> util::Output {
    let port = util::free_port();
    let mut run = spawn_connect(env, port, &[]);
    let url = run.auth_url();
    let nonce = util::query_param(&url, "nonce").expect("openid sends a nonce");
    let body = json!({"access_token": "at-idt", "token_type": "Bearer", "expires_in": 3600, "id_token": make(&nonce)});
    stub.set(Mode::Raw { status: 200, body: util::leak(body.to_string()) });
    stub::approve(&url);
    run.finish(Duration::from_secs(20))
}

#[test]
fn an_id_token_that_does_not_parse_fails_connect_closed() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    let out = connect_with_id_token(&stub, &env, |_| "not-a-jwt".into());
    out.expect_code(7).stderr_has("id_token was refused").stderr_has("nothing was stored");
    assert!(env.stored_files().is_empty());
    assert_eq!(env.index()["accounts"], json!([]));
}

#[test]
fn an_id_token_with_a_wrong_issuer_or_an_expired_exp_is_refused() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    let base = stub.base();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let claims = |nonce: &str, iss: &str, exp: i64| {
        id_token(json!({"iss": iss, "aud": "stub-client", "nonce": nonce, "exp": exp, "iat": now, "sub": "u1"}))
    };
    let wrong_iss = connect_with_id_token(&stub, &env, |n| claims(n, "http://evil.test", now + 3600));
    wrong_iss.expect_code(7).stderr_has("issuer \"http://evil.test\"");
    let expired = connect_with_id_token(&stub, &env, |n| claims(n, &base, now - 3600));
    expired.expect_code(7).stderr_has("expired (exp)");
    assert!(env.stored_files().is_empty());
    connect_with_id_token(&stub, &env, |n| claims(n, &base, now + 3600)).expect_code(0);
    assert!(env.file_record(KEY).is_some());
}

#[test]
fn duplicate_host_headers_are_refused() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    let port = util::free_port();
    let mut run = spawn_connect(&env, port, &[]);
    let url = run.auth_url();
    let state = util::query_param(&url, "state").unwrap();
    let host = format!("127.0.0.1:{port}");
    let twice = format!("GET /callback?code=forged&state={state} HTTP/1.1\r\nHost: {host}\r\nHost: {host}\r\n\r\n");
    assert_eq!(util::raw_bytes(port, twice.as_bytes()).0, 400);
    run.wait_line("more than one Host header", Duration::from_secs(5));
    assert_eq!(stub::approve(&url).0, 200);
    run.finish(Duration::from_secs(20)).expect_code(0);
    assert!(stub.last_token_body.lock().unwrap().contains("code=stub-code"), "the forged code was not exchanged");
    assert_eq!(stub.token_requests.load(Ordering::SeqCst), 1);
}

#[test]
fn a_dpop_token_is_refused() {
    let stub = Stub::start(Mode::Raw {
        status: 200,
        body: r#"{"access_token":"at-pop","token_type":"DPoP","expires_in":3600,"refresh_token":"rt-pop"}"#,
    });
    let env = stub_env(&stub);
    import(&env, "me").expect_code(7).stderr_has("\"DPoP\"").stderr_has("bearer tokens only");
    assert!(env.stored_files().is_empty());
}

/// Beyond what an `Instant` can be moved by (u64::MAX seconds), an unbounded timeout panicked
/// ("overflow when adding duration to instant"); the issue's value only waited for ever.
#[test]
fn a_huge_http_timeout_is_bounded_not_a_panic() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let mut env = stub_env(&stub);
    for (n, secs) in ["99999999999999", "18446744073709551615"].iter().enumerate() {
        env.set("OAUTHCTL_HTTP_TIMEOUT", *secs);
        let out = import(&env, &format!("a{n}"));
        out.expect_code(0);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
    // HTTP_PROXY is never applied to loopback: tokens::https_proxy_is_used_for_remote_hosts_and_never_for_loopback.
}

// ---------------------------------------------------------------------------------------------
// Found against a foreign server.

#[test]
fn after_a_refused_refresh_token_and_exec_exit_4_until_connected_again() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    env.set("OAUTHCTL_STORE", "file");
    oidc::connect(&env, &[]);
    let stored = env.file_record(ALICE).unwrap()["access_token"].as_str().unwrap().to_string();
    oidc.admin("POST", "revoke-grants", Some(json!({"account": "alice"})));
    env.run(&["refresh", "gmail", "--force"]).expect_code(4).stderr_has("invalid_grant");
    // The stored access token has not expired, but the provider revoked it with the grant.
    let token = env.run(&["token", "gmail"]);
    token.expect_code(4).stderr_has("oauthctl connect gmail").stderr_has("--allow-stale");
    assert!(token.stdout.is_empty());
    env.run(&["exec", "gmail", "--", "sh", "-c", "printf ran"]).expect_code(4).stderr_has("oauthctl connect gmail");
    let status = env.run(&["status"]);
    status.expect_code(0);
    assert!(!status.stdout.contains("refresh: yes"), "{}", status.stdout);
    assert!(status.stdout.contains("re-authorize"), "{}", status.stdout);

    let stale = env.run(&["token", "gmail", "--allow-stale"]);
    stale.expect_code(0);
    assert_eq!(stale.stdout, format!("{stored}\n"));
    let child = env.run(&["exec", "gmail", "--allow-stale", "--", "sh", "-c", "printf %s \"$OAUTHCTL_ACCESS_TOKEN\""]);
    child.expect_code(0);
    assert_eq!(child.stdout, stored);
}

/// oidc-provider revokes a refresh token's whole grant (its revocation endpoint calls
/// revokeByGrantId), but every connect through the scripted browser is a new session and so a
/// new grant: revoking the superseded refresh token ends only the earlier grant. So the entry
/// says `revocation_scope = "token"` (the built-in gmail entry says "grant": at Google revoking
/// any token of the app ends the newest one too, and nothing is revoked there).
#[test]
fn connecting_again_revokes_the_superseded_refresh_token() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    add_fields(&env, "revocation_scope = \"token\"");
    env.set("OAUTHCTL_STORE", "file");
    oidc::connect(&env, &[]);
    let first = env.file_record(ALICE).unwrap()["refresh_token"].as_str().unwrap().to_string();
    oidc.reset();
    oidc::connect(&env, &[]);
    let stats = oidc.stats();
    assert_eq!(stats["revocations"], 1, "{stats}");
    assert_eq!(stats["revocation_errors"], 0, "{stats}");
    assert_ne!(env.file_record(ALICE).unwrap()["refresh_token"], first.as_str());
    env.run(&["refresh", "gmail", "--force"]).expect_code(0);
    assert_eq!(oidc.stats()["token_errors"]["refresh_token"], 0, "the new credential still refreshes");
    let mut other = Env::new();
    oidc.configure(&mut other, Client::Post);
    other.set("OAUTHCTL_STORE", "file");
    other.run_stdin(&["import", "gmail", "--refresh-token-stdin"], &format!("{first}\n")).expect_code(4);

    // Where revoking one token ends the whole grant, nothing is revoked.
    let mut google_like = Env::new();
    oidc.configure(&mut google_like, Client::Post);
    google_like.set("OAUTHCTL_STORE", "file");
    oidc::connect(&google_like, &[]);
    oidc.reset();
    oidc::connect(&google_like, &[]);
    assert_eq!(oidc.stats()["revocations"], 0);
}

/// An error redirected to the callback proves the redirect URI was accepted (RFC 6749
/// §4.1.2.1): the hint must be about the request, not the redirect URI.
#[test]
fn a_redirected_invalid_request_gets_a_hint_about_the_request() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    add_fields(&env, "authorization_params = { prompt = \"bogus\" }");
    let out = env.run(&["--store", "file", "connect", "gmail", "--port", "0", "--timeout", "30"]);
    out.expect_code(6).stderr_has("invalid_request").stderr_has("hint:");
    let hint = out.stderr.lines().find(|l| l.starts_with("hint:")).unwrap();
    assert!(!hint.to_ascii_lowercase().contains("redirect"), "{hint}");
    assert!(hint.contains("parameters"), "{hint}");
}

#[test]
fn a_wrong_client_secret_is_exit_2_naming_where_the_secret_came_from() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    env.set("OAUTHCTL_CLIENT_SECRET", "not-the-secret");
    let out = env.run(&["--store", "file", "connect", "gmail", "--port", "0", "--timeout", "30"]);
    out.expect_code(2).stderr_has("invalid_client").stderr_has("the secret came from OAUTHCTL_CLIENT_SECRET");
    assert!(!out.stderr.contains("not-the-secret"));
    assert!(env.stored_files().is_empty());
}

#[test]
fn a_code_without_iss_is_refused_from_a_provider_that_sends_iss() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    add_fields(&env, "iss_parameter = true");
    let port = util::free_port();
    let mut run = spawn_connect(&env, port, &[]);
    let url = run.auth_url();
    let (path, host, _) = stub::authorize(&url);
    assert!(!path.contains("iss="), "{path}");
    assert_eq!(util::raw_get(port, &path, &host).0, 400);
    run.wait_line("no iss", Duration::from_secs(5));
    let iss: String = url::form_urlencoded::byte_serialize(stub.base().as_bytes()).collect();
    assert_eq!(util::raw_get(port, &format!("{path}&iss={iss}"), &host).0, 200);
    run.finish(Duration::from_secs(20)).expect_code(0);
    assert_eq!(stub.token_requests.load(Ordering::SeqCst), 1);
}

// ---------------------------------------------------------------------------------------------
// A new user's first minutes.

#[test]
fn login_works_like_connect() {
    let stub = Stub::start(Mode::Ok { refresh_token: true });
    let env = stub_env(&stub);
    let port = util::free_port().to_string();
    let mut run = Running::spawn(env.cmd(&["login", "acme", "--account", "me", "--no-browser", "--port", &port]));
    let url = run.auth_url();
    assert_eq!(stub::approve(&url).0, 200);
    run.finish(Duration::from_secs(20)).expect_code(0).stderr_has("Connected acme:me");
    assert!(env.file_record(KEY).is_some());
}

#[test]
fn token_for_an_unknown_provider_suggests_a_close_name() {
    let out = Env::new().run(&["token", "gmial"]);
    out.expect_code(3).stderr_has("did you mean gmail");
    assert!(!out.stderr.contains("oauthctl connect gmial"), "{}", out.stderr);
}

#[test]
fn paths_prints_the_config_dir() {
    let env = Env::new();
    let dir = env.config_dir().display().to_string();
    let out = env.run(&["paths"]);
    out.expect_code(0);
    assert!(out.stdout.lines().any(|l| l.starts_with("config dir:") && l.ends_with(&dir)), "{}", out.stdout);
    assert_eq!(env.run(&["paths", "--json"]).json()["config_dir"], dir.as_str());
}

#[test]
fn push_airbyte_with_nothing_connected_names_connect_with_the_gmail_scopes() {
    let out = Env::new().run(&["push", "airbyte"]);
    out.expect_code(3).stderr_has(
        "oauthctl connect gmail --scope https://www.googleapis.com/auth/gmail.modify --scope https://www.googleapis.com/auth/gmail.compose",
    );
}

#[test]
fn every_subcommands_help_has_examples() {
    use clap::CommandFactory;
    fn paths(cmd: &clap::Command, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut path = prefix.clone();
            path.push(sub.get_name().to_string());
            out.push(path.clone());
            paths(sub, path, out);
        }
    }
    let mut all = Vec::new();
    paths(&oauthctl::cli::Cli::command(), Vec::new(), &mut all);
    assert!(all.len() >= 12, "{all:?}");
    let env = Env::new();
    let missing: Vec<String> = all
        .iter()
        .filter(|path| {
            let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
            args.push("--help");
            let out = env.run(&args);
            out.expect_code(0);
            !out.stdout.contains("Examples:\n")
        })
        .map(|p| p.join(" "))
        .collect();
    assert!(missing.is_empty(), "--help without an Examples section: {missing:?}");
}
