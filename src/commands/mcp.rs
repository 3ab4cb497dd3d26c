//! `oauthctl mcp proxy NAME`: an MCP stdio server for hosts that speak only stdio (Claude Desktop,
//! Cursor, VS Code), forwarding each JSON-RPC message from stdin to the server's Streamable HTTP
//! endpoint with a fresh token, and relaying JSON and event-stream answers to stdout as JSON lines.
//! Only JSON-RPC goes to stdout; everything else to stderr.
//!
//! - The token comes from the store (refreshed under the account's lock, ahead of its expiry) and
//!   is kept in memory between messages; a 401 refreshes it once and retries.
//! - A 403 `insufficient_scope` re-authorizes with the granted and the challenged scopes, at most
//!   three times in a row; a grant that is gone is authorized again in the browser, as mcp-remote
//!   does, unless `--no-browser`: then the pending request gets a JSON-RPC error naming
//!   `oauthctl connect NAME`.
//! - `Mcp-Session-Id` and the negotiated protocol version are sent with every message after
//!   `initialize`; the server's GET stream (server-initiated messages) is opened when it has one.
//! - stdin closing ends the session (DELETE, best effort) and the proxy exits 0.

use std::io::{BufRead, Read};
use std::process::ExitCode;
use std::sync::Mutex;

use serde_json::{Value, json};

use crate::cli::{ConnectArgs, McpArgs, McpCommand, ProxyArgs};
use crate::context::Ctx;
use crate::credentials::{self, Want};
use crate::error::{Error, Kind, Result};
use crate::http::{Http, Request};
use crate::mcp::discovery::parse_challenge;
use crate::mcp::sse;
use crate::secret::Secret;
use crate::store::index::Entry;

pub fn run(ctx: &Ctx, args: &McpArgs) -> Result<ExitCode> {
    match &args.command {
        McpCommand::Proxy(a) => proxy(ctx, a),
    }
}

/// Re-authorizations in a row after which a 403 is relayed as it is.
const MAX_STEP_UPS: u32 = 3;
/// The longest line read from stdin.
const MAX_LINE: usize = 16 * 1024 * 1024;

struct Proxy<'a> {
    ctx: &'a Ctx,
    entry: Mutex<Entry>,
    url: String,
    no_browser: bool,
    token: Mutex<Option<(Secret, Option<i64>)>>,
    session: Mutex<Option<String>>,
    version: Mutex<Option<String>>,
    /// Serializes re-authorizations (one browser at a time).
    authorizing: Mutex<u32>,
}

/// Why a message could not be forwarded; the requester gets a JSON-RPC error.
struct Failure {
    code: i64,
    message: String,
}

fn proxy(ctx: &Ctx, args: &ProxyArgs) -> Result<ExitCode> {
    let entry = credentials::find(ctx, &args.target)?;
    let record = ctx.stores().load_existing(&entry)?;
    let provider = credentials::provider_of(ctx, &record)?;
    let url = provider.mcp_url.clone().ok_or_else(|| {
        Error::usage(format!("{} is not an MCP server", entry.provider))
            .with_hint("connect an MCP server by its URL first: oauthctl connect https://…/mcp")
    })?;
    ctx.ui.info(format!("oauthctl: proxying stdio to {url} as {}", entry.key()));
    let p = Proxy {
        ctx,
        entry: Mutex::new(entry),
        url,
        no_browser: args.no_browser,
        token: Mutex::new(None),
        session: Mutex::new(None),
        version: Mutex::new(None),
        authorizing: Mutex::new(0),
    };
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    std::thread::scope(|scope| {
        loop {
            let mut line = Vec::new();
            match input.by_ref().take(MAX_LINE as u64).read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let msg: Value = match serde_json::from_str(text) {
                Ok(v) => v,
                Err(e) => {
                    p.emit(&json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": format!("parse error: {e}")}}));
                    continue;
                }
            };
            if msg["method"] == "initialize" {
                // Everything after it needs the session it opens.
                p.handle(&msg);
                p.open_stream();
            } else {
                let p = &p;
                scope.spawn(move || p.handle(&msg));
            }
        }
    });
    p.end_session();
    Ok(ExitCode::SUCCESS)
}

impl Proxy<'_> {
    fn http(&self) -> &Http {
        self.ctx.http()
    }

    /// One JSON-RPC message on stdout, on one line.
    fn emit(&self, v: &Value) {
        let _ = self.ctx.ui.data(&format!("{}\n", serde_json::to_string(v).expect("JSON values serialize")));
    }

    fn handle(&self, msg: &Value) {
        let Err(f) = self.forward(msg) else { return };
        match msg.get("id").filter(|_| msg.get("method").is_some()) {
            Some(id) => {
                self.emit(&json!({"jsonrpc": "2.0", "id": id, "error": {"code": f.code, "message": f.message}}))
            }
            // A notification (or a response) has no one to answer: stderr says it.
            None => self.ctx.ui.warn(format!("oauthctl: {}", f.message)),
        }
    }

    /// A token valid for another minute, from memory or the store.
    fn token(&self, force: bool) -> std::result::Result<Secret, Failure> {
        let now = crate::clock::now();
        if !force
            && let Some((t, exp)) = self.token.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
            && exp.is_none_or(|e| e - now > 60)
        {
            return Ok(t.clone());
        }
        let entry = self.entry.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let fresh = credentials::ensure_fresh(self.ctx, &entry, &Want { min_valid: 60, force, token: None }, None);
        let record = match fresh {
            Ok((r, _)) => r,
            Err(e) if e.kind == Kind::Reauth => {
                self.authorize(&[], &format!("the grant is gone ({})", e.message))?;
                return self.token(false);
            }
            Err(e) => {
                return Err(Failure { code: -32001, message: format!("no token for {}: {}", entry.key(), e.message) });
            }
        };
        *self.token.lock().unwrap_or_else(|e| e.into_inner()) = Some((record.access_token.clone(), record.expires_at));
        Ok(record.access_token)
    }

    /// Runs the browser flow again (more scopes, or a lost grant), one at a time.
    fn authorize(&self, more_scopes: &[String], why: &str) -> std::result::Result<(), Failure> {
        let entry = self.entry.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let connect = format!("oauthctl connect {}", entry.provider);
        if self.no_browser {
            return Err(Failure {
                code: -32001,
                message: format!("{} needs authorization ({why}): run `{connect}`", entry.key()),
            });
        }
        let mut rounds = self.authorizing.lock().unwrap_or_else(|e| e.into_inner());
        if *rounds >= MAX_STEP_UPS {
            return Err(Failure {
                code: -32001,
                message: format!(
                    "{} was authorized {MAX_STEP_UPS} times in a row and still refused: run `{connect}`",
                    entry.key()
                ),
            });
        }
        *rounds += 1;
        self.ctx.ui.warn(format!("{why}: opening the browser to authorize {} again", entry.key()));
        let args = ConnectArgs {
            provider: entry.provider.clone(),
            name: None,
            client_metadata_url: None,
            strict: false,
            account: Some(entry.account.clone()),
            client: crate::cli::ClientArgs { client_id: None, client_secret_stdin: false, client_secrets_file: None },
            scopes: more_scopes.to_vec(),
            params: Vec::new(),
            port: None,
            redirect_uri: None,
            device: false,
            no_browser: false,
            timeout: None,
            paste: false,
            via: None,
            workspace_name: None,
            connector_type: None,
            fields: Vec::new(),
            catalog_entry: None,
            bearer_token_stdin: false,
        };
        super::connect::run(self.ctx, &args).map_err(|e| Failure {
            code: -32001,
            message: format!("authorizing {} failed: {}; run `{connect}`", entry.key(), e.message),
        })?;
        *self.token.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(())
    }

    fn request(&self, method: &'static str, token: &Secret, body: Option<&Value>) -> Request {
        let mut req = Request::new(method, &self.url).bearer(token.expose());
        req = req.header(
            "Accept",
            if method == "GET" { "text/event-stream" } else { "application/json, text/event-stream" },
        );
        if let Some(s) = self.session.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            req = req.header("Mcp-Session-Id", s.as_str());
        }
        if let Some(v) = self.version.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            req = req.header("MCP-Protocol-Version", v.as_str());
        }
        match body {
            Some(b) => req.json(b),
            None => req,
        }
    }

    fn forward(&self, msg: &Value) -> std::result::Result<(), Failure> {
        let mut refreshed = false;
        loop {
            let token = self.token(false)?;
            let resp = self
                .http()
                .stream(&self.request("POST", &token, Some(msg)))
                .map_err(|e| Failure { code: -32002, message: format!("{}: {e}", self.url) })?;
            if let Some(s) = resp.header("mcp-session-id") {
                *self.session.lock().unwrap_or_else(|e| e.into_inner()) = Some(s.to_string());
            }
            match resp.status {
                200..=299 => {
                    *self.authorizing.lock().unwrap_or_else(|e| e.into_inner()) = 0;
                    self.relay(resp, msg);
                    return Ok(());
                }
                401 if !refreshed => {
                    refreshed = true;
                    self.ctx.ui.info("oauthctl: the server refused the token (401): refreshing it");
                    self.token(true)?;
                }
                401 => self.authorize(&[], "the server refused a fresh token (401)")?,
                403 => {
                    let challenge = resp.header("www-authenticate").and_then(parse_challenge).unwrap_or_default();
                    if challenge.error.as_deref() != Some("insufficient_scope") {
                        return Err(self.http_failure(resp));
                    }
                    let granted = self.entry.lock().unwrap_or_else(|e| e.into_inner()).scopes.clone();
                    let wanted: Vec<String> =
                        challenge.scope.unwrap_or_default().split_whitespace().map(str::to_string).collect();
                    let mut union = granted;
                    union.extend(wanted);
                    self.authorize(&union, "the server needs more scope (403 insufficient_scope)")?;
                    self.reload_entry();
                }
                _ => return Err(self.http_failure(resp)),
            }
        }
    }

    fn reload_entry(&self) {
        let key = self.entry.lock().unwrap_or_else(|e| e.into_inner()).key();
        if let Ok(e) = credentials::find(self.ctx, &key) {
            *self.entry.lock().unwrap_or_else(|p| p.into_inner()) = e;
        }
    }

    fn http_failure(&self, mut resp: crate::http::Streamed) -> Failure {
        let mut body = String::new();
        let _ = resp.body.by_ref().take(4096).read_to_string(&mut body);
        Failure {
            code: -32002,
            message: format!("{} answered HTTP {}: {}", self.url, resp.status, crate::http::snippet(&body, 200)),
        }
    }

    /// Relays an answer: one JSON document, or each event of a stream. A message that is valid
    /// JSON on one line goes out as the server wrote it.
    fn relay(&self, resp: crate::http::Streamed, request: &Value) {
        let is_initialize = request["method"] == "initialize";
        let on_message = |text: &str| {
            let Ok(v) = serde_json::from_str::<Value>(text) else { return };
            if is_initialize && let Some(ver) = v["result"]["protocolVersion"].as_str() {
                *self.version.lock().unwrap_or_else(|e| e.into_inner()) = Some(ver.to_string());
            }
            let text = text.trim();
            if text.contains('\n') {
                self.emit(&v);
            } else {
                let _ = self.ctx.ui.data(&format!("{text}\n"));
            }
        };
        if resp.content_type.starts_with("text/event-stream") {
            sse::read_events(std::io::BufReader::new(resp.body), |data| {
                on_message(data);
                true
            });
        } else if resp.status != 202 {
            let mut body = Vec::new();
            let _ = resp.body.take(MAX_LINE as u64).read_to_end(&mut body);
            on_message(&String::from_utf8_lossy(&body));
        }
    }

    /// The server's GET stream, when it offers one: server-initiated messages, relayed as they
    /// come, on a thread of its own for as long as the server keeps it open.
    fn open_stream(&self) {
        let Ok(token) = self.token(false) else { return };
        let req = self.request("GET", &token, None);
        let http = Http::new(&self.ctx.ui, &self.ctx.env);
        let ui = self.ctx.ui.clone();
        std::thread::spawn(move || {
            let Ok(resp) = http.stream(&req) else { return };
            if resp.status != 200 || !resp.content_type.starts_with("text/event-stream") {
                ui.trace(format!("no server stream (GET answered {})", resp.status));
                return;
            }
            sse::read_events(std::io::BufReader::new(resp.body), |data| {
                if let Ok(v) = serde_json::from_str::<Value>(data) {
                    let _ = ui.data(&format!("{}\n", serde_json::to_string(&v).expect("JSON values serialize")));
                }
                true
            });
        });
    }

    /// stdin closed: the session ends (DELETE, RFC-style courtesy; a server may not support it).
    fn end_session(&self) {
        if self.session.lock().unwrap_or_else(|e| e.into_inner()).is_none() {
            return;
        }
        if let Some((token, _)) = self.token.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            let _ = self.http().send(&self.request("DELETE", &token, None));
        }
    }
}
