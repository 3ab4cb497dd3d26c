//! The loopback callback server. It binds 127.0.0.1 (and [::1] for a `localhost` redirect) and
//! accepts exactly one thing: a GET on the redirect path, with the listener's own Host, whose
//! `state` matches. Everything else gets an error page or a 404 and the wait goes on.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;

use crate::error::{Error, Result};
use crate::oauth::pkce::constant_time_eq;

/// What the wait loop hears about.
pub enum Event {
    /// A valid authorization code; `reply` answers the browser once the flow is done.
    Code { code: String, reply: Option<tiny_http::Request> },
    /// The provider ended the flow with `error=…` (state matched).
    Denied { error: String, description: Option<String>, reply: Option<tiny_http::Request> },
    /// A request was refused and the wait goes on.
    Ignored(String),
}

/// The checks a callback (or a pasted URL) must pass.
#[derive(Clone)]
pub struct Expect {
    pub state: String,
    pub issuer: Option<String>,
}

pub enum Outcome {
    Code(String),
    Denied { error: String, description: Option<String> },
    Reject(String),
}

impl Expect {
    /// Classifies the query of a redirect: state first (nothing is believed without it), then `iss`
    /// (RFC 9207, when the provider names its issuer), then `error` or `code`.
    pub fn classify(&self, query: &str) -> Outcome {
        let mut pairs = std::collections::HashMap::new();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            pairs.entry(k.into_owned()).or_insert_with(|| v.into_owned());
        }
        match pairs.get("state") {
            None => return Outcome::Reject("no state parameter".into()),
            Some(s) if !constant_time_eq(s, &self.state) => {
                return Outcome::Reject("state does not match this sign-in".into());
            }
            Some(_) => {}
        }
        if let (Some(iss), Some(expected)) = (pairs.get("iss"), &self.issuer)
            && iss.trim_end_matches('/') != expected.trim_end_matches('/')
        {
            return Outcome::Reject(format!("issuer {iss:?} is not {expected:?}"));
        }
        if let Some(error) = pairs.remove("error") {
            return Outcome::Denied { error, description: pairs.remove("error_description") };
        }
        match pairs.remove("code") {
            Some(code) if !code.is_empty() => Outcome::Code(code),
            _ => Outcome::Reject("neither code nor error in the redirect".into()),
        }
    }
}

pub struct Listener {
    servers: Vec<Arc<tiny_http::Server>>,
    pub port: u16,
}

impl Listener {
    /// Binds `port` (0 = any free one) on 127.0.0.1, and on [::1] too when `ipv6` is set.
    pub fn bind(port: u16, ipv6: bool) -> Result<Self> {
        let v4 = bind_one(SocketAddr::from((Ipv4Addr::LOCALHOST, port)), port)?;
        let port = v4.local_addr().map_err(|e| Error::other(format!("listener address: {e}")))?.port();
        let mut listeners = vec![v4];
        if ipv6 {
            match TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port))) {
                Ok(l) => listeners.push(l),
                Err(e) => crate::output::trace(format!("not listening on [::1]:{port}: {e}")),
            }
        }
        let servers = listeners
            .into_iter()
            .map(|l| {
                tiny_http::Server::from_listener(l, None)
                    .map(Arc::new)
                    .map_err(|e| Error::other(format!("starting the callback server: {e}")))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Listener { servers, port })
    }

    /// Serves callbacks on background threads until the process ends or `stop` is called.
    pub fn serve(&self, path: String, hosts: Vec<String>, expect: Expect, events: Sender<Event>) {
        let done = Arc::new(AtomicBool::new(false));
        for server in &self.servers {
            let (server, path, hosts, expect, events, done) =
                (server.clone(), path.clone(), hosts.clone(), expect.clone(), events.clone(), done.clone());
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    handle(request, &path, &hosts, &expect, &events, &done);
                }
            });
        }
    }

    pub fn stop(&self) {
        for s in &self.servers {
            s.unblock();
        }
    }
}

fn bind_one(addr: SocketAddr, port: u16) -> Result<TcpListener> {
    TcpListener::bind(addr).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            Error::other(format!("port {port} on {} is already in use", addr.ip())).with_hint(
                "pick another with --port N (a Desktop-app client accepts any port), or --port 0 for any free port",
            )
        } else {
            Error::other(format!("cannot listen on {addr}: {e}"))
        }
    })
}

fn handle(
    request: tiny_http::Request,
    path: &str,
    hosts: &[String],
    expect: &Expect,
    events: &Sender<Event>,
    done: &AtomicBool,
) {
    let ignore = |request: tiny_http::Request, status: u16, title: &str, reason: String| {
        let _ = events.send(Event::Ignored(reason.clone()));
        let _ = request.respond(page(status, title, &reason));
    };
    if *request.method() != tiny_http::Method::Get {
        let m = request.method().to_string();
        return ignore(request, 405, "Method not allowed", format!("{m} request refused (only GET)"));
    }
    let host = request.headers().iter().find(|h| h.field.equiv("Host")).map(|h| h.value.as_str().to_ascii_lowercase());
    if !host.as_ref().is_some_and(|h| hosts.iter().any(|a| a == h)) {
        let shown = host.unwrap_or_else(|| "(none)".into());
        return ignore(
            request,
            400,
            "Wrong host",
            format!("request for host {shown} refused (not the loopback listener)"),
        );
    }
    let (req_path, query) = match request.url().split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (request.url().to_string(), String::new()),
    };
    if req_path != path {
        // Browsers ask for /favicon.ico; a 404 is the normal answer and not worth a message.
        if req_path != "/favicon.ico" {
            let _ = events.send(Event::Ignored(format!("request for {req_path} refused (the callback is {path})")));
        }
        let _ = request.respond(page(404, "Not found", "This is not the oauthctl callback."));
        return;
    }
    match expect.classify(&query) {
        Outcome::Reject(reason) => ignore(request, 400, "Request ignored", format!("callback ignored: {reason}")),
        _ if done.load(Ordering::SeqCst) => {
            let _ = request.respond(page(
                409,
                "Already done",
                "This sign-in was already completed. You can close this tab.",
            ));
        }
        Outcome::Denied { error, description } => {
            done.store(true, Ordering::SeqCst);
            let _ = events.send(Event::Denied { error, description, reply: Some(request) });
        }
        Outcome::Code(code) => {
            done.store(true, Ordering::SeqCst);
            let _ = events.send(Event::Code { code, reply: Some(request) });
        }
    }
}

/// A small self-contained HTML page.
pub fn page(status: u16, title: &str, message: &str) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>oauthctl: {t}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}}</style>\
         </head><body><h1>{t}</h1><p>{m}</p></body></html>",
        t = escape(title),
        m = escape(message)
    );
    tiny_http::Response::from_data(html.into_bytes())
        .with_status_code(status)
        .with_header("Content-Type: text/html; charset=utf-8".parse::<tiny_http::Header>().expect("static header"))
        .with_header("Cache-Control: no-store".parse::<tiny_http::Header>().expect("static header"))
        .with_header("Referrer-Policy: no-referrer".parse::<tiny_http::Header>().expect("static header"))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expect() -> Expect {
        Expect { state: "s1".into(), issuer: Some("http://127.0.0.1:9/".into()) }
    }

    #[test]
    fn classify_checks_state_then_issuer() {
        assert!(matches!(expect().classify("code=c&state=s1"), Outcome::Code(c) if c == "c"));
        assert!(matches!(expect().classify("code=c&state=s2"), Outcome::Reject(r) if r.contains("state")));
        assert!(matches!(expect().classify("code=c"), Outcome::Reject(r) if r.contains("no state")));
        assert!(matches!(expect().classify("code=c&state=s1&iss=http%3A%2F%2F127.0.0.1%3A9"), Outcome::Code(_)));
        assert!(
            matches!(expect().classify("code=c&state=s1&iss=http%3A%2F%2Fevil.test"), Outcome::Reject(r) if r.contains("issuer"))
        );
        assert!(matches!(expect().classify("error=access_denied&error_description=no&state=s1"),
            Outcome::Denied { error, description } if error == "access_denied" && description.as_deref() == Some("no")));
        assert!(matches!(expect().classify("error=access_denied&state=zz"), Outcome::Reject(_)));
    }

    #[test]
    fn pages_escape_html() {
        assert_eq!(escape("<a href=\"x\">&"), "&lt;a href=&quot;x&quot;&gt;&amp;");
    }

    #[test]
    fn busy_port_names_the_port_and_flag() {
        let held = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = held.local_addr().unwrap().port();
        let e = Listener::bind(port, false).err().unwrap();
        assert!(e.message.contains(&port.to_string()) && e.hint.unwrap().contains("--port"));
    }
}
