//! Test helpers: an isolated environment per test (temp config dir and HOME), real fixtures that
//! start and stop by PID (a private D-Bus with gnome-keyring, the oidc-provider server), and the
//! skip rule: a missing tool is a visible skip, or a failure under OAUTHCTL_TEST_REQUIRE_ALL=1.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_oauthctl");

/// The binary the tests and benchmarks run: OAUTHCTL_TEST_BIN (another build of the same code,
/// e.g. the static-pie release build), else the one cargo built for this test run.
pub fn bin() -> String {
    std::env::var("OAUTHCTL_TEST_BIN").unwrap_or_else(|_| BIN.to_string())
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    repo().join("tests").join("fixtures")
}

static SKIPS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Writes to the process's stderr past libtest's capture (which takes only `eprint!`), so a skip
/// shows in a plain `cargo test` run.
fn tell(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}

extern "C" fn skips_summary() {
    let n = SKIPS.load(std::sync::atomic::Ordering::SeqCst);
    tell(&format!(
        "SKIPPED: {n} test{} did not run for lack of a peer (see the SKIP lines); \
         OAUTHCTL_TEST_REQUIRE_ALL=1 makes that a failure\n",
        if n == 1 { "" } else { "s" }
    ));
}

/// Returns false (and says so) when `what` is missing; panics instead under REQUIRE_ALL.
pub fn available(what: &str, ok: bool) -> bool {
    if ok {
        return true;
    }
    if std::env::var("OAUTHCTL_TEST_REQUIRE_ALL").is_ok_and(|v| v == "1") {
        panic!("required test dependency missing: {what} (OAUTHCTL_TEST_REQUIRE_ALL=1)");
    }
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    tell(&format!("SKIP: {test}: {what} is not available; this test did not run\n"));
    if SKIPS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
        // SAFETY: registers a plain function to run at process exit, after the test summary.
        #[cfg(unix)]
        unsafe {
            libc::atexit(skips_summary);
        }
    }
    false
}

pub fn have_program(name: &str) -> bool {
    std::env::var_os("PATH").map(|paths| std::env::split_paths(&paths).any(|d| d.join(name).is_file())).unwrap_or(false)
}

pub fn have_node_fixtures() -> bool {
    have_program("node") && fixtures().join("node_modules").join("oidc-provider").is_dir()
}

/// Starts a node fixture (a path under tests/fixtures) and reads its one-line JSON ready message;
/// `None` (a visible skip) without node and the npm fixtures.
pub fn node_fixture(script: &[&str], args: &[&str]) -> Option<(Proc, serde_json::Value)> {
    if !available("node and the npm fixtures (cd tests/fixtures && npm ci)", have_node_fixtures()) {
        return None;
    }
    let path = script.iter().fold(fixtures(), |p, part| p.join(part));
    let mut child =
        Command::new("node").arg(&path).args(args).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let proc = Proc(child);
    let ready = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{} said {line:?}: {e}", path.display()));
    Some((proc, ready))
}

/// One isolated oauthctl environment.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub vars: Vec<(String, String)>,
}

impl Env {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        Env { dir, vars: Vec::new() }
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    pub fn set(&mut self, k: &str, v: impl Into<String>) -> &mut Self {
        self.vars.retain(|(n, _)| n != k);
        self.vars.push((k.into(), v.into()));
        self
    }

    /// The scripted browser (tests/fixtures/browser/scripted.py) as `BROWSER`: it signs in and
    /// consents over HTTP, and writes the page it ended on to `SCRIPTED_OUT` in this env's dir.
    pub fn scripted_browser(&mut self) -> &mut Self {
        self.set("BROWSER", fixtures().join("browser").join("scripted.py").display().to_string());
        let out = self.dir.path().join("browser-page.txt").display().to_string();
        self.set("SCRIPTED_OUT", out)
    }

    pub fn write_providers(&self, toml: &str) {
        std::fs::create_dir_all(self.config_dir()).unwrap();
        std::fs::write(self.config_dir().join("providers.toml"), toml).unwrap();
    }

    /// A command with a clean environment: nothing from the developer's own setup leaks in.
    pub fn cmd(&self, args: &[&str]) -> Command {
        self.cmd_with(&bin(), args)
    }

    /// [`Env::cmd`] with another oauthctl binary.
    pub fn cmd_with(&self, program: &str, args: &[&str]) -> Command {
        let mut c = Command::new(program);
        c.args(args);
        c.env_clear();
        for keep in ["PATH", "LANG", "TMPDIR"] {
            if let Some(v) = std::env::var_os(keep) {
                c.env(keep, v);
            }
        }
        c.env("HOME", self.dir.path().join("home"));
        c.env("OAUTHCTL_CONFIG_DIR", self.config_dir());
        c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/oauthctl-test-bus");
        c.env("NO_COLOR", "1");
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c.stdin(Stdio::null());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Output::from(self.cmd(args).output().unwrap())
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut c = self.cmd(args);
        c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        // A command may exit (refusing its input, or before it needs it) before reading stdin: a
        // broken pipe here is not the test's failure; the output says what happened.
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        Output::from(child.wait_with_output().unwrap())
    }

    /// The file store's directory (one 0600 file per account).
    pub fn file_store_dir(&self) -> PathBuf {
        self.config_dir().join(oauthctl::store::FILE_STORE_DIR)
    }

    /// The files in the file store (none when nothing was stored in it).
    pub fn stored_files(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(self.file_store_dir()) {
            Ok(d) => d.map(|e| e.unwrap().path()).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The file an account's record is kept in by the file store.
    pub fn credential_path(&self, key: &str) -> PathBuf {
        self.file_store_dir().join(format!("{}.json", oauthctl::fsutil::file_name_for(key)))
    }

    /// The stores of this environment, through oauthctl's own store API.
    pub fn stores(&self) -> oauthctl::store::Stores {
        let (ui, _) = oauthctl::output::Ui::captured(Default::default());
        oauthctl::store::Stores::open(&self.config_dir(), &oauthctl::env::Env::fixed::<&str, &str>([]), &ui)
    }

    /// The stored record (file store) as JSON, read through oauthctl's store API.
    pub fn file_record(&self, key: &str) -> Option<serde_json::Value> {
        let record = self.stores().load(oauthctl::store::StoreKind::File, key).unwrap()?;
        Some(serde_json::to_value(record).unwrap())
    }

    /// Stores `record` in the file store (with its index entry) through oauthctl's store API.
    pub fn save_record(&self, record: &oauthctl::store::Record) {
        let stores = self.stores();
        let lock = stores.lock_account(&record.key()).unwrap();
        stores.save(&lock, oauthctl::store::StoreKind::File, record).unwrap();
    }

    pub fn index(&self) -> serde_json::Value {
        match std::fs::read_to_string(self.config_dir().join("accounts.json")) {
            Ok(t) => serde_json::from_str(&t).unwrap(),
            Err(_) => serde_json::json!({"accounts": []}),
        }
    }
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<std::process::Output> for Output {
    fn from(o: std::process::Output) -> Self {
        Output {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Output {
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }
    #[track_caller]
    pub fn stderr_has(&self, text: &str) -> &Self {
        assert!(self.stderr.contains(text), "stderr lacks {text:?}:\n{}", self.stderr);
        self
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// A running oauthctl whose stderr is read line by line (to catch the authorization URL).
pub struct Running {
    pub child: Child,
    lines: mpsc::Receiver<String>,
    pub stderr_seen: Vec<String>,
    stdout: Option<std::thread::JoinHandle<String>>,
}

impl Running {
    pub fn spawn(mut cmd: Command) -> Self {
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let out = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stdout.read_to_string(&mut s);
            s
        });
        Running { child, lines: rx, stderr_seen: Vec::new(), stdout: Some(out) }
    }

    /// Waits for a stderr line containing `needle`.
    pub fn wait_line(&mut self, needle: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.stderr_seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => {
                    panic!("no stderr line with {needle:?} within {within:?}; saw:\n{}", self.stderr_seen.join("\n"))
                }
            }
        }
    }

    /// The authorization URL oauthctl printed.
    pub fn auth_url(&mut self) -> String {
        loop {
            let line = self.wait_line("state=", Duration::from_secs(20));
            if let Some(rest) = line.trim().strip_prefix("http") {
                return format!("http{rest}");
            }
        }
    }

    pub fn write_stdin(&mut self, text: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(text.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }

    pub fn finish(mut self, within: Duration) -> Output {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + within;
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("oauthctl did not exit within {within:?}; stderr so far:\n{}", self.stderr_seen.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(500)) {
            self.stderr_seen.push(line);
        }
        Output {
            code: status.code().unwrap_or(-1),
            stdout: self.stdout.take().unwrap().join().unwrap(),
            stderr: self.stderr_seen.join("\n"),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A background process stopped by PID when dropped.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A private session bus with an unlocked gnome-keyring: a real Secret Service per test.
pub struct Keyring {
    pub dir: tempfile::TempDir,
    pub address: String,
    _daemons: Vec<Proc>,
}

impl Keyring {
    pub fn start() -> Option<Self> {
        let ok = have_program("dbus-daemon") && have_program("gnome-keyring-daemon") && have_program("secret-tool");
        if !available("dbus-daemon, gnome-keyring-daemon and secret-tool", ok) {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let run = dir.path().join("run");
        std::fs::create_dir_all(&run).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        // A bus config without service directories: nothing is ever auto-activated, so the
        // only Secret Service on this bus is the gnome-keyring started below (a `--session` bus
        // would start a second, locked one for an early client, with the real HOME).
        let socket = dir.path().join("bus");
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN\" \
                 \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n\
                 <busconfig><type>session</type><listen>unix:path={}</listen>\
                 <policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>\
                 <allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n",
                socket.display()
            ),
        )
        .unwrap();
        let mut dbus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--nopidfile", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(dbus.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let address = line.trim().to_string();
        let dbus = Proc(dbus);
        let mut gk = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", dir.path())
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("XDG_RUNTIME_DIR", &run)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("gnome-keyring.log")).unwrap())
            .spawn()
            .unwrap();
        gk.stdin.take().unwrap().write_all(b"test-keyring-password").unwrap();
        let keyring = Keyring { dir, address, _daemons: vec![Proc(gk), dbus] };
        // Ready when the Secret Service stores an item.
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut last = String::new();
        while Instant::now() < deadline {
            match keyring.secret_tool_ok() {
                Ok(()) => return Some(keyring),
                Err(e) => last = e,
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let log = std::fs::read_to_string(keyring.dir.path().join("gnome-keyring.log")).unwrap_or_default();
        panic!("gnome-keyring did not come up on {}: secret-tool said {last:?}; daemon log:\n{log}", keyring.address);
    }

    fn secret_tool_ok(&self) -> Result<(), String> {
        let mut c = Command::new("secret-tool");
        c.args(["store", "--label=probe", "service", "oauthctl-probe", "username", "probe"]);
        c.env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        child.stdin.take().unwrap().write_all(b"x").unwrap();
        let out = child.wait_with_output().unwrap();
        if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).trim().to_string()) }
    }

    pub fn secret_tool(&self, args: &[&str]) -> std::process::Output {
        Command::new("secret-tool").args(args).env("DBUS_SESSION_BUS_ADDRESS", &self.address).output().unwrap()
    }

    /// `secret-tool lookup service oauthctl username KEY`, parsed as the record JSON.
    pub fn lookup(&self, key: &str) -> Option<serde_json::Value> {
        let out = self.secret_tool(&["lookup", "service", "oauthctl", "username", key]);
        if !out.status.success() || out.stdout.is_empty() {
            return None;
        }
        Some(serde_json::from_slice(&out.stdout).expect("the keyring entry is JSON"))
    }

    pub fn apply(&self, env: &mut Env) {
        env.set("DBUS_SESSION_BUS_ADDRESS", self.address.clone());
    }
}

/// A request as the in-test servers see it: (method, path, headers, body).
pub type RawRequest = (String, String, Vec<(String, String)>, String);

/// Reads a simple HTTP/1.1 request from a stream.
pub fn read_request(stream: &mut std::net::TcpStream) -> Option<RawRequest> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut first = String::new();
    reader.read_line(&mut first).ok()?;
    let mut parts = first.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap_or(0);
            }
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some((method, path, headers, String::from_utf8_lossy(&body).into_owned()))
}

pub fn respond(stream: &mut std::net::TcpStream, status: u16, content_type: &str, body: &str, extra: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
    let _ = stream.flush();
}

pub fn query_param(url: &str, name: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

pub fn mode_of(path: &Path) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        0o600
    }
}

/// A plain GET over loopback with a chosen Host header (what a forged or odd request sends).
pub fn raw_get(port: u16, path: &str, host: &str) -> (u16, String) {
    raw_request(port, "GET", path, host)
}

pub fn raw_request(port: u16, method: &str, path: &str, host: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, out)
}

/// Sends a signal by PID (`kill -NAME PID`).
pub fn signal(pid: u32, name: &str) {
    let ok = Command::new("kill").arg(format!("-{name}")).arg(pid.to_string()).status().unwrap().success();
    assert!(ok, "kill -{name} {pid}");
}

/// An HTTP CONNECT proxy on loopback that records each request line and tunnels to the target.
pub struct ConnectProxy {
    pub port: u16,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl ConnectProxy {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let log = log.clone();
                std::thread::spawn(move || {
                    let Some((method, target, _, _)) = read_request(&mut client.try_clone().unwrap()) else { return };
                    log.lock().unwrap().push(format!("{method} {target}"));
                    let mut client = client;
                    if method != "CONNECT" {
                        return respond(&mut client, 502, "text/plain", "only CONNECT", "");
                    }
                    // Tunnels to loopback only: a name elsewhere is never even resolved.
                    let loopback =
                        target.starts_with("127.") || target.starts_with("[::1]") || target.starts_with("localhost:");
                    if !loopback {
                        return respond(&mut client, 502, "text/plain", "not on this machine", "");
                    }
                    let Ok(upstream) = std::net::TcpStream::connect(&target) else {
                        return respond(&mut client, 502, "text/plain", "unreachable", "");
                    };
                    let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                    let (mut c2, mut u2) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
                    let mut upstream = upstream;
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut c2, &mut u2);
                    });
                    let _ = std::io::copy(&mut upstream, &mut client);
                });
            }
        });
        ConnectProxy { port, seen }
    }

    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// The contents of a file another process (a browser) writes after oauthctl has exited.
pub fn wait_for_file(path: &Path, within: Duration) -> String {
    let deadline = Instant::now() + within;
    while !path.exists() {
        assert!(Instant::now() < deadline, "{} was not written within {within:?}", path.display());
        std::thread::sleep(Duration::from_millis(50));
    }
    // Let the writer finish its one write.
    std::thread::sleep(Duration::from_millis(100));
    std::fs::read_to_string(path).unwrap()
}

/// Sends `bytes` as they are (what no browser sends: control characters, two Host headers, an
/// oversized head) and returns the status and the whole answer.
pub fn raw_bytes(port: u16, bytes: &[u8]) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let out = String::from_utf8_lossy(&out).into_owned();
    let status = out.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, out)
}

/// A `&'static str` made at run time, for a stub mode (a few small strings per test).
pub fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// Waits until `done` holds, polling; panics naming `what` after `within`.
pub fn wait_until(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "{what} did not happen within {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Keyring {
    /// Locks the login collection, as a screen lock does. There is no prompter on this private
    /// bus, so nothing can unlock it again: writes are refused from then on. Returns false (a
    /// visible skip) without dbus-send.
    pub fn lock(&self) -> bool {
        if !available("dbus-send", have_program("dbus-send")) {
            return false;
        }
        let out = Command::new("dbus-send")
            .args([
                "--session",
                "--dest=org.freedesktop.secrets",
                "--type=method_call",
                "--print-reply",
                "/org/freedesktop/secrets",
                "org.freedesktop.Secret.Service.Lock",
                "array:objpath:/org/freedesktop/secrets/collection/login",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .output()
            .unwrap();
        assert!(out.status.success(), "locking the keyring: {}", String::from_utf8_lossy(&out.stderr));
        let probe = Command::new("secret-tool")
            .args(["store", "--label=probe", "service", "oauthctl-probe", "username", "locked"])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(!probe.success(), "the keyring still takes writes after Lock");
        true
    }
}

/// A child that speaks JSON-RPC as one JSON message per line on stdin and stdout (an MCP stdio
/// server: `oauthctl mcp proxy`, `mcp-remote`); its stdout is read on a thread of its own.
pub struct JsonLines {
    pub child: Child,
    lines: mpsc::Receiver<String>,
}

impl JsonLines {
    /// Starts `cmd` with piped stdin and stdout; `stderr` as given.
    pub fn spawn(mut cmd: Command, stderr: Stdio) -> Self {
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(stderr);
        let mut child = cmd.spawn().unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        JsonLines { child, lines: rx }
    }

    pub fn send(&mut self, msg: &serde_json::Value) {
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{msg}").unwrap();
        stdin.flush().unwrap();
    }

    /// The message answering `id` (other lines are passed over); every line must be JSON.
    pub fn answer(&mut self, id: &serde_json::Value, within: Duration) -> serde_json::Value {
        loop {
            let line = self.lines.recv_timeout(within).expect("an answer in time");
            let v: serde_json::Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("stdout is JSON-RPC only ({e}): {line}"));
            if v["id"] == *id {
                return v;
            }
        }
    }

    /// Closes stdin and waits: the exit code and stderr (when it was piped).
    pub fn finish(mut self) -> (i32, String) {
        drop(self.child.stdin.take());
        let out = self.child.wait_with_output().unwrap();
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A request as an in-test server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// An in-test server's answer: (status, content type, extra header lines, body).
pub type Reply = (u16, &'static str, String, String);

/// An in-test HTTP server on a free 127.0.0.1 port, a thread per connection: each request is
/// answered by `handler(base URL, request)` and recorded.
pub struct Fake {
    pub base: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<Seen>>>,
}

impl Fake {
    pub fn start(handler: impl Fn(&str, &Seen) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let seen: std::sync::Arc<std::sync::Mutex<Vec<Seen>>> = Default::default();
        let (log, b, handler) = (seen.clone(), base.clone(), std::sync::Arc::new(handler));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let (log, b, handler) = (log.clone(), b.clone(), handler.clone());
                std::thread::spawn(move || {
                    let Some((method, path, headers, body)) = read_request(&mut stream) else { return };
                    let req = Seen { method, path, headers, body };
                    log.lock().unwrap().push(req.clone());
                    let (status, ct, extra, answer) = handler(&b, &req);
                    respond(&mut stream, status, ct, &answer, &extra);
                });
            }
        });
        Fake { base, seen }
    }

    /// The requests with `method` whose path starts with `prefix`.
    pub fn count(&self, method: &str, prefix: &str) -> usize {
        self.seen.lock().unwrap().iter().filter(|r| r.method == method && r.path.starts_with(prefix)).count()
    }

    /// The last such request.
    pub fn last(&self, method: &str, prefix: &str) -> Seen {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .rev()
            .find(|r| r.method == method && r.path.starts_with(prefix))
            .cloned()
            .unwrap()
    }

    /// `METHOD /path` of every request, without queries, in order.
    pub fn paths(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path.split('?').next().unwrap()))
            .collect()
    }
}
