//! `oauthctl push airbyte`: against Prism serving Airbyte's published API description (every
//! request validated), and against a small in-test Airbyte for existing connectors and faults.

use serde_json::{Value, json};

use crate::push_support::*;
use crate::util::Env;

const APP_ID: &str = "airbyte-app-id";
const APP_SECRET: &str = "ab-APPSECRETmarker31";
const APP_TOKEN: &str = "ab-APPTOKENmarker32";
const ORG: &str = "7c60d51f-b44e-4682-87d6-449835ea4de6";
const NEW_ID: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";
const OLD_ID: &str = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const CONNECTORS: &str = "/api/v1/integrations/connectors";

fn env_for(base: &str) -> Env {
    let mut env = Env::new();
    seed_gmail(&env, &GMAIL_AIRBYTE_SCOPES);
    env.set("AIRBYTE_API_URL", base).set("AIRBYTE_CLIENT_ID", APP_ID).set("AIRBYTE_CLIENT_SECRET", APP_SECRET);
    env
}

fn ok(body: Value) -> (u16, String) {
    (200, body.to_string())
}

fn list_path(workspace: &str) -> String {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("customer_name", workspace)
        .append_pair("workspace_name", workspace)
        .finish();
    format!("{CONNECTORS}?{q}")
}

/// Airbyte with the given connectors already in the workspace; `delete_status` 200 or 202;
/// `check` is the answer to the connection check.
fn fake_airbyte(existing: Vec<(&'static str, &'static str)>, delete_status: u16, check: (u16, Value)) -> Platform {
    Platform::start(move |req, _| {
        let path = req.path.split('?').next().unwrap_or_default();
        match (req.method.as_str(), path) {
            ("POST", "/api/v1/account/applications/token") => {
                ok(json!({"access_token": APP_TOKEN, "token_type": "Bearer", "expires_in": 900}))
            }
            ("GET", CONNECTORS) => {
                let data: Vec<Value> = existing.iter().map(|(id, name)| json!({"id": id, "name": name})).collect();
                ok(json!({ "data": data }))
            }
            ("DELETE", p) if p.starts_with(CONNECTORS) && delete_status == 202 => {
                (202, json!({"job_id": "job-42"}).to_string())
            }
            ("DELETE", p) if p.starts_with(CONNECTORS) => {
                ok(json!({"id": p.rsplit('/').next(), "deleted_at": "2026-11-24T00:00:00Z"}))
            }
            ("POST", CONNECTORS) => ok(json!({"id": NEW_ID, "name": req.json()["name"]})),
            ("POST", p) if p.ends_with("/check") => (check.0, check.1.to_string()),
            _ => (404, json!({"message": "not found", "errors": []}).to_string()),
        }
    })
}

fn check_ok() -> (u16, Value) {
    (200, json!({"id": NEW_ID, "status": "succeeded"}))
}

// ---------------------------------------------------------------------------------------------
// Against Prism (Airbyte's published API description)

#[test]
fn prism_accepts_token_list_create_and_check() {
    let Some(prism) = Prism::start("airbyte/agent_engine_api_spec.json") else { return };
    let mut env = env_for(&prism.base);
    env.set("AIRBYTE_ORGANIZATION_ID", ORG);
    let before = local_state(&env);
    let out = env.run(&["push", "airbyte", "--json", "-v", "--include-spam-and-trash", "--workspace-name", "team-a"]);
    out.expect_code(0);
    prism.assert_valid(&[
        "post /api/v1/account/applications/token ",
        "get /api/v1/integrations/connectors ",
        "post /api/v1/integrations/connectors ",
    ]);
    assert!(prism.log_text().contains("/check"), "the create is followed by a check:\n{}", prism.log_text());
    let report = out.json();
    assert_eq!(report["platform"], "airbyte");
    assert_eq!(report["workspace"], "team-a");
    assert_eq!(report["connector"]["result"], "created");
    assert_eq!(report["connector"]["name"], DEFAULT_NAME);
    assert_eq!(report["check"]["status"], "pending", "Prism answers the published example");
    out.stderr_has("Airbyte organization: AIRBYTE_ORGANIZATION_ID");
    assert_no_secrets(&out, &["APPSECRETmarker31"]);
    assert_eq!(local_state(&env), before, "a push changes nothing local");
}

#[test]
fn prism_accepts_a_replacing_push() {
    let Some(prism) = Prism::start("airbyte/agent_engine_api_spec.json") else { return };
    let env = env_for(&prism.base);
    // Prism's example list holds one connector named "string".
    let out = env.run(&["push", "airbyte", "--name", "string", "--replace", "--json"]);
    out.expect_code(0);
    prism.assert_valid(&["delete /api/v1/integrations/connectors/", "post /api/v1/integrations/connectors "]);
    let report = out.json();
    assert_eq!(report["connector"]["result"], "replaced");
    assert_eq!(report["deleted"][0]["result"], "deleted");
}

// ---------------------------------------------------------------------------------------------
// Against the in-test Airbyte

#[test]
fn creates_a_connector_with_the_stored_secrets_byte_for_byte() {
    let airbyte = fake_airbyte(vec![(OLD_ID, "someone-else")], 200, check_ok());
    let mut env = env_for(&airbyte.base());
    env.set("AIRBYTE_ORGANIZATION_ID", ORG);
    let out = env.run(&["push", "airbyte", "--json"]);
    out.expect_code(0).stderr_has("check:  succeeded");
    let list = list_path(ACCOUNT);
    assert_eq!(
        airbyte.summary(),
        [
            "POST /api/v1/account/applications/token".to_string(),
            format!("GET {list}"),
            format!("POST {CONNECTORS}"),
            format!("POST {CONNECTORS}/{NEW_ID}/check"),
        ]
    );
    let token = airbyte.only("POST", "/api/v1/account/applications/token");
    assert_eq!(token.json(), json!({"client_id": APP_ID, "client_secret": APP_SECRET}));
    for r in airbyte.requests() {
        assert_eq!(r.header("X-Organization-Id"), Some(ORG), "{} {}", r.method, r.path);
    }
    let create = airbyte.only("POST", CONNECTORS);
    assert_eq!(create.header("Authorization"), Some(format!("Bearer {APP_TOKEN}").as_str()));
    let body = create.json();
    assert_eq!(body["credentials"]["refresh_token"].as_str(), Some(REFRESH_TOKEN));
    assert_eq!(body["credentials"]["client_secret"].as_str(), Some(CLIENT_SECRET));
    assert_eq!(body["credentials"]["client_id"].as_str(), Some(CLIENT_ID));
    assert_eq!(body["credentials"]["access_token"].as_str(), Some(ACCESS_TOKEN));
    assert_eq!(body["connector_type"], "Gmail");
    assert_eq!(body["name"], DEFAULT_NAME);
    assert_eq!((&body["customer_name"], &body["workspace_name"]), (&json!(ACCOUNT), &json!(ACCOUNT)));
    assert!(body.get("replication_config").is_none());
    let report = out.json();
    assert_eq!(report["connector"], json!({"name": DEFAULT_NAME, "id": NEW_ID, "result": "created"}));
    assert_eq!(report["check"], json!({"status": "succeeded"}));
    assert_no_secrets(&out, &["APPSECRETmarker31", "APPTOKENmarker32"]);
}

#[test]
fn an_existing_connector_stops_the_push_unless_replace_is_given() {
    let airbyte = fake_airbyte(vec![(OLD_ID, DEFAULT_NAME)], 200, check_ok());
    let env = env_for(&airbyte.base());
    env.run(&["push", "airbyte"])
        .expect_code(1)
        .stderr_has(&format!("already has a connector named {DEFAULT_NAME} ({OLD_ID})"))
        .stderr_has("--replace");
    assert_eq!(airbyte.count("POST", CONNECTORS), 0);
    assert!(!airbyte.summary().iter().any(|r| r.starts_with("DELETE")));

    let out = env.run(&["push", "airbyte", "--replace", "--json"]);
    out.expect_code(0).stderr_has("Deleted the earlier connector");
    assert_eq!(airbyte.count("DELETE", &format!("{CONNECTORS}/{OLD_ID}")), 1);
    let s = airbyte.summary();
    let delete_at = s.iter().position(|r| r.starts_with("DELETE")).unwrap();
    let create_at = s.iter().position(|r| r == &format!("POST {CONNECTORS}")).unwrap();
    assert!(delete_at < create_at, "delete, then create: {s:?}");
    let report = out.json();
    assert_eq!(report["connector"]["result"], "replaced");
    assert_eq!(report["deleted"], json!([{"id": OLD_ID, "result": "deleted"}]));
}

#[test]
fn a_queued_delete_202_is_accepted() {
    let airbyte = fake_airbyte(vec![(OLD_ID, "mine")], 202, check_ok());
    let env = env_for(&airbyte.base());
    let out = env.run(&["push", "airbyte", "--name", "mine", "--replace", "--workspace-name", "ws-1", "--json"]);
    out.expect_code(0).stderr_has("queued, job job-42");
    assert_eq!(out.json()["deleted"], json!([{"id": OLD_ID, "result": "queued", "job_id": "job-42"}]));
    assert_eq!(airbyte.count("GET", &list_path("ws-1")), 1);
}

#[test]
fn a_failed_check_is_exit_7_and_an_unsupported_one_is_fine() {
    let failed =
        fake_airbyte(vec![], 200, (200, json!({"id": NEW_ID, "status": "failed", "error_message": "invalid_grant"})));
    let out = env_for(&failed.base()).run(&["push", "airbyte", "--json"]);
    out.expect_code(7).stderr_has("Airbyte's check failed: invalid_grant").stderr_has("--replace");
    assert_eq!(out.json()["check"], json!({"status": "failed", "message": "invalid_grant"}));

    let unsupported = fake_airbyte(vec![], 200, (404, json!({"message": "Not Found"})));
    let out = env_for(&unsupported.base()).run(&["push", "airbyte", "--json"]);
    out.expect_code(0).stderr_has("not offered by this server");
    assert_eq!(out.json()["check"]["status"], "unsupported");
}

#[test]
fn refusals_show_airbytes_message_and_fields() {
    let unauthorized =
        Platform::start(|_, _| (401, json!({"message": "Invalid client credentials", "errors": []}).to_string()));
    env_for(&unauthorized.base())
        .run(&["push", "airbyte"])
        .expect_code(7)
        .stderr_has("Invalid client credentials")
        .stderr_has("AIRBYTE_CLIENT_ID");

    let invalid = Platform::start(|req, _| {
        match req.method.as_str() {
        "POST" if req.path.ends_with("/token") => ok(json!({"access_token": APP_TOKEN, "token_type": "Bearer", "expires_in": 900})),
        "GET" => ok(json!({"data": []})),
        _ => (
            422,
            json!({"message": "Validation failed", "errors": [{"field": "credentials.refresh_token", "message": "is invalid", "error_code": "invalid"}]})
                .to_string(),
        ),
    }
    });
    let out = env_for(&invalid.base()).run(&["push", "airbyte"]);
    out.expect_code(7).stderr_has("Validation failed; credentials.refresh_token: is invalid");
    assert_eq!(invalid.count("POST", CONNECTORS), 1, "a create is never retried");
}

#[test]
fn scopes_that_fall_short_name_the_connect_command() {
    let airbyte = fake_airbyte(vec![], 200, check_ok());
    let mut env = Env::new();
    seed_gmail(&env, &GMAIL_BLAXEL_SCOPES);
    env.set("AIRBYTE_API_URL", airbyte.base())
        .set("AIRBYTE_CLIENT_ID", APP_ID)
        .set("AIRBYTE_CLIENT_SECRET", APP_SECRET);
    env.run(&["push", "airbyte"])
        .expect_code(4)
        .stderr_has("gmail.modify")
        .stderr_has("oauthctl connect gmail --scope https://www.googleapis.com/auth/gmail.modify --scope https://www.googleapis.com/auth/gmail.compose");
    // Full Gmail access covers both.
    let mut env = Env::new();
    seed_gmail(&env, &["https://mail.google.com/", "openid"]);
    env.set("AIRBYTE_API_URL", airbyte.base())
        .set("AIRBYTE_CLIENT_ID", APP_ID)
        .set("AIRBYTE_CLIENT_SECRET", APP_SECRET);
    env.run(&["push", "airbyte"]).expect_code(0);
    assert_eq!(airbyte.count("POST", CONNECTORS), 1);
}

#[test]
fn dry_run_sends_nothing_and_needs_no_application_credentials() {
    let airbyte = fake_airbyte(vec![], 200, check_ok());
    let env = env_for(&airbyte.base());
    let out = env.run(&["push", "airbyte", "--dry-run", "--replace"]);
    out.expect_code(0);
    assert!(airbyte.requests().is_empty());
    for want in [
        format!("POST {}/api/v1/account/applications/token", airbyte.base()),
        "\"client_secret\": \"[redacted]\"".to_string(),
        "\"refresh_token\": \"[redacted]\"".to_string(),
        format!("GET {}{}", airbyte.base(), list_path(ACCOUNT)),
        "# for each connector of that name found (--replace)".to_string(),
        "Authorization: Bearer [redacted]".to_string(),
    ] {
        assert!(out.stdout.contains(&want), "dry run lacks {want:?}:\n{}", out.stdout);
    }
    assert_no_secrets(&out, &["APPSECRETmarker31"]);

    let mut bare = Env::new();
    seed_gmail(&bare, &GMAIL_AIRBYTE_SCOPES);
    bare.set("AIRBYTE_API_URL", airbyte.base());
    bare.run(&["push", "airbyte", "--dry-run"]).expect_code(0).stderr_has("a real run would stop here");
    bare.run(&["push", "airbyte"]).expect_code(2).stderr_has("AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET not set");
    assert!(airbyte.requests().is_empty());
}

#[test]
fn only_gmail_credentials_go_to_airbyte() {
    let mut env = Env::new();
    env.set("AIRBYTE_CLIENT_ID", APP_ID).set("AIRBYTE_CLIENT_SECRET", APP_SECRET);
    seed_credential(
        &env,
        "google-drive",
        ACCOUNT,
        &["https://www.googleapis.com/auth/drive.file"],
        Some(REFRESH_TOKEN),
    );
    env.run(&["push", "airbyte"]).expect_code(3).stderr_has("no account to push to airbyte");
    env.run(&["push", "airbyte", "google-drive"]).expect_code(2).stderr_has("no Airbyte connector for google-drive");
    env.set("AIRBYTE_API_URL", "http://airbyte.example.test");
    seed_gmail(&env, &GMAIL_AIRBYTE_SCOPES);
    env.run(&["push", "airbyte"]).expect_code(2).stderr_has("AIRBYTE_API_URL").stderr_has("https");
}
