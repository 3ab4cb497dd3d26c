//! The command line itself: help, catalog, status, completions, and errors that need no server.

use std::time::Duration;

use crate::util::{self, Env};

#[test]
fn help_lists_the_commands() {
    let out = Env::new().run(&["--help"]);
    out.expect_code(0);
    for cmd in ["connect", "status", "logout", "providers", "completions"] {
        assert!(out.stdout.contains(cmd), "{cmd} missing from help:\n{}", out.stdout);
    }
}

#[test]
fn unknown_flag_is_a_usage_error() {
    Env::new().run(&["status", "--frobnicate"]).expect_code(2);
}

#[test]
fn providers_lists_builtins_and_user_entries() {
    let env = Env::new();
    env.write_providers(
        "[providers.acme]\nauthorization_url = \"https://auth.acme.test/a\"\ntoken_url = \"https://auth.acme.test/t\"\nscopes = [\"mail.send\"]\n",
    );
    let out = env.run(&["providers", "--json"]);
    out.expect_code(0);
    let list = out.json();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "sorted by name");
    for n in ["acme", "github", "gmail", "google-drive", "microsoft", "slack", "zoom"] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    let gmail = list.as_array().unwrap().iter().find(|p| p["name"] == "gmail").unwrap();
    assert_eq!(gmail["token_url"], "https://oauth2.googleapis.com/token");
    assert_eq!(gmail["authorization_params"]["access_type"], "offline");
    assert_eq!(gmail["source"], "builtin");
    assert_eq!(list[0]["source"], "user");

    let one = env.run(&["providers", "gmail"]);
    one.expect_code(0);
    assert!(one.stdout.contains("https://www.googleapis.com/auth/gmail.send"), "{}", one.stdout);
    env.run(&["providers", "nope"]).expect_code(3).stderr_has("unknown provider \"nope\"");
}

#[test]
fn broken_providers_toml_names_file_and_field() {
    let env = Env::new();
    env.write_providers("[providers.gmail]\ntoken_uri = \"https://x.test/t\"\n");
    let out = env.run(&["providers"]);
    out.expect_code(2).stderr_has("providers.toml").stderr_has("token_uri");

    env.write_providers(
        "[providers.acme]\nauthorization_url = \"http://auth.acme.test/a\"\ntoken_url = \"https://auth.acme.test/t\"\n",
    );
    env.run(&["providers"]).expect_code(2).stderr_has("must use https");
}

#[test]
fn status_with_no_accounts() {
    let env = Env::new();
    let out = env.run(&["status", "--json"]);
    out.expect_code(0);
    assert_eq!(out.json(), serde_json::json!([]));
    env.run(&["status"]).expect_code(0).stderr_has("oauthctl connect gmail");
    env.run(&["status", "gmail"]).expect_code(3).stderr_has("oauthctl connect gmail");
    env.run(&["status", "gmail:"]).expect_code(2);
}

#[test]
fn logout_of_an_unknown_target_is_exit_3() {
    Env::new().run(&["logout", "gmail:nobody@x.test"]).expect_code(3);
}

/// The checked-in completions must be what the binary generates. To refresh them:
/// `OAUTHCTL_UPDATE_COMPLETIONS=1 cargo test completions_are_fresh`.
#[test]
fn completions_are_fresh() {
    let files = [
        ("bash", "oauthctl.bash"),
        ("zsh", "_oauthctl"),
        ("fish", "oauthctl.fish"),
        ("powershell", "_oauthctl.ps1"),
        ("elvish", "oauthctl.elv"),
    ];
    let update = std::env::var("OAUTHCTL_UPDATE_COMPLETIONS").is_ok_and(|v| v == "1");
    let env = Env::new();
    for (shell, file) in files {
        let out = env.run(&["completions", shell]);
        out.expect_code(0);
        assert!(out.stdout.contains("oauthctl"), "{shell}");
        let path = util::repo().join("completions").join(file);
        if update {
            std::fs::write(&path, &out.stdout).unwrap();
            continue;
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == out.stdout,
            "completions/{file} is stale: run `OAUTHCTL_UPDATE_COMPLETIONS=1 cargo test completions_are_fresh` and commit it"
        );
    }
}

#[test]
fn connect_without_client_id_names_the_ways_to_give_one() {
    let env = Env::new();
    env.run(&["connect", "gmail", "--store", "file"])
        .expect_code(2)
        .stderr_has("no OAuth client id for gmail")
        .stderr_has("--client-id")
        .stderr_has("OAUTHCTL_CLIENT_ID");
}

#[test]
fn connect_without_secret_and_terminal_does_not_prompt() {
    let mut env = Env::new();
    env.set("OAUTHCTL_CLIENT_ID", "cid");
    env.run(&["connect", "gmail", "--store", "file"])
        .expect_code(2)
        .stderr_has("no client secret")
        .stderr_has("OAUTHCTL_CLIENT_SECRET");
}

#[test]
fn unreachable_keyring_is_exit_8_naming_the_file_store() {
    let mut env = Env::new();
    env.set("OAUTHCTL_CLIENT_ID", "cid").set("OAUTHCTL_CLIENT_SECRET", "cs");
    let out = env.run(&["connect", "gmail", "--no-browser", "--port", "0"]);
    out.expect_code(8).stderr_has("keyring").stderr_has("--store file");
    assert!(!out.stderr.contains("accounts.google.com"), "fails before the browser step:\n{}", out.stderr);
    assert!(env.stored_files().is_empty(), "no silent fallback to a file");
}

#[cfg(unix)]
#[test]
fn hung_dbus_times_out_instead_of_hanging() {
    // A bus socket that accepts connections and never answers.
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("bus");
    let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let mut env = Env::new();
    env.set("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", sock.display()))
        .set("OAUTHCTL_KEYRING_TIMEOUT", "1")
        .set("OAUTHCTL_CLIENT_ID", "cid")
        .set("OAUTHCTL_CLIENT_SECRET", "cs");
    let started = std::time::Instant::now();
    let out = env.run(&["connect", "gmail", "--no-browser", "--port", "0"]);
    out.expect_code(8).stderr_has("did not answer within 1s").stderr_has("--store file");
    assert!(started.elapsed() < Duration::from_secs(20), "the CLI must not hang on D-Bus");
}

#[test]
fn busy_port_is_named_with_the_flag() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    let mut env = Env::new();
    env.set("OAUTHCTL_CLIENT_ID", "cid").set("OAUTHCTL_CLIENT_SECRET", "cs");
    env.run(&["--store", "file", "connect", "gmail", "--no-browser", "--port", &port])
        .expect_code(1)
        .stderr_has(&format!("port {port}"))
        .stderr_has("--port");
}

#[cfg(unix)]
#[test]
fn loose_or_corrupt_credentials_file_is_refused_and_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    crate::push_support::seed_gmail(&env, &["openid"]);
    let path = env.credential_path(crate::push_support::KEY);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    env.run(&["token", "gmail"]).expect_code(8).stderr_has("mode 644").stderr_has("chmod 600");
    assert_eq!(util::mode_of(&path), 0o644, "oauthctl does not fix permissions behind the person's back");

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(&path, "{ this is not json").unwrap();
    env.run(&["token", "gmail"]).expect_code(8).stderr_has("not a valid credentials file");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ this is not json");
}

/// Earlier versions kept every record in one credentials.json: it is moved into per-account
/// files on first use, and a loose one is refused (and left as it is) before anything is read.
#[cfg(unix)]
#[test]
fn an_older_single_file_store_is_moved_or_refused_when_loose() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    crate::push_support::seed_gmail(&env, &["openid"]);
    let record = env.file_record(crate::push_support::KEY).unwrap();
    std::fs::remove_dir_all(env.file_store_dir()).unwrap();
    let legacy = env.config_dir().join("credentials.json");
    let text = serde_json::json!({"version": 1, "records": {crate::push_support::KEY: record}}).to_string();
    std::fs::write(&legacy, &text).unwrap();
    std::fs::set_permissions(&legacy, std::fs::Permissions::from_mode(0o644)).unwrap();
    env.run(&["token", "gmail"]).expect_code(8).stderr_has("mode 644");
    assert_eq!(std::fs::read_to_string(&legacy).unwrap(), text, "left untouched");

    std::fs::set_permissions(&legacy, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = env.run(&["token", "gmail"]);
    out.expect_code(0);
    assert_eq!(out.stdout.trim(), crate::push_support::ACCESS_TOKEN);
    assert!(!legacy.exists(), "moved");
    assert_eq!(env.file_record(crate::push_support::KEY).unwrap(), record);
}

#[test]
fn redirect_uri_conflicts_are_usage_errors() {
    let mut env = Env::new();
    env.set("OAUTHCTL_CLIENT_ID", "cid").set("OAUTHCTL_CLIENT_SECRET", "cs");
    env.run(&["--store", "file", "connect", "gmail", "--redirect-uri", "http://127.0.0.1:9/cb", "--port", "10"])
        .expect_code(2)
        .stderr_has("--port");
    env.run(&["--store", "file", "connect", "gmail", "--redirect-uri", "http://localhost/cb"])
        .expect_code(2)
        .stderr_has("explicit port");
}

/// A test whose peer is missing says so where a plain `cargo test` shows it (past the output
/// capture), and the run ends with a count. Runs one oidc-provider test of this binary with node
/// out of reach.
#[test]
fn skips_are_visible_with_a_count() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "e2e_connect::public_client_with_pkce_alone", "--test-threads", "1"])
        .env("PATH", "/nonexistent")
        .env_remove("OAUTHCTL_TEST_REQUIRE_ALL")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("SKIP: e2e_connect::public_client_with_pkce_alone: node and the npm fixtures"),
        "no SKIP line on stderr:\n{stderr}"
    );
    assert!(stderr.contains("SKIPPED: 1 test did not run"), "no summary:\n{stderr}");
}
