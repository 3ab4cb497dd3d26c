//! Any OIDC issuer: a providers.toml entry with an `issuer` (and a client) but no endpoints is
//! completed from the issuer's metadata (RFC 8414 / OpenID Connect Discovery), against the real
//! oidc-provider fixture (root and path-style issuers), and against an in-test server for the
//! fall-through and refusal cases. The discovered endpoints are kept with the credential: refresh
//! and logout need no discovery.

use serde_json::json;

use crate::oidc::Oidc;
use crate::push_support::Platform;
use crate::util::{self, Env};

fn issuer_only(env: &mut Env, issuer: &str) {
    env.write_providers(&format!(
        "[providers.acme]\nissuer = \"{issuer}\"\nclient_id = \"conf-post\"\nscopes = [\"openid\", \"email\"]\n"
    ));
    env.set("OAUTHCTL_CLIENT_SECRET", "conf-post-secret").set("OAUTHCTL_STORE", "file");
    env.scripted_browser();
}

#[test]
fn an_entry_with_only_an_issuer_connects_and_refreshes_without_discovery_again() {
    let Some(oidc) = Oidc::start() else { return };
    let mut env = Env::new();
    issuer_only(&mut env, &oidc.issuer);
    let out = env.run(&["connect", "acme", "--json", "--port", "0", "--timeout", "60"]);
    out.expect_code(0);
    assert_eq!(out.json()["account"], "alice@example.test");
    let record = env.file_record("acme:alice@example.test").unwrap();
    assert_eq!(record["provider_snapshot"]["token_url"], format!("{}/token", oidc.issuer));
    assert_eq!(record["provider_snapshot"]["revocation_url"], format!("{}/token/revocation", oidc.issuer));
    let seen = oidc.stats()["metadata_requests"].clone();
    // The metadata disappears: refresh and logout use what was kept with the credential.
    oidc.config(
        json!({"hide_metadata": ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]}),
    );
    env.run(&["refresh", "acme", "--force"]).expect_code(0);
    env.run(&["logout", "acme"]).expect_code(0).stderr_has("Revoked");
    assert_eq!(oidc.stats()["metadata_requests"], seen, "no discovery after connect");
    assert_eq!(oidc.stats()["revocations"], 1);
}

#[test]
fn a_path_style_issuer_is_discovered_at_its_path_aware_urls() {
    let Some(oidc) = Oidc::start_with(&["--issuer-path", "/tenant1"]) else { return };
    assert!(oidc.issuer.ends_with("/tenant1"));
    let mut env = Env::new();
    issuer_only(&mut env, &oidc.issuer);
    env.run(&["connect", "acme", "--port", "0", "--timeout", "60"]).expect_code(0);
    let seen = oidc.stats()["metadata_requests"].clone();
    assert!(
        seen.get("/.well-known/oauth-authorization-server/tenant1").is_some(),
        "RFC 8414 path-aware URL first: {seen}"
    );
}

#[test]
fn a_missing_document_falls_through_to_the_next() {
    let Some(oidc) = Oidc::start() else { return };
    oidc.config(json!({"hide_metadata": ["/.well-known/oauth-authorization-server"]}));
    let mut env = Env::new();
    issuer_only(&mut env, &oidc.issuer);
    env.run(&["connect", "acme", "--port", "0", "--timeout", "60"]).expect_code(0);
    let seen = oidc.stats()["metadata_requests"].clone();
    assert_eq!(seen["/.well-known/oauth-authorization-server"], 1, "{seen}");
    assert_eq!(seen["/.well-known/openid-configuration"], 1, "{seen}");
}

/// A server whose well-known URLs answer as `answers` says (path → (status, body)).
fn metadata_server(answers: Vec<(&'static str, u16, String)>) -> Platform {
    Platform::start(move |req, _| {
        answers.iter().find(|(p, _, _)| req.path == *p).map(|(_, s, b)| (*s, b.clone())).unwrap_or((404, "{}".into()))
    })
}

fn document(issuer: &str) -> String {
    json!({"issuer": issuer, "authorization_endpoint": format!("{issuer}/authorize"), "token_endpoint": format!("{issuer}/token"),
        "code_challenge_methods_supported": ["S256"]})
    .to_string()
}

#[test]
fn a_401_then_html_then_a_document_finds_the_document() {
    let port = util::free_port();
    let issuer = format!("http://127.0.0.1:{port}/tenant1");
    let server = {
        let i = issuer.clone();
        let answers = [
            ("/.well-known/oauth-authorization-server/tenant1", 401, "{\"error\":\"unauthorized\"}".to_string()),
            ("/.well-known/openid-configuration/tenant1", 200, "<html><body>Sign in</body></html>".to_string()),
            ("/tenant1/.well-known/openid-configuration", 200, document(&i)),
        ];
        Platform::start_on(port, move |req, _| {
            answers
                .iter()
                .find(|(p, _, _)| req.path == *p)
                .map(|(_, s, b)| (*s, b.clone()))
                .unwrap_or((404, "{}".into()))
        })
    };
    let mut env = Env::new();
    issuer_only(&mut env, &issuer);
    env.set("BROWSER", "true");
    let out = env.run(&["connect", "acme", "--no-browser", "--port", "0", "--timeout", "1"]);
    out.expect_code(5).stderr_has(&format!("{issuer}/authorize?"));
    assert_eq!(server.requests().len(), 3, "{:?}", server.summary());
}

#[test]
fn a_document_naming_another_issuer_is_refused() {
    let server =
        metadata_server(vec![("/.well-known/oauth-authorization-server", 200, document("https://evil.example.test"))]);
    let mut env = Env::new();
    issuer_only(&mut env, &server.base());
    let out = env.run(&["connect", "acme", "--no-browser", "--port", "0", "--timeout", "1"]);
    out.expect_code(7).stderr_has("names issuer \"https://evil.example.test\"").stderr_has("refusing");
    assert!(!out.stderr.contains("/authorize?"), "no authorization URL from a refused document");
}

#[test]
fn no_document_anywhere_names_every_url_tried() {
    let server = metadata_server(vec![]);
    let mut env = Env::new();
    issuer_only(&mut env, &server.base());
    let out = env.run(&["connect", "acme", "--no-browser", "--port", "0", "--timeout", "1"]);
    out.expect_code(7)
        .stderr_has("/.well-known/oauth-authorization-server (HTTP 404)")
        .stderr_has("/.well-known/openid-configuration (HTTP 404)");
}
