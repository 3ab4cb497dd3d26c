//! `oauthctl status [TARGET]`: accounts (and hosted connections) from the index, with expiry and
//! health. Reads no secrets, so it needs no keyring unlock and no network.

use serde::Serialize;

use super::connect::hosted;
use crate::cli::StatusArgs;
use crate::clock;
use crate::context::Ctx;
use crate::credentials;
use crate::error::Result;
use crate::store::index::{self, Connection, Entry};

/// Warn this long before a refresh token's own expiry.
const REFRESH_WARNING: i64 = 7 * 86_400;

#[derive(Serialize)]
#[serde(untagged)]
enum Item<'a> {
    Account(AccountStatus<'a>),
    Connection(hosted::ConnectionStatus<'a>),
}

#[derive(Serialize)]
pub struct AccountStatus<'a> {
    pub target: String,
    pub kind: &'static str,
    pub provider: &'a str,
    pub account: &'a str,
    pub store: &'static str,
    pub scopes: &'a [String],
    pub expires_at: Option<String>,
    /// Seconds until the access token expires (negative once it has).
    pub expires_in: Option<i64>,
    pub has_refresh_token: bool,
    /// No refresh token and no expiry: the token lasts until revoked.
    pub never_expires: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_expires_at: Option<String>,
    pub needs_reauth: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reauth_reason: Option<&'a str>,
}

impl<'a> AccountStatus<'a> {
    pub fn of(e: &'a Entry, now: i64) -> Self {
        let expired_for_good = !e.has_refresh_token && !e.never_expires && e.expires_at.is_some_and(|t| t <= now);
        let needs_reauth = e.needs_reauth.is_some() || expired_for_good;
        AccountStatus {
            target: e.key(),
            kind: "account",
            provider: &e.provider,
            account: &e.account,
            store: e.store.as_str(),
            scopes: &e.scopes,
            expires_at: e.expires_at.map(clock::rfc3339),
            expires_in: e.expires_at.map(|t| t - now),
            has_refresh_token: e.has_refresh_token,
            never_expires: e.never_expires,
            refresh_expires_at: e.refresh_expires_at.map(clock::rfc3339),
            needs_reauth,
            reauth_reason: e.needs_reauth.as_deref().or(expired_for_good.then_some("expired and no refresh token")),
        }
    }

    fn state(&self, e: &Entry, now: i64) -> String {
        if let Some(r) = self.reauth_reason.filter(|_| self.needs_reauth) {
            return format!("re-authorize ({r}): oauthctl connect {} --account {}", self.provider, self.account);
        }
        if self.never_expires {
            return "valid; does not expire".into();
        }
        let mut s = match self.expires_in {
            Some(s) if s <= 0 => "expired; refreshed on next use".to_string(),
            Some(s) => format!("valid for {}", human(s)),
            None => "valid (no expiry given)".into(),
        };
        if let Some(left) = e.refresh_expires_at.map(|t| t - now).filter(|l| *l < REFRESH_WARNING) {
            s.push_str(&if left <= 0 {
                format!("; its refresh token has expired: oauthctl connect {}", self.provider)
            } else {
                format!("; its refresh token expires in {}: connect again before then", human(left))
            });
        }
        s
    }

    fn refresh_line(&self) -> &'static str {
        match (self.needs_reauth, self.has_refresh_token, self.never_expires) {
            (true, true, _) => "refused by the provider",
            (_, true, _) => "yes",
            (_, false, true) => "not needed",
            (_, false, false) => "no refresh token",
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
    let (entries, connections): (Vec<&Entry>, Vec<&Connection>) = match &args.target {
        Some(t) => match idx.connection(t) {
            Some(c) => (Vec::new(), vec![c]),
            None => {
                let found = idx.matching(t)?;
                if found.is_empty() {
                    let (p, a) = index::parse_target(t)?;
                    return Err(credentials::not_connected(ctx, p, a));
                }
                (found, Vec::new())
            }
        },
        None => (idx.accounts.iter().collect(), idx.connections.iter().collect()),
    };
    let now = clock::now();
    let ui = &ctx.ui;
    // --check: the platforms say what state their connections are in (and the index learns it).
    let checked = if args.check { hosted::check(ctx, &connections)? } else { Vec::new() };
    let connections: Vec<&Connection> = if args.check { checked.iter().map(|(c, _)| c).collect() } else { connections };
    for (c, advice) in &checked {
        if let Some(a) = advice {
            ui.warn(format!("{} is {}: {a}", c.target, c.status));
        }
    }
    if ui.json() {
        let mut items: Vec<Item> = entries.iter().map(|e| Item::Account(AccountStatus::of(e, now))).collect();
        items.extend(connections.iter().map(|c| Item::Connection(hosted::ConnectionStatus::of(c))));
        return ui.print_json(&items);
    }
    if entries.is_empty() && connections.is_empty() {
        ui.info("No accounts connected. Start with: oauthctl connect gmail (`oauthctl providers` lists the others)");
        return Ok(());
    }
    // Written in place (`write!`), not through a `format!` per line: at 10,000 accounts the
    // temporary strings were a third of the command's time.
    use std::fmt::Write as _;
    let mut out = String::with_capacity(entries.len() * 256 + connections.len() * 160);
    for e in &entries {
        let s = AccountStatus::of(e, now);
        let _ = writeln!(out, "{}\n  store:   {}\n  scopes:  {}", s.target, s.store, s.scopes.join(" "));
        let _ = match (&s.expires_at, s.never_expires) {
            (Some(t), _) => writeln!(out, "  expires: {t}"),
            (None, true) => writeln!(out, "  expires: never (does not expire)"),
            (None, false) => writeln!(out, "  expires: never (no expiry given)"),
        };
        let _ = writeln!(out, "  refresh: {}\n  state:   {}", s.refresh_line(), s.state(e, now));
    }
    for c in &connections {
        let _ = writeln!(
            out,
            "{}\n  kind:     {} connection {}\n  provider: {}",
            c.target, c.kind, c.platform_id, c.provider
        );
        if let Some(w) = &c.workspace {
            let _ = writeln!(out, "  workspace: {w}");
        }
        let _ = writeln!(out, "  status:   {}", c.status);
    }
    ui.data(&out)
}
