//! The one HTTP client: ureq with connect and overall timeouts, no redirects followed, TLS always
//! verified, bodies capped at 4 MiB, proxies from `HTTPS_PROXY`/`NO_PROXY` (never for loopback
//! hosts). A [`Request`] carries its own secrets, so its trace (`-v`) and every text made from its
//! answer hide them wherever they appear.

use std::time::{Duration, Instant};

use crate::env::Env;
use crate::output::Ui;
use crate::redact::{Redactor, is_secret_field};

const DEFAULT_TIMEOUT_SECS: u64 = 30;
const MAX_TIMEOUT_SECS: u64 = 3600;
const CONNECT_TIMEOUT_SECS: u64 = 10;
const BODY_LIMIT: u64 = 4 * 1024 * 1024;

/// A transport failure: no HTTP answer at all.
#[derive(Debug)]
pub enum Error {
    Timeout { host: String, secs: u64, what: String },
    Unreachable { host: String, detail: String },
    Interrupted,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Timeout { host, secs, what } => write!(f, "{host} did not answer within {secs}s ({what})"),
            Error::Unreachable { host, detail } => write!(f, "cannot reach {host}: {detail}"),
            Error::Interrupted => f.write_str("interrupted"),
        }
    }
}

impl std::error::Error for Error {}

pub struct Http {
    agent: ureq::Agent,
    /// For loopback hosts: never through a proxy.
    direct: ureq::Agent,
    /// For answers read as they arrive (event streams): no overall limit, only to connect.
    streaming: ureq::Agent,
    streaming_direct: ureq::Agent,
    timeout: Duration,
    ui: Ui,
}

pub struct Request {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<(String, &'static str)>,
    secrets: Redactor,
}

/// Method and URL only: headers and bodies may hold secrets.
impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Request({} {})", self.method, self.secrets.url(&self.url))
    }
}

impl Request {
    pub fn new(method: &'static str, url: impl Into<String>) -> Self {
        Request {
            method,
            url: url.into(),
            headers: vec![("Accept".into(), "application/json".into())],
            body: None,
            secrets: Redactor::new(),
        }
    }
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
        self
    }
    /// A header whose value is secret (an API key, Basic credentials).
    pub fn secret_header(self, name: &str, value: impl Into<String>) -> Self {
        let value = value.into();
        let credential = value.split_once(' ').map_or(value.as_str(), |(_, c)| c).to_string();
        self.secret(&credential).header(name, value)
    }
    pub fn bearer(self, token: &str) -> Self {
        self.secret_header("Authorization", format!("Bearer {token}"))
    }
    /// Registers a secret this request carries (in its body, headers or URL).
    pub fn secret(mut self, value: &str) -> Self {
        self.secrets.add(value);
        self
    }
    pub fn form<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            if is_secret_field(k.as_ref()) {
                self.secrets.add(v.as_ref());
            }
            ser.append_pair(k.as_ref(), v.as_ref());
        }
        self.body = Some((ser.finish(), "application/x-www-form-urlencoded"));
        self
    }
    pub fn json(mut self, value: &serde_json::Value) -> Self {
        self.body = Some((value.to_string(), "application/json"));
        self
    }
    pub fn secrets(&self) -> &Redactor {
        &self.secrets
    }
}

pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub location: Option<String>,
    pub www_authenticate: Option<String>,
    pub body: String,
    /// The request's secrets: anything shown of this answer passes through it.
    pub redactor: Redactor,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Response({} {}, {} bytes)", self.status, self.content_type, self.body.len())
    }
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }
    pub fn is_json(&self) -> bool {
        self.json().is_some()
    }
    /// The start of the body, one line, secrets hidden, for error messages.
    pub fn snippet(&self) -> String {
        snippet(&self.redactor.text(&self.body), 160)
    }
    /// Text that came from this answer, before it is shown: the request's secrets hidden.
    pub fn scrub(&self, text: &str) -> String {
        self.redactor.text(text)
    }
    #[cfg(test)]
    pub fn test(status: u16, content_type: &str, body: &str) -> Self {
        Response {
            status,
            content_type: content_type.into(),
            location: None,
            www_authenticate: None,
            body: body.into(),
            redactor: Redactor::new(),
        }
    }
}

/// `text` flattened to one line and cut to `max` characters (marked with `…`).
pub fn snippet(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = flat.chars().take(max).collect();
    if flat.chars().count() > max {
        s.push('…');
    }
    if s.is_empty() { "(empty body)".into() } else { s }
}

impl Http {
    pub fn new(ui: &Ui, env: &Env) -> Self {
        let secs = env.seconds("OAUTHCTL_HTTP_TIMEOUT", DEFAULT_TIMEOUT_SECS, MAX_TIMEOUT_SECS);
        let timeout = Duration::from_secs(secs);
        let config = |proxy: Option<ureq::Proxy>, global: Option<Duration>| {
            ureq::Agent::config_builder()
                .timeout_global(global)
                // A stream may last as long as the server keeps it, but its answer must begin.
                .timeout_recv_response(Some(timeout))
                .timeout_connect(Some(Duration::from_secs(CONNECT_TIMEOUT_SECS.min(secs))))
                .max_redirects(0)
                .max_redirects_will_error(false)
                .http_status_as_error(false)
                .user_agent(concat!("oauthctl/", env!("CARGO_PKG_VERSION")))
                .proxy(proxy)
                .build()
        };
        Http {
            agent: config(ureq::Proxy::try_from_env(), Some(timeout)).into(),
            direct: config(None, Some(timeout)).into(),
            streaming: config(ureq::Proxy::try_from_env(), None).into(),
            streaming_direct: config(None, None).into(),
            timeout,
            ui: ui.clone(),
        }
    }

    /// One request. Any HTTP status is an answer for the caller to interpret.
    pub fn send(&self, req: &Request) -> Result<Response, Error> {
        let r = &req.secrets;
        self.ui.trace(format!("→ {} {}", req.method, r.url(&req.url)));
        if let Some((body, _)) = &req.body {
            self.ui.trace(format!("  body: {}", r.body(body)));
        }
        let started = Instant::now();
        let result = self.send_inner(req);
        match &result {
            Ok(resp) => {
                self.ui.trace(format!(
                    "← {} {} ({} ms)",
                    resp.status,
                    resp.content_type,
                    started.elapsed().as_millis()
                ));
                self.ui.trace(format!("  body: {}", r.body(&resp.body)));
            }
            Err(e) => self.ui.trace(format!("← failed after {} ms: {e}", started.elapsed().as_millis())),
        }
        result
    }

    /// `send`, retried up to 3 times with backoff on transport failures and 5xx answers (never on
    /// 4xx: those are answers). `keep_going` is asked before each retry (an interrupted run stops).
    pub fn send_with_retries(&self, req: &Request) -> Result<Response, Error> {
        self.send_retrying(req, &mut || true)
    }

    pub fn send_retrying(&self, req: &Request, keep_going: &mut dyn FnMut() -> bool) -> Result<Response, Error> {
        let mut delay = Duration::from_millis(250);
        for attempt in 0..=3 {
            let result = self.send(req);
            let retry = match &result {
                Ok(r) => r.status >= 500,
                Err(Error::Interrupted) => false,
                Err(_) => true,
            };
            if !retry || attempt == 3 {
                return result;
            }
            if !keep_going() {
                return Err(Error::Interrupted);
            }
            self.ui.trace(format!("retrying in {} ms", delay.as_millis()));
            std::thread::sleep(delay);
            if !keep_going() {
                return Err(Error::Interrupted);
            }
            delay *= 2;
        }
        unreachable!("the loop returns on its last attempt")
    }

    fn send_inner(&self, req: &Request) -> Result<Response, Error> {
        let mut builder = ureq::http::Request::builder().method(req.method).uri(&req.url);
        for (name, value) in &req.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let host = host_of(&req.url);
        let agent = if is_loopback_url(&req.url) { &self.direct } else { &self.agent };
        let fail = |e: ureq::Error| -> Error {
            match e {
                ureq::Error::Timeout(_) => Error::Timeout {
                    host: host.clone(),
                    secs: self.timeout.as_secs(),
                    what: format!("{} {}", req.method, req.secrets.url(&req.url)),
                },
                other => Error::Unreachable { host: host.clone(), detail: req.secrets.text(&other.to_string()) },
            }
        };
        let bad = |e: ureq::http::Error| Error::Unreachable { host: host.clone(), detail: format!("bad request: {e}") };
        let response = match &req.body {
            Some((body, content_type)) => {
                agent.run(builder.header("Content-Type", *content_type).body(body.clone()).map_err(bad)?)
            }
            None => agent.run(builder.body(()).map_err(bad)?),
        };
        let mut response = response.map_err(fail)?;
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let content_type = header("content-type").unwrap_or_default();
        let location = header("location");
        let www_authenticate = header("www-authenticate");
        let body = response.body_mut().with_config().limit(BODY_LIMIT).read_to_string().map_err(fail)?;
        Ok(Response { status, content_type, location, www_authenticate, body, redactor: req.secrets.clone() })
    }
}

/// An answer whose body is read as it arrives.
pub struct Streamed {
    pub status: u16,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
    pub body: Box<dyn std::io::Read + Send>,
}

impl Streamed {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl Http {
    /// One request whose answer is handed back unread (an event stream may last as long as the
    /// server keeps it open). Connecting has the usual limit; reading has none.
    pub fn stream(&self, req: &Request) -> Result<Streamed, Error> {
        let r = &req.secrets;
        self.ui.trace(format!("→ {} {} (streamed)", req.method, r.url(&req.url)));
        if let Some((body, _)) = &req.body {
            self.ui.trace(format!("  body: {}", r.body(body)));
        }
        let host = host_of(&req.url);
        let mut builder = ureq::http::Request::builder().method(req.method).uri(&req.url);
        for (name, value) in &req.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let agent = if is_loopback_url(&req.url) { &self.streaming_direct } else { &self.streaming };
        let bad = |e: ureq::http::Error| Error::Unreachable { host: host.clone(), detail: format!("bad request: {e}") };
        let fail = |e: ureq::Error| Error::Unreachable { host: host.clone(), detail: req.secrets.text(&e.to_string()) };
        let response = match &req.body {
            Some((body, ct)) => agent.run(builder.header("Content-Type", *ct).body(body.clone()).map_err(bad)?),
            None => agent.run(builder.body(()).map_err(bad)?),
        }
        .map_err(fail)?;
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_string(), v.to_string())))
            .collect();
        let content_type =
            headers.iter().find(|(k, _)| k == "content-type").map(|(_, v)| v.clone()).unwrap_or_default();
        self.ui.trace(format!("← {status} {content_type} (streamed)"));
        Ok(Streamed { status, content_type, headers, body: Box::new(response.into_body().into_reader()) })
    }
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
        })
        .unwrap_or_else(|| url.to_string())
}

fn is_loopback_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| crate::providers::is_loopback_host(&u))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_are_encoded_and_secret_fields_registered() {
        let r =
            Request::new("POST", "http://127.0.0.1/t").form([("a", "b c"), ("d", "&="), ("client_secret", "s3cr3t-v")]);
        assert_eq!(r.body.as_ref().unwrap().0, "a=b+c&d=%26%3D&client_secret=s3cr3t-v");
        assert_eq!(r.secrets().text("echo s3cr3t-v"), "echo [redacted]");
    }

    #[test]
    fn debug_shows_no_header_or_body() {
        let r = Request::new("POST", "http://127.0.0.1/t?code=abcdefg")
            .bearer("tok-123456")
            .json(&serde_json::json!({"a":"b"}));
        let text = format!("{r:?}");
        assert!(!text.contains("tok-123456") && !text.contains("abcdefg"), "{text}");
    }

    #[test]
    fn bearer_tokens_are_known_secrets() {
        let r = Request::new("GET", "http://x/").bearer("live-api-key");
        assert_eq!(r.secrets().text("you sent live-api-key"), "you sent [redacted]");
    }

    #[test]
    fn snippets_are_one_short_line() {
        assert_eq!(snippet("a\n  b", 10), "a b");
        assert_eq!(snippet(&"x".repeat(20), 5), "xxxxx…");
        assert_eq!(snippet("", 5), "(empty body)");
    }
}
