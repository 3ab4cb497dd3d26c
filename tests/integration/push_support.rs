//! Shared by the push tests: a seeded credential (file store, written directly), a Prism mock of a
//! platform's published OpenAPI description (validates every request; started per test on a free
//! loopback port and stopped by PID), and a small programmable platform server that records what
//! it receives, for the conflicts and faults a stateless mock cannot play.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::{self, Env, Output, Proc};

// Secrets with a unique marker each (what the no-leak checks look for) and characters that JSON
// must escape, so "byte for byte" means something.
pub const CLIENT_ID: &str = "1234-abc.apps.googleusercontent.com";
pub const CLIENT_SECRET: &str = "GOCSPX-CSmarker41\"q\\b/+=";
pub const REFRESH_TOKEN: &str = "1//0g-RTmarker93-\"q\\b/+=~é";
pub const ACCESS_TOKEN: &str = "ya29.ATmarker17-access";
pub const ACCOUNT: &str = "alice@example.test";
pub const KEY: &str = "gmail:alice@example.test";
pub const DEFAULT_NAME: &str = "gmail-alice-example-test";
pub const MARKERS: [&str; 3] = ["CSmarker41", "RTmarker93", "ATmarker17"];

pub const GMAIL_BLAXEL_SCOPES: [&str; 4] = [
    "https://www.googleapis.com/auth/gmail.send",
    "openid",
    "https://www.googleapis.com/auth/userinfo.email",
    "profile",
];
pub const GMAIL_AIRBYTE_SCOPES: [&str; 4] = [
    "https://www.googleapis.com/auth/gmail.modify",
    "https://www.googleapis.com/auth/gmail.compose",
    "openid",
    "https://www.googleapis.com/auth/userinfo.email",
];

/// Stores a credential as `connect --store file` would, through oauthctl's own store API (record
/// file and index entry). Adds to what is there.
pub fn seed_credential(env: &Env, provider: &str, account: &str, scopes: &[&str], refresh_token: Option<&str>) {
    let record: oauthctl::store::Record = serde_json::from_value(json!({
        "version": oauthctl::store::record::RECORD_VERSION,
        "provider": provider,
        "account": account,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "access_token": ACCESS_TOKEN,
        "refresh_token": refresh_token,
        "token_type": "Bearer",
        "scopes": scopes,
        "expires_at": "2030-01-01T00:00:00Z",
        "obtained_at": "2029-12-31T23:00:00Z",
    }))
    .unwrap();
    env.save_record(&record);
}

/// The seeded gmail account, with a refresh token and the given scopes.
pub fn seed_gmail(env: &Env, scopes: &[&str]) {
    seed_credential(env, "gmail", ACCOUNT, scopes, Some(REFRESH_TOKEN));
}

/// The config dir's files (and the file store's), to show a push changed nothing local.
pub fn local_state(env: &Env) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = [env.config_dir(), env.file_store_dir()]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    files.sort();
    files
}

/// Fails when stdout or stderr shows any seeded secret (or any of `extra`).
#[track_caller]
pub fn assert_no_secrets(out: &Output, extra: &[&str]) {
    for m in MARKERS.iter().chain(extra) {
        assert!(!out.stdout.contains(m), "stdout shows a secret ({m}):\n{}", out.stdout);
        assert!(!out.stderr.contains(m), "stderr shows a secret ({m}):\n{}", out.stderr);
    }
}

pub fn write_blaxel_config(env: &Env, yaml: &str) -> PathBuf {
    let dir = env.dir.path().join("home").join(".blaxel");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.yaml");
    std::fs::write(&path, yaml).unwrap();
    path
}

// ---------------------------------------------------------------------------------------------
// Prism

/// `prism mock --errors SPEC` on a free loopback port; stopped by PID when dropped.
pub struct Prism {
    pub base: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
    _proc: Proc,
}

impl Prism {
    /// `spec` is a path under tests/fixtures/specs; `None` (after a visible skip) without node fixtures.
    pub fn start(spec: &str) -> Option<Self> {
        let cli = util::fixtures().join("node_modules/@stoplight/prism-cli/dist/index.js");
        let ok = util::have_program("node") && cli.is_file();
        if !util::available("node and @stoplight/prism-cli (cd tests/fixtures && npm ci)", ok) {
            return None;
        }
        let spec = util::fixtures().join("specs").join(spec);
        assert!(spec.is_file(), "API description missing: {}", spec.display());
        // A free port can be taken by another test before node binds it: try a few.
        for _ in 0..3 {
            let dir = tempfile::tempdir().unwrap();
            let log = dir.path().join("prism.log");
            let port = util::free_port();
            let file = std::fs::File::create(&log).unwrap();
            let child = Command::new("node")
                .arg(&cli)
                .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string(), "--errors"])
                .arg(&spec)
                .stdin(Stdio::null())
                .stdout(file.try_clone().unwrap())
                .stderr(file)
                .spawn()
                .unwrap();
            let mut prism = Prism { base: format!("http://127.0.0.1:{port}"), log, _dir: dir, _proc: Proc(child) };
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                let log = prism.log_text();
                if log.contains("Prism is listening") {
                    return Some(prism);
                }
                if let Ok(Some(status)) = prism._proc.0.try_wait() {
                    assert!(log.contains("EADDRINUSE"), "prism exited ({status}):\n{log}");
                    break;
                }
                assert!(Instant::now() < deadline, "prism did not start within 60s:\n{log}");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        panic!("prism found no free port in 3 tries");
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Every request Prism saw was valid against the description, and each of `expected` was
    /// among them: "post /functions " (trailing space: that exact path) or "delete /x/" (a prefix).
    #[track_caller]
    pub fn assert_valid(&self, expected: &[&str]) {
        let log = self.log_text();
        let bad: Vec<&str> =
            log.lines().filter(|l| l.contains("Violation") || l.contains("Request terminated with error")).collect();
        assert!(bad.is_empty(), "prism found invalid requests:\n{}\n--- full log\n{log}", bad.join("\n"));
        for e in expected {
            assert!(log.to_lowercase().contains(&format!("[http server] {e}")), "prism saw no {e}:\n{log}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A programmable platform

#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("request body is not JSON ({e}): {}", self.body))
    }
    pub fn is(&self, method: &str, path: &str) -> bool {
        self.method == method && self.path == path
    }
}

type Handler = dyn Fn(&Req, &[Req]) -> (u16, String) + Send + Sync;

/// Answers each request with `handler(request, earlier requests)` and records them all.
pub struct Platform {
    pub port: u16,
    requests: Arc<Mutex<Vec<Req>>>,
}

impl Platform {
    pub fn start(handler: impl Fn(&Req, &[Req]) -> (u16, String) + Send + Sync + 'static) -> Self {
        Self::start_on(0, handler)
    }

    /// On `port` (0: any free one).
    pub fn start_on(port: u16, handler: impl Fn(&Req, &[Req]) -> (u16, String) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests: Arc<Mutex<Vec<Req>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let Some((method, path, headers, body)) = util::read_request(&mut stream) else { continue };
                let req = Req { method, path, headers, body };
                let (status, body) = {
                    let mut all = seen.lock().unwrap();
                    let answer = handler(&req, &all);
                    all.push(req);
                    answer
                };
                util::respond(&mut stream, status, "application/json", &body, "");
            }
        });
        Platform { port, requests }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn requests(&self) -> Vec<Req> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self, method: &str, path: &str) -> usize {
        self.requests().iter().filter(|r| r.is(method, path)).count()
    }

    /// The one request to `method path`.
    #[track_caller]
    pub fn only(&self, method: &str, path: &str) -> Req {
        let found: Vec<Req> = self.requests().into_iter().filter(|r| r.is(method, path)).collect();
        assert_eq!(found.len(), 1, "{method} {path} requests: {:#?}", self.summary());
        found.into_iter().next().unwrap()
    }

    /// "METHOD path" of every request, in order.
    pub fn summary(&self) -> Vec<String> {
        self.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect()
    }
}

/// How many earlier requests had this method and path.
pub fn earlier(all: &[Req], method: &str, path: &str) -> usize {
    all.iter().filter(|r| r.is(method, path)).count()
}
