//! `oauthctl connect PROVIDER`: the loopback authorization-code flow with PKCE, then the store.

use std::io::BufRead;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use super::{Ctx, client};
use crate::cli::{ConnectArgs, StoreKind};
use crate::clock;
use crate::credentials;
use crate::error::{Error, Kind, Result};
use crate::oauth::authorize::{AuthRequest, merge_scopes};
use crate::oauth::listener::{Event, Expect, Listener, Outcome, page};
use crate::oauth::pkce::{Pkce, random_token};
use crate::oauth::{browser, token};
use crate::providers::{Provider, is_loopback_host};
use crate::store::index;
use crate::store::record::Record;

/// Where the listener binds and what redirect URI the provider is sent.
struct RedirectPlan {
    /// An exact URI to send (`--redirect-uri`, or a Web client's registered loopback URI).
    explicit: Option<url::Url>,
    bind_port: u16,
    path: String,
    ipv6: bool,
}

impl RedirectPlan {
    fn new(args: &ConnectArgs, file: Option<&client::SecretsFile>) -> Result<Self> {
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
            return Ok(RedirectPlan {
                explicit: None,
                bind_port: args.port.unwrap_or(8080),
                path: "/callback".into(),
                ipv6: false,
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
            Ok(RedirectPlan { explicit: Some(uri), bind_port: port, path, ipv6 })
        } else {
            // A tunnel or proxy forwards to the loopback listener on --port.
            Ok(RedirectPlan { explicit: Some(uri), bind_port: args.port.unwrap_or(8080), path, ipv6: false })
        }
    }

    fn redirect_uri(&self, port: u16) -> String {
        match &self.explicit {
            Some(u) => u.to_string(),
            None => format!("http://127.0.0.1:{port}{}", self.path),
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
}

pub fn run(ctx: &Ctx, args: &ConnectArgs) -> Result<()> {
    let ui = ctx.ui;
    let catalog = ctx.catalog()?;
    let provider = catalog.get(&args.provider)?;
    if let Some(a) = &args.account {
        credentials::check_account_name(a)?;
    }
    if args.timeout == 0 {
        return Err(Error::usage("--timeout must be at least 1 second"));
    }
    let store_kind = ctx.store_for_new();
    let idx = index::load(&ctx.config_dir)?;
    let file = args.client.client_secrets_file.as_deref().map(client::read_secrets_file).transpose()?;
    let client = client::resolve(ctx, provider, &args.client, file.as_ref(), &idx)?;
    // Fail before the browser round trip, not after it.
    ctx.stores().probe(store_kind)?;
    if let Some(f) = file.as_ref().filter(|f| f.web)
        && args.redirect_uri.is_none()
        && f.redirect_uris.is_empty()
    {
        ui.warn("this is a Web-application client: Google accepts only its exact registered redirect URI; pass it with --redirect-uri");
    }

    let scopes = merge_scopes(&provider.scopes, &args.scopes);
    let plan = RedirectPlan::new(args, file.as_ref())?;
    let listener = Listener::bind(plan.bind_port, plan.ipv6)?;
    let redirect_uri = plan.redirect_uri(listener.port);
    let state = random_token(32);
    let nonce = scopes.iter().any(|s| s == "openid").then(|| random_token(16));
    let pkce = provider.pkce.then(Pkce::new);
    let url = AuthRequest {
        provider,
        client_id: &client.id,
        redirect_uri: &redirect_uri,
        scopes: &scopes,
        state: &state,
        code_challenge: pkce.as_ref().map(|p| p.challenge.as_str()),
        nonce: nonce.as_deref(),
    }
    .url();

    let expect = Expect { state, issuer: provider.issuer.clone() };
    let (tx, rx) = mpsc::channel();
    listener.serve(plan.path.clone(), plan.hosts(listener.port), expect.clone(), tx.clone());
    let paste = args.paste || (ui.stdin_tty && ui.interactive);
    if paste {
        read_pasted_urls(expect, tx);
    }

    // The URL is always shown: the browser may fail to open, or be on another machine.
    eprintln!("Open this URL to authorize oauthctl with {}:\n\n  {url}\n", provider.display_name);
    if !args.no_browser {
        match browser::open(&url) {
            Ok(how) => ui.info(format!("Opened it with {how}.")),
            Err(why) => ui.warn(format!("{why}; open the URL above yourself")),
        }
    }
    if paste {
        ui.info("If the browser runs on another machine, paste the URL it was redirected to here and press Enter.");
    }
    ui.info(format!("Waiting for the callback on {redirect_uri} …"));

    let (code, reply) = wait(ctx, &rx, Duration::from_secs(args.timeout), provider)?;
    let finish = |status: u16, title: &str, message: &str| {
        if let Some(r) = reply {
            let _ = r.respond(page(status, title, message));
        }
    };

    let result = exchange_and_store(
        ctx,
        provider,
        &client,
        &code,
        &redirect_uri,
        pkce,
        nonce.as_deref(),
        args,
        &scopes,
        store_kind,
    );
    listener.stop();
    let (record, kept_old_refresh) = match result {
        Ok(r) => r,
        Err(e) => {
            finish(500, "Sign-in failed", &format!("{} See the terminal for details.", e.message));
            return Err(e);
        }
    };
    finish(
        200,
        "Connected",
        &format!(
            "oauthctl is connected to {} as {}. You can close this tab and return to the terminal.",
            provider.display_name, record.account
        ),
    );

    let expires_at = record.expires_at.map(clock::rfc3339);
    ui.info(format!(
        "{} Connected {} (stored in the {} store).",
        ui.paint("✓", "32"),
        record.key(),
        store_kind.as_str()
    ));
    ui.info(format!("  scopes:  {}", record.scopes.join(" ")));
    if let Some(t) = &expires_at {
        ui.info(format!("  expires: {t}"));
    }
    if kept_old_refresh {
        ui.info("  the provider sent no new refresh token; the earlier one (same client) was kept");
    } else if record.refresh_token.is_none() && provider.wants_offline(&scopes) {
        ui.warn(no_refresh_token_advice(provider, expires_at.as_deref()));
    }
    if ui.json {
        ui.print_json(&super::StoredReport::of(&record, store_kind))?;
    }
    Ok(())
}

/// Waits for a code from the callback or a pasted URL, drawing a countdown on a terminal.
fn wait(
    ctx: &Ctx,
    rx: &mpsc::Receiver<Event>,
    timeout: Duration,
    provider: &Provider,
) -> Result<(String, Option<tiny_http::Request>)> {
    let ui = ctx.ui;
    let started = Instant::now();
    let bar = (ui.stderr_tty && !ui.quiet).then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(indicatif::ProgressStyle::with_template("{spinner} {msg}").expect("static template"));
        b
    });
    let result = loop {
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            break Err(Error::new(Kind::Timeout, format!("no authorization arrived within {}s", timeout.as_secs()))
                .with_hint("run again with a longer --timeout; without a browser here, use --no-browser, open the URL elsewhere and paste the redirected URL (--paste)"));
        }
        if let Some(b) = &bar {
            b.set_message(format!("Waiting for the browser… {}s left", left.as_secs() + 1));
            b.tick();
        }
        match rx.recv_timeout(left.min(Duration::from_millis(250))) {
            Ok(Event::Code { code, reply }) => break Ok((code, reply)),
            Ok(Event::Denied { error, description, reply }) => {
                let desc = description.clone().map(|d| format!(": {d}")).unwrap_or_default();
                if let Some(r) = reply {
                    let _ = r.respond(page(
                        200,
                        "Not authorized",
                        &format!(
                            "{} answered {error}{desc}. Nothing was stored. You can close this tab.",
                            provider.display_name
                        ),
                    ));
                }
                break Err(denied(provider, &error, description.as_deref()));
            }
            Ok(Event::Ignored(reason)) => {
                if let Some(b) = &bar {
                    b.suspend(|| ui.warn(&reason));
                } else {
                    ui.warn(&reason);
                }
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

fn denied(provider: &Provider, error: &str, description: Option<&str>) -> Error {
    let desc = description.map(|d| format!(": {d}")).unwrap_or_default();
    let kind = if matches!(error, "server_error" | "temporarily_unavailable") { Kind::Remote } else { Kind::Denied };
    let e = Error::new(kind, format!("{} did not authorize oauthctl: {error}{desc}", provider.display_name));
    match error {
        "access_denied" => e.with_hint(format!("run `oauthctl connect {}` again and approve the request", provider.name)),
        "invalid_scope" if provider.is_google() => e.with_hint(
            "enable the API in your Google Cloud project (APIs & Services → Library → Gmail API), and check the scopes",
        ),
        "invalid_scope" => e.with_hint("check the scopes: `oauthctl providers NAME` shows them; --scope adds more"),
        "redirect_uri_mismatch" | "invalid_request" => e.with_hint(
            "register the exact redirect URI with the OAuth client (or use a Desktop-app client, which accepts any loopback port)",
        ),
        _ => e,
    }
}

/// Reads lines from stdin: each may be the full redirected URL or just its query.
fn read_pasted_urls(expect: Expect, tx: Sender<Event>) {
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let query = match url::Url::parse(line) {
                Ok(u) => u.query().unwrap_or_default().to_string(),
                Err(_) => line.trim_start_matches('?').to_string(),
            };
            let event = match expect.classify(&query) {
                Outcome::Code(code) => Event::Code { code, reply: None },
                Outcome::Denied { error, description } => Event::Denied { error, description, reply: None },
                Outcome::Reject(reason) => Event::Ignored(format!("pasted URL ignored: {reason}")),
            };
            let stop = !matches!(event, Event::Ignored(_));
            if tx.send(event).is_err() || stop {
                break;
            }
        }
    });
}

#[allow(clippy::too_many_arguments)]
fn exchange_and_store(
    ctx: &Ctx,
    provider: &Provider,
    client: &crate::oauth::client::Client,
    code: &str,
    redirect_uri: &str,
    pkce: Option<Pkce>,
    nonce: Option<&str>,
    args: &ConnectArgs,
    requested: &[String],
    store_kind: StoreKind,
) -> Result<(Record, bool)> {
    let http = ctx.http();
    let tokens =
        token::exchange_code(http, &provider.token_url, client, code, redirect_uri, pkce.as_ref().map(Pkce::verifier))?;
    drop(pkce);
    let mut record =
        credentials::new_record(http, provider, client, tokens, args.account.as_deref(), nonce, requested)?;
    let key = record.key();
    let previous = index::load(&ctx.config_dir)?.get(&key).cloned();
    let mut kept_old_refresh = false;
    if record.refresh_token.is_none()
        && let Some(prev) = previous.as_ref().filter(|p| p.has_refresh_token && p.client_id == record.client_id)
        && let Ok(Some(old)) = ctx.stores().load(prev.store, &key)
    {
        // Google sends a refresh token only on first consent; the earlier one stays valid.
        record.refresh_token = old.refresh_token;
        kept_old_refresh = record.refresh_token.is_some();
    }
    if let Some(warning) = credentials::store_new(ctx.stores(), store_kind, &record, previous.map(|p| p.store))? {
        ctx.ui.warn(warning);
    }
    Ok((record, kept_old_refresh))
}

fn no_refresh_token_advice(provider: &Provider, expires_at: Option<&str>) -> String {
    let until = expires_at.map(|t| format!(" after {t}")).unwrap_or_default();
    let mut msg = format!(
        "{} returned no refresh token, so `oauthctl refresh` cannot renew this credential and it stops working{until}.",
        provider.display_name
    );
    if provider.is_google() {
        msg.push_str(
            " Google sends one only with access_type=offline and prompt=consent (oauthctl sends both unless providers.toml \
             overrides authorization_params); if it is still missing, remove the app at https://myaccount.google.com/permissions \
             and connect again.",
        );
    } else {
        msg.push_str(" The provider may need an offline-access scope (e.g. --scope offline_access).");
    }
    msg
}
