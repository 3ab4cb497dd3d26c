//! `oauthctl push blaxel`: against Prism serving Blaxel's published API description (every request
//! validated), and against a small in-test Blaxel for conflicts, deployments and faults.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::push_support::*;
use crate::util::Env;

const WS: &str = "acme";
const API_KEY: &str = "bl-APIKEYmarker55";

/// A seeded gmail account with Blaxel's scopes and Blaxel settings pointing at `base`.
fn env_for(base: &str) -> Env {
    let mut env = Env::new();
    seed_gmail(&env, &GMAIL_BLAXEL_SCOPES);
    env.set("BL_API_URL", base).set("BL_WORKSPACE", WS).set("BL_API_KEY", API_KEY);
    env
}

fn ok(body: Value) -> (u16, String) {
    (200, body.to_string())
}

fn function(status: &str, connections: &[&str]) -> Value {
    json!({
        "metadata": {"name": DEFAULT_NAME, "url": "https://run.blaxel.test/acme/functions/gmail-alice-example-test"},
        "spec": {"integrationConnections": connections},
        "status": status,
    })
}

/// Blaxel as its API description and OAuth-flow guide describe it (tests/fixtures/specs/blaxel), remembering what was created: a POST answers 200 the
/// first time and 409 after; PUT answers 200 for what exists. The function deploys on its
/// `deploy_after`-th GET. While `fail_function_posts` is set, creating the function answers 500.
struct FakeBlaxel {
    platform: Platform,
    fail_function_posts: Arc<AtomicBool>,
}

fn fake_blaxel(deploy_after: usize) -> FakeBlaxel {
    let fail = Arc::new(AtomicBool::new(false));
    let functions = Arc::new(AtomicUsize::new(0));
    let failing = fail.clone();
    let platform = Platform::start(move |req, all| {
        let conn_path = format!("/integrations/connections/{DEFAULT_NAME}");
        let fn_path = format!("/functions/{DEFAULT_NAME}");
        let conn_exists = earlier(all, "POST", "/integrations/connections") > 0;
        let fn_exists = functions.load(Ordering::SeqCst) > 0;
        match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/integrations/connections") if conn_exists => {
                (409, json!({"code": 409, "error": "Conflict", "message": "already exists"}).to_string())
            }
            ("POST", "/integrations/connections") => ok(req.json()),
            ("PUT", p) if p == conn_path && conn_exists => ok(req.json()),
            ("POST", "/functions") if failing.load(Ordering::SeqCst) => {
                (500, json!({"error": {"code": 500, "message": "deployer unavailable"}}).to_string())
            }
            ("POST", "/functions") if fn_exists => (409, json!({"code": 409, "error": "Conflict"}).to_string()),
            ("POST", "/functions") => {
                functions.fetch_add(1, Ordering::SeqCst);
                ok(function("DEPLOYING", &[DEFAULT_NAME]))
            }
            ("GET", p) if p == fn_path && fn_exists => {
                let polls = earlier(all, "GET", &fn_path) + 1;
                ok(function(if polls >= deploy_after { "DEPLOYED" } else { "DEPLOYING" }, &[DEFAULT_NAME]))
            }
            _ => (404, json!({"code": 404, "error": "Not Found"}).to_string()),
        }
    });
    FakeBlaxel { platform, fail_function_posts: fail }
}

// ---------------------------------------------------------------------------------------------
// Against Prism (Blaxel's published API description)

#[test]
fn prism_accepts_the_connection_and_the_mcp_server() {
    let Some(prism) = Prism::start("blaxel/openapi.yaml") else { return };
    let env = env_for(&prism.base);
    let before = local_state(&env);
    let out = env.run(&["push", "blaxel", "--json", "-v"]);
    out.expect_code(0);
    prism.assert_valid(&["post /integrations/connections ", "post /functions "]);
    let report = out.json();
    assert_eq!(report["platform"], "blaxel");
    assert_eq!(report["credential"], KEY);
    assert_eq!(report["workspace"], WS);
    assert_eq!(report["connection"], json!({"name": DEFAULT_NAME, "integration": "gmail", "result": "created"}));
    assert_eq!(report["function"]["name"], DEFAULT_NAME);
    assert_eq!(report["function"]["result"], "created");
    out.stderr_has("Blaxel credentials: BL_API_KEY").stderr_has("Blaxel workspace acme (from BL_WORKSPACE)");
    out.stderr_has("\"REFRESH_TOKEN\":\"[redacted]\"");
    assert_no_secrets(&out, &["APIKEYmarker55"]);
    assert_eq!(local_state(&env), before, "a push changes nothing local");
}

#[test]
fn prism_accepts_a_connection_only_push_with_the_blaxel_cli_login() {
    let Some(prism) = Prism::start("blaxel/openapi.yaml") else { return };
    let mut env = Env::new();
    seed_gmail(&env, &GMAIL_BLAXEL_SCOPES);
    write_blaxel_config(
        &env,
        "context:\n  workspace: acme\nworkspaces:\n  - name: acme\n    credentials:\n      apiKey: bl-FILEKEYmarker66\n",
    );
    env.set("BL_API_URL", &prism.base);
    let out = env.run(&["push", "blaxel", "gmail", "--no-function", "-v"]);
    out.expect_code(0).stderr_has("Integration connection gmail-alice-example-test created in Blaxel workspace acme");
    out.stderr_has("credentials.apiKey of workspace acme in");
    prism.assert_valid(&["post /integrations/connections "]);
    assert!(
        !prism.log_text().to_lowercase().contains("[http server] post /functions"),
        "--no-function creates no MCP server"
    );
    assert_no_secrets(&out, &["FILEKEYmarker66"]);
}

// ---------------------------------------------------------------------------------------------
// Against the in-test Blaxel

#[test]
fn pushes_the_stored_secrets_byte_for_byte_and_none_to_the_function() {
    let blaxel = fake_blaxel(1).platform;
    let env = env_for(&blaxel.base());
    let out = env.run(&["push", "blaxel", KEY]);
    out.expect_code(0).stderr_has("MCP server gmail-alice-example-test created");
    assert_eq!(blaxel.summary(), ["POST /integrations/connections", "POST /functions"]);

    let conn = blaxel.only("POST", "/integrations/connections");
    assert_eq!(conn.header("Authorization"), Some(format!("Bearer {API_KEY}").as_str()));
    assert_eq!(conn.header("X-Blaxel-Workspace"), Some(WS));
    let body = conn.json();
    assert_eq!(body["spec"]["secret"]["CLIENT_ID"].as_str(), Some(CLIENT_ID));
    assert_eq!(body["spec"]["secret"]["CLIENT_SECRET"].as_str(), Some(CLIENT_SECRET));
    assert_eq!(body["spec"]["secret"]["REFRESH_TOKEN"].as_str(), Some(REFRESH_TOKEN));
    assert_eq!(body["spec"]["integration"], "gmail");
    assert_eq!(body["metadata"], json!({"name": DEFAULT_NAME, "displayName": "Gmail alice@example.test"}));

    let func = blaxel.only("POST", "/functions");
    assert_eq!(func.header("X-Blaxel-Workspace"), Some(WS));
    assert_eq!(
        func.json()["spec"],
        json!({"type": "mcp", "integrationConnections": [DEFAULT_NAME], "runtime": {"type": "mcp"}})
    );
    for m in MARKERS {
        assert!(!func.body.contains(m), "the function carries no secret: {}", func.body);
    }
    assert_no_secrets(&out, &["APIKEYmarker55"]);
}

#[test]
fn existing_connection_is_put_with_current_secrets_and_a_rebound_function_is_put() {
    let blaxel = Platform::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", _) => (409, json!({"code": 409, "error": "Conflict", "message": "exists"}).to_string()),
        ("PUT", _) => ok(req.json()),
        ("GET", _) => ok(function("DEPLOYED", &["old-connection"])),
        _ => (404, "{}".into()),
    });
    let env = env_for(&blaxel.base());
    let out = env.run(&["push", "blaxel", "--json", "--connection-name", "my-gmail", "--function-name", "my-mcp"]);
    out.expect_code(0);
    assert_eq!(
        blaxel.summary(),
        [
            "POST /integrations/connections",
            "PUT /integrations/connections/my-gmail",
            "POST /functions",
            "GET /functions/my-mcp",
            "PUT /functions/my-mcp",
        ]
    );
    let post = blaxel.only("POST", "/integrations/connections").json();
    let put = blaxel.only("PUT", "/integrations/connections/my-gmail").json();
    assert_eq!(put, post, "the PUT carries the full body, secrets included");
    assert_eq!(put["spec"]["secret"]["REFRESH_TOKEN"].as_str(), Some(REFRESH_TOKEN));
    assert_eq!(blaxel.only("PUT", "/functions/my-mcp").json()["spec"]["integrationConnections"], json!(["my-gmail"]));
    let report = out.json();
    assert_eq!(report["connection"]["result"], "updated");
    assert_eq!(report["function"]["result"], "updated");
    assert_eq!(report["function"]["reason"], "was bound to old-connection");
}

#[test]
fn an_existing_function_bound_to_the_connection_is_left_alone() {
    let blaxel = Platform::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", _) => (409, json!({"error": {"code": "ALREADY_EXISTS", "message": "exists"}}).to_string()),
        ("PUT", _) => ok(req.json()),
        ("GET", _) => ok(function("DEPLOYED", &[DEFAULT_NAME])),
        _ => (404, "{}".into()),
    });
    let env = env_for(&blaxel.base());
    let out = env.run(&["push", "blaxel", "--json"]);
    out.expect_code(0);
    assert_eq!(blaxel.count("PUT", &format!("/functions/{DEFAULT_NAME}")), 0, "{:?}", blaxel.summary());
    let report = out.json();
    assert_eq!(report["function"]["result"], "unchanged");
    assert_eq!(report["function"]["status"], "DEPLOYED");
    assert_eq!(report["function"]["url"], "https://run.blaxel.test/acme/functions/gmail-alice-example-test");
}

#[test]
fn a_failed_function_is_redeployed_on_the_next_push() {
    let blaxel = Platform::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", _) => (409, json!({"code": 409, "error": "Conflict"}).to_string()),
        ("PUT", _) => ok(req.json()),
        ("GET", _) => ok(function("FAILED", &[DEFAULT_NAME])),
        _ => (404, "{}".into()),
    });
    let env = env_for(&blaxel.base());
    let out = env.run(&["push", "blaxel", "--json"]);
    out.expect_code(0);
    assert_eq!(blaxel.count("PUT", &format!("/functions/{DEFAULT_NAME}")), 1);
    assert!(out.json()["function"]["reason"].as_str().unwrap().contains("FAILED"));
}

#[test]
fn wait_polls_until_deployed() {
    let blaxel = fake_blaxel(3).platform;
    let env = env_for(&blaxel.base());
    let out = env.run(&["push", "blaxel", "--wait", "--json"]);
    out.expect_code(0);
    assert_eq!(blaxel.count("GET", &format!("/functions/{DEFAULT_NAME}")), 3, "two polls DEPLOYING, then DEPLOYED");
    assert_eq!(out.json()["function"]["status"], "DEPLOYED");
    out.stderr_has("gmail-alice-example-test: DEPLOYING").stderr_has("gmail-alice-example-test: DEPLOYED");
    out.stderr_has("url:    https://run.blaxel.test/acme/functions/gmail-alice-example-test");
}

#[test]
fn a_failed_deployment_is_exit_7_with_the_reason_and_a_report() {
    let blaxel = Platform::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/integrations/connections") => ok(req.json()),
        ("POST", "/functions") => ok(function("DEPLOYING", &[DEFAULT_NAME])),
        ("GET", _) => {
            let mut f = function("FAILED", &[DEFAULT_NAME]);
            f["events"] = json!([{"status": "FAILED", "message": "image pull failed", "type": "deployment"}]);
            ok(f)
        }
        _ => (404, "{}".into()),
    });
    let env = env_for(&blaxel.base());
    let out = env.run(&["push", "blaxel", "--wait", "--json"]);
    out.expect_code(7).stderr_has("failed to deploy: image pull failed").stderr_has("redeploys");
    let report = out.json();
    assert_eq!(report["function"]["status"], "FAILED");
    assert_eq!(report["connection"]["result"], "created");
}

#[test]
fn wait_gives_up_after_the_timeout() {
    let blaxel = fake_blaxel(usize::MAX).platform;
    let env = env_for(&blaxel.base());
    let out = env.run(&["push", "blaxel", "--wait", "--timeout", "1"]);
    out.expect_code(7).stderr_has("still DEPLOYING after 1s").stderr_has("--wait again");
}

#[test]
fn running_again_after_a_partial_failure_finishes_the_job() {
    let fake = fake_blaxel(1);
    fake.fail_function_posts.store(true, Ordering::SeqCst);
    let blaxel = &fake.platform;
    let env = env_for(&blaxel.base());
    let out = env.run(&["push", "blaxel"]);
    out.expect_code(7)
        .stderr_has("deployer unavailable")
        .stderr_has("the connection gmail-alice-example-test was created")
        .stderr_has("again");
    assert_eq!(blaxel.count("POST", "/functions"), 4, "5xx answers are retried 3 times");

    fake.fail_function_posts.store(false, Ordering::SeqCst);
    let second = env.run(&["push", "blaxel", "--json"]);
    second.expect_code(0);
    assert_eq!(second.json()["connection"]["result"], "updated");
    assert_eq!(second.json()["function"]["result"], "created");
    let third = env.run(&["push", "blaxel", "--json"]);
    third.expect_code(0);
    assert_eq!(third.json()["function"]["result"], "unchanged");
    assert_eq!(blaxel.count("PUT", &format!("/integrations/connections/{DEFAULT_NAME}")), 2);
}

#[test]
fn unauthorized_names_where_the_credentials_came_from() {
    let blaxel = Platform::start(|_, _| (401, json!({"code": 401, "error": "Unauthorized"}).to_string()));
    let env = env_for(&blaxel.base());
    env.run(&["push", "blaxel"])
        .expect_code(7)
        .stderr_has("HTTP 401")
        .stderr_has("Unauthorized")
        .stderr_has("check BL_API_KEY");

    let mut env = Env::new();
    seed_gmail(&env, &GMAIL_BLAXEL_SCOPES);
    write_blaxel_config(
        &env,
        "context:\n  workspace: acme\nworkspaces:\n  - name: acme\n    credentials:\n      access_token: bl-LOGINmarker77\n      refresh_token: bl-LOGINRTmarker78\n",
    );
    env.set("BL_API_URL", blaxel.base());
    let out = env.run(&["push", "blaxel", "-v"]);
    out.expect_code(7).stderr_has("bl login acme").stderr_has("credentials.access_token of workspace acme");
    assert_no_secrets(&out, &["LOGINmarker77", "LOGINRTmarker78"]);
    let last = blaxel.requests().pop().unwrap();
    assert_eq!(last.header("Authorization"), Some("Bearer bl-LOGINmarker77"));
    assert_eq!(last.header("X-Blaxel-Workspace"), Some("acme"));
}

#[test]
fn server_errors_are_retried_then_reported() {
    let blaxel = Platform::start(|_, _| (503, "<html>upstream unavailable</html>".into()));
    let env = env_for(&blaxel.base());
    let out = env.run(&["push", "blaxel"]);
    out.expect_code(7).stderr_has("Blaxel failed to create the integration connection").stderr_has("HTTP 503");
    out.stderr_has("upstream unavailable");
    assert_eq!(blaxel.count("POST", "/integrations/connections"), 4);
}

#[test]
fn both_blaxel_error_shapes_are_shown() {
    let flat = Platform::start(|_, _| {
        (400, json!({"code": 400, "error": "Bad Request", "message": "integration gmail is not enabled"}).to_string())
    });
    env_for(&flat.base()).run(&["push", "blaxel"]).expect_code(7).stderr_has("integration gmail is not enabled");
    let nested = Platform::start(|_, _| {
        (422, json!({"error": {"code": "INVALID_SPEC", "message": "spec.secret.CLIENT_ID is required"}}).to_string())
    });
    env_for(&nested.base()).run(&["push", "blaxel"]).expect_code(7).stderr_has("spec.secret.CLIENT_ID is required");
    let only_error = Platform::start(|_, _| (403, json!({"code": "FORBIDDEN", "error": "Forbidden"}).to_string()));
    env_for(&only_error.base()).run(&["push", "blaxel"]).expect_code(7).stderr_has("): Forbidden");
}

#[test]
fn an_error_body_echoing_a_secret_is_scrubbed() {
    let blaxel = Platform::start(|req, _| (400, json!({"message": format!("bad body: {}", req.body)}).to_string()));
    let env = env_for(&blaxel.base());
    for args in [&["push", "blaxel"][..], &["push", "blaxel", "-v"]] {
        let out = env.run(args);
        out.expect_code(7).stderr_has("bad body:");
        assert_no_secrets(&out, &["APIKEYmarker55"]);
    }
}

#[test]
fn client_credentials_are_exchanged_first() {
    let blaxel = Platform::start(|req, _| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/oauth/token") => ok(json!({"access_token": "bl-EXCHANGEDmarker88", "token_type": "Bearer"})),
        ("POST", _) => ok(req.json()),
        _ => (404, "{}".into()),
    });
    let mut env = Env::new();
    seed_gmail(&env, &GMAIL_BLAXEL_SCOPES);
    // base64 of "svc-id:svc-CCmarker99"
    let cc = "c3ZjLWlkOnN2Yy1DQ21hcmtlcjk5";
    env.set("BL_API_URL", blaxel.base()).set("BL_WORKSPACE", WS).set("BL_CLIENT_CREDENTIALS", cc);
    let out = env.run(&["push", "blaxel", "--no-function", "-v"]);
    out.expect_code(0).stderr_has("Blaxel credentials: BL_CLIENT_CREDENTIALS");
    let exchange = blaxel.only("POST", "/oauth/token");
    assert_eq!(exchange.header("Authorization"), Some(format!("Basic {cc}").as_str()));
    assert_eq!(exchange.json(), json!({"grant_type": "client_credentials"}));
    let conn = blaxel.only("POST", "/integrations/connections");
    assert_eq!(conn.header("Authorization"), Some("Bearer bl-EXCHANGEDmarker88"));
    assert_no_secrets(&out, &["EXCHANGEDmarker88", cc]);
}

#[test]
fn the_blaxel_cli_file_supplies_workspace_environment_and_key() {
    let blaxel = Platform::start(|req, _| ok(req.json()));
    let mut env = Env::new();
    seed_gmail(&env, &GMAIL_BLAXEL_SCOPES);
    write_blaxel_config(
        &env,
        "context:\n  workspace: team-b\nworkspaces:\n  - name: team-a\n    credentials:\n      apiKey: wrong-key\n  - name: team-b\n    env: dev\n    credentials:\n      clientCredentials: Y2lkOnNlYw==\n  - name: team-c\n    credentials:\n      apiKey: bl-TEAMCmarker12\n",
    );
    // BL_ENV wins over the workspace's env; BL_API_URL over both. Shown with -v, values never.
    let dry = env.run(&["push", "blaxel", "--dry-run", "-v"]);
    dry.expect_code(0)
        .stderr_has("context.workspace in")
        .stderr_has("https://api.blaxel.dev/v0 (from env of workspace team-b");
    assert!(dry.stdout.contains("POST https://api.blaxel.dev/v0/oauth/token"), "{}", dry.stdout);
    assert!(dry.stdout.contains("X-Blaxel-Workspace: team-b"), "{}", dry.stdout);

    env.set("BL_API_URL", blaxel.base());
    let out = env.run(&["push", "blaxel", "--workspace", "team-c", "--no-function"]);
    out.expect_code(0);
    let conn = blaxel.only("POST", "/integrations/connections");
    assert_eq!(conn.header("Authorization"), Some("Bearer bl-TEAMCmarker12"));
    assert_eq!(conn.header("X-Blaxel-Workspace"), Some("team-c"));
    assert_no_secrets(&out, &["TEAMCmarker12"]);
}

#[test]
fn bad_names_are_refused_before_any_request() {
    let blaxel = Platform::start(|req, _| ok(req.json()));
    let env = env_for(&blaxel.base());
    env.run(&["push", "blaxel", "--connection-name", "My_Gmail"])
        .expect_code(2)
        .stderr_has("--connection-name \"My_Gmail\"");
    let long = "a".repeat(50);
    env.run(&["push", "blaxel", "--function-name", &long]).expect_code(2).stderr_has("at most 49");
    env.run(&["push", "blaxel", "--connection-name", "-x"]).expect_code(2);
    assert!(blaxel.requests().is_empty(), "{:?}", blaxel.summary());
}

#[test]
fn a_credential_that_cannot_serve_is_exit_4_naming_the_connect_command() {
    let blaxel = Platform::start(|req, _| ok(req.json()));
    let mut env = Env::new();
    seed_credential(&env, "gmail", ACCOUNT, &GMAIL_BLAXEL_SCOPES, None);
    env.set("BL_API_URL", blaxel.base()).set("BL_WORKSPACE", WS).set("BL_API_KEY", API_KEY);
    env.run(&["push", "blaxel"]).expect_code(4).stderr_has("no refresh token").stderr_has("oauthctl connect gmail");

    let mut env = Env::new();
    seed_gmail(&env, &["https://www.googleapis.com/auth/gmail.send", "profile"]);
    env.set("BL_API_URL", blaxel.base()).set("BL_WORKSPACE", WS).set("BL_API_KEY", API_KEY);
    env.run(&["push", "blaxel"])
        .expect_code(4)
        .stderr_has("lacks scopes Blaxel's gmail integration needs: openid, email")
        .stderr_has("oauthctl connect gmail --scope openid --scope email");
    env.run(&["push", "blaxel", "--dry-run"]).expect_code(4);
    assert!(blaxel.requests().is_empty(), "{:?}", blaxel.summary());
}

#[test]
fn dry_run_sends_nothing_and_shows_no_secret() {
    let blaxel = Platform::start(|req, _| ok(req.json()));
    let env = env_for(&blaxel.base());
    let out = env.run(&["push", "blaxel", "--dry-run", "--wait"]);
    out.expect_code(0).stderr_has("nothing is sent");
    assert!(blaxel.requests().is_empty());
    let text = &out.stdout;
    assert!(text.starts_with(&format!("POST {}/integrations/connections\n", blaxel.base())), "{text}");
    for want in [
        "Authorization: Bearer [redacted]",
        "X-Blaxel-Workspace: acme",
        "\"CLIENT_SECRET\": \"[redacted]\"",
        "\"REFRESH_TOKEN\": \"[redacted]\"",
        &format!("\"CLIENT_ID\": \"{CLIENT_ID}\""),
        "# if the connection exists (409)",
        &format!("PUT {}/integrations/connections/{DEFAULT_NAME}", blaxel.base()),
        "POST ",
        "# with --wait",
    ] {
        assert!(text.contains(want), "dry run lacks {want:?}:\n{text}");
    }
    assert_no_secrets(&out, &["APIKEYmarker55"]);

    let json = env.run(&["push", "blaxel", "--dry-run", "--json", "--no-function"]);
    json.expect_code(0);
    let report = json.json();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["auth_source"], "BL_API_KEY");
    let reqs = report["requests"].as_array().unwrap();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0]["body"]["spec"]["secret"]["REFRESH_TOKEN"], "[redacted]");
    assert_no_secrets(&json, &["APIKEYmarker55"]);
}

#[test]
fn dry_run_works_without_blaxel_credentials_but_a_real_run_does_not() {
    let mut env = Env::new();
    seed_gmail(&env, &GMAIL_BLAXEL_SCOPES);
    env.set("BL_WORKSPACE", WS);
    let dry = env.run(&["push", "blaxel", "--dry-run"]);
    dry.expect_code(0).stderr_has("a real run would stop here").stderr_has("BL_API_KEY");
    assert!(dry.stdout.contains("POST https://api.blaxel.ai/v0/integrations/connections"), "{}", dry.stdout);
    env.run(&["push", "blaxel"]).expect_code(2).stderr_has("no Blaxel credentials").stderr_has("bl login acme");

    let mut env = Env::new();
    seed_gmail(&env, &GMAIL_BLAXEL_SCOPES);
    env.set("BL_API_KEY", API_KEY);
    env.run(&["push", "blaxel"]).expect_code(2).stderr_has("no Blaxel workspace").stderr_has("--workspace");
}

#[test]
fn target_choice_and_unknown_integrations() {
    let mut env = Env::new();
    env.set("BL_WORKSPACE", WS).set("BL_API_KEY", API_KEY);
    env.run(&["push", "blaxel"]).expect_code(3).stderr_has("oauthctl connect gmail");
    seed_gmail(&env, &GMAIL_BLAXEL_SCOPES);
    seed_credential(&env, "gmail", "bob@example.test", &GMAIL_BLAXEL_SCOPES, Some(REFRESH_TOKEN));
    env.run(&["push", "blaxel", "--dry-run"])
        .expect_code(2)
        .stderr_has("gmail:alice@example.test, gmail:bob@example.test");
    env.run(&["push", "blaxel", "gmail:carol@example.test"]).expect_code(3);

    env.write_providers(
        "[providers.acme]\nauthorization_url = \"https://auth.acme.test/a\"\ntoken_url = \"https://auth.acme.test/t\"\nrotates_refresh_tokens = true\n",
    );
    seed_credential(&env, "acme", "me", &["mail.send"], Some(REFRESH_TOKEN));
    env.run(&["push", "blaxel", "acme:me", "--dry-run"]).expect_code(2).stderr_has("--integration");
    let out = env.run(&["push", "blaxel", "acme:me", "--integration", "acme-mail", "--dry-run"]);
    out.expect_code(0)
        .stderr_has("rotates refresh tokens")
        .stderr_has("whichever refreshes first keeps working")
        .stderr_has("oauthctl logout acme:me --local-only");
    assert!(out.stdout.contains("\"integration\": \"acme-mail\""), "{}", out.stdout);
}

#[test]
fn help_documents_push() {
    let out = Env::new().run(&["push", "blaxel", "--help"]);
    out.expect_code(0);
    for want in
        ["--workspace", "--connection-name", "--function-name", "--no-function", "--wait", "--dry-run", "BL_API_KEY"]
    {
        assert!(out.stdout.contains(want), "{want} missing:\n{}", out.stdout);
    }
    Env::new().run(&["push", "blaxel", "--timeout", "5"]).expect_code(2);
}
