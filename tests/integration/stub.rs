//! A small in-test OAuth server for the faults a real one will not produce: its authorization
//! endpoint approves at once, and its token endpoint answers as the test's `Mode` says.

#![allow(dead_code)]

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::util::{self, Env};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// Tokens, with or without a refresh token.
    Ok {
        refresh_token: bool,
    },
    Status500,
    Html,
    BrokenJson,
    /// `{"error": ...}` with HTTP 200 (GitHub's habit).
    Error200,
    /// Accepts and never answers.
    Hang,
    /// `invalid_grant` with HTTP 400.
    InvalidGrant,
    /// This exact answer (a body the test made, e.g. with `util::leak`).
    Raw {
        status: u16,
        body: &'static str,
    },
    /// Waits this long, then answers 503 (a slow, failing token endpoint).
    Slow503 {
        ms: u64,
    },
    /// `invalid_client` whose description, and an unknown field, echo the request's client secret.
    EchoSecret,
}

pub struct Stub {
    pub port: u16,
    pub mode: Arc<Mutex<Mode>>,
    pub token_requests: Arc<AtomicUsize>,
    pub last_token_body: Arc<Mutex<String>>,
    /// The next this-many token requests answer 503 before the mode applies.
    pub fail_first: Arc<AtomicUsize>,
}

impl Stub {
    pub fn start(mode: Mode) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stub = Stub {
            port,
            mode: Arc::new(Mutex::new(mode)),
            token_requests: Arc::new(AtomicUsize::new(0)),
            last_token_body: Arc::new(Mutex::new(String::new())),
            fail_first: Arc::new(AtomicUsize::new(0)),
        };
        let (mode, count, body, fail) =
            (stub.mode.clone(), stub.token_requests.clone(), stub.last_token_body.clone(), stub.fail_first.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let (mode, count, last, fail) = (mode.clone(), count.clone(), body.clone(), fail.clone());
                std::thread::spawn(move || {
                    let Some((method, path, _headers, body)) = util::read_request(&mut stream) else { return };
                    if method == "GET" && path.starts_with("/authorize") {
                        let redirect = util::query_param(&path, "redirect_uri").unwrap();
                        let state = util::query_param(&path, "state").unwrap();
                        let loc = format!("{redirect}?code=stub-code&state={state}");
                        return util::respond(&mut stream, 302, "text/plain", "", &format!("Location: {loc}\r\n"));
                    }
                    if method == "POST" && path == "/revoke" {
                        return util::respond(&mut stream, 200, "text/plain", "", "");
                    }
                    if method != "POST" || path != "/token" {
                        return util::respond(&mut stream, 404, "text/plain", "no", "");
                    }
                    let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                    *last.lock().unwrap() = body;
                    if fail.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
                        return util::respond(&mut stream, 503, "text/plain", "try again", "");
                    }
                    let m = *mode.lock().unwrap();
                    match m {
                        Mode::Ok { refresh_token } => {
                            let rt = if refresh_token {
                                format!(",\"refresh_token\":\"stub-rt-{n}\"")
                            } else {
                                String::new()
                            };
                            let json = format!(
                                "{{\"access_token\":\"stub-at-{n}\",\"token_type\":\"bearer\",\"expires_in\":3600,\"scope\":\"openid email\"{rt}}}"
                            );
                            util::respond(&mut stream, 200, "application/json", &json, "")
                        }
                        Mode::Status500 => {
                            util::respond(&mut stream, 500, "application/json", "{\"message\":\"internal\"}", "")
                        }
                        Mode::Html => util::respond(
                            &mut stream,
                            502,
                            "text/html",
                            "<html><body><h1>502 Bad Gateway</h1></body></html>",
                            "",
                        ),
                        Mode::BrokenJson => util::respond(
                            &mut stream,
                            200,
                            "application/json",
                            "{\"access_token\":\"stub-at-half\",",
                            "",
                        ),
                        Mode::Error200 => util::respond(
                            &mut stream,
                            200,
                            "application/json",
                            "{\"error\":\"bad_verification_code\",\"error_description\":\"The code passed is incorrect or expired.\"}",
                            "",
                        ),
                        Mode::InvalidGrant => util::respond(
                            &mut stream,
                            400,
                            "application/json",
                            "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}",
                            "",
                        ),
                        Mode::Hang => std::thread::sleep(Duration::from_secs(120)),
                        Mode::Raw { status, body } => util::respond(&mut stream, status, "application/json", body, ""),
                        Mode::Slow503 { ms } => {
                            std::thread::sleep(Duration::from_millis(ms));
                            util::respond(&mut stream, 503, "text/plain", "try again", "")
                        }
                        Mode::EchoSecret => {
                            let body = last.lock().unwrap().clone();
                            let secret = url::form_urlencoded::parse(body.as_bytes())
                                .find(|(k, _)| k == "client_secret")
                                .map(|(_, v)| v.into_owned())
                                .unwrap_or_default();
                            let json = serde_json::json!({
                                "error": "invalid_client",
                                "error_description": format!("client secret {secret} is wrong"),
                                "debug": {"you_sent": secret},
                            });
                            util::respond(&mut stream, 401, "application/json", &json.to_string(), "")
                        }
                    }
                });
            }
        });
        stub
    }

    pub fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// providers.toml pointing `name` at this stub.
    pub fn configure(&self, env: &Env, name: &str) {
        let b = self.base();
        env.write_providers(&format!(
            "[providers.{name}]\nauthorization_url = \"{b}/authorize\"\ntoken_url = \"{b}/token\"\nrevocation_url = \"{b}/revoke\"\nuserinfo_url = \"{b}/userinfo\"\nscopes = [\"openid\", \"email\"]\nissuer = \"{b}\"\n"
        ));
    }
}

/// Follows the stub's authorization redirect without visiting the callback: returns the
/// callback's path with query, its Host value and its port.
pub fn authorize(auth_url: &str) -> (String, String, u16) {
    let url = url::Url::parse(auth_url).unwrap();
    let path = format!("{}?{}", url.path(), url.query().unwrap_or(""));
    let (status, resp) = util::raw_get(url.port().unwrap(), &path, &format!("127.0.0.1:{}", url.port().unwrap()));
    assert_eq!(status, 302, "{resp}");
    let location = resp.lines().find_map(|l| l.strip_prefix("Location: ")).unwrap().trim().to_string();
    let cb = url::Url::parse(&location).unwrap();
    let port = cb.port().unwrap();
    (format!("{}?{}", cb.path(), cb.query().unwrap_or("")), format!("{}:{port}", cb.host_str().unwrap()), port)
}

/// Plays the browser for the stub: follows its authorization redirect to the loopback callback.
/// Returns the callback's status and body.
pub fn approve(auth_url: &str) -> (u16, String) {
    let (path, host, port) = authorize(auth_url);
    util::raw_get(port, &path, &host)
}
