//! Provider quirks end to end, one test (or more) per quirk class: the BUILT-IN entry is pointed
//! at the imitation (imitate.rs) by a providers.toml entry that sets only endpoint fields, so
//! every test also checks that an override keeps the quirk fields it does not set. Each test
//! drives the real CLI: connect, then token, exec, refresh, status or logout as the quirk needs.

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;

use crate::imitate::{self, CLIENT_ID, CLIENT_SECRET, Imitation, Profile};
use crate::util::{self, Env, Output, Running};

/// An environment whose providers.toml is `toml`, with the imitation's client and the file store.
fn env_with(toml: &str) -> Env {
    let mut env = Env::new();
    env.write_providers(toml);
    env.set("OAUTHCTL_CLIENT_ID", CLIENT_ID).set("OAUTHCTL_CLIENT_SECRET", CLIENT_SECRET).set("OAUTHCTL_STORE", "file");
    env
}

/// `connect PROVIDER --json` with the imitation playing the browser; returns the output and the
/// authorization URL oauthctl printed.
fn connect(env: &Env, provider: &str, extra: &[&str]) -> (Output, String) {
    let port = util::free_port().to_string();
    let mut args = vec!["connect", provider, "--no-browser", "--port", port.as_str(), "--json"];
    args.extend_from_slice(extra);
    let mut run = Running::spawn(env.cmd(&args));
    let url = run.auth_url();
    imitate::approve(&url);
    (run.finish(Duration::from_secs(20)), url)
}

/// A successful connect: its JSON report and the authorization URL.
fn connected(env: &Env, provider: &str, extra: &[&str]) -> (Value, String) {
    let (out, url) = connect(env, provider, extra);
    out.expect_code(0);
    (out.json(), url)
}

fn record(env: &Env, key: &str) -> Value {
    env.file_record(key).unwrap_or_else(|| panic!("no record {key}"))
}

fn status(env: &Env) -> Value {
    let out = env.run(&["status", "--json"]);
    out.expect_code(0);
    out.json()
}

fn token(env: &Env, args: &[&str]) -> String {
    let mut all = vec!["token"];
    all.extend_from_slice(args);
    let out = env.run(&all);
    out.expect_code(0);
    out.stdout.trim_end().to_string()
}

fn nothing_stored(env: &Env) {
    assert!(env.stored_files().is_empty(), "nothing is stored: {:?}", env.stored_files());
    assert_eq!(env.index()["accounts"].as_array().map_or(0, Vec::len), 0, "{}", env.index());
}

fn field(req: &imitate::Req, name: &str) -> String {
    req.fields().get(name).cloned().unwrap_or_default()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("no {key} in {v}"))
}

const GITHUB_ENDPOINTS: &[(&str, &str)] = &[
    ("authorization_url", "/authorize"),
    ("token_url", "/token"),
    ("identity_url", "/identity"),
    ("revocation_url", "/applications/{client_id}/grant"),
];
const SLACK_ENDPOINTS: &[(&str, &str)] = &[
    ("authorization_url", "/authorize"),
    ("token_url", "/token"),
    ("identity_url", "/identity"),
    ("revocation_url", "/revoke"),
];

/// GitHub answers errors with HTTP 200 (troubleshooting page), form-encoded without the Accept
/// header; Slack with HTTP 200 `{"ok": false}`. Both are the provider's refusal: exit 7 with its
/// error code, nothing stored.
#[test]
fn errors_with_http_200_are_exit_7_with_the_providers_error_and_nothing_stored() {
    let gh = Imitation::start(Profile {
        refuse_code: Some(("bad_verification_code", "The code passed is incorrect or expired.")),
        ..Profile::github()
    });
    let env = env_with(&gh.override_toml("github", GITHUB_ENDPOINTS, ""));
    let (out, _) = connect(&env, "github", &[]);
    out.expect_code(7).stderr_has("bad_verification_code").stderr_has("The code passed is incorrect or expired.");
    nothing_stored(&env);
    gh.set(|p| p.answer_form_always = true);
    let (out, _) = connect(&env, "github", &[]);
    out.expect_code(7).stderr_has("bad_verification_code").stderr_has("HTTP 200");
    nothing_stored(&env);

    let slack = Imitation::start(Profile { refuse_code: Some(("invalid_code", "")), ..Profile::slack() });
    let env = env_with(&slack.override_toml("slack", SLACK_ENDPOINTS, ""));
    let (out, _) = connect(&env, "slack", &[]);
    out.expect_code(7).stderr_has("invalid_code").stderr_has("HTTP 200");
    nothing_stored(&env);
}

/// GitHub: "By default, the response takes the following form" (form-encoded); JSON only with
/// `Accept: application/json`, which the entry's token_headers send. Both work: the JSON answer at
/// connect, and GitHub's default form answer (here forced, as from a client or proxy that drops
/// the header) for a GitHub App's expiring token, whose lifetimes then arrive as strings.
#[test]
fn github_form_encoded_answers_unless_json_is_accepted() {
    let gh = Imitation::start(Profile::github());
    let env = env_with(&gh.override_toml("github", GITHUB_ENDPOINTS, ""));
    let (report, _) = connected(&env, "github", &[]);
    assert_eq!(report["account"], "octocat");
    let exchange = &gh.grants("authorization_code")[0];
    assert_eq!(exchange.header("accept"), Some("application/json"), "the entry asks for JSON");
    let before = record(&env, "github:octocat");

    gh.set(|p| p.answer_form_always = true);
    env.run(&["refresh", "github", "--force"]).expect_code(0);
    let after = record(&env, "github:octocat");
    assert_ne!(after["access_token"], before["access_token"]);
    assert_ne!(after["refresh_token"], before["refresh_token"], "the rotated refresh token was read from the form");
    assert!(!gh.is_live(str_of(&before, "refresh_token")));
    assert!(after["refresh_expires_at"].is_string(), "refresh_token_expires_in from the form: {after}");
    let s = &status(&env)[0];
    assert!((3500..=3600).contains(&s["expires_in"].as_i64().unwrap()), "expires_in \"3600\" from the form: {s}");
    assert_eq!(token(&env, &["github"]), str_of(&after, "access_token"));

    env.run(&["logout", "github"]).expect_code(0).stderr_has("Revoked");
    let delete = gh.requests_to("/grant");
    assert_eq!(delete.len(), 1);
    assert_eq!(delete[0].method, "DELETE");
    assert!(delete[0].path.ends_with(&format!("/applications/{CLIENT_ID}/grant")));
    assert!(!gh.is_live(str_of(&after, "access_token")), "the grant ended");
    nothing_stored(&env);
}

/// Slack (oauth.v2.access): with user scopes the user token comes under `authed_user` beside the
/// bot token; the record keeps both, `token` prints the user token and `--token bot` the bot
/// token, and each refreshes with its own single-use refresh token (token rotation).
#[test]
fn slack_keeps_user_and_bot_tokens_and_refreshes_each() {
    let slack = Imitation::start(Profile { expires_in: 60, ..Profile::slack() });
    let env = env_with(&slack.override_toml("slack", SLACK_ENDPOINTS, ""));
    let (report, url) = connected(&env, "slack", &[]);
    assert_eq!(report["account"], "Slack Softball Team/U1234", "team and user from the answer");
    assert!(url.starts_with(&slack.base()));
    assert_eq!(util::query_param(&url, "user_scope").as_deref(), Some("search:read"));
    assert!(util::query_param(&url, "scope").unwrap().contains(','), "comma-separated scopes: {url}");
    assert!(util::query_param(&url, "redirect_uri").unwrap().starts_with("https://127.0.0.1:"), "{url}");
    assert!(slack.requests_to("/identity").is_empty(), "the answer named the account");
    let key = "slack:Slack Softball Team/U1234";
    let before = record(&env, key);
    assert_eq!(before["token_name"], "user");
    assert!(str_of(&before, "access_token").starts_with("slack-user-at-"));
    let bot = &before["other_tokens"]["bot"];
    assert!(str_of(bot, "access_token").starts_with("slack-bot-at-"));
    assert!(bot["refresh_token"].is_string() && before["refresh_token"].is_string());
    assert_eq!(before["extras"]["team_id"], "T9TK3CUKW");

    // Both tokens live 60 s, less than --min-valid: each use refreshes the one asked for.
    slack.set(|p| p.expires_in = 43_200);
    let user_token = token(&env, &["slack"]);
    assert!(user_token.starts_with("slack-user-at-") && user_token != str_of(&before, "access_token"));
    let bot_token = token(&env, &["slack", "--token", "bot"]);
    assert!(bot_token.starts_with("slack-bot-at-") && bot_token != str_of(bot, "access_token"));
    let refreshes = slack.grants("refresh_token");
    assert_eq!(refreshes.len(), 2);
    assert_eq!(field(&refreshes[0], "refresh_token"), str_of(&before, "refresh_token"));
    assert_eq!(field(&refreshes[1], "refresh_token"), str_of(bot, "refresh_token"));
    let after = record(&env, key);
    assert_eq!(str_of(&after, "access_token"), user_token);
    assert_eq!(str_of(&after["other_tokens"]["bot"], "access_token"), bot_token);
    for (old, new) in [
        (&before["refresh_token"], &after["refresh_token"]),
        (&bot["refresh_token"], &after["other_tokens"]["bot"]["refresh_token"]),
    ] {
        assert_ne!(old, new, "rotated");
        assert!(!slack.is_live(old.as_str().unwrap()) && slack.is_live(new.as_str().unwrap()));
    }
    // Fresh now: no more requests.
    assert_eq!(token(&env, &["slack"]), user_token);
    let json = env.run(&["token", "slack", "--token", "bot", "--json"]);
    json.expect_code(0);
    assert_eq!(
        (json.json()["token"].as_str(), json.json()["access_token"].as_str()),
        (Some("bot"), Some(bot_token.as_str()))
    );
    assert_eq!(slack.grants("refresh_token").len(), 2);

    env.run(&["logout", "slack"]).expect_code(0);
    let revoke = slack.requests_to("/revoke");
    assert_eq!(field(&revoke[0], "token"), user_token, "auth.revoke with the token as a form field");
    nothing_stored(&env);
}

/// Notion (create-a-token, refresh-a-token, revoke-token): HTTP Basic with a JSON body and the
/// Notion-Version header; the account is the owner's email and the workspace is kept; refresh
/// rotates; revocation is JSON too. An integration that gets no refresh token (no expiry either)
/// "does not expire" and never needs re-authorization.
#[test]
fn notion_basic_auth_with_json_rotation_and_the_variant_without_refresh_token() {
    let endpoints = [("authorization_url", "/authorize"), ("token_url", "/token"), ("revocation_url", "/revoke")];
    let notion = Imitation::start(Profile::notion());
    let env = env_with(&notion.override_toml("notion", &endpoints, ""));
    let (report, url) = connected(&env, "notion", &[]);
    assert_eq!(report["account"], "ada@example.com");
    assert_eq!(util::query_param(&url, "owner").as_deref(), Some("user"));
    let exchange = &notion.grants("authorization_code")[0];
    assert!(exchange.is_json() && exchange.basic().is_some() && exchange.header("Notion-Version").is_some());
    let before = record(&env, "notion:ada@example.com");
    assert_eq!(before["extras"]["workspace_id"], "3c90c3cc-0d44-4b50-8888-8dd25736052b");
    assert_eq!(before["extras"]["owner_type"], "user");
    assert!(before["expires_at"].is_null(), "Notion states no lifetime");

    env.run(&["refresh", "notion", "--force"]).expect_code(0);
    let after = record(&env, "notion:ada@example.com");
    assert_ne!(after["refresh_token"], before["refresh_token"]);
    assert!(!notion.is_live(str_of(&before, "refresh_token")));
    assert!(notion.grants("refresh_token")[0].is_json());
    env.run(&["logout", "notion"]).expect_code(0).stderr_has("Revoked");
    assert!(!notion.is_live(str_of(&after, "refresh_token")), "revoked with a JSON body");
    nothing_stored(&env);

    let bare = Imitation::start(Profile { refresh_tokens: false, ..Profile::notion() });
    let env = env_with(&bare.override_toml("notion", &endpoints, ""));
    connected(&env, "notion", &[]);
    does_not_expire(&env, "notion");
}

/// `status` says "does not expire", `token` hands the token out, `refresh` (even --force) leaves it
/// alone, and nothing ever marks it for re-authorization.
fn does_not_expire(env: &Env, provider: &str) {
    let s = &status(env)[0];
    assert_eq!((s["never_expires"].as_bool(), s["has_refresh_token"].as_bool()), (Some(true), Some(false)), "{s}");
    assert!(s["expires_at"].is_null(), "{s}");
    assert!(env.run(&["status"]).stdout.contains("does not expire"));
    env.run(&["token", provider]).expect_code(0);
    env.run(&["refresh", provider]).expect_code(0).stderr_has("does not expire");
    env.run(&["refresh", "--force"]).expect_code(0);
    assert_eq!(status(env)[0]["needs_reauth"], false, "never needs re-authorization");
}

/// monday.com's legacy endpoint and Intercom issue tokens without expiry or refresh token: they do
/// not expire (monday's entry assumes a lifetime only for the tokens its new flow can refresh).
#[test]
fn tokens_without_refresh_token_or_expiry_do_not_expire_monday_legacy_and_intercom() {
    let monday = Imitation::start(Profile::monday_legacy());
    let endpoints =
        [("authorization_url", "/authorize"), ("token_url", "/oauth2/token"), ("identity_url", "/identity")];
    let env = env_with(&monday.override_toml("monday", &endpoints, ""));
    let (report, _) = connected(&env, "monday", &[]);
    assert_eq!(report["account"], "anna@example.com", "from the GraphQL identity");
    does_not_expire(&env, "monday");

    let intercom = Imitation::start(Profile::intercom());
    let endpoints = [("authorization_url", "/authorize"), ("token_url", "/token"), ("identity_url", "/identity")];
    let env = env_with(&intercom.override_toml("intercom", &endpoints, ""));
    let (report, url) = connected(&env, "intercom", &[]);
    assert_eq!(report["account"], "admin@example.com");
    assert!(util::query_param(&url, "redirect_uri").unwrap().starts_with("https://"), "Intercom wants https: {url}");
    does_not_expire(&env, "intercom");
}

/// Salesforce answers no expires_in (the entry assumes its default session timeout) and names the
/// instance: `token --json` shows it among the extras and `exec` exports OAUTHCTL_INSTANCE_URL.
/// The refresh answer carries no refresh token: the stored one is kept.
#[test]
fn salesforce_without_expires_in_keeps_instance_url() {
    let sf = Imitation::start(Profile::salesforce());
    let endpoints = [
        ("authorization_url", "/authorize"),
        ("token_url", "/token"),
        ("userinfo_url", "/userinfo"),
        ("revocation_url", "/revoke"),
    ];
    let env = env_with(&sf.override_toml("salesforce", &endpoints, ""));
    let (report, _) = connected(&env, "salesforce", &[]);
    assert_eq!(report["account"], "ada@example.com");
    let s = &status(&env)[0];
    assert!((7100..=7200).contains(&s["expires_in"].as_i64().unwrap()), "expires_in_default: {s}");
    let json = env.run(&["token", "salesforce", "--json"]);
    json.expect_code(0);
    let extras = &json.json()["extras"];
    assert_eq!(extras["instance_url"], "https://yourInstance.my.salesforce.com");
    assert_eq!(extras["issued_at"], "1278448832702");
    let out = env.run(&[
        "exec",
        "salesforce",
        "--",
        "sh",
        "-c",
        "printf '%s|%s' \"$OAUTHCTL_INSTANCE_URL\" \"$OAUTHCTL_IDENTITY_URL\"",
    ]);
    out.expect_code(0);
    assert_eq!(
        out.stdout,
        "https://yourInstance.my.salesforce.com|https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P"
    );
    let before = record(&env, "salesforce:ada@example.com");
    env.run(&["refresh", "salesforce", "--force"]).expect_code(0);
    let after = record(&env, "salesforce:ada@example.com");
    assert_ne!(after["access_token"], before["access_token"]);
    assert_eq!(after["refresh_token"], before["refresh_token"], "kept: the answer had none");
    assert!(after["expires_at"].is_string(), "the default lifetime again: {after}");
}

/// Parameters a provider needs on the authorization URL for a refresh token (or at all) are sent,
/// and the imitations issue a refresh token only when they are: Dropbox token_access_type=offline,
/// Reddit duration=permanent, Atlassian audience + prompt=consent + offline_access, X offline.access.
#[test]
fn extra_authorization_parameters_reach_the_authorize_url() {
    type Params = &'static [(&'static str, &'static str)];
    let cases: [(&str, Profile, Params); 4] = [
        ("dropbox", Profile::dropbox(), &[("token_access_type", "offline")]),
        ("reddit", Profile::reddit(), &[("duration", "permanent")]),
        ("atlassian", Profile::atlassian(), &[("audience", "api.atlassian.com"), ("prompt", "consent")]),
        ("x", Profile::x(), &[]),
    ];
    for (name, profile, params) in cases {
        let im = Imitation::start(profile);
        let endpoints = [("authorization_url", "/authorize"), ("token_url", "/token"), ("identity_url", "/identity")];
        let env = env_with(&im.override_toml(name, &endpoints, ""));
        let (report, url) = connected(&env, name, &[]);
        for (k, v) in params {
            assert_eq!(util::query_param(&url, k).as_deref(), Some(*v), "{name}: {url}");
        }
        let scopes = util::query_param(&url, "scope").unwrap();
        match name {
            "atlassian" => assert!(scopes.split(' ').any(|s| s == "offline_access"), "{scopes}"),
            "x" => assert!(scopes.split(' ').any(|s| s == "offline.access"), "{scopes}"),
            _ => {}
        }
        assert_eq!(report["has_refresh_token"], true, "{name}: the provider issued a refresh token");
        let account = report["account"].as_str().unwrap();
        let expected = match name {
            "dropbox" => "dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc",
            "reddit" => "spez",
            "atlassian" => "mia@example.com",
            _ => "XDevelopers",
        };
        assert_eq!(account, expected, "{name}");
        env.run(&["refresh", name, "--force"]).expect_code(0);
    }
}

/// Figma refreshes at /v1/oauth/refresh (its token endpoint does not take refresh grants): the
/// refresh goes to refresh_url, and the answer, which has no refresh token, keeps the stored one.
#[test]
fn figma_refreshes_at_its_refresh_url() {
    let figma = Imitation::start(Profile::figma());
    let endpoints = [
        ("authorization_url", "/authorize"),
        ("token_url", "/token"),
        ("refresh_url", "/refresh"),
        ("identity_url", "/identity"),
    ];
    let env = env_with(&figma.override_toml("figma", &endpoints, ""));
    let (report, _) = connected(&env, "figma", &[]);
    assert_eq!(report["account"], "designer@example.com");
    let before = record(&env, "figma:designer@example.com");
    assert_eq!(before["extras"]["user_id"], "123");
    env.run(&["refresh", "figma", "--force"]).expect_code(0);
    let at_refresh = figma.requests_to("/refresh");
    assert_eq!(at_refresh.len(), 1);
    assert_eq!(field(&at_refresh[0], "grant_type"), "refresh_token");
    assert!(at_refresh[0].basic().is_some(), "Basic client auth there too");
    assert!(figma.requests_to("/token").iter().all(|r| field(r, "grant_type") == "authorization_code"));
    let after = record(&env, "figma:designer@example.com");
    assert_ne!(after["access_token"], before["access_token"]);
    assert_eq!(after["refresh_token"], before["refresh_token"]);
}

/// Zoom's refresh tokens are single-use: sixteen `token` calls on an expired token make one
/// refresh (the others wait for the lock and take its result), and the new refresh token is the
/// one stored, which then works.
#[test]
fn rotating_refresh_tokens_sixteen_concurrent_calls_refresh_once() {
    let zoom = Imitation::start(Profile { expires_in: 60, ..Profile::zoom() });
    let endpoints = [
        ("authorization_url", "/authorize"),
        ("token_url", "/token"),
        ("identity_url", "/identity"),
        ("revocation_url", "/revoke"),
    ];
    let env = env_with(&zoom.override_toml("zoom", &endpoints, ""));
    let (report, _) = connected(&env, "zoom", &[]);
    assert_eq!(report["account"], "jchill@example.com");
    let key = "zoom:jchill@example.com";
    let before = record(&env, key);
    zoom.set(|p| p.expires_in = 3599);
    let children: Vec<_> = (0..16)
        .map(|_| env.cmd(&["token", "zoom"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap())
        .collect();
    let outputs: Vec<Output> = children.into_iter().map(|c| Output::from(c.wait_with_output().unwrap())).collect();
    for o in &outputs {
        o.expect_code(0);
    }
    let printed: std::collections::BTreeSet<&str> = outputs.iter().map(|o| o.stdout.as_str()).collect();
    assert_eq!(printed.len(), 1, "one token for all: {printed:?}");
    assert_eq!(zoom.grants("refresh_token").len(), 1, "one refresh");
    assert!(zoom.tokens(|t| t.reused.is_empty()), "no spent refresh token was sent again");
    let after = record(&env, key);
    assert_eq!(format!("{}\n", str_of(&after, "access_token")), *printed.first().unwrap());
    assert!(!zoom.is_live(str_of(&before, "refresh_token")));
    assert!(zoom.is_live(str_of(&after, "refresh_token")), "the stored refresh token is the new one");
    env.run(&["refresh", "zoom", "--force"]).expect_code(0);
    assert!(zoom.tokens(|t| t.reused.is_empty()));
}

/// Microsoft's `{tenant}` defaults to common and takes --param tenant=…; the value is kept in the
/// record and used again by the refresh. Its lifetimes come as strings in this imitation.
#[test]
fn microsoft_tenant_template_default_param_and_refresh() {
    let ms = Imitation::start(Profile { expires_in: 60, ..Profile::microsoft() });
    let endpoints = [
        ("authorization_url", "/{tenant}/oauth2/v2.0/authorize"),
        ("token_url", "/{tenant}/oauth2/v2.0/token"),
        ("identity_url", "/identity"),
    ];
    let env = env_with(&ms.override_toml("microsoft", &endpoints, ""));
    let (report, url) = connected(&env, "microsoft", &[]);
    assert_eq!(report["account"], "AdeleV@contoso.com");
    assert!(url.starts_with(&format!("{}/common/oauth2/v2.0/authorize?", ms.base())), "{url}");
    assert_eq!(util::query_param(&url, "response_mode").as_deref(), Some("query"));
    assert_eq!(record(&env, "microsoft:AdeleV@contoso.com")["params"]["tenant"], "common");
    let (_, url) = connected(&env, "microsoft", &["--param", "tenant=contoso", "--account", "work"]);
    assert!(url.starts_with(&format!("{}/contoso/oauth2/v2.0/authorize?", ms.base())), "{url}");
    assert!(ms.grants("authorization_code")[1].path.starts_with("/contoso/"));
    assert_eq!(record(&env, "microsoft:work")["params"]["tenant"], "contoso");
    assert!(record(&env, "microsoft:work")["refresh_token"].is_string(), "offline_access asked for one");

    ms.set(|p| p.expires_in = 3599);
    token(&env, &["microsoft:work"]);
    let refresh = ms.grants("refresh_token");
    assert_eq!(refresh.len(), 1);
    assert_eq!(refresh[0].path, "/contoso/oauth2/v2.0/token", "the remembered tenant");
    let s = status(&env);
    let work = s.as_array().unwrap().iter().find(|e| e["account"] == "work").unwrap();
    assert!((3500..=3599).contains(&work["expires_in"].as_i64().unwrap()), "expires_in \"3599\": {work}");
}

/// Shopify's `{shop}` has no default: without --param and without a terminal connect stops (exit
/// 2, naming --param shop) before anything is sent. With it, the shop is in every URL, the
/// callback's shop is kept, the account is named after it, and the refresh goes to the same shop.
#[test]
fn shopify_shop_is_required_and_remembered() {
    let shop = Imitation::start(Profile { expires_in: 60, ..Profile::shopify() });
    let endpoints =
        [("authorization_url", "/{shop}/admin/oauth/authorize"), ("token_url", "/{shop}/admin/oauth/token")];
    let env = env_with(&shop.override_toml("shopify", &endpoints, ""));
    env.run(&["connect", "shopify", "--no-browser"]).expect_code(2).stderr_has("--param shop");
    assert!(shop.requests().is_empty());

    let (report, url) = connected(&env, "shopify", &["--param", "shop=acme"]);
    assert_eq!(report["account"], "acme");
    assert!(url.starts_with(&format!("{}/acme/admin/oauth/authorize?", shop.base())));
    let exchange = &shop.grants("authorization_code")[0];
    assert!(exchange.is_json() && exchange.path == "/acme/admin/oauth/token");
    assert_eq!(field(exchange, "expiring"), "1");
    let rec = record(&env, "shopify:acme");
    assert_eq!(rec["extras"]["shop"], "acme.myshopify.com", "from the callback");
    assert_eq!(rec["params"]["shop"], "acme");
    assert!(rec["refresh_expires_at"].is_string());
    shop.set(|p| p.expires_in = 3600);
    token(&env, &["shopify"]);
    assert_eq!(shop.grants("refresh_token")[0].path, "/acme/admin/oauth/token");
}

/// Zendesk's `{subdomain}` fills every URL and is used again by the refresh, with the
/// `expires_in` field the entry adds to both grants; GitLab's `{host}` is used again by logout.
#[test]
fn zendesk_subdomain_and_gitlab_host_are_used_again_by_refresh_and_logout() {
    let zd = Imitation::start(Profile::zendesk());
    let endpoints = [
        ("authorization_url", "/{subdomain}/oauth/authorize"),
        ("token_url", "/{subdomain}/oauth/token"),
        ("identity_url", "/{subdomain}/api/v2/users/me/identity"),
    ];
    let env = env_with(&zd.override_toml("zendesk", &endpoints, ""));
    let (report, _) = connected(&env, "zendesk", &["--param", "subdomain=acme"]);
    assert_eq!(report["account"], "johnny@example.com");
    assert_eq!(zd.requests_to("/identity")[0].path, "/acme/api/v2/users/me/identity");
    assert_eq!(field(&zd.grants("authorization_code")[0], "expires_in"), "1800");
    let rec = record(&env, "zendesk:johnny@example.com");
    assert_eq!(rec["extras"]["refresh_token_expires_in"], 2_592_000);
    env.run(&["refresh", "zendesk", "--force"]).expect_code(0);
    let refresh = &zd.grants("refresh_token")[0];
    assert_eq!((refresh.path.as_str(), field(refresh, "expires_in").as_str()), ("/acme/oauth/token", "1800"));

    let gl = Imitation::start(Profile::gitlab());
    let endpoints = [
        ("authorization_url", "/{host}/oauth/authorize"),
        ("token_url", "/{host}/oauth/token"),
        ("revocation_url", "/{host}/oauth/revoke"),
        ("identity_url", "/{host}/identity"),
    ];
    let env = env_with(&gl.override_toml("gitlab", &endpoints, ""));
    let (report, _) = connected(&env, "gitlab", &["--param", "host=git.example.test"]);
    assert_eq!(report["account"], "john_smith");
    let rec = record(&env, "gitlab:john_smith");
    assert_eq!(rec["params"]["host"], "git.example.test");
    env.run(&["logout", "gitlab"]).expect_code(0).stderr_has("Revoked");
    let revoke = gl.requests_to("/revoke");
    assert_eq!(revoke[0].path, "/git.example.test/oauth/revoke");
    assert_eq!(field(&revoke[0], "token"), str_of(&rec, "refresh_token"));
    assert!(!gl.is_live(str_of(&rec, "refresh_token")));
}

/// Values learned after the exchange are kept as extras: QuickBooks' realmId from the callback,
/// Atlassian's cloud id from accessible-resources (Bearer), Mailchimp's data center from its
/// metadata endpoint (`Authorization: OAuth TOKEN`). The overrides move the follow-up URL only:
/// its scheme and extras are the built-in's.
#[test]
fn extras_from_the_callback_and_from_a_follow_up_request() {
    let qb = Imitation::start(Profile::quickbooks());
    let endpoints = [("authorization_url", "/authorize"), ("token_url", "/token"), ("userinfo_url", "/userinfo")];
    let env = env_with(&qb.override_toml("quickbooks", &endpoints, ""));
    let (report, _) = connected(&env, "quickbooks", &[]);
    assert_eq!(report["account"], "john@doe.com");
    let json = env.run(&["token", "quickbooks", "--json"]);
    json.expect_code(0);
    assert_eq!(json.json()["extras"]["realm_id"], "9341453474484455");
    let out = env.run(&["exec", "quickbooks", "--", "sh", "-c", "printf %s \"$OAUTHCTL_REALM_ID\""]);
    assert_eq!(out.stdout, "9341453474484455");

    let at = Imitation::start(Profile::atlassian());
    let endpoints = [("authorization_url", "/authorize"), ("token_url", "/token"), ("identity_url", "/identity")];
    let more = format!("follow_up = {{ url = \"{}/follow-up\" }}\n", at.base());
    let env = env_with(&at.override_toml("atlassian", &endpoints, &more));
    connected(&env, "atlassian", &[]);
    let follow = at.requests_to("/follow-up");
    assert_eq!(follow.len(), 1);
    assert!(follow[0].credential("Bearer").is_some());
    let extras = &record(&env, "atlassian:mia@example.com")["extras"];
    assert_eq!(extras["cloud_id"], "1324a887-45db-1bf4-1e99-ef0ff456d421");
    assert_eq!(extras["site_url"], "https://your-domain.atlassian.net");

    let mc = Imitation::start(Profile::mailchimp());
    let endpoints = [("authorization_url", "/authorize"), ("token_url", "/token")];
    let more = format!("follow_up = {{ url = \"{}/follow-up\" }}\n", mc.base());
    let env = env_with(&mc.override_toml("mailchimp", &endpoints, &more));
    let (report, _) = connected(&env, "mailchimp", &[]);
    assert!(mc.requests_to("/follow-up")[0].credential("OAuth").is_some(), "Mailchimp's scheme");
    assert_eq!(report["account"], "freddie@mailchimp.com");
    let rec = record(&env, "mailchimp:freddie@mailchimp.com");
    assert_eq!(rec["extras"]["dc"], "us1");
    assert_eq!(rec["extras"]["api_endpoint"], "https://us1.api.mailchimp.com");
    assert!(rec["expires_at"].is_null(), "expires_in 0 is no expiry");
    let out = env.run(&["exec", "mailchimp", "--", "sh", "-c", "printf %s \"$OAUTHCTL_DC\""]);
    assert_eq!(out.stdout, "us1");
}

/// Without an email claim the account name comes from the entry's identity source: GitHub's login
/// (GET identity_url), Linear's viewer (a GraphQL POST), Slack's team and user and Notion's owner
/// email (from the answer itself, no request).
#[test]
fn account_names_come_from_each_entrys_identity_source() {
    let gh = Imitation::start(Profile::github());
    let env = env_with(&gh.override_toml("github", GITHUB_ENDPOINTS, ""));
    assert_eq!(connected(&env, "github", &[]).0["account"], "octocat");
    let identity = &gh.requests_to("/identity")[0];
    assert_eq!((identity.method.as_str(), identity.credential("Bearer").is_some()), ("GET", true));

    let linear = Imitation::start(Profile::linear());
    let endpoints = [("authorization_url", "/authorize"), ("token_url", "/token"), ("identity_url", "/identity")];
    let env = env_with(&linear.override_toml("linear", &endpoints, ""));
    let (report, url) = connected(&env, "linear", &[]);
    assert_eq!(report["account"], "ada@example.com");
    assert_eq!(util::query_param(&url, "scope").as_deref(), Some("read,write"));
    let identity = &linear.requests_to("/identity")[0];
    assert_eq!(identity.method, "POST");
    assert!(identity.is_json() && identity.body.contains("viewer"), "{}", identity.body);

    let slack = Imitation::start(Profile::slack());
    let env = env_with(&slack.override_toml("slack", SLACK_ENDPOINTS, ""));
    assert_eq!(connected(&env, "slack", &[]).0["account"], "Slack Softball Team/U1234");
    assert!(slack.requests_to("/identity").is_empty());

    let notion = Imitation::start(Profile::notion());
    let env =
        env_with(&notion.override_toml("notion", &[("authorization_url", "/authorize"), ("token_url", "/token")], ""));
    assert_eq!(connected(&env, "notion", &[]).0["account"], "ada@example.com");
}

/// Lifetimes of the refresh token itself are kept (QuickBooks' x_refresh_token_expires_in,
/// Airtable's Keycloak-style refresh_expires_in), renewed by a refresh that states a new one, and
/// `status` warns in the last week.
#[test]
fn refresh_token_lifetimes_are_kept_and_status_warns_before_they_end() {
    let qb = Imitation::start(Profile { refresh_expires_in: Some(3 * 86_400), ..Profile::quickbooks() });
    let endpoints = [("authorization_url", "/authorize"), ("token_url", "/token"), ("userinfo_url", "/userinfo")];
    let env = env_with(&qb.override_toml("quickbooks", &endpoints, ""));
    connected(&env, "quickbooks", &[]);
    let s = &status(&env)[0];
    assert!(s["refresh_expires_at"].is_string(), "{s}");
    let text = env.run(&["status"]).stdout;
    assert!(
        text.contains("its refresh token expires in 2d") || text.contains("its refresh token expires in 3d"),
        "{text}"
    );

    let at = Imitation::start(Profile::airtable());
    let endpoints = [("authorization_url", "/authorize"), ("token_url", "/token"), ("identity_url", "/identity")];
    let env = env_with(&at.override_toml("airtable", &endpoints, ""));
    let (report, url) = connected(&env, "airtable", &[]);
    assert_eq!(report["account"], "foo@bar.com");
    assert!(util::query_param(&url, "redirect_uri").unwrap().starts_with("http://localhost:"));
    let far = record(&env, "airtable:foo@bar.com")["refresh_expires_at"].clone();
    assert!(far.is_string());
    assert!(!env.run(&["status"]).stdout.contains("refresh token expires"), "sixty days: no warning yet");
    at.set(|p| p.refresh_expires_in = Some(86_400));
    env.run(&["refresh", "airtable", "--force"]).expect_code(0);
    let near = record(&env, "airtable:foo@bar.com")["refresh_expires_at"].clone();
    assert_ne!(near, far, "the refresh stated a new lifetime");
    let text = env.run(&["status"]).stdout;
    assert!(text.contains("its refresh token expires in"), "{text}");
}
