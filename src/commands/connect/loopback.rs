//! The loopback flow: listen on loopback, send the person to the authorization URL, wait for the
//! callback (or a pasted redirect URL), exchange the code.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::Obtained;
use crate::cli::ConnectArgs;
use crate::commands::client::{Resolved, SecretsFile};
use crate::context::Ctx;
use crate::error::{Error, Kind, Result};
use crate::oauth::authorize::AuthRequest;
use crate::oauth::grant::{Endpoint, Grant};
use crate::oauth::listener::{self, CodeCallback, Event, Listener, Params, Reply, Route};
use crate::oauth::pkce::{Pkce, random_token};
use crate::oauth::{self, browser};
use crate::providers::{Provider, is_loopback_host};

pub const DEFAULT_TIMEOUT: u64 = 120;

/// Where the listener binds and what redirect URI the provider is sent.
struct RedirectPlan {
    /// An exact URI to send (`--redirect-uri`, or a Web client's registered loopback URI).
    explicit: Option<url::Url>,
    scheme: String,
    host: String,
    bind_port: u16,
    path: String,
    ipv6: bool,
}

impl RedirectPlan {
    fn new(provider: &Provider, args: &ConnectArgs, file: Option<&SecretsFile>) -> Result<Self> {
        let from_file = || {
            // A Web-type client needs the exact URI: use its registered loopback one when it has a port.
            let f = file.filter(|f| f.web)?;
            f.redirect_uris
                .iter()
                .filter_map(|u| url::Url::parse(u).ok())
                .find(|u| is_loopback_host(u) && u.port().is_some() && u.scheme() == "http")
        };
        let explicit = match &args.redirect_uri {
            Some(text) => Some(
                url::Url::parse(text)
                    .map_err(|e| Error::usage(format!("--redirect-uri {text:?} is not a URL: {e}")))?,
            ),
            None if args.port.is_none() => from_file(),
            None => None,
        };
        let Some(uri) = explicit else {
            let host = provider.redirect_host.clone();
            return Ok(RedirectPlan {
                explicit: None,
                scheme: provider.redirect_scheme.clone(),
                ipv6: host != "127.0.0.1",
                host,
                bind_port: args.port.unwrap_or(provider.redirect_port),
                path: provider.redirect_path.clone(),
            });
        };
        if !matches!(uri.scheme(), "http" | "https") {
            return Err(Error::usage(format!("--redirect-uri must be http or https, not {}", uri.scheme())));
        }
        let path = uri.path().to_string();
        if is_loopback_host(&uri) {
            let Some(port) = uri.port() else {
                return Err(Error::usage(format!("--redirect-uri {uri} needs an explicit port on a loopback host")));
            };
            if let Some(p) = args.port.filter(|p| *p != port) {
                return Err(Error::usage(format!("--redirect-uri uses port {port} but --port says {p}"))
                    .with_hint("drop --port: a loopback redirect URI's port is the one listened on"));
            }
            let ipv6 = !matches!(uri.host(), Some(url::Host::Ipv4(_)));
            let host = uri.host_str().unwrap_or("127.0.0.1").to_string();
            Ok(RedirectPlan { scheme: uri.scheme().into(), host, explicit: Some(uri), bind_port: port, path, ipv6 })
        } else {
            // A tunnel or proxy forwards to the loopback listener on --port, in plain http.
            let port = args.port.unwrap_or(provider.redirect_port);
            Ok(RedirectPlan {
                scheme: "http".into(),
                host: "127.0.0.1".into(),
                explicit: Some(uri),
                bind_port: port,
                path,
                ipv6: false,
            })
        }
    }

    fn redirect_uri(&self, port: u16) -> String {
        match &self.explicit {
            Some(u) => u.to_string(),
            None => format!("{}://{}:{port}{}", self.scheme, self.host, self.path),
        }
    }

    /// Host header values the callback accepts.
    fn hosts(&self, port: u16) -> Vec<String> {
        let mut hosts = vec![format!("127.0.0.1:{port}")];
        if self.ipv6 {
            hosts.push(format!("[::1]:{port}"));
            hosts.push(format!("localhost:{port}"));
        }
        if let Some(u) = self.explicit.as_ref().filter(|u| !is_loopback_host(u)) {
            let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
            hosts.push(match u.port() {
                Some(p) => format!("{host}:{p}"),
                None => host,
            });
        }
        hosts
    }

    /// Whether the listener itself speaks TLS (an https loopback redirect).
    fn tls(&self) -> bool {
        self.scheme == "https" && self.explicit.as_ref().is_none_or(is_loopback_host)
    }
}

pub fn obtain(
    ctx: &Ctx,
    provider: &Provider,
    resolved: &Resolved,
    values: &BTreeMap<String, String>,
    scopes: &[String],
    args: &ConnectArgs,
    file: Option<&SecretsFile>,
) -> Result<Obtained> {
    let ui = &ctx.ui;
    if file.is_some_and(|f| f.web) && args.redirect_uri.is_none() && file.is_some_and(|f| f.redirect_uris.is_empty()) {
        ui.warn("this is a Web-application client: its provider accepts only its exact registered redirect URI; pass it with --redirect-uri");
    }
    let plan = RedirectPlan::new(provider, args, file)?;
    let listener = Listener::bind(plan.bind_port, plan.ipv6)?;
    if let Some(why) = &listener.ipv6_unavailable {
        ui.warn(format!(
            "not listening on [::1] ({why}): a browser that resolves localhost to ::1 cannot reach the callback; \
             use --redirect-uri http://127.0.0.1:{}{} if the provider accepts it",
            listener.port, plan.path
        ));
    }
    let port = listener.port;
    let tls = if plan.tls() { Some(listener::self_signed_tls().map_err(Error::other)?) } else { None };
    let redirect_uri = plan.redirect_uri(port);
    let state = random_token(32);
    let nonce = scopes.iter().any(|s| s == "openid").then(|| random_token(16));
    let pkce = provider.pkce.then(Pkce::new);
    let user_scopes = provider.user_scopes.clone();
    let url = AuthRequest {
        provider,
        values,
        client_id: &resolved.client.id,
        redirect_uri: &redirect_uri,
        scopes,
        user_scopes: &user_scopes,
        state: &state,
        code_challenge: pkce.as_ref().map(|p| p.challenge.as_str()),
        nonce: nonce.as_deref(),
    }
    .url()?;

    let classify: Arc<dyn listener::Classify> =
        Arc::new(CodeCallback { issuer: provider.issuer.clone(), iss_required: provider.iss_parameter });
    let (tx, rx) = mpsc::channel();
    let route = Route { path: plan.path.clone(), hosts: plan.hosts(port), state: state.clone() };
    let server = listener.serve_with(route, classify.clone(), tx.clone(), tls);
    let paste = args.paste || (ui.stdin_tty() && ui.interactive());
    if paste {
        listener::read_pasted(std::io::BufReader::new(std::io::stdin()), state, classify, tx);
    }

    // The URL is always shown: the browser may fail to open, or be on another machine.
    ui.info(format!("Open this URL to authorize oauthctl with {}:\n\n  {url}\n", provider.display_name));
    if ui.quiet() {
        // -q keeps the URL: without it nobody could sign in.
        ui.warn(format!("authorize oauthctl at: {url}"));
    }
    if !args.no_browser {
        match browser::open(&url, &ctx.env, ui.verbose()) {
            Ok(how) => ui.info(format!("Opened it with {how}.")),
            Err(why) => ui.warn(format!("{why}; open the URL above yourself")),
        }
    }
    if plan.tls() {
        ui.info(
            "The callback uses a certificate made for this sign-in: the browser warns once; continue to 127.0.0.1.",
        );
    }
    if paste {
        ui.info("If the browser runs on another machine, paste the URL it was redirected to here and press Enter.");
    }
    let timeout = Duration::from_secs(args.timeout.unwrap_or(DEFAULT_TIMEOUT));
    ui.info(format!("Waiting for the callback on {redirect_uri} (up to {}s) …", timeout.as_secs()));

    let waited = wait(ctx, &rx, timeout, provider, !paste);
    let (params, reply) = match waited {
        Ok(v) => v,
        Err(e) => {
            server.stop();
            return Err(e);
        }
    };
    let code = params.get("code").cloned().unwrap_or_default();
    let endpoint = Endpoint { provider, values, client: &resolved.client };
    let grant = Grant::AuthorizationCode {
        code: &code,
        redirect_uri: &redirect_uri,
        verifier: pkce.as_ref().map(Pkce::verifier),
    };
    let exchanged = endpoint.send(ctx.http(), &grant);
    drop(pkce);
    server.stop();
    match exchanged {
        Ok(tokens) => Ok(Obtained { tokens, nonce, callback: params, reply }),
        Err(e) => {
            let err = exchange_error(provider, resolved, e);
            if let Some(r) = reply {
                r.page(500, "Sign-in failed", &format!("{} See the terminal for details.", err.message));
            }
            Err(err)
        }
    }
}

/// A refused code exchange, with the hint that fits the error.
fn exchange_error(provider: &Provider, resolved: &Resolved, e: oauth::Error) -> Error {
    let error = e.oauth_error().map(str::to_string);
    let err = Error::from(e).context("exchanging the authorization code");
    let specific = match error.as_deref() {
        Some(code @ "redirect_uri_mismatch") => provider.hint(code).or_else(|| provider.hint("redirect_uri")),
        Some(code) => provider.hint(code),
        None => None,
    }
    .map(str::to_string);
    let err = match error.as_deref() {
        Some("invalid_client" | "unauthorized_client") => err.with_kind(Kind::Usage).with_hint(resolved.refused_hint(&provider.name)),
        Some("redirect_uri_mismatch") => err.with_hint(
            "register the exact redirect URI oauthctl sent (shown above) with the OAuth client, or pass the registered one with --redirect-uri",
        ),
        Some("invalid_grant") => err.with_hint(format!(
            "the code expired or was already used; run `oauthctl connect {}` again",
            provider.name
        )),
        _ => err,
    };
    match specific {
        // The provider's own advice for this error comes first; the general one stays after it.
        Some(h) => {
            let general = err.hint.clone().map(|g| format!("; {g}")).unwrap_or_default();
            err.with_hint(format!("{h}{general}"))
        }
        None => err,
    }
}

/// Waits for a code from the callback or a pasted URL, with a countdown on a terminal (not while
/// the person may be typing a pasted URL: a redrawn line would overwrite it).
pub fn wait(
    ctx: &Ctx,
    rx: &mpsc::Receiver<Event>,
    timeout: Duration,
    provider: &Provider,
    countdown: bool,
) -> Result<(Params, Option<Reply>)> {
    let ui = &ctx.ui;
    let started = Instant::now();
    let bar = countdown.then(|| ui.spinner("{spinner} {msg}")).flatten();
    let mut ignored: Vec<String> = Vec::new();
    let result = loop {
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            break Err(timed_out(timeout, &ignored, provider));
        }
        if let Some(b) = &bar {
            b.set_message(format!("Waiting for the browser… {}s left", left.as_secs() + 1));
            b.tick();
        }
        match rx.recv_timeout(left.min(Duration::from_millis(250))) {
            Ok(Event::Accepted { params, reply }) => break Ok((params, reply)),
            Ok(Event::Denied { error, description, reply }) => {
                let desc = description.clone().map(|d| format!(": {d}")).unwrap_or_default();
                if let Some(r) = reply {
                    r.page(
                        200,
                        "Not authorized",
                        &format!(
                            "{} answered {error}{desc}. Nothing was stored. You can close this tab.",
                            provider.display_name
                        ),
                    );
                }
                break Err(super::denied(provider, &error, description.as_deref()));
            }
            Ok(Event::Ignored(reason)) => {
                match &bar {
                    Some(b) => b.suspend(|| ui.warn(&reason)),
                    None => ui.warn(&reason),
                }
                ignored.push(reason);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break Err(Error::other("the callback server stopped unexpectedly")),
        }
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    result
}

/// The timeout error. When callbacks came and were refused, that is what it is about, not time.
fn timed_out(timeout: Duration, ignored: &[String], provider: &Provider) -> Error {
    let secs = timeout.as_secs();
    if ignored.is_empty() {
        // Nothing came back: the provider may have stopped at its own error page, most often
        // over the redirect URI (its entry's `redirect_uri` hint says what it wants).
        let redirect = provider
            .hint("redirect_uri")
            .map(|h| format!("; if {} showed an error page instead of redirecting: {h}", provider.display_name))
            .unwrap_or_default();
        return Error::new(Kind::Timeout, format!("no authorization arrived within {secs}s")).with_hint(format!(
            "run again with a longer --timeout; without a browser here, use --no-browser, open the URL elsewhere and paste the redirected URL (--paste), or use --device{redirect}"
        ));
    }
    let last = ignored.last().expect("not empty");
    let msg = format!(
        "no valid callback arrived within {secs}s; {} request{} ignored, the last one because: {last}",
        ignored.len(),
        if ignored.len() == 1 { " was" } else { "s were" }
    );
    let hint = if last.contains("issuer") || last.contains("iss,") {
        "the callback's iss does not match the provider's issuer: if you pointed a provider at another server in providers.toml, set that server's issuer there too"
    } else if last.contains("state") {
        "a callback with another state is not this sign-in's (an old tab, or a forged request): use the URL printed by this run"
    } else if last.contains("host") {
        "the browser reached the listener under another host name: open the printed URL as it is"
    } else {
        "see the warnings above; -v traces the exchange"
    };
    Error::new(Kind::Timeout, msg).with_hint(hint)
}
