//! `cargo bench --bench cli`: the release binary, spawned many times against the same local peers
//! the tests use, each figure a median with a reference measured in the same run (interleaved, so
//! machine noise hits both alike). Prints a Markdown table for the README.
//!
//! BENCH_RUNS sets the number of runs per case (default 40).

#[path = "../tests/integration/oidc.rs"]
mod oidc;
#[path = "../tests/integration/stub.rs"]
mod stub;
#[path = "../tests/integration/util.rs"]
mod util;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use util::{Env, Keyring, Running};

const ALICE: &str = "gmail:alice@example.test";

fn main() {
    // `cargo bench` passes --bench; nothing else is taken.
    let runs: usize = std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    // SAFETY: set before any other thread exists. Missing peers fail the benchmark, never skip.
    unsafe { std::env::set_var("OAUTHCTL_TEST_REQUIRE_ALL", "1") };
    let mut rows: Vec<String> = Vec::new();

    let keyring = Keyring::start().expect("gnome-keyring");
    let oidc = oidc::Oidc::start().expect("oidc-provider");

    // One account in the keyring, one in the file store (separate config dirs).
    let mut kenv = Env::new();
    oidc.configure(&mut kenv, oidc::Client::Post);
    keyring.apply(&mut kenv);
    oidc::connect(&kenv, &[]);
    let mut fenv = Env::new();
    oidc.configure(&mut fenv, oidc::Client::Post);
    oidc::connect(&fenv, &["--store", "file"]);

    let index = fenv.config_dir().join("accounts.json");
    let (ours, reference) = interleave(runs, || run_ok(&fenv, &["status"]), || cat(&index));
    rows.push(row("`status` (index only)", ours, "`cat accounts.json`", reference));

    let creds = fenv.credential_path(ALICE);
    let (ours, reference) = interleave(runs, || run_ok(&fenv, &["token", "gmail"]), || cat(&creds));
    rows.push(row("`token`, file store", ours, "`cat` of the account's credentials file", reference));

    let (ours, reference) = interleave(
        runs,
        || run_ok(&kenv, &["token", "gmail"]),
        || {
            let t = Instant::now();
            let out = keyring.secret_tool(&["lookup", "service", "oauthctl", "username", ALICE]);
            assert!(out.status.success());
            t.elapsed()
        },
    );
    rows.push(row("`token`, keyring (Secret Service)", ours, "`secret-tool lookup` of the same entry", reference));

    // Refresh requests caused by 32 concurrent callers, five rounds, each from an expired token.
    let mut counts = Vec::new();
    for _ in 0..5 {
        oidc.config(serde_json::json!({"access_token_ttl": 60}));
        run_ok(&kenv, &["refresh", "--force"]);
        oidc.config(serde_json::json!({"access_token_ttl": 3600}));
        oidc.reset();
        let children: Vec<_> = (0..32)
            .map(|_| kenv.cmd(&["token", "gmail"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap())
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
        counts.push(oidc.refreshes());
    }

    // Callback to exit: a stub whose token endpoint answers at once; its own time comes from the
    // -v trace, so what is left is oauthctl's (exchange parsing, store write, page, exit).
    let stub = stub::Stub::start(stub::Mode::Ok { refresh_token: true });
    let mut senv = Env::new();
    stub.configure(&senv, "acme");
    senv.set("OAUTHCTL_CLIENT_ID", "c").set("OAUTHCTL_CLIENT_SECRET", "s");
    let (mut total, mut endpoint) = (Vec::new(), Vec::new());
    for _ in 0..runs.min(20) {
        let mut run = Running::spawn(senv.cmd(&[
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

    let size = std::fs::metadata(util::BIN).map(|m| m.len()).unwrap_or(0);
    println!("\n| case | oauthctl median | reference | reference median | ratio |");
    println!("| --- | ---: | --- | ---: | ---: |");
    for r in &rows {
        println!("{r}");
    }
    let (t, e) = (median(&mut total), median(&mut endpoint));
    println!(
        "| callback → exit of `connect` | {} | token endpoint's own time (from `-v`) | {} | overhead {} |",
        ms(t),
        ms(e),
        ms(t.saturating_sub(e))
    );
    println!("\nrefresh requests from 32 concurrent `token` calls, 5 rounds: {counts:?}");
    println!("release binary (stripped): {:.1} MiB ({size} bytes)", size as f64 / 1048576.0);
    println!("runs per case: {runs}; machine: {} cores, {}", cores(), cpu_model());
}

fn run_ok(env: &Env, args: &[&str]) -> Duration {
    let mut cmd = env.cmd(args);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let t = Instant::now();
    let status = cmd.status().unwrap();
    let d = t.elapsed();
    assert!(status.success(), "oauthctl {args:?}");
    d
}

fn cat(path: &std::path::Path) -> Duration {
    let t = Instant::now();
    let ok = Command::new("cat").arg(path).stdout(Stdio::null()).status().unwrap().success();
    assert!(ok);
    t.elapsed()
}

/// Runs A and B alternately after two warm-up rounds; returns their medians.
fn interleave(runs: usize, mut a: impl FnMut() -> Duration, mut b: impl FnMut() -> Duration) -> (Duration, Duration) {
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

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn row(case: &str, ours: Duration, reference: &str, theirs: Duration) -> String {
    format!(
        "| {case} | {} | {reference} | {} | {:.2} |",
        ms(ours),
        ms(theirs),
        ours.as_secs_f64() / theirs.as_secs_f64()
    )
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
