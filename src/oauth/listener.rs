//! The loopback callback server: a small HTTP/1.1 server that accepts exactly one thing, a GET on
//! the redirect path with the listener's own `Host` whose `state` matches, and then asks a
//! classifier whether the rest of the query is a valid callback (an authorization code, a hosted
//! platform's connection id, …). The `state` check is made here for every flow, never by a
//! classifier. Everything else gets an error page or a 404 and the wait goes on.
//!
//! It is built to survive a hostile local process: every connection has its own thread (small
//! stack) and a deadline for its request head, heads are capped in size, one request per
//! connection (no keep-alive, so pipelining cannot hold it), and the accept loop never stops on an
//! error: the real callback gets through 600 idle connections and a slowloris.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::pkce::constant_time_eq;

/// The first value of each query parameter.
pub type Params = BTreeMap<String, String>;

pub fn parse_query(query: &str) -> Params {
    let mut params = Params::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        params.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    params
}

/// What a classifier makes of a callback whose `state` matched.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    Accept,
    /// The flow ended with an error at the authorization server (denied, failed).
    Denied {
        error: String,
        description: Option<String>,
    },
    /// Not a valid callback; the wait goes on.
    Reject(String),
}

pub trait Classify: Send + Sync {
    fn classify(&self, params: &Params) -> Verdict;
}

/// The state check every flow gets, then the flow's classifier.
pub fn check(state: &str, params: &Params, classify: &dyn Classify) -> Verdict {
    match params.get("state") {
        None => Verdict::Reject("no state parameter".into()),
        Some(s) if !constant_time_eq(s, state) => Verdict::Reject("state does not match this sign-in".into()),
        Some(_) => classify.classify(params),
    }
}

/// An authorization-code callback (RFC 6749 §4.1.2), with RFC 9207's `iss` check: when the issuer
/// is known and `iss` is sent, they must match (on a mismatch not even an error is believed);
/// when the server is known to send `iss`, a code without it is refused (an error without it may
/// still end the flow: some servers omit it there).
pub struct CodeCallback {
    pub issuer: Option<String>,
    pub iss_required: bool,
}

impl Classify for CodeCallback {
    fn classify(&self, p: &Params) -> Verdict {
        if let (Some(iss), Some(expected)) = (p.get("iss"), &self.issuer)
            && !crate::providers::discovery::same_issuer(iss, expected)
        {
            return Verdict::Reject(format!("issuer {iss:?} is not {expected:?}"));
        }
        if let Some(error) = p.get("error") {
            return Verdict::Denied { error: error.clone(), description: p.get("error_description").cloned() };
        }
        match p.get("code") {
            Some(code) if !code.is_empty() => {
                if self.iss_required && !p.contains_key("iss") {
                    let who = self.issuer.as_deref().unwrap_or("this server");
                    return Verdict::Reject(format!("no iss, although {who} always sends one (RFC 9207)"));
                }
                Verdict::Accept
            }
            _ => Verdict::Reject("neither code nor error in the redirect".into()),
        }
    }
}

/// The browser's connection, held until the flow knows what to tell it.
pub struct Reply(Box<dyn Write + Send>);

impl Reply {
    pub fn page(mut self, status: u16, title: &str, message: &str) {
        let _ = self.0.write_all(&page(status, title, message));
        let _ = self.0.flush();
    }
}

pub enum Event {
    Accepted {
        params: Params,
        reply: Option<Reply>,
    },
    Denied {
        error: String,
        description: Option<String>,
        reply: Option<Reply>,
    },
    /// A request or pasted line was refused and the wait goes on.
    Ignored(String),
}

#[derive(Debug)]
pub enum BindError {
    InUse(SocketAddr),
    Other(SocketAddr, std::io::Error),
}

impl std::fmt::Display for BindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BindError::InUse(a) => write!(f, "port {} on {} is already in use", a.port(), a.ip()),
            BindError::Other(a, e) => write!(f, "cannot listen on {a}: {e}"),
        }
    }
}

impl std::error::Error for BindError {}

pub struct Listener {
    sockets: Vec<TcpListener>,
    pub port: u16,
    /// Why `[::1]` could not be bound when it was asked for (the caller warns).
    pub ipv6_unavailable: Option<String>,
}

/// What a valid callback looks like, besides its classifier.
#[derive(Clone)]
pub struct Route {
    pub path: String,
    /// `Host` values accepted (`127.0.0.1:PORT`, …), lowercase.
    pub hosts: Vec<String>,
    pub state: String,
}

const MAX_HEAD: usize = 16 * 1024;
const HEAD_DEADLINE: Duration = Duration::from_secs(10);
const MAX_CONNECTIONS: usize = 2048;

impl Listener {
    /// Binds `port` (0 = any free one) on 127.0.0.1, and on [::1] too when `ipv6` is set.
    pub fn bind(port: u16, ipv6: bool) -> Result<Self, BindError> {
        let bind = |addr: SocketAddr| {
            TcpListener::bind(addr).map_err(|e| match e.kind() {
                std::io::ErrorKind::AddrInUse => BindError::InUse(addr),
                _ => BindError::Other(addr, e),
            })
        };
        let v4 = bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))?;
        let port =
            v4.local_addr().map_err(|e| BindError::Other(SocketAddr::from((Ipv4Addr::LOCALHOST, port)), e))?.port();
        let mut sockets = vec![v4];
        let mut ipv6_unavailable = None;
        if ipv6 {
            match bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port))) {
                Ok(l) => sockets.push(l),
                Err(e) => ipv6_unavailable = Some(e.to_string()),
            }
        }
        Ok(Listener { sockets, port, ipv6_unavailable })
    }

    /// Serves callbacks on background threads until the returned [`Server`] is stopped or dropped.
    pub fn serve(self, route: Route, classify: Arc<dyn Classify>, events: Sender<Event>) -> Server {
        self.serve_with(route, classify, events, None)
    }

    /// [`serve`](Self::serve), over TLS when `tls` is given (an https loopback redirect).
    pub fn serve_with(
        self,
        route: Route,
        classify: Arc<dyn Classify>,
        events: Sender<Event>,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> Server {
        let shared = Arc::new(Shared {
            tls,
            route,
            classify,
            events: Mutex::new(events),
            done: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            active: AtomicUsize::new(0),
        });
        let mut addrs = Vec::new();
        for socket in self.sockets {
            if let Ok(a) = socket.local_addr() {
                addrs.push(a);
            }
            let shared = shared.clone();
            std::thread::spawn(move || accept_loop(socket, shared));
        }
        Server { shared, addrs }
    }
}

struct Shared {
    tls: Option<Arc<rustls::ServerConfig>>,
    route: Route,
    classify: Arc<dyn Classify>,
    events: Mutex<Sender<Event>>,
    done: AtomicBool,
    stop: AtomicBool,
    active: AtomicUsize,
}

impl Shared {
    fn send(&self, e: Event) {
        let _ = self.events.lock().unwrap_or_else(|p| p.into_inner()).send(e);
    }
}

pub struct Server {
    shared: Arc<Shared>,
    addrs: Vec<SocketAddr>,
}

impl Server {
    pub fn stop(&self) {
        if !self.shared.stop.swap(true, Ordering::SeqCst) {
            for a in &self.addrs {
                // Wakes the accept loop so it sees the flag.
                let _ = TcpStream::connect_timeout(a, Duration::from_millis(200));
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(socket: TcpListener, shared: Arc<Shared>) {
    loop {
        let accepted = socket.accept();
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let stream = match accepted {
            Ok((s, _)) => s,
            // Out of file descriptors, a connection reset before accept: wait a moment and go on.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        if shared.active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            continue;
        }
        shared.active.fetch_add(1, Ordering::SeqCst);
        let s = shared.clone();
        let spawned = std::thread::Builder::new().stack_size(128 * 1024).spawn(move || {
            handle(stream, &s);
            s.active.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            shared.active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// The request head: method, target, and the headers that matter.
struct Head {
    method: String,
    target: String,
    hosts: Vec<String>,
}

enum HeadError {
    TooLarge,
    Malformed,
    /// Timed out or closed before a whole head arrived: nothing is worth an answer.
    Gone,
}

fn read_head(stream: &mut impl Read) -> Result<Head, HeadError> {
    let started = Instant::now();
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            if i > MAX_HEAD {
                return Err(HeadError::TooLarge);
            }
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
        if started.elapsed() > HEAD_DEADLINE {
            return Err(HeadError::Gone);
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Err(HeadError::Gone),
        }
    };
    let text = std::str::from_utf8(&buf[..end]).map_err(|_| HeadError::Malformed)?;
    let mut lines = text.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version)) = (first.next(), first.next(), first.next()) else {
        return Err(HeadError::Malformed);
    };
    if !version.starts_with("HTTP/1.") || first.next().is_some() {
        return Err(HeadError::Malformed);
    }
    let hosts = lines
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| k.trim().eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.trim().to_ascii_lowercase())
        .collect();
    Ok(Head { method: method.to_string(), target: target.to_string(), hosts })
}

fn handle(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_nodelay(true);
    match &shared.tls {
        None => handle_on(stream, shared),
        Some(config) => {
            if let Ok(conn) = rustls::ServerConnection::new(config.clone()) {
                handle_on(rustls::StreamOwned::new(conn, stream), shared)
            }
        }
    }
}

fn handle_on<S: Read + Write + Send + 'static>(mut stream: S, shared: &Shared) {
    let head = match read_head(&mut stream) {
        Ok(h) => h,
        Err(HeadError::TooLarge) => return respond(stream, 431, "Request too large", "The request head is too large."),
        Err(HeadError::Malformed) => return respond(stream, 400, "Bad request", "Not an HTTP/1.x request."),
        Err(HeadError::Gone) => return,
    };
    let route = &shared.route;
    let ignore = |stream: S, status: u16, title: &str, reason: String| {
        shared.send(Event::Ignored(reason.clone()));
        respond(stream, status, title, &reason);
    };
    if head.method != "GET" {
        return ignore(stream, 405, "Method not allowed", format!("{} request refused (only GET)", head.method));
    }
    match head.hosts.as_slice() {
        [host] if route.hosts.iter().any(|h| h == host) => {}
        [] => return ignore(stream, 400, "Wrong host", "request without a Host header refused".into()),
        [host] => {
            return ignore(
                stream,
                400,
                "Wrong host",
                format!("request for host {host} refused (not the loopback listener)"),
            );
        }
        _ => return ignore(stream, 400, "Wrong host", "request with more than one Host header refused".into()),
    }
    let (path, query) = head.target.split_once('?').unwrap_or((head.target.as_str(), ""));
    if path != route.path {
        // Browsers ask for /favicon.ico; a 404 is the normal answer and not worth a message.
        if path != "/favicon.ico" {
            shared.send(Event::Ignored(format!("request for {path} refused (the callback is {})", route.path)));
        }
        return respond(stream, 404, "Not found", "This is not the oauthctl callback.");
    }
    let params = parse_query(query);
    match check(&route.state, &params, shared.classify.as_ref()) {
        Verdict::Reject(reason) => ignore(stream, 400, "Request ignored", format!("callback ignored: {reason}")),
        _ if shared.done.load(Ordering::SeqCst) => {
            respond(stream, 409, "Already done", "This sign-in was already completed. You can close this tab.")
        }
        Verdict::Denied { error, description } => {
            shared.done.store(true, Ordering::SeqCst);
            shared.send(Event::Denied { error, description, reply: Some(Reply(Box::new(stream))) });
        }
        Verdict::Accept => {
            shared.done.store(true, Ordering::SeqCst);
            shared.send(Event::Accepted { params, reply: Some(Reply(Box::new(stream))) });
        }
    }
}

fn respond(mut stream: impl Write, status: u16, title: &str, message: &str) {
    let _ = stream.write_all(&page(status, title, message));
    let _ = stream.flush();
}

/// A small self-contained HTML page as a whole HTTP response.
pub fn page(status: u16, title: &str, message: &str) -> Vec<u8> {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>oauthctl: {t}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}}</style>\
         </head><body><h1>{t}</h1><p>{m}</p></body></html>",
        t = escape(title),
        m = escape(message)
    );
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        431 => "Request Header Fields Too Large",
        _ => "Error",
    };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\n\
         Connection: close\r\n\r\n",
        html.len()
    )
    .into_bytes();
    out.extend_from_slice(html.as_bytes());
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A TLS configuration with a certificate made now for 127.0.0.1, ::1 and localhost. Browsers
/// warn about it once (it is nobody's CA's); it exists for providers that accept only https
/// redirect URIs, and it never leaves this process.
pub fn self_signed_tls() -> Result<Arc<rustls::ServerConfig>, String> {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    let cert =
        rcgen::generate_simple_self_signed(names).map_err(|e| format!("making the loopback certificate: {e}"))?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(vec![cert.cert.der().clone()], key))
        .map(Arc::new)
        .map_err(|e| format!("setting up the https listener: {e}"))
}

/// The longest pasted line read; the rest of a longer line is dropped.
const MAX_PASTE_LINE: usize = 16 * 1024;

/// Reads pasted redirect URLs (or just their queries) from `input`, one per line, with the same
/// checks as the listener. Lines are capped in length and need not be UTF-8: a bad line is
/// ignored, never the end of the reader.
pub fn read_pasted(
    input: impl BufRead + Send + 'static,
    state: String,
    classify: Arc<dyn Classify>,
    events: Sender<Event>,
) {
    std::thread::spawn(move || {
        let mut input = input;
        while let Some(line) = read_line_capped(&mut input) {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let query = match url::Url::parse(line) {
                Ok(u) => u.query().unwrap_or_default().to_string(),
                Err(_) => line.trim_start_matches('?').to_string(),
            };
            let params = parse_query(&query);
            let event = match check(&state, &params, classify.as_ref()) {
                Verdict::Accept => Event::Accepted { params, reply: None },
                Verdict::Denied { error, description } => Event::Denied { error, description, reply: None },
                Verdict::Reject(reason) => Event::Ignored(format!("pasted URL ignored: {reason}")),
            };
            let stop = !matches!(event, Event::Ignored(_));
            if events.send(event).is_err() || stop {
                break;
            }
        }
    });
}

/// One line (lossy UTF-8) of at most [`MAX_PASTE_LINE`] bytes; `None` at the end of input.
fn read_line_capped(input: &mut impl BufRead) -> Option<String> {
    let mut line = Vec::new();
    loop {
        let buf = match input.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        };
        if buf.is_empty() {
            return (!line.is_empty()).then(|| String::from_utf8_lossy(&line).into_owned());
        }
        let (take, newline) = match buf.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        let room = MAX_PASTE_LINE.saturating_sub(line.len());
        line.extend_from_slice(&buf[..take.min(room)]);
        input.consume(take);
        if newline {
            return Some(String::from_utf8_lossy(&line).into_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> CodeCallback {
        CodeCallback { issuer: Some("http://127.0.0.1:9/".into()), iss_required: false }
    }

    fn verdict(c: &CodeCallback, q: &str) -> Verdict {
        check("s1", &parse_query(q), c)
    }

    #[test]
    fn state_first_then_issuer_then_error_or_code() {
        let c = code();
        assert_eq!(verdict(&c, "code=c&state=s1"), Verdict::Accept);
        assert!(matches!(verdict(&c, "code=c&state=s2"), Verdict::Reject(r) if r.contains("state")));
        assert!(matches!(verdict(&c, "code=c"), Verdict::Reject(r) if r.contains("no state")));
        assert_eq!(verdict(&c, "code=c&state=s1&iss=http%3A%2F%2F127.0.0.1%3A9"), Verdict::Accept);
        assert!(
            matches!(verdict(&c, "code=c&state=s1&iss=http%3A%2F%2Fevil.test"), Verdict::Reject(r) if r.contains("issuer"))
        );
        assert!(matches!(verdict(&c, "error=access_denied&error_description=no&state=s1"),
            Verdict::Denied { error, description } if error == "access_denied" && description.as_deref() == Some("no")));
        assert!(matches!(verdict(&c, "error=access_denied&state=zz"), Verdict::Reject(_)));
        assert!(
            matches!(verdict(&c, "error=access_denied&state=s1&iss=http%3A%2F%2Fevil.test"), Verdict::Reject(_)),
            "an error from another issuer is not believed either"
        );
    }

    #[test]
    fn a_server_known_to_send_iss_must_send_it_with_a_code() {
        let c = CodeCallback { iss_required: true, ..code() };
        assert!(matches!(verdict(&c, "code=c&state=s1"), Verdict::Reject(r) if r.contains("RFC 9207")));
        assert_eq!(verdict(&c, "code=c&state=s1&iss=http%3A%2F%2F127.0.0.1%3A9%2F"), Verdict::Accept);
        assert!(matches!(verdict(&c, "error=access_denied&state=s1"), Verdict::Denied { .. }), "errors may omit iss");
    }

    #[test]
    fn pages_escape_html() {
        assert_eq!(escape("<a href=\"x\">&"), "&lt;a href=&quot;x&quot;&gt;&amp;");
        let p = String::from_utf8(page(200, "T", "<b>")).unwrap();
        assert!(p.starts_with("HTTP/1.1 200 OK\r\n") && p.contains("&lt;b&gt;") && p.contains("Connection: close"));
    }

    #[test]
    fn busy_port_is_named() {
        let held = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = held.local_addr().unwrap().port();
        let e = Listener::bind(port, false).err().unwrap();
        assert!(matches!(e, BindError::InUse(a) if a.port() == port));
    }

    #[test]
    fn pasted_lines_are_capped_and_need_not_be_utf8() {
        let mut input: &[u8] = b"\xff\xfe not utf8\nsecond\n";
        assert!(read_line_capped(&mut input).unwrap().contains("not utf8"));
        assert_eq!(read_line_capped(&mut input).as_deref(), Some("second\n"));
        assert_eq!(read_line_capped(&mut input), None);
        let long = vec![b'a'; 3 * MAX_PASTE_LINE];
        let mut input: &[u8] = &long;
        assert_eq!(read_line_capped(&mut input).unwrap().len(), MAX_PASTE_LINE);
    }

    #[test]
    fn heads_are_parsed_capped_and_duplicate_hosts_seen() {
        let mut ok: &[u8] = b"GET /cb?a=1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\nHOST: x\r\n\r\n";
        let h = read_head(&mut ok).ok().unwrap();
        assert_eq!((h.method.as_str(), h.target.as_str(), h.hosts.len()), ("GET", "/cb?a=1", 2));
        let big = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_HEAD + 10));
        assert!(matches!(read_head(&mut big.as_bytes()), Err(HeadError::TooLarge)));
        assert!(matches!(read_head(&mut &b"NONSENSE\r\n\r\n"[..]), Err(HeadError::Malformed)));
    }
}
