//! In-process command tests: oauthctl's commands run inside the test, with an environment and
//! output streams of the test's own, and what they print is compared with reviewed snapshots
//! (`tests/inprocess/snapshots/`). They cover the text people and scripts depend on: help, error
//! messages with their hints, and the shapes of `--json` documents. After an intended change,
//! review the new text with `INSTA_UPDATE=always cargo test --test inprocess` and `git diff`.

use std::collections::BTreeMap;
use std::path::Path;

use oauthctl::env::Env;
use oauthctl::output::{Captured, Ui};

struct Run {
    code: u8,
    stdout: String,
    stderr: String,
}

struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        Sandbox { dir: tempfile::tempdir().unwrap() }
    }

    fn config(&self) -> std::path::PathBuf {
        self.dir.path().join("config")
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }

    fn run_env(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let config = self.config();
        let home = self.dir.path().join("home");
        let mut env: BTreeMap<String, String> = [
            ("OAUTHCTL_CONFIG_DIR".to_string(), config.display().to_string()),
            ("HOME".to_string(), home.display().to_string()),
            ("DBUS_SESSION_BUS_ADDRESS".to_string(), "unix:path=/nonexistent/oauthctl-test-bus".to_string()),
        ]
        .into();
        env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let cap = Captured::default();
        let argv = std::iter::once("oauthctl").chain(args.iter().copied()).map(Into::into);
        let code = oauthctl::run(argv, Env::fixed(env), |opts| Ui::capturing(opts, &cap));
        // ExitCode hides its number; its Debug form shows it.
        let code = format!("{code:?}").chars().filter(char::is_ascii_digit).collect::<String>().parse().unwrap();
        let clean = |s: String| s.replace(&self.dir.path().display().to_string(), "[TMP]");
        Run { code, stdout: clean(cap.stdout()), stderr: clean(cap.stderr()) }
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::create_dir_all(self.config()).unwrap();
        std::fs::write(self.config().join(name), text).unwrap();
    }

    /// A credential stored through oauthctl's own store API.
    fn seed(&self, provider: &str, account: &str, extras: serde_json::Value) {
        let record: oauthctl::store::Record = serde_json::from_value(serde_json::json!({
            "version": oauthctl::store::record::RECORD_VERSION,
            "provider": provider,
            "account": account,
            "client_id": "client-id",
            "client_secret": "client-secret-value",
            "access_token": "access-token-value",
            "refresh_token": "refresh-token-value",
            "token_type": "Bearer",
            "scopes": ["openid", "email"],
            "expires_at": "2099-01-01T00:00:00Z",
            "obtained_at": "2026-01-01T00:00:00Z",
            "extras": extras,
        }))
        .unwrap();
        let (ui, _) = Ui::captured(Default::default());
        let stores = oauthctl::store::Stores::open(&self.config(), &Env::fixed::<&str, &str>([]), &ui);
        let lock = stores.lock_account(&record.key()).unwrap();
        stores.save(&lock, oauthctl::store::StoreKind::File, &record).unwrap();
    }
}

/// `expires_in` and `updated_at` move with the clock: pinned for the snapshot.
fn stable_json(text: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"));
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k == "expires_in" && x.is_number() {
                        *x = serde_json::json!("[seconds]");
                    } else {
                        walk(x);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

fn snapshot_path() -> &'static Path {
    Path::new("snapshots")
}

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({snapshot_path => snapshot_path(), prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

// ---------------------------------------------------------------------------------------------
// Help

#[test]
fn help_texts() {
    let s = Sandbox::new();
    for (name, args) in [
        ("help", &["--help"][..]),
        ("help_connect", &["connect", "--help"][..]),
        ("help_token", &["token", "--help"][..]),
        ("help_exec", &["exec", "--help"][..]),
        ("help_refresh", &["refresh", "--help"][..]),
    ] {
        let r = s.run(args);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        snap!(name, r.stdout);
    }
}

// ---------------------------------------------------------------------------------------------
// Errors: message, hint, exit code

fn error_text(r: &Run) -> String {
    format!("exit {}\n{}", r.code, r.stderr)
}

#[test]
fn unknown_provider_suggests_a_close_name() {
    let r = Sandbox::new().run(&["connect", "gmial"]);
    snap!("error_unknown_provider", error_text(&r));
}

#[test]
fn token_for_a_provider_nobody_connected() {
    let s = Sandbox::new();
    snap!("error_token_not_connected", error_text(&s.run(&["token", "gmail"])));
    snap!("error_token_unknown_provider", error_text(&s.run(&["token", "gmial"])));
}

#[test]
fn a_broken_providers_toml_is_located() {
    let s = Sandbox::new();
    s.write(
        "providers.toml",
        "[providers.acme]\nauthorization_url = \"http://auth.acme.test/a\"\ntoken_url = \"https://auth.acme.test/t\"\n",
    );
    snap!("error_providers_toml_https", error_text(&s.run(&["providers"])));
    s.write("providers.toml", "[providers.gmail]\nscopes = [\"a\"]\ntoken_uri = \"x\"\n");
    snap!("error_providers_toml_unknown_field", error_text(&s.run(&["providers"])));
}

#[test]
fn login_is_connect() {
    let r = Sandbox::new().run(&["login", "gmail", "--store", "file"]);
    snap!("error_login_without_client", error_text(&r));
}

#[test]
fn bad_targets_and_flags() {
    let s = Sandbox::new();
    snap!("error_bad_target", error_text(&s.run(&["token", "gmail:"])));
    snap!("error_unknown_flag", error_text(&s.run(&["status", "--frobnicate"])));
}

#[test]
fn a_marked_account_is_refused_by_token() {
    let s = Sandbox::new();
    s.seed("gmail", "a@x.test", serde_json::json!({}));
    oauthctl::store::index::update(&s.config(), |idx| {
        idx.accounts[0].needs_reauth = Some("the provider refused the refresh token (invalid_grant)".into());
    })
    .unwrap();
    snap!("error_marked_for_reauth", error_text(&s.run(&["token", "gmail"])));
    let r = s.run(&["token", "gmail", "--allow-stale"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "access-token-value\n"));
}

// ---------------------------------------------------------------------------------------------
// --json shapes

#[test]
fn json_shapes() {
    let s = Sandbox::new();
    assert_eq!(s.run(&["status", "--json"]).stdout, "[]\n");
    s.seed("gmail", "a@x.test", serde_json::json!({}));
    s.seed("salesforce", "b@x.test", serde_json::json!({"instance_url": "https://acme.my.salesforce.com"}));
    snap!("json_status", stable_json(&s.run(&["status", "--json"]).stdout));
    snap!("json_token", stable_json(&s.run(&["token", "salesforce", "--json"]).stdout));
    snap!("json_paths", stable_json(&s.run(&["paths", "--json"]).stdout));
    snap!("json_provider_gmail", stable_json(&s.run(&["providers", "gmail", "--json"]).stdout));
    let r = s.run(&["refresh", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    snap!("json_refresh_nothing_to_do", stable_json(&r.stdout));
}

#[test]
fn status_text() {
    let s = Sandbox::new();
    s.seed("gmail", "a@x.test", serde_json::json!({}));
    let r = s.run(&["status"]);
    let text = r
        .stdout
        .lines()
        .map(|l| if l.contains("valid for") { "  state:   valid for [time]" } else { l })
        .collect::<Vec<_>>();
    snap!("status_text", text.join("\n"));
}
