//! `scripts/try-local.sh`, the documented trial without a Google account: run as a person would run
//! it (from the repository, no stdin, no terminal), with this build's binary as `OAUTHCTL_BIN`. Each
//! step must really have happened: the account connected and listed, a token handed out and to a
//! child, the Blaxel plan printed without one request leaving the machine, the revocation received
//! by the test server; and the temporary directory and the server must be gone afterwards.

use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{self, Output};

/// The script must finish well within this (it takes a second or two).
const LIMIT: Duration = Duration::from_secs(60);

fn script() -> PathBuf {
    util::repo().join("scripts").join("try-local.sh")
}

fn fixtures_ready() -> bool {
    util::available(
        "node, python3 and the npm fixtures (cd tests/fixtures && npm ci)",
        util::have_node_fixtures() && util::have_program("python3"),
    )
}

/// A run of the script in a clean environment: PATH and LANG only, HOME and TMPDIR of the test's
/// own, so neither the developer's settings nor their config dir can take part.
struct Trial {
    dir: tempfile::TempDir,
    vars: Vec<(String, String)>,
}

impl Trial {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["home", "tmp"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        Trial { dir, vars: vec![("OAUTHCTL_BIN".into(), util::bin())] }
    }

    fn set(&mut self, k: &str, v: impl Into<String>) -> &mut Self {
        self.vars.retain(|(n, _)| n != k);
        self.vars.push((k.into(), v.into()));
        self
    }

    /// The directory `mktemp -d` creates the trial's directory in.
    fn tmp(&self) -> PathBuf {
        self.dir.path().join("tmp")
    }

    fn leftovers(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.tmp()).unwrap().map(|e| e.unwrap().path()).collect()
    }

    /// Starts the script in its own process group, as a terminal starts a command: stdin not a
    /// terminal here (CI has none), SIGINT at its default even if this test process ignores it.
    fn spawn(&self, args: &[&str]) -> Group {
        let mut c = Command::new(script());
        c.args(args).current_dir(util::repo()).env_clear();
        for keep in ["PATH", "LANG"] {
            if let Some(v) = std::env::var_os(keep) {
                c.env(keep, v);
            }
        }
        c.env("HOME", self.dir.path().join("home")).env("TMPDIR", self.tmp());
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c.stdin(Stdio::null())
            .stdout(std::fs::File::create(self.dir.path().join("stdout")).unwrap())
            .stderr(std::fs::File::create(self.dir.path().join("stderr")).unwrap())
            .process_group(0);
        // SAFETY: signal(2) is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            c.pre_exec(|| {
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                Ok(())
            });
        }
        Group(Some(c.spawn().unwrap()))
    }

    fn stderr_so_far(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr")).unwrap_or_default()
    }

    /// Waits for the script to end (at most LIMIT) and returns what it printed.
    fn wait(&self, mut group: Group) -> Output {
        let started = Instant::now();
        let status = loop {
            if let Some(s) = group.child().try_wait().unwrap() {
                break s;
            }
            if started.elapsed() > LIMIT {
                drop(group);
                panic!(
                    "scripts/try-local.sh did not finish within {LIMIT:?}; stderr so far:\n{}",
                    self.stderr_so_far()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        group.0 = None;
        Output {
            code: status.code().unwrap_or(-1),
            stdout: std::fs::read_to_string(self.dir.path().join("stdout")).unwrap(),
            stderr: self.stderr_so_far(),
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        let group = self.spawn(args);
        self.wait(group)
    }
}

/// The script's process group while it runs: a test that fails before the script ended stops it,
/// its server and its oauthctl (TERM first, so that its trap cleans up, then KILL).
struct Group(Option<Child>);

impl Group {
    fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("running")
    }

    fn signal(&self, sig: &str) {
        let pid = self.0.as_ref().expect("running").id();
        let ok = Command::new("kill").args([sig, "--", &format!("-{pid}")]).status().unwrap().success();
        assert!(ok, "kill {sig} -{pid}");
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            for sig in ["-TERM", "-KILL"] {
                let _ = Command::new("kill").args([sig, "--", &format!("-{}", child.id())]).status();
                std::thread::sleep(Duration::from_secs(1));
            }
            let _ = child.wait();
        }
    }
}

/// The value after `prefix` on the first line of `text` that has it, up to `end`.
fn field<'a>(text: &'a str, prefix: &str, end: &str) -> &'a str {
    let line = text.lines().find_map(|l| l.split_once(prefix).map(|(_, rest)| rest));
    let rest = line.unwrap_or_else(|| panic!("no line with {prefix:?} in:\n{text}"));
    rest.split_once(end).map_or(rest, |(v, _)| v)
}

fn number(text: &str, prefix: &str, end: &str) -> usize {
    let v = field(text, prefix, end);
    v.trim().parse().unwrap_or_else(|e| panic!("{prefix:?} is followed by {v:?}, not a number ({e})"))
}

/// The port of the issuer the script printed; nothing may listen there once the script is done.
fn assert_server_stopped(stderr: &str) {
    let issuer = field(stderr, "issuer: ", " ");
    let port: u16 = issuer.rsplit(':').next().unwrap().parse().unwrap();
    assert!(
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(2)).is_err(),
        "the test server at {issuer} still answers after the script ended"
    );
}

fn all(o: &Output) -> String {
    format!("--- stdout\n{}\n--- stderr\n{}", o.stdout, o.stderr)
}

#[test]
fn try_local_walks_every_step_against_the_real_server_and_leaves_nothing_behind() {
    if !fixtures_ready() {
        return;
    }
    // Anything sent beyond loopback (Blaxel's API, above all) would go through this proxy, which
    // records it and tunnels only to loopback: the dry run must send it nothing.
    let proxy = util::ConnectProxy::start();
    let mut trial = Trial::new();
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);
    trial.set("HTTPS_PROXY", proxy_url.clone()).set("HTTP_PROXY", proxy_url);
    let started = Instant::now();
    let out = trial.run(&[]);
    let took = started.elapsed();
    out.expect_code(0);
    let (stdout, stderr) = (&out.stdout, &out.stderr);

    // Every step was announced with its command, in order, each with its explanation above it.
    let commands = [
        "+ oauthctl connect demo",
        "+ oauthctl status",
        "+ oauthctl token demo | ",
        "+ oauthctl exec demo -- sh -c ",
        "+ oauthctl push blaxel demo --dry-run --workspace ",
        "+ oauthctl logout demo",
    ];
    let mut at = 0;
    for (n, cmd) in commands.iter().enumerate() {
        let found = stderr[at..].find(cmd).unwrap_or_else(|| panic!("no {cmd:?} after byte {at}:\n{}", all(&out)));
        let header = format!("[{}] ", n + 1);
        assert!(stderr[..at + found].rfind(&header).is_some_and(|h| h >= at), "no {header:?} before {cmd:?}");
        at += found + cmd.len();
    }

    // connect: the scripted browser signed in as alice, oauthctl stored the account in the file store.
    out.stderr_has("Connected demo:alice@example.test (stored in the file store).");
    // status: the account, listed from the temporary config dir.
    assert!(stdout.contains("demo:alice@example.test\n  store:   file\n"), "no status block:\n{}", all(&out));
    assert!(stdout.contains("  refresh: yes\n"), "status shows no refresh token:\n{}", all(&out));
    // token and exec: a token came out on stdout and into the child's environment, the same one
    // (nothing was refreshed in between), and the client secret stayed out of the child.
    let token_len = number(stdout, "token: ", " characters (not shown)");
    let child_len = number(stdout, "child: OAUTHCTL_ACCESS_TOKEN has ", " characters");
    assert!(token_len >= 16, "a {token_len}-character token:\n{}", all(&out));
    assert_eq!(child_len, token_len, "exec handed over another token than `token` printed");
    assert_eq!(number(stdout, "OAUTHCTL_CLIENT_SECRET has ", "\n"), 0, "the child got the client secret");
    // push blaxel --dry-run: the plan, secrets redacted, and not one request sent anywhere.
    out.stderr_has("Dry run: nothing is sent. Blaxel workspace try-local-example");
    for line in [
        "POST https://api.blaxel.ai/v0/integrations/connections\n",
        "X-Blaxel-Workspace: try-local-example\n",
        "\"CLIENT_ID\": \"conf-post\"",
        "\"CLIENT_SECRET\": \"[redacted]\"",
        "\"REFRESH_TOKEN\": \"[redacted]\"",
        "POST https://api.blaxel.ai/v0/functions\n",
    ] {
        assert!(stdout.contains(line), "the dry-run plan lacks {line:?}:\n{}", all(&out));
    }
    assert!(proxy.seen().is_empty(), "requests left loopback during the trial: {:?}", proxy.seen());
    // logout: revoked at the test server (its own count says so) and removed locally.
    out.stderr_has("Revoked demo:alice@example.test at demo.");
    out.stderr_has("Removed demo:alice@example.test from the file store.");
    assert_eq!(number(stderr, "The test server received ", " revocation request"), 1);
    // The fixture's client secret was never shown.
    assert!(!stdout.contains("conf-post-secret") && !stderr.contains("conf-post-secret"), "{}", all(&out));

    // Nothing left: the config dir (and everything else mktemp made), and the server.
    let config_dir = PathBuf::from(field(stderr, "config dir: ", " (temporary"));
    assert!(config_dir.starts_with(trial.tmp()), "{} is not under the TMPDIR given", config_dir.display());
    assert!(!config_dir.exists(), "{} is still there", config_dir.display());
    assert_eq!(trial.leftovers(), Vec::<PathBuf>::new(), "the script left files in TMPDIR");
    assert_server_stopped(stderr);
    assert!(took < LIMIT, "took {took:?}");
}

#[test]
fn try_local_keep_leaves_the_directory_and_says_where() {
    if !fixtures_ready() {
        return;
    }
    let trial = Trial::new();
    let out = trial.run(&["--keep"]);
    out.expect_code(0);
    let kept = PathBuf::from(field(&out.stderr, "Kept ", " ("));
    assert!(kept.starts_with(trial.tmp()), "{}", kept.display());
    assert!(kept.join("config").join("providers.toml").is_file(), "{} lacks config/providers.toml", kept.display());
    assert!(kept.join("oidc.log").is_file());
    assert_eq!(trial.leftovers(), vec![kept.clone()]);
    assert_server_stopped(&out.stderr);
}

/// A step that fails ends the walk there, with that step's exit code, and still cleans up.
#[test]
fn try_local_stops_at_the_first_failing_step_with_its_exit_code() {
    if !fixtures_ready() {
        return;
    }
    let mut trial = Trial::new();
    // The scripted browser presses Cancel at the consent page: connect fails.
    trial.set("SCRIPTED_ACTION", "deny");
    let out = trial.run(&[]);
    let code = number(&out.stderr, "try-local: step 1 failed with exit code ", ":");
    assert_ne!(code, 0);
    assert_eq!(out.code, code as i32, "the script's exit code is not the step's:\n{}", all(&out));
    out.stderr_has("+ oauthctl connect demo").stderr_has("access_denied");
    assert!(!out.stderr.contains("+ oauthctl status"), "the walk went on after a failure:\n{}", all(&out));
    assert_eq!(trial.leftovers(), Vec::<PathBuf>::new(), "the script left files in TMPDIR");
    assert_server_stopped(&out.stderr);
}

/// Ctrl-C while a step runs: the server is stopped and the directory removed all the same.
#[test]
fn try_local_cleans_up_when_interrupted() {
    if !fixtures_ready() {
        return;
    }
    let mut trial = Trial::new();
    // The browser waits before it signs in, so the interrupt lands while connect waits.
    trial.set("SCRIPTED_DELAY_MS", "20000");
    let group = trial.spawn(&[]);
    util::wait_until("connect waiting for the callback", Duration::from_secs(30), || {
        trial.stderr_so_far().contains("Waiting for the callback")
    });
    assert_eq!(trial.leftovers().len(), 1, "no temporary directory while the script runs");
    // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
    group.signal("-INT");
    let out = trial.wait(group);
    out.expect_code(130);
    assert!(!out.stderr.contains("+ oauthctl status"), "the walk went on:\n{}", all(&out));
    assert_eq!(trial.leftovers(), Vec::<PathBuf>::new(), "the script left files in TMPDIR");
    assert_server_stopped(&out.stderr);
}

/// A missing prerequisite is one sentence and its fix, before anything is started.
#[test]
fn try_local_names_a_missing_prerequisite_and_its_fix() {
    // A PATH with what the script needs to start, but no node.
    let mut trial = Trial::new();
    let bin = trial.dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    for tool in ["bash", "env", "dirname"] {
        let path = std::env::var_os("PATH")
            .and_then(|p| std::env::split_paths(&p).map(|d| d.join(tool)).find(|f| f.is_file()))
            .unwrap_or_else(|| panic!("{tool} is not on PATH"));
        std::os::unix::fs::symlink(path, bin.join(tool)).unwrap();
    }
    trial.set("PATH", bin.display().to_string());
    let out = trial.run(&[]);
    out.expect_code(1).stderr_has("try-local: node is not installed").stderr_has("\n  fix: install Node.js");
    assert!(out.stdout.is_empty(), "{}", all(&out));
    assert_eq!(trial.leftovers(), Vec::<PathBuf>::new());
}

#[test]
fn try_local_refuses_an_oauthctl_bin_that_is_not_a_program() {
    if !fixtures_ready() {
        return;
    }
    let mut trial = Trial::new();
    trial.set("OAUTHCTL_BIN", "/nonexistent/oauthctl");
    let out = trial.run(&[]);
    out.expect_code(1).stderr_has("try-local: OAUTHCTL_BIN is /nonexistent/oauthctl").stderr_has("\n  fix: ");
    assert!(!out.stderr.contains("Starting the test"), "the server was started:\n{}", all(&out));
    assert_eq!(trial.leftovers(), Vec::<PathBuf>::new());
}

#[test]
fn try_local_is_executable() {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(script()).unwrap().permissions().mode();
    assert_eq!(mode & 0o111, 0o111, "scripts/try-local.sh is not executable (mode {mode:o})");
}
