//! `tools/list` through `oauthctl mcp proxy` against the same request sent straight to the server
//! with the same token, and through `mcp-remote` (the stdio proxy most MCP hosts are told to use),
//! interleaved, on the official MCP SDK's example server (its OAuth demo); and each proxy's peak
//! memory.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::util::{self, Env};
use super::{Config, Table, median};

fn initialize(id: u64) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
        "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
}

/// A direct Streamable HTTP client with one kept-alive connection.
struct Direct {
    agent: ureq::Agent,
    url: String,
    token: String,
    session: Option<String>,
}

impl Direct {
    fn post(&mut self, msg: &Value) -> String {
        let mut req = self
            .agent
            .post(&self.url)
            .header("Authorization", &format!("Bearer {}", self.token))
            .header("Accept", "application/json, text/event-stream")
            .header("Content-Type", "application/json")
            .header("MCP-Protocol-Version", "2025-06-18");
        if let Some(s) = &self.session {
            req = req.header("Mcp-Session-Id", s);
        }
        let mut resp = req.send(msg.to_string()).unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        if let Some(s) = resp.headers().get("mcp-session-id") {
            self.session = Some(s.to_str().unwrap().to_string());
        }
        resp.body_mut().read_to_string().unwrap()
    }
}

/// A stdio proxy (`oauthctl mcp proxy NAME`, `mcp-remote URL`) with pipes.
struct Proxy(util::JsonLines);

impl Proxy {
    fn spawn(cmd: Command) -> Proxy {
        Proxy(util::JsonLines::spawn(cmd, Stdio::null()))
    }

    /// initialize (which may run a sign-in first) and the initialized notification.
    fn start(&mut self) {
        self.0.send(&initialize(1));
        let init = self.0.answer(&json!(1), Duration::from_secs(90));
        assert!(init["result"].is_object(), "{init}");
        self.0.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    }

    /// One tools/list round trip.
    fn tools_list(&mut self, id: u64) -> Duration {
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": "tools/list"});
        let t = Instant::now();
        self.0.send(&msg);
        let answer = self.0.answer(&json!(id), Duration::from_secs(30));
        let d = t.elapsed();
        assert!(answer["result"]["tools"].is_array(), "{answer}");
        d
    }

    /// Peak resident memory (VmHWM) of the proxy process, in KiB.
    fn peak_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.0.child.id())).unwrap();
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap()
    }

    fn stop(mut self) {
        let _ = self.0.child.kill();
        self.0.finish();
    }
}

pub fn run(cfg: &Config) {
    assert!(util::have_node_fixtures(), "node and the npm fixtures (cd tests/fixtures && npm ci)");
    let (_server, ready) = util::node_fixture(&["mcp", "sdk-example.mjs"], &[]).expect("node and the npm fixtures");
    let url = ready["mcp"].as_str().unwrap().to_string();

    let mut env = Env::new();
    env.scripted_browser();
    env.set("OAUTHCTL_STORE", "file");
    let out = env.run(&["connect", &url, "--name", "demo", "--timeout", "60"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let token = env.run(&["token", "demo"]).stdout.trim().to_string();

    let agent: ureq::Agent = ureq::Agent::config_builder().proxy(None).build().into();
    let mut direct = Direct { agent, url, token, session: None };
    direct.post(&initialize(1));
    direct.post(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));

    let mut proxy = Proxy::spawn(env.cmd(&["mcp", "proxy", "demo", "--no-browser"]));
    proxy.start();
    // mcp-remote signs in on its own (the same scripted browser), keeping its tokens in HOME.
    let mut remote = Command::new("node");
    remote
        .arg(util::fixtures().join("node_modules").join("mcp-remote").join("dist").join("proxy.js"))
        .arg(&direct.url)
        .arg(util::free_port().to_string())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.dir.path().join("home"));
    for (k, v) in &env.vars {
        if k == "BROWSER" || k == "SCRIPTED_OUT" {
            remote.env(k, v);
        }
    }
    let mut remote = Proxy::spawn(remote);
    remote.start();

    let runs = cfg.runs.max(50);
    let (mut ours, mut theirs, mut other) = (Vec::new(), Vec::new(), Vec::new());
    let mut id = 1u64;
    for round in 0..runs + 2 {
        id += 1;
        let a = proxy.tools_list(id);
        let b = {
            let msg = json!({"jsonrpc": "2.0", "id": id, "method": "tools/list"});
            let t = Instant::now();
            let answer = direct.post(&msg);
            let d = t.elapsed();
            assert!(answer.contains("\"tools\""), "{answer}");
            d
        };
        let c = remote.tools_list(id);
        if round >= 2 {
            ours.push(a);
            theirs.push(b);
            other.push(c);
        }
    }
    let (ours, theirs, other) = (median(&mut ours), median(&mut theirs), median(&mut other));
    let (peak, remote_peak) = (proxy.peak_kib(), remote.peak_kib());
    proxy.stop();
    remote.stop();

    let mut t = Table::new("MCP proxy (the SDK's example server)", &["case", "median", "reference", "median", "ratio"]);
    t.ratio(
        "`tools/list` through `oauthctl mcp proxy`",
        ours,
        "the same request sent directly (kept-alive HTTP)",
        theirs,
    );
    t.ratio(
        "`tools/list` through `mcp-remote` 0.15.1",
        other,
        "the same request sent directly (kept-alive HTTP)",
        theirs,
    );
    t.print();
    println!(
        "peak resident memory: `oauthctl mcp proxy` {:.1} MiB, `mcp-remote` {:.1} MiB\n",
        peak as f64 / 1024.0,
        remote_peak as f64 / 1024.0
    );
}
