//! `oauthctl status [TARGET]`: accounts from the index, with expiry and health. Reads no secrets,
//! so it needs no keyring unlock and no network.

use serde::Serialize;

use super::Ctx;
use crate::cli::StatusArgs;
use crate::clock;
use crate::error::{Error, Result};
use crate::store::index::{self, Entry};

#[derive(Serialize)]
pub struct AccountStatus<'a> {
    pub target: String,
    pub provider: &'a str,
    pub account: &'a str,
    pub store: &'static str,
    pub scopes: &'a [String],
    pub expires_at: Option<String>,
    /// Seconds until the access token expires (negative once it has).
    pub expires_in: Option<i64>,
    pub has_refresh_token: bool,
    pub needs_reauth: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reauth_reason: Option<&'a str>,
}

impl<'a> AccountStatus<'a> {
    pub fn of(e: &'a Entry, now: i64) -> Self {
        let needs_reauth = e.needs_reauth.is_some() || (!e.has_refresh_token && e.expires_at.is_some_and(|t| t <= now));
        AccountStatus {
            target: e.key(),
            provider: &e.provider,
            account: &e.account,
            store: e.store.as_str(),
            scopes: &e.scopes,
            expires_at: e.expires_at.map(clock::rfc3339),
            expires_in: e.expires_at.map(|t| t - now),
            has_refresh_token: e.has_refresh_token,
            needs_reauth,
            reauth_reason: e
                .needs_reauth
                .as_deref()
                .or((needs_reauth && e.needs_reauth.is_none()).then_some("expired and no refresh token")),
        }
    }

    fn state(&self) -> String {
        if let Some(r) = self.reauth_reason.filter(|_| self.needs_reauth) {
            return format!("re-authorize ({r}): oauthctl connect {}", self.provider);
        }
        match self.expires_in {
            Some(s) if s <= 0 => "expired; refreshed on next use".into(),
            Some(s) => format!("valid for {}", human(s)),
            None => "valid (no expiry given)".into(),
        }
    }
}

pub fn human(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

pub fn run(ctx: &Ctx, args: &StatusArgs) -> Result<()> {
    let idx = index::load(&ctx.config_dir)?;
    let entries: Vec<&Entry> = match &args.target {
        Some(t) => {
            let found = idx.matching(t)?;
            if found.is_empty() {
                // resolve() words the not-found error and its hint.
                idx.resolve(t)?;
                return Err(Error::not_found(format!("no account matches {t}")));
            }
            found
        }
        None => idx.accounts.iter().collect(),
    };
    let now = clock::now();
    let report: Vec<AccountStatus> = entries.iter().map(|e| AccountStatus::of(e, now)).collect();
    if ctx.ui.json {
        return ctx.ui.print_json(&report);
    }
    if report.is_empty() {
        ctx.ui.info("No accounts connected. Start with: oauthctl connect gmail");
        return Ok(());
    }
    let mut out = String::new();
    for s in &report {
        out.push_str(&format!("{}\n", s.target));
        out.push_str(&format!("  store:   {}\n", s.store));
        out.push_str(&format!("  scopes:  {}\n", s.scopes.join(" ")));
        out.push_str(&format!("  expires: {}\n", s.expires_at.as_deref().unwrap_or("never (no expiry given)")));
        out.push_str(&format!("  refresh: {}\n", if s.has_refresh_token { "yes" } else { "no refresh token" }));
        out.push_str(&format!("  state:   {}\n", s.state()));
    }
    crate::output::print_stdout(&out)
}
