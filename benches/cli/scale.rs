//! How commands grow with the number of stored accounts: 1, 100, 1,000 and 10,000 accounts,
//! seeded through oauthctl's own store API (a record per account under its lock, the index
//! entries in one write), each with a token valid for an hour.

use std::time::Duration;

use oauthctl::secret::Secret;
use oauthctl::store::{Record, StoreKind, index};

use super::util::{Env, Keyring};
use super::{Config, Table, median_of, ms, run_ok};

fn counts(var: &str, default: &[usize]) -> Vec<usize> {
    match std::env::var(var) {
        Ok(v) => v.split(',').filter_map(|n| n.trim().parse().ok()).collect(),
        Err(_) => default.to_vec(),
    }
}

pub fn key_of(i: usize) -> String {
    format!("gmail:user{i:05}@example.test")
}

/// A record the size of a real Google one (access token, refresh token, id_token).
fn record(i: usize, now: i64) -> Record {
    let mut r: Record = serde_json::from_value(serde_json::json!({
        "version": 2,
        "provider": "gmail",
        "account": format!("user{i:05}@example.test"),
        "client_id": "123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com",
        "client_secret": "GOCSPX-abcdefghijklmnopqrstuvwxyz01",
        "access_token": format!("ya29.a0AfB_{}", "x".repeat(200)),
        "refresh_token": format!("1//0g{}", "r".repeat(98)),
        "token_type": "Bearer",
        "scopes": ["openid", "https://www.googleapis.com/auth/userinfo.email", "https://www.googleapis.com/auth/gmail.send"],
        "expires_at": null,
        "obtained_at": "2026-11-24T00:00:00Z",
    }))
    .expect("a record");
    r.id_token = Some(Secret::new(format!("eyJhbGciOiJSUzI1NiJ9.{}.{}", "i".repeat(600), "s".repeat(342))));
    r.expires_at = Some(now + 3600);
    r.obtained_at = now;
    r
}

/// Stores `n` accounts in `env`'s config dir, in `kind`, through the store API.
pub fn seed(env: &Env, kind: StoreKind, n: usize) {
    let stores = env.stores();
    let now = oauthctl::clock::now();
    let mut entries = Vec::with_capacity(n);
    for i in 0..n {
        let r = record(i, now);
        let lock = stores.lock_account(&r.key()).unwrap();
        entries.push(stores.save_record(&lock, kind, &r).unwrap());
    }
    index::upsert(&env.config_dir(), entries).unwrap();
}

struct Case {
    name: &'static str,
    args: Vec<String>,
    goal: &'static str,
    medians: Vec<Duration>,
}

fn measure(cfg: &Config, title: &str, kind: StoreKind, ns: &[usize], keyring: &Keyring) {
    let mut cases = vec![
        Case { name: "`refresh` with nothing to do", args: vec!["refresh".into()], goal: "", medians: vec![] },
        Case { name: "`token` of one account", args: vec![], goal: "", medians: vec![] },
        Case { name: "`status`", args: vec!["status".into()], goal: "", medians: vec![] },
    ];
    if kind == StoreKind::File {
        cases[0].goal = "< 150 ms at 10,000";
        cases[1].goal = "≤ 3× one account's";
        cases[2].goal = "< 25 ms at 10,000";
    } else {
        cases[0].goal = "no keyring read";
        cases[2].goal = "no keyring read";
    }
    for &n in ns {
        let mut env = Env::new();
        keyring.apply(&mut env);
        let t = std::time::Instant::now();
        seed(&env, kind, n);
        eprintln!("seeded {n} {kind:?} accounts in {:.1} s", t.elapsed().as_secs_f64());
        // The last account: the far end of the index for a line search.
        cases[1].args = vec!["token".into(), key_of(n - 1)];
        for case in cases.iter_mut() {
            let args: Vec<&str> = case.args.iter().map(String::as_str).collect();
            case.medians.push(median_of(runs_for(cfg, n), || run_ok(&env, &args)));
        }
    }
    let mut head: Vec<String> = vec!["case".into()];
    head.extend(ns.iter().map(|n| format!("{} accounts", thousands(*n))));
    head.push(format!("{} ÷ {}", thousands(*ns.last().unwrap()), thousands(ns[0])));
    head.push("goal".into());
    let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut table = Table::new(title, &head_refs);
    for c in &cases {
        let mut row = vec![c.name.to_string()];
        row.extend(c.medians.iter().map(|d| ms(*d)));
        row.push(format!("{:.2}×", c.medians.last().unwrap().as_secs_f64() / c.medians[0].as_secs_f64()));
        row.push(c.goal.to_string());
        table.rows.push(row);
    }
    table.print();
}

/// Fewer runs where one run is long (refresh at 10,000 before the fix took minutes).
fn runs_for(cfg: &Config, n: usize) -> usize {
    if n >= 10_000 { cfg.runs.min(15) } else { cfg.runs }
}

pub fn run(cfg: &Config, keyring: &Keyring) {
    let files = counts("BENCH_SCALE", &[1, 100, 1000, 10_000]);
    measure(cfg, "Accounts at scale, file store", StoreKind::File, &files, keyring);
    let keyrings = counts("BENCH_KEYRING_SCALE", &[1, 100, 1000]);
    if !keyrings.is_empty() {
        measure(cfg, "Accounts at scale, keyring (gnome-keyring)", StoreKind::Keyring, &keyrings, keyring);
    }
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
