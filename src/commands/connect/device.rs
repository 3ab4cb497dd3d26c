//! The device flow (RFC 8628): the headless path for SSH sessions and CI. The user code and the
//! verification URL go to stderr; oauthctl polls at the server's pace until the person approves
//! on another device, refuses, or the code expires.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::Obtained;
use crate::commands::client::Resolved;
use crate::context::Ctx;
use crate::error::{Error, Kind, Result};
use crate::oauth::device::{self, Poll};
use crate::oauth::grant::Endpoint;
use crate::oauth::listener::Params;
use crate::providers::Provider;

/// Refuses, before anything is sent, scopes the provider does not allow on the device flow
/// (Google refuses Gmail's there).
pub fn check_scopes(provider: &Provider, scopes: &[String]) -> Result<()> {
    if provider.device_authorization_url.is_none() {
        return Err(Error::usage(format!("{} has no device authorization endpoint", provider.display_name)).with_hint(
            format!(
                "connect without --device; on a machine without a browser, --no-browser prints the URL to open elsewhere and you paste the redirect back (`oauthctl connect {} --no-browser`)",
                provider.name
            ),
        ));
    }
    let Some(allowed) = &provider.device_scopes else { return Ok(()) };
    let allowed: Vec<String> = allowed.iter().map(|s| provider.canonical_scope(s)).collect();
    let refused: Vec<&str> =
        scopes.iter().filter(|s| !allowed.contains(&provider.canonical_scope(s))).map(String::as_str).collect();
    if refused.is_empty() {
        return Ok(());
    }
    Err(Error::usage(format!(
        "{} does not allow {} on the device flow",
        provider.display_name,
        refused.join(", ")
    ))
    .with_hint(format!(
        "use the browser flow, which works headless too: `oauthctl connect {} --no-browser` prints the URL to open elsewhere, then paste the redirected URL back",
        provider.name
    )))
}

pub fn obtain(
    ctx: &Ctx,
    provider: &Provider,
    resolved: &Resolved,
    values: &BTreeMap<String, String>,
    scopes: &[String],
    timeout: Option<u64>,
) -> Result<Obtained> {
    let ui = &ctx.ui;
    let http = ctx.http();
    let endpoint = Endpoint { provider, values, client: &resolved.client };
    let auth =
        device::start(http, &endpoint, scopes).map_err(|e| Error::from(e).context("starting the device flow"))?;
    let limit = Duration::from_secs(timeout.unwrap_or(auth.expires_in).min(auth.expires_in));
    let verify = auth.verification_uri_complete.as_deref().unwrap_or(&auth.verification_uri);
    // Shown even with -q: without it nobody can approve.
    ui.warn(format!(
        "to authorize oauthctl with {}, open {} and enter the code {}",
        provider.display_name, auth.verification_uri, auth.user_code
    ));
    if auth.verification_uri_complete.is_some() {
        ui.info(format!("  (or open {verify}, which carries the code)"));
    }
    let started = Instant::now();
    let mut interval = auth.interval;
    let mut failures = 0;
    let bar = ui.spinner("{spinner} {msg}");
    let result = loop {
        let left = limit.saturating_sub(started.elapsed());
        if left.is_zero() {
            break Err(Error::new(
                Kind::Timeout,
                format!("the device code was not approved within {}s", limit.as_secs()),
            )
            .with_hint(format!("run `oauthctl connect {} --device` again for a new code", provider.name)));
        }
        if let Some(b) = &bar {
            b.set_message(format!("Waiting for approval of {}… {}s left", auth.user_code, left.as_secs()));
            b.tick();
        }
        std::thread::sleep(Duration::from_secs(interval).min(left));
        match device::poll(http, &endpoint, &auth) {
            Ok(Poll::Done(tokens)) => break Ok(*tokens),
            Ok(Poll::Pending) => failures = 0,
            Ok(Poll::SlowDown(given)) => {
                interval = device::slower(interval, given);
                ui.trace(format!("slow_down: polling every {interval}s"));
            }
            Ok(Poll::Denied(description)) => {
                break Err(super::denied(provider, "access_denied", description.as_deref()));
            }
            Ok(Poll::Expired) => {
                break Err(Error::new(Kind::Timeout, "the device code expired before it was approved")
                    .with_hint(format!("run `oauthctl connect {} --device` again for a new code", provider.name)));
            }
            // A network hiccup: back off and keep polling, a few times.
            Err(crate::oauth::Error::Transport(e)) if failures < 3 => {
                failures += 1;
                interval = interval.saturating_mul(2).min(60);
                ui.trace(format!("device poll failed ({e}); trying again in {interval}s"));
            }
            Err(e) => break Err(Error::from(e).context("polling for the device approval")),
        }
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok(Obtained { tokens: result?, nonce: None, callback: Params::new(), reply: None })
}
