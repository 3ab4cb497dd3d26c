//! The one HTTP client: ureq with connect and overall timeouts, no redirects followed, TLS always
//! verified, proxies from `HTTPS_PROXY`/`NO_PROXY`. `-v` traces every exchange with secrets redacted.

use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::output::{redact_body, trace};

const DEFAULT_TIMEOUT_SECS: u64 = 30;
const CONNECT_TIMEOUT_SECS: u64 = 10;

pub struct Http {
    agent: ureq::Agent,
    timeout: Duration,
}

#[derive(Debug)]
pub struct Request {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<(String, &'static str)>,
}

impl Request {
    pub fn new(method: &'static str, url: impl Into<String>) -> Self {
        Request { method, url: url.into(), headers: vec![("Accept".into(), "application/json".into())], body: None }
    }
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
        self
    }
    pub fn bearer(self, token: &str) -> Self {
        self.header("Authorization", format!("Bearer {token}"))
    }
    pub fn form<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            ser.append_pair(k.as_ref(), v.as_ref());
        }
        self.body = Some((ser.finish(), "application/x-www-form-urlencoded"));
        self
    }
    pub fn json(mut self, value: &serde_json::Value) -> Self {
        self.body = Some((value.to_string(), "application/json"));
        self
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub content_type: String,
    pub location: Option<String>,
    pub body: String,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
    /// The start of the body, one line, for error messages about answers that are not JSON.
    pub fn snippet(&self) -> String {
        let flat: String = self.body.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut s: String = flat.chars().take(160).collect();
        if flat.chars().count() > 160 {
            s.push('…');
        }
        s
    }
}

impl Http {
    pub fn new() -> Self {
        let secs = std::env::var("OAUTHCTL_HTTP_TIMEOUT")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|s| *s > 0)
            .unwrap_or(DEFAULT_TIMEOUT_SECS);
        let timeout = Duration::from_secs(secs);
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .timeout_connect(Some(Duration::from_secs(CONNECT_TIMEOUT_SECS.min(secs))))
            .max_redirects(0)
            .max_redirects_will_error(false)
            .http_status_as_error(false)
            .user_agent(concat!("oauthctl/", env!("CARGO_PKG_VERSION")))
            .build();
        Http { agent: config.into(), timeout }
    }

    /// One request; transport failures are `Remote` errors naming the host. Any HTTP status is
    /// returned for the caller to interpret.
    pub fn send(&self, req: &Request) -> Result<Response> {
        trace(format!("→ {} {}", req.method, redact_url(&req.url)));
        if let Some((body, _)) = &req.body {
            trace(format!("  body: {}", redact_body(body)));
        }
        let started = Instant::now();
        let result = self.send_inner(req);
        match &result {
            Ok(r) => {
                trace(format!("← {} {} ({} ms)", r.status, r.content_type, started.elapsed().as_millis()));
                trace(format!("  body: {}", redact_body(&r.body)));
            }
            Err(e) => trace(format!("← failed after {} ms: {}", started.elapsed().as_millis(), e.message)),
        }
        result
    }

    /// `send`, retried up to 3 times with backoff on transport failures and 5xx answers (never
    /// on 4xx: those are answers, and repeating a refused refresh cannot help).
    pub fn send_with_retries(&self, req: &Request) -> Result<Response> {
        let mut delay = Duration::from_millis(250);
        for attempt in 0..=3 {
            let result = self.send(req);
            let retry = match &result {
                Ok(r) => r.status >= 500,
                Err(e) => e.kind == crate::error::Kind::Remote,
            };
            if !retry || attempt == 3 {
                return result;
            }
            trace(format!("retrying in {} ms", delay.as_millis()));
            std::thread::sleep(delay);
            delay *= 2;
        }
        unreachable!("the loop returns on its last attempt")
    }

    fn send_inner(&self, req: &Request) -> Result<Response> {
        let mut builder = ureq::http::Request::builder().method(req.method).uri(&req.url);
        for (name, value) in &req.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let host = host_of(&req.url);
        let fail = |e: ureq::Error| -> Error {
            match e {
                ureq::Error::Timeout(_) => Error::remote(format!(
                    "{host} did not answer within {}s ({} {})",
                    self.timeout.as_secs(),
                    req.method,
                    redact_url(&req.url)
                ))
                .with_hint("check the network or proxy (HTTPS_PROXY, NO_PROXY); OAUTHCTL_HTTP_TIMEOUT sets the limit"),
                other => Error::remote(format!("cannot reach {host}: {other}"))
                    .with_hint("check the network or proxy settings (HTTPS_PROXY, NO_PROXY)"),
            }
        };
        let response = match &req.body {
            Some((body, content_type)) => {
                let request = builder
                    .header("Content-Type", *content_type)
                    .body(body.clone())
                    .map_err(|e| Error::other(format!("bad request for {host}: {e}")))?;
                self.agent.run(request)
            }
            None => {
                let request = builder.body(()).map_err(|e| Error::other(format!("bad request for {host}: {e}")))?;
                self.agent.run(request)
            }
        };
        let mut response = response.map_err(fail)?;
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let content_type = header("content-type").unwrap_or_default();
        let location = header("location");
        let body = response.body_mut().with_config().limit(4 * 1024 * 1024).read_to_string().map_err(fail)?;
        Ok(Response { status, content_type, location, body })
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

/// A URL for the trace, query values of secret fields redacted.
pub fn redact_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, query)) => format!("{base}?{}", crate::output::redact_form(query)),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bodies_are_encoded() {
        let r = Request::new("POST", "http://127.0.0.1/t").form([("a", "b c"), ("d", "&=")]);
        assert_eq!(r.body.unwrap().0, "a=b+c&d=%26%3D");
    }

    #[test]
    fn urls_in_traces_hide_codes() {
        assert_eq!(redact_url("http://x/cb?code=abc&state=s"), "http://x/cb?code=[redacted]&state=s");
    }
}
