//! `cargo bench --bench cli`: the release binary, spawned many times against the same local peers
//! the tests use. Every figure is a median, and every ratio compares two things measured in the
//! same run, interleaved, so that machine noise hits both alike. Prints Markdown tables (the
//! README's Performance section).
//!
//! - BENCH_RUNS: runs per case (default 30).
//! - BENCH_ONLY: a comma-separated subset of the sections: start, scale, keyring, concurrency,
//!   connect, mcp (default: all).
//! - BENCH_SCALE: the account counts of the scale section (default 1,100,1000,10000);
//!   BENCH_KEYRING_SCALE the same for keyring accounts (default 1,100,1000: gnome-keyring
//!   rewrites its whole file on every item it stores, so seeding 10,000 takes hours).

#[path = "../tests/integration/oidc.rs"]
mod oidc;
#[path = "../tests/integration/stub.rs"]
mod stub;
#[path = "../tests/integration/util.rs"]
mod util;

#[path = "cli/mcp.rs"]
mod mcp;
#[path = "cli/scale.rs"]
mod scale;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use util::{Env, Keyring, Running};

pub struct Config {
    pub runs: usize,
    only: Option<Vec<String>>,
}

impl Config {
    fn wants(&self, section: &str) -> bool {
        self.only.as_ref().is_none_or(|o| o.iter().any(|s| s == section))
    }
}

fn main() {
    // `cargo bench` passes --bench; nothing else is taken.
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(30).max(3);
    let only = std::env::var("BENCH_ONLY").ok().map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let cfg = Config { runs, only };
    // SAFETY: set before any other thread exists. Missing peers fail the benchmark, never skip.
    unsafe { std::env::set_var("OAUTHCTL_TEST_REQUIRE_ALL", "1") };

    println!("# oauthctl benchmarks\n");
    let bin = util::bin();
    println!(
        "binary: {bin} ({} bytes){}; runs per case: {runs}; machine: {} cores, {}\n",
        std::fs::metadata(&bin).map(|m| m.len()).unwrap_or(0),
        if bin == util::BIN { ", cargo's build (set OAUTHCTL_TEST_BIN to measure another)" } else { "" },
        cores(),
        cpu_model()
    );
    // The keyring first: the scale section seeds it through the store API in this process,
    // which reads the bus address from the environment.
    let keyring = (cfg.wants("keyring") || cfg.wants("scale") || cfg.wants("concurrency"))
        .then(|| Keyring::start().expect("gnome-keyring"));
    if let Some(k) = &keyring {
        // SAFETY: still single-threaded (the fixtures are child processes).
        unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &k.address) };
    }
    if cfg.wants("start") {
        start_up(&cfg);
    }
    if cfg.wants("scale") {
        scale::run(&cfg, keyring.as_ref().unwrap());
    }
    if cfg.wants("keyring") {
        keyring_token(&cfg, keyring.as_ref().unwrap());
    }
    if cfg.wants("concurrency") {
        concurrency(keyring.as_ref().unwrap());
    }
    if cfg.wants("connect") {
        connect_overhead(&cfg);
    }
    if cfg.wants("mcp") {
        mcp::run(&cfg);
    }
}

/// One account in the file store: what `token` and `status` cost over reading the same file,
/// and where the difference goes (process start, argument parsing). With OAUTHCTL_TEST_BIN (the
/// static-pie release build), cargo's own dynamically linked build is measured beside it.
fn start_up(cfg: &Config) {
    let env = Env::new();
    scale::seed(&env, oauthctl::store::StoreKind::File, 1);
    let creds = env.credential_path(&scale::key_of(0));
    let index = env.config_dir().join("accounts.json");
    let mut t = Table::new("One account, file store: start-up", &["case", "median", "reference", "median", "ratio"]);
    let measured = util::bin();
    let mut bins = vec![(measured.clone(), "")];
    if measured != util::BIN {
        bins.push((util::BIN.to_string(), " (cargo's dynamically linked build)"));
    }
    for (bin, label) in &bins {
        let run = |args: &[&str]| spawn_ok(env.cmd_with(bin, args));
        let (ours, theirs) = interleave(cfg.runs, || run(&["token", "gmail"]), || cat(&creds));
        t.ratio(&format!("`token gmail`{label}"), ours, "`cat` of its credentials file", theirs);
        let (ours, theirs) = interleave(cfg.runs, || run(&["status"]), || cat(&index));
        t.ratio(&format!("`status`{label}"), ours, "`cat accounts.json`", theirs);
        let (ours, theirs) = interleave(cfg.runs, || run(&["--version"]), || cat(&creds));
        t.ratio(
            &format!("`--version`{label} (start-up and argument parsing)"),
            ours,
            "`cat` of the credentials file",
            theirs,
        );
    }
    let (ours, theirs) = interleave(cfg.runs, || spawn_ok(Command::new("true")), || cat(&creds));
    t.ratio("`true` (starting a process, nothing else)", ours, "`cat` of the credentials file", theirs);
    t.print();
}

/// `token` through the Secret Service against `secret-tool lookup` of the same entry.
fn keyring_token(cfg: &Config, keyring: &Keyring) {
    let mut env = Env::new();
    keyring.apply(&mut env);
    scale::seed(&env, oauthctl::store::StoreKind::Keyring, 1);
    let key = scale::key_of(0);
    let mut t = Table::new("One account, keyring (gnome-keyring)", &["case", "median", "reference", "median", "ratio"]);
    let (ours, theirs) = interleave(
        cfg.runs,
        || run_ok(&env, &["token", "gmail"]),
        || {
            let t = Instant::now();
            let out = keyring.secret_tool(&["lookup", "service", "oauthctl", "username", &key]);
            assert!(out.status.success() && !out.stdout.is_empty());
            t.elapsed()
        },
    );
    t.ratio("`token gmail` (keyring)", ours, "`secret-tool lookup` of the same entry", theirs);
    t.print();
}

/// Refresh requests caused by 32 concurrent callers, five rounds, each from an expired token.
fn concurrency(keyring: &Keyring) {
    let oidc = oidc::Oidc::start().expect("oidc-provider");
    let mut env = Env::new();
    oidc.configure(&mut env, oidc::Client::Post);
    keyring.apply(&mut env);
    oidc::connect(&env, &[]);
    let mut counts = Vec::new();
    for _ in 0..5 {
        oidc.config(serde_json::json!({"access_token_ttl": 60}));
        run_ok(&env, &["refresh", "--force"]);
        oidc.config(serde_json::json!({"access_token_ttl": 3600}));
        oidc.reset();
        let children: Vec<_> = (0..32)
            .map(|_| env.cmd(&["token", "gmail"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap())
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
        counts.push(oidc.refreshes());
    }
    println!(
        "## Concurrency\n\nrefresh requests caused by 32 concurrent `token` calls on an expired token (keyring), 5 rounds: {counts:?}\n"
    );
}

/// Callback to exit of `connect`: a stub whose token endpoint answers at once; its own time comes
/// from the -v trace, so what is left is oauthctl's (exchange parsing, store write, page, exit).
fn connect_overhead(cfg: &Config) {
    let stub = stub::Stub::start(stub::Mode::Ok { refresh_token: true });
    let mut env = Env::new();
    stub.configure(&env, "acme");
    env.set("OAUTHCTL_CLIENT_ID", "c").set("OAUTHCTL_CLIENT_SECRET", "s");
    let (mut total, mut endpoint) = (Vec::new(), Vec::new());
    for _ in 0..cfg.runs.min(20) {
        let mut run = Running::spawn(env.cmd(&[
            "-v",
            "--store",
            "file",
            "connect",
            "acme",
            "--account",
            "me",
            "--no-browser",
            "--port",
            "0",
        ]));
        let url = run.auth_url();
        let (callback, host, port) = stub::authorize(&url);
        let t = Instant::now();
        let (status, _) = util::raw_get(port, &callback, &host);
        let out = run.finish(Duration::from_secs(20));
        total.push(t.elapsed());
        assert_eq!((status, out.code), (200, 0), "{}", out.stderr);
        let ms = out
            .stderr
            .lines()
            .filter(|l| l.starts_with("* ← 200"))
            .find_map(|l| l.rsplit('(').next()?.trim_end_matches(" ms)").parse::<u64>().ok())
            .expect("token endpoint time in the trace");
        endpoint.push(Duration::from_millis(ms));
    }
    let (t, e) = (median(&mut total), median(&mut endpoint));
    let mut table = Table::new("connect", &["case", "median", "reference", "median", "overhead"]);
    table.rows.push(vec![
        "callback → exit of `connect`".into(),
        ms(t),
        "token endpoint's own time (from `-v`)".into(),
        ms(e),
        ms(t.saturating_sub(e)),
    ]);
    table.print();
}

// ---------------------------------------------------------------------------------------------
// Measuring

pub fn run_ok(env: &Env, args: &[&str]) -> Duration {
    spawn_ok(env.cmd(args))
}

pub fn spawn_ok(mut cmd: Command) -> Duration {
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let t = Instant::now();
    let status = cmd.status().unwrap();
    let d = t.elapsed();
    assert!(status.success(), "{cmd:?}");
    d
}

pub fn cat(path: &Path) -> Duration {
    let mut c = Command::new("cat");
    c.arg(path);
    spawn_ok(c)
}

/// Runs A and B alternately after two warm-up rounds; returns their medians.
pub fn interleave(
    runs: usize,
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> (Duration, Duration) {
    for _ in 0..2 {
        a();
        b();
    }
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        xs.push(a());
        ys.push(b());
    }
    (median(&mut xs), median(&mut ys))
}

/// The median of `runs` runs after two warm-up runs.
pub fn median_of(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    f();
    f();
    let mut xs: Vec<Duration> = (0..runs).map(|_| f()).collect();
    median(&mut xs)
}

pub fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 100.0 { format!("{ms:.0} ms") } else { format!("{ms:.2} ms") }
}

/// A Markdown table printed at once.
pub struct Table {
    title: String,
    head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(title: &str, head: &[&str]) -> Self {
        Table { title: title.into(), head: head.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    pub fn ratio(&mut self, case: &str, ours: Duration, reference: &str, theirs: Duration) {
        self.rows.push(vec![
            case.into(),
            ms(ours),
            reference.into(),
            ms(theirs),
            format!("{:.2}×", ours.as_secs_f64() / theirs.as_secs_f64()),
        ]);
    }

    pub fn print(&self) {
        println!("## {}\n", self.title);
        println!("| {} |", self.head.join(" | "));
        let align: Vec<&str> = self.head.iter().enumerate().map(|(i, _)| if i == 0 { "---" } else { "---:" }).collect();
        println!("| {} |", align.join(" | "));
        for r in &self.rows {
            println!("| {} |", r.join(" | "));
        }
        println!();
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
