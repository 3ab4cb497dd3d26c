//! The device authorization grant (RFC 8628) end to end against the real oidc-provider fixture
//! (started with --device-flow): approval on "another device" (the scripted browser driving the
//! verification page), slow_down, denial, expiry; and providers that refuse scopes on the device
//! flow are refused before anything is sent.

use std::process::Command;
use std::time::Duration;

use crate::oidc::Oidc;
use crate::util::{self, Env, Running};

/// An entry with only the device endpoint and the public `device-app` client.
fn device_env(oidc: &Oidc) -> Env {
    let mut env = Env::new();
    let i = &oidc.issuer;
    env.write_providers(&format!(
        "[providers.acme]\nauthorization_url = \"{i}/auth\"\ntoken_url = \"{i}/token\"\ndevice_authorization_url = \"{i}/device/auth\"\n\
         issuer = \"{i}\"\nscopes = [\"openid\", \"email\", \"offline_access\"]\ntoken_auth = \"none\"\n"
    ));
    env.set("OAUTHCTL_CLIENT_ID", "device-app").set("OAUTHCTL_STORE", "file");
    env
}

/// The code and URL oauthctl printed.
fn wait_for_code(run: &mut Running) -> (String, String) {
    let line = run.wait_line("enter the code", Duration::from_secs(20));
    let url = line.split_whitespace().find(|w| w.starts_with("http")).unwrap().to_string();
    let code = line.rsplit(' ').next().unwrap().trim().to_string();
    (url, code)
}

/// Plays the person on the other device.
fn approve_on_device(env: &Env, url: &str, code: &str, action: &str) -> std::process::ExitStatus {
    Command::new(util::fixtures().join("browser").join("scripted.py"))
        .arg(url)
        .env("SCRIPTED_USER_CODE", code)
        .env("SCRIPTED_ACTION", action)
        .env("SCRIPTED_OUT", env.dir.path().join("device-page.txt"))
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap()
}

#[test]
fn approval_on_another_device_stores_the_credential() {
    let Some(oidc) = Oidc::start_with(&["--device-flow"]) else { return };
    let env = device_env(&oidc);
    let mut run = Running::spawn(env.cmd(&["connect", "acme", "--device", "--json"]));
    let (url, code) = wait_for_code(&mut run);
    assert_eq!(url, format!("{}/device", oidc.issuer), "verification_uri on stderr");
    assert!(code.len() >= 8, "user code {code:?}");
    assert!(approve_on_device(&env, &url, &code, "approve").success());
    let out = run.finish(Duration::from_secs(30));
    out.expect_code(0);
    assert!(!out.stderr.contains("http://127.0.0.1:") || !out.stderr.contains("/callback"), "no loopback listener");
    let report = out.json();
    assert_eq!(report["account"], "alice@example.test", "named from the id_token");
    assert_eq!(report["has_refresh_token"], true);
    let stats = oidc.stats();
    assert_eq!(stats["device_authorizations"], 1);
    assert!(stats["token_requests"]["urn:ietf:params:oauth:grant-type:device_code"].as_u64().unwrap() >= 1);
    // The credential works like any other: a forced refresh goes through.
    env.run(&["refresh", "acme", "--force"]).expect_code(0);
}

#[test]
fn slow_down_adds_five_seconds_to_the_interval() {
    let Some(oidc) = Oidc::start_with(&["--device-flow"]) else { return };
    oidc.config(serde_json::json!({"device_slow_down": 1}));
    let env = device_env(&oidc);
    let mut run = Running::spawn(env.cmd(&["connect", "acme", "--device", "-v"]));
    let (url, code) = wait_for_code(&mut run);
    run.wait_line("slow_down: polling every 6s", Duration::from_secs(20));
    assert!(approve_on_device(&env, &url, &code, "approve").success());
    run.finish(Duration::from_secs(40)).expect_code(0);
    let gaps: Vec<u64> =
        oidc.stats()["device_poll_gaps_ms"].as_array().unwrap().iter().map(|g| g.as_u64().unwrap()).collect();
    assert_eq!(oidc.stats()["device_slow_downs"], 1);
    assert!(!gaps.is_empty() && gaps[0] >= 5900, "the poll after slow_down waited interval + 5 s: {gaps:?}");
}

#[test]
fn denial_on_the_other_device_is_exit_6() {
    let Some(oidc) = Oidc::start_with(&["--device-flow"]) else { return };
    let env = device_env(&oidc);
    let mut run = Running::spawn(env.cmd(&["connect", "acme", "--device"]));
    let (url, code) = wait_for_code(&mut run);
    assert!(approve_on_device(&env, &url, &code, "deny-device").success());
    let out = run.finish(Duration::from_secs(30));
    out.expect_code(6).stderr_has("access_denied");
    assert!(env.stored_files().is_empty(), "nothing stored");
}

#[test]
fn an_unapproved_code_times_out_with_exit_5() {
    let Some(oidc) = Oidc::start_with(&["--device-flow"]) else { return };
    let env = device_env(&oidc);
    let out = env.run(&["connect", "acme", "--device", "--timeout", "2"]);
    out.expect_code(5).stderr_has("not approved within 2s").stderr_has("--device");
}

/// Google refuses Gmail scopes on its device flow ("TVs and Limited Input devices" clients):
/// oauthctl says so before starting, without a request.
#[test]
fn scopes_the_provider_refuses_on_devices_are_refused_first() {
    let mut env = Env::new();
    env.set("OAUTHCTL_CLIENT_ID", "cid").set("OAUTHCTL_CLIENT_SECRET", "cs").set("OAUTHCTL_STORE", "file");
    env.run(&["connect", "gmail", "--device"])
        .expect_code(2)
        .stderr_has("https://www.googleapis.com/auth/gmail.send")
        .stderr_has("--no-browser");
    env.run(&["connect", "slack", "--device"]).expect_code(2).stderr_has("no device authorization endpoint");
}
