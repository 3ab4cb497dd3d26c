//! connect end to end: a real authorization server (oidc-provider), a scripted browser signing
//! in over HTTP (and once a real headless Chromium), credentials in a real Secret Service.

use crate::oidc::{self, Client, Oidc};
use crate::util::{self, Env, Keyring};

const ALICE: &str = "gmail:alice@example.test";

#[test]
fn confidential_client_into_the_real_keyring() {
    let (Some(oidc), Some(keyring)) = (Oidc::start(), Keyring::start()) else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    keyring.apply(&mut env);
    let report = oidc::connect(&env, &[]);
    assert_eq!(report["provider"], "gmail");
    assert_eq!(report["account"], "alice@example.test", "account from the id_token's email");
    assert_eq!(report["store"], "keyring");
    assert_eq!(report["has_refresh_token"], true);
    assert!(report["scopes"].as_array().unwrap().iter().any(|s| s == "mail.send"));

    let page = util::wait_for_file(&env.dir.path().join("browser-page.txt"), std::time::Duration::from_secs(30));
    assert!(page.contains("status: 200") && page.contains("You can close this tab"), "{page}");

    // Checked from outside, with the platform's own tool.
    let rec = keyring.lookup(ALICE).expect("secret-tool finds the entry");
    assert_eq!(rec["client_id"], "conf-post");
    assert_eq!(rec["client_secret"], "conf-post-secret");
    assert!(rec["refresh_token"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(rec["id_token"].as_str().is_some());
    assert!(env.stored_files().is_empty(), "nothing written in plaintext");

    // status reads the index only: it works with the keyring gone.
    let mut offline = Env { dir: tempfile::tempdir().unwrap(), vars: env.vars.clone() };
    std::mem::swap(&mut offline.dir, &mut env.dir);
    offline.set("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent");
    let status = offline.run(&["status", "--json"]);
    status.expect_code(0);
    assert_eq!(status.json()[0]["target"], ALICE);
    assert_eq!(status.json()[0]["store"], "keyring");
}

#[test]
fn basic_auth_client_into_the_file_store() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Basic);
    let report = oidc::connect(&env, &["--store", "file"]);
    assert_eq!(report["store"], "file");
    let rec = env.file_record(ALICE).unwrap();
    assert_eq!(rec["client_id"], "conf-basic");
    assert_eq!(util::mode_of(&env.credential_path(ALICE)), 0o600);
    assert_eq!(oidc.stats()["token_requests"]["authorization_code"], 1);
    assert_eq!(oidc.stats()["token_errors"]["authorization_code"], 0);
}

#[test]
fn public_client_with_pkce_alone() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Public);
    let report = oidc::connect(&env, &["--store", "file", "--account", "work"]);
    assert_eq!(report["account"], "work");
    let rec = env.file_record("gmail:work").unwrap();
    assert!(rec.get("client_secret").is_none());
    assert_eq!(rec["client_id"], "public-app");
}

#[test]
fn localhost_redirect_uri_listens_on_both_loopbacks() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    let port = util::free_port();
    let uri = format!("http://localhost:{port}/cb");
    let out = env.run(&["--store", "file", "connect", "gmail", "--redirect-uri", &uri, "--json", "--timeout", "60"]);
    out.expect_code(0);
    assert!(out.stderr.contains(&format!("redirect_uri=http%3A%2F%2Flocalhost%3A{port}%2Fcb")), "{}", out.stderr);
    assert!(env.file_record(ALICE).is_some());
}

#[test]
fn denied_consent_is_exit_6_and_keeps_the_earlier_credential() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    oidc::connect(&env, &["--store", "file"]);
    let before = env.file_record(ALICE).unwrap();
    env.set("SCRIPTED_ACTION", "deny");
    // The first run's browser writes its page after oauthctl exits: wait for it, then clear it.
    let page_file = env.dir.path().join("browser-page.txt");
    util::wait_for_file(&page_file, std::time::Duration::from_secs(30));
    std::fs::remove_file(&page_file).unwrap();
    let out = env.run(&["--store", "file", "connect", "gmail", "--port", "0"]);
    out.expect_code(6).stderr_has("access_denied").stderr_has("approve");
    assert_eq!(env.file_record(ALICE).unwrap(), before);
    let page = util::wait_for_file(&env.dir.path().join("browser-page.txt"), std::time::Duration::from_secs(30));
    assert!(page.contains("Nothing was stored"), "{page}");
}

#[test]
fn logout_revokes_at_the_provider() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    oidc::connect(&env, &["--store", "file"]);
    let rt = env.file_record(ALICE).unwrap()["refresh_token"].as_str().unwrap().to_string();
    let out = env.run(&["logout", "gmail", "--json"]);
    out.expect_code(0).stderr_has("Revoked");
    assert_eq!(out.json()["revocation"], "revoked");
    assert_eq!(oidc.stats()["revocations"], 1);
    assert!(env.file_record(ALICE).is_none());
    // The revoked refresh token no longer works: importing it is refused.
    env.run_stdin(&["--store", "file", "import", "gmail", "--refresh-token-stdin"], &format!("{rt}\n")).expect_code(4);
}

#[test]
fn headless_chromium_shows_the_success_page() {
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let have =
        std::path::Path::new(&chromium).exists() && util::fixtures().join("node_modules/playwright-core").is_dir();
    if !util::available("Chromium and playwright-core", have) {
        return;
    }
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    env.set("BROWSER", util::fixtures().join("browser").join("chromium.sh").display().to_string());
    env.set("CHROMIUM_PATH", chromium);
    let shot = util::repo().join("target").join("connect-success.png");
    env.set("SCRIPTED_SCREENSHOT", shot.display().to_string());
    let report = oidc::connect(&env, &["--store", "file"]);
    assert_eq!(report["account"], "alice@example.test");
    // The browser finishes drawing after oauthctl exits; wait for its report.
    let page = util::wait_for_file(&env.dir.path().join("browser-page.txt"), std::time::Duration::from_secs(30));
    assert!(page.contains("Connected"), "{page}");
    assert!(page.contains("oauthctl is connected to Gmail as alice@example.test"), "{page}");
    assert!(page.contains("You can close this tab"), "{page}");
}

#[test]
fn forged_callback_then_the_real_one_succeeds() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    let port = util::free_port();
    let p = port.to_string();
    let mut run = util::Running::spawn(env.cmd(&["--store", "file", "connect", "gmail", "--no-browser", "--port", &p]));
    let url = run.auth_url();
    let (status, _) = util::raw_get(port, "/callback?code=forged&state=forged", &format!("127.0.0.1:{port}"));
    assert_eq!(status, 400);
    run.wait_line("state does not match", std::time::Duration::from_secs(5));
    let browser =
        std::process::Command::new(util::fixtures().join("browser").join("scripted.py")).arg(&url).status().unwrap();
    assert!(browser.success());
    run.finish(std::time::Duration::from_secs(30)).expect_code(0);
    assert!(env.file_record(ALICE).is_some());
    assert_eq!(oidc.stats()["token_errors"]["authorization_code"], 0, "the forged code was never sent");
}

#[test]
fn no_refresh_token_from_a_real_server_is_stored_with_the_warning() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    oidc.configure(&mut env, Client::Post);
    oidc.config(serde_json::json!({"issue_refresh_token": false}));
    let out = env.run(&["--store", "file", "connect", "gmail", "--port", "0", "--json"]);
    out.expect_code(0)
        .stderr_has("returned no refresh token")
        .stderr_has("Google sends one only with access_type=offline and prompt=consent");
    assert_eq!(out.json()["has_refresh_token"], false);
    let rec = env.file_record(ALICE).unwrap();
    assert!(rec.get("refresh_token").is_none());
    env.run(&["refresh", "gmail", "--force"]).expect_code(4).stderr_has("oauthctl connect gmail");
}

/// Providers that accept only https redirect URIs (Slack): the loopback listener serves TLS with a
/// certificate made for this sign-in. Real headless Chromium, told to accept that certificate as a
/// person clicks through the warning once, completes the flow; the client is registered (RFC 7591)
/// with the exact https loopback redirect URI, as such providers require.
#[test]
fn an_https_loopback_listener_completes_the_flow_in_chromium() {
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let have =
        std::path::Path::new(&chromium).exists() && util::fixtures().join("node_modules/playwright-core").is_dir();
    if !util::available("Chromium and playwright-core", have) {
        return;
    }
    let Some(oidc) = Oidc::start_with(&["--registration"]) else { return };
    let port = util::free_port();
    let redirect = format!("https://127.0.0.1:{port}/callback");
    let agent: ureq::Agent = ureq::Agent::config_builder().proxy(None).http_status_as_error(false).build().into();
    let registered: serde_json::Value = serde_json::from_str(
        &agent
            .post(&format!("{}/reg", oidc.issuer))
            .header("Content-Type", "application/json")
            .send(
                serde_json::json!({"redirect_uris": [redirect], "application_type": "web",
                    "token_endpoint_auth_method": "none", "grant_types": ["authorization_code", "refresh_token"]})
                .to_string(),
            )
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap(),
    )
    .unwrap();
    let client_id = registered["client_id"].as_str().unwrap_or_else(|| panic!("registration: {registered}"));
    let mut env = Env::new();
    let i = &oidc.issuer;
    env.write_providers(&format!(
        "[providers.acme]\nauthorization_url = \"{i}/auth\"\ntoken_url = \"{i}/token\"\nissuer = \"{i}\"\n\
         scopes = [\"openid\", \"email\"]\ntoken_auth = \"none\"\nredirect_scheme = \"https\"\n"
    ));
    env.set("OAUTHCTL_CLIENT_ID", client_id).set("OAUTHCTL_STORE", "file");
    env.set("BROWSER", util::fixtures().join("browser").join("chromium.sh").display().to_string());
    env.set("CHROMIUM_PATH", chromium).set("SCRIPTED_ACCEPT_CERT", "1");
    env.set("SCRIPTED_OUT", env.dir.path().join("browser-page.txt").display().to_string());
    let out = env.run(&["connect", "acme", "--json", "--port", &port.to_string(), "--timeout", "60"]);
    out.expect_code(0)
        .stderr_has(&format!("Waiting for the callback on {redirect}"))
        .stderr_has("the browser warns once");
    assert_eq!(out.json()["account"], "alice@example.test");
    let page = util::wait_for_file(&env.dir.path().join("browser-page.txt"), std::time::Duration::from_secs(30));
    assert!(page.contains("oauthctl is connected to acme as alice@example.test"), "{page}");
}
