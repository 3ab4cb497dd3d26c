//! Using a stored credential: find it, and make sure its access token is fresh. This is where
//! concurrency is settled. Any number of processes may ask at once; the per-account lock, a
//! re-read under it, and "refresh only if still needed" make that one refresh request. Every
//! other write of a record (connect, logout) takes the same lock, so a refresh in flight can
//! neither bring back a logged-out account nor overwrite a newer connect.

use std::collections::BTreeMap;

use crate::clock;
use crate::context::Ctx;
use crate::error::{Error, Kind, Result};
use crate::oauth::client::Client;
use crate::oauth::grant::{Endpoint, Grant, Slot, TokenSet};
use crate::oauth::listener::Params;
use crate::oauth::{self, identity, jwt};
use crate::providers::{self, Provider, RevocationScope, Source};
use crate::secret::Secret;
use crate::store::index::{self, Entry, Lookup};
use crate::store::record::RECORD_VERSION;
use crate::store::{AccountLock, Record, StoreKind, StoredToken};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Freshness {
    /// The stored token was valid for long enough; nothing was sent.
    StillValid,
    /// This process refreshed it.
    Refreshed,
    /// Another process refreshed it while this one waited for the lock.
    RefreshedElsewhere,
}

/// What a caller wants from a credential.
pub struct Want<'a> {
    pub min_valid: u64,
    pub force: bool,
    /// One of the record's other tokens (Slack's "bot"), else the main one.
    pub token: Option<&'a str>,
}

/// Valid while `expires_at - now > min_valid`; a token without an expiry is always valid.
pub fn is_fresh(expires_at: Option<i64>, min_valid: u64, now: i64) -> bool {
    expires_at.is_none_or(|t| t - now > min_valid as i64)
}

/// The account `target` names, from its one line of the index.
pub fn find(ctx: &Ctx, target: &str) -> Result<Entry> {
    let (provider, account) = index::parse_target(target)?;
    match index::lookup(&ctx.config_dir, target)? {
        Lookup::One(e) => Ok(*e),
        Lookup::Many(targets) => {
            Err(Error::usage(format!("{provider} has {} accounts: {}", targets.len(), targets.join(", ")))
                .with_hint(format!("name one, e.g. `{}`", targets[0])))
        }
        Lookup::None => Err(not_connected(ctx, provider, account)),
    }
}

/// "No such account", with the hint that fits: another account of the provider, the connect
/// command for a known provider, or a close provider name for a typo.
pub fn not_connected(ctx: &Ctx, provider: &str, account: Option<&str>) -> Error {
    let idx = index::load(&ctx.config_dir).unwrap_or_default();
    let others = idx.targets_of(provider);
    // PLATFORM:NAME also names a hosted connection (`connect … --via PLATFORM`).
    let platform = <crate::cli::Via as clap::ValueEnum>::value_variants()
        .iter()
        .filter_map(clap::ValueEnum::to_possible_value)
        .any(|v| v.get_name() == provider);
    if let (true, Some(a)) = (platform, account) {
        let connections: Vec<&str> =
            idx.connections.iter().filter(|c| c.kind == provider).map(|c| c.target.as_str()).collect();
        let listed = |what: &str, items: &[&str]| {
            if items.is_empty() { String::new() } else { format!("{what}: {}; ", items.join(", ")) }
        };
        let others: Vec<&str> = others.iter().map(String::as_str).collect();
        return Error::not_found(format!("no {provider} connection or account named {a:?}")).with_hint(format!(
            "{}{}`oauthctl status` lists both; `oauthctl connect PROVIDER --via {provider}` makes a connection",
            listed("connections", &connections),
            listed("accounts", &others)
        ));
    }
    let msg = match account {
        Some(a) => format!("no account {a:?} for {provider}"),
        None => format!("no {provider} account is connected"),
    };
    if !others.is_empty() {
        return Error::not_found(msg)
            .with_hint(format!("connected: {}; or run `oauthctl connect {provider}`", others.join(", ")));
    }
    let known = ctx.catalog().map(|c| c.names()).unwrap_or_default();
    if known.iter().any(|n| n == provider) {
        return Error::not_found(msg).with_hint(format!("run: oauthctl connect {provider}"));
    }
    let hint = match providers::did_you_mean(provider, known.iter().map(String::as_str)) {
        Some(s) => {
            format!("{provider} is not a known provider; did you mean {s}? (`oauthctl status` lists what is connected)")
        }
        None => format!(
            "{provider} is not a known provider: `oauthctl providers` lists them, `oauthctl status` what is connected"
        ),
    };
    Error::not_found(msg).with_hint(hint)
}

/// The provider a stored credential belongs to: the catalog's entry, or the snapshot kept with a
/// discovered provider.
pub fn provider_of(ctx: &Ctx, record: &Record) -> Result<Provider> {
    let snapshot = record.provider_snapshot.as_ref().map(|v| snapshot_provider(&record.provider, v)).transpose()?;
    Ok(providers::resolve(ctx.catalog()?, &record.provider, snapshot.as_ref(), None)?)
}

fn snapshot_provider(name: &str, v: &serde_json::Value) -> Result<Provider> {
    let unreadable =
        |e: String| Error::store(format!("the stored description of provider {name} is not readable ({e})"));
    let table = match toml::Value::try_from(v).map_err(|e| unreadable(e.to_string()))? {
        toml::Value::Table(t) => t,
        _ => return Err(unreadable("not a table".into())),
    };
    let mut p = providers::from_table(table).map_err(|e| unreadable(e.to_string()))?;
    p.name = name.to_string();
    p.source = Source::Discovered;
    Ok(p)
}

/// A discovered provider as the record keeps it (its name and source are the record's).
pub fn snapshot_of(p: &Provider) -> Option<serde_json::Value> {
    (p.source == Source::Discovered).then(|| {
        let mut v = serde_json::to_value(p).expect("providers serialize");
        if let Some(m) = v.as_object_mut() {
            m.remove("name");
            m.remove("source");
        }
        v
    })
}

/// The OAuth client a stored credential was obtained with.
pub fn client_of(record: &Record, provider: &Provider) -> Client {
    Client { id: record.client_id.clone(), secret: record.client_secret.clone(), auth: provider.token_auth }
}

/// The token a caller asked for, as a view into the record.
#[derive(Debug)]
pub struct TokenView<'r> {
    pub access_token: &'r Secret,
    pub refresh_token: Option<&'r Secret>,
    pub token_type: &'r str,
    pub expires_at: Option<i64>,
    pub scopes: &'r [String],
}

pub fn token_of<'r>(r: &'r Record, name: Option<&str>) -> Result<TokenView<'r>> {
    match name.filter(|n| Some(*n) != r.token_name.as_deref()) {
        None => Ok(TokenView {
            access_token: &r.access_token,
            refresh_token: r.refresh_token.as_ref(),
            token_type: &r.token_type,
            expires_at: r.expires_at,
            scopes: &r.scopes,
        }),
        Some(n) => {
            let t = r.other_tokens.get(n).ok_or_else(|| {
                let mut names: Vec<&str> = r.other_tokens.keys().map(String::as_str).collect();
                names.extend(r.token_name.as_deref());
                names.sort_unstable();
                let what = if names.is_empty() { "one token".to_string() } else { names.join(", ") };
                Error::usage(format!("{} has no {n} token (it has {what})", r.key()))
            })?;
            Ok(TokenView {
                access_token: &t.access_token,
                refresh_token: t.refresh_token.as_ref(),
                token_type: &t.token_type,
                expires_at: t.expires_at,
                scopes: &t.scopes,
            })
        }
    }
}

/// Returns a record whose wanted token is valid for more than `min_valid` seconds (refreshing if
/// needed), or with `force`, a newly refreshed one. With `batch`, the index entry of a changed
/// record is handed back there instead of being written at once (`refresh` of many accounts).
pub fn ensure_fresh(
    ctx: &Ctx,
    entry: &Entry,
    want: &Want,
    batch: Option<&mut Vec<Entry>>,
) -> Result<(Record, Freshness)> {
    let stores = ctx.stores();
    let key = entry.key();
    // Without the lock first: most calls find a valid token and cost one store read.
    let seen = stores.load_existing(entry)?;
    let seen_token = token_of(&seen, want.token)?;
    if !want.force && is_fresh(seen_token.expires_at, want.min_valid, clock::now()) {
        return Ok((seen, Freshness::StillValid));
    }
    let seen_access = seen_token.access_token.clone();
    let lock = stores.lock_account(&key)?;
    // Re-read under the lock. A record gone means a logout won the race: nothing is brought back.
    // A token that changed since the first read was refreshed (or reconnected) by another process
    // while this one waited: use it, even when it is not "fresh" by min_valid (a provider whose
    // tokens live shorter than that), or every waiter would refresh again in turn.
    let record = stores.load(entry.store, &key)?.ok_or_else(|| {
        Error::not_found(format!("{key} was removed (logged out) while this command waited for it"))
            .with_hint(format!("run: oauthctl connect {}", entry.provider))
    })?;
    let current = token_of(&record, want.token)?;
    if *current.access_token != seen_access
        || (!want.force && is_fresh(current.expires_at, want.min_valid, clock::now()))
    {
        return Ok((record, Freshness::RefreshedElsewhere));
    }
    let provider = provider_of(ctx, &record)?;
    let Some(refresh_token) = current.refresh_token.cloned() else {
        if current.expires_at.is_none() && !want.force {
            return Ok((record, Freshness::StillValid));
        }
        let why = "no refresh token was issued";
        mark_reauth(ctx, entry, why);
        return Err(reauth_error(&provider, &key, why));
    };
    let client = client_of(&record, &provider);
    let endpoint = Endpoint { provider: &provider, values: &record.params, client: &client };
    // From the request to the saved record, SIGINT/SIGTERM/SIGHUP wait: a provider that rotates
    // refresh tokens has spent the old one once it answers. Between retries a waiting signal
    // ends the run (dropping the guard delivers it).
    let guard = signals::Deferred::new();
    let grant = Grant::Refresh { refresh_token: refresh_token.expose() };
    let tokens = match endpoint.send_retrying(ctx.http(), &grant, &mut || !signals::pending()) {
        Ok(t) => t,
        Err(oauth::Error::Refused { error, description, status, uri }) => {
            drop(guard);
            return Err(refresh_refused(
                ctx,
                entry,
                &provider,
                &key,
                oauth::Error::Refused { error, description, status, uri },
            ));
        }
        Err(e) => {
            drop(guard);
            return Err(Error::from(e).context(format!("refreshing {key}")));
        }
    };
    for note in &tokens.notes {
        ctx.ui.warn(format!("{key}: {note}"));
    }
    let now = clock::now();
    let mut new = record.clone();
    apply_refresh(&mut new, want.token, tokens, now);
    let changed = save_refreshed(ctx, &lock, entry.store, &new, &key)?;
    drop(guard);
    match batch {
        Some(b) => b.push(changed),
        None => index::upsert(&ctx.config_dir, vec![changed])?,
    }
    drop(lock);
    let lifetime = token_of(&new, want.token)?.expires_at.map(|t| t - now);
    if let Some(l) = lifetime.filter(|l| *l <= want.min_valid as i64) {
        ctx.ui.warn(format!(
            "{}'s access tokens live {l}s, not more than --min-valid {}s: this one is valid for {l}s, and every call refreshes it",
            provider.display_name, want.min_valid
        ));
    }
    Ok((new, Freshness::Refreshed))
}

/// The refreshed token replaces the one asked for; a rotated refresh token replaces the old in
/// this same write, and an answer without one keeps the old.
fn apply_refresh(r: &mut Record, which: Option<&str>, tokens: TokenSet, now: i64) {
    let Slot { access_token, token_type, refresh_token, expires_in, refresh_expires_in, scope, .. } = tokens.main;
    let expires_at = expires_in.map(|s| clock::after(now, s));
    match which.filter(|n| Some(*n) != r.token_name.as_deref()) {
        None => {
            r.access_token = access_token;
            r.token_type = token_type;
            if let Some(rt) = refresh_token {
                r.refresh_token = Some(rt);
                r.refresh_expires_at = refresh_expires_in.map(|s| clock::after(now, s));
            }
            r.scopes = granted_scopes(scope.as_deref(), &r.scopes);
            r.expires_at = expires_at;
            if tokens.id_token.is_some() {
                r.id_token = tokens.id_token;
            }
            r.extras.extend(tokens.extras);
        }
        Some(name) => {
            if let Some(t) = r.other_tokens.get_mut(name) {
                t.access_token = access_token;
                t.token_type = token_type;
                if refresh_token.is_some() {
                    t.refresh_token = refresh_token;
                }
                t.scopes = granted_scopes(scope.as_deref(), &t.scopes);
                t.expires_at = expires_at;
            }
        }
    }
    r.obtained_at = now;
}

/// Saves a refreshed record. A provider may have rotated the refresh token, so the new record is
/// not given up on a failed write: the write is tried again, and if the keyring still refuses,
/// the record goes to the file store (0600) with a warning saying where it is.
fn save_refreshed(ctx: &Ctx, lock: &AccountLock, kind: StoreKind, new: &Record, key: &str) -> Result<Entry> {
    let stores = ctx.stores();
    let mut last = None;
    for attempt in 0..3 {
        if attempt > 0 {
            std::thread::sleep(std::time::Duration::from_millis(200 * attempt));
        }
        match stores.save_record(lock, kind, new) {
            Ok(entry) => return Ok(entry),
            Err(e) => last = Some(e),
        }
    }
    let first = Error::from(last.expect("three attempts failed"));
    if kind == StoreKind::Keyring
        && let Ok(entry) = stores.save_record(lock, StoreKind::File, new)
    {
        {
            ctx.ui.warn(format!(
                "the keyring refused the refreshed credential of {key} ({}); it was saved in {} (mode 0600) instead, \
                 so a rotated refresh token is not lost. When the keyring works again, `oauthctl connect` stores it there",
                first.message,
                stores.file_path(key).display()
            ));
            let _ = stores.delete(lock, StoreKind::Keyring);
            return Ok(entry);
        }
    }
    Err(first
        .context(format!(
            "the refreshed credential of {key} could not be saved; if {} rotates refresh tokens, the old one is spent",
            key.split(':').next().unwrap_or(key)
        ))
        .with_hint(format!("run `oauthctl connect {}` once the store works", key.split(':').next().unwrap_or(key))))
}

/// A refused refresh, as the person needs to hear it.
fn refresh_refused(ctx: &Ctx, entry: &Entry, provider: &Provider, key: &str, e: oauth::Error) -> Error {
    let what =
        format!("refreshing {key} failed: {e} from {}", provider.refresh_url.as_deref().unwrap_or(&provider.token_url));
    match e.oauth_error() {
        Some("invalid_grant") => {
            mark_reauth(ctx, entry, "the provider refused the refresh token (invalid_grant)");
            let mut err = reauth_error(provider, key, "");
            err.message = what;
            if let Some(h) = provider.hint("invalid_grant") {
                err.hint = err.hint.map(|base| format!("{base}; {h}"));
            }
            err
        }
        Some("invalid_client" | "unauthorized_client") => Error::usage(what).with_hint(format!(
            "the OAuth client (its id, or the secret stored with {key}) was refused: connect again with the right one, \
             e.g. `oauthctl connect {} --account {} --client-secrets-file FILE` (or --client-secret-stdin)",
            entry.provider, entry.account
        )),
        Some(code) => match provider.hint(code) {
            Some(h) => Error::remote(what).with_hint(h.to_string()),
            None => Error::remote(what),
        },
        None => Error::remote(what),
    }
}

/// Scopes a token answer granted (`scope`, space- or comma-separated), else `fallback`.
pub fn granted_scopes(scope: Option<&str>, fallback: &[String]) -> Vec<String> {
    match scope {
        Some(s) => s.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect(),
        None => fallback.to_vec(),
    }
}

/// Everything a new credential is made from (connect, import).
pub struct NewCredential<'a> {
    pub provider: &'a Provider,
    pub client: &'a Client,
    pub tokens: TokenSet,
    pub account: Option<&'a str>,
    pub nonce: Option<&'a str>,
    pub requested: &'a [String],
    pub callback: &'a Params,
    pub values: &'a BTreeMap<String, String>,
}

/// A new record from a token answer. The account is the one given, else the first the entry's
/// sources name (the id_token is checked first: nonce, audience, issuer, expiry), else `default`.
/// Returns warnings worth showing (a failed follow-up request, an odd lifetime).
pub fn new_record(ctx: &Ctx, n: NewCredential) -> Result<(Record, Vec<String>)> {
    let p = n.provider;
    let http = ctx.http();
    let mut warnings = n.tokens.notes.clone();
    let now = clock::now();
    let claims = match &n.tokens.id_token {
        None => None,
        Some(t) => Some(
            jwt::verify(
                t.expose(),
                &jwt::Expect { nonce: n.nonce, client_id: &n.client.id, issuer: p.issuer.as_deref(), now },
            )
            .map_err(|why| Error::remote(format!("the id_token was refused: {why}; nothing was stored")))?,
        ),
    };
    let follow = match identity::follow_up(http, p, n.values, n.tokens.main.access_token.expose()) {
        Ok(f) => f,
        Err(e) => {
            warnings.push(format!("the follow-up request for {}'s extras failed: {e}", p.display_name));
            None
        }
    };
    let account = match n.account {
        Some(a) => a.to_string(),
        None => identity::account_name(&identity::Sources {
            http,
            provider: p,
            values: n.values,
            tokens: &n.tokens,
            claims: claims.as_ref(),
            callback: n.callback,
            follow_up: follow.as_ref().map(|(v, _)| v),
        })
        .unwrap_or_else(|| "default".into()),
    };
    check_account_name(&account)?;
    let mut extras = n.tokens.extras.clone();
    for (name, param) in &p.callback_extras {
        if let Some(v) = n.callback.get(param) {
            extras.insert(name.clone(), serde_json::Value::String(v.clone()));
        }
    }
    if let Some((_, more)) = follow {
        extras.extend(more);
    }
    let TokenSet { main, main_name, others, id_token, .. } = n.tokens;
    // A lifetime the answer did not state (the entry's expires_in_default) is assumed so that a
    // refresh comes in time. A token without a refresh token cannot be refreshed: an assumed expiry
    // would only declare it dead while it works (monday.com's legacy tokens never expire).
    let expires_in = main.expires_in.filter(|_| !(main.expiry_assumed && main.refresh_token.is_none()));
    let other_tokens = others
        .into_iter()
        .map(|(name, s)| {
            let t = StoredToken {
                access_token: s.access_token,
                refresh_token: s.refresh_token,
                token_type: s.token_type,
                scopes: granted_scopes(s.scope.as_deref(), &[]),
                expires_at: s.expires_in.map(|e| clock::after(now, e)),
            };
            (name, t)
        })
        .collect();
    let record = Record {
        version: RECORD_VERSION,
        provider: p.name.clone(),
        account,
        client_id: n.client.id.clone(),
        client_secret: n.client.secret.clone(),
        scopes: granted_scopes(main.scope.as_deref(), n.requested),
        access_token: main.access_token,
        refresh_token: main.refresh_token,
        token_type: main.token_type,
        expires_at: expires_in.map(|s| clock::after(now, s)),
        refresh_expires_at: main.refresh_expires_in.map(|s| clock::after(now, s)),
        id_token,
        obtained_at: now,
        extras,
        params: n.values.clone(),
        token_name: main_name,
        other_tokens,
        provider_snapshot: snapshot_of(p),
    };
    Ok((record, warnings))
}

/// What storing a new credential did besides storing it.
#[derive(Default)]
pub struct Stored {
    /// The provider sent no refresh token and the earlier one (same client) was kept.
    pub kept_old_refresh: bool,
    pub warnings: Vec<String>,
}

/// Stores a new credential in `kind`, under the account's lock. A copy an earlier connect left in
/// another store is removed; the earlier refresh token, when this one replaces it, is revoked at
/// the provider (best effort, and only where revoking one token does not end the whole grant).
pub fn store_new(ctx: &Ctx, provider: &Provider, kind: StoreKind, record: &mut Record) -> Result<Stored> {
    let stores = ctx.stores();
    let key = record.key();
    let lock = stores.lock_account(&key)?;
    let previous_entry = index::load(&ctx.config_dir)?.get(&key).cloned();
    let previous = match &previous_entry {
        Some(e) => stores.load(e.store, &key).unwrap_or(None),
        None => None,
    };
    let mut out = Stored::default();
    if record.refresh_token.is_none()
        && let Some(old) = previous.as_ref().filter(|o| o.client_id == record.client_id && o.refresh_token.is_some())
    {
        // Google sends a refresh token only on first consent; the earlier one stays valid.
        record.refresh_token = old.refresh_token.clone();
        out.kept_old_refresh = true;
    }
    stores.save(&lock, kind, record)?;
    if let Some(old) = previous_entry.as_ref().map(|e| e.store).filter(|s| *s != kind)
        && let Err(e) = stores.delete(&lock, old)
    {
        out.warnings.push(format!(
            "the earlier copy in the {} store was not removed: {}",
            old.as_str(),
            Error::from(e).message
        ));
    }
    drop(lock);
    if let Some(old) = previous
        && let Some(old_rt) = old.refresh_token.as_ref().filter(|rt| Some(*rt) != record.refresh_token.as_ref())
        && provider.revocation_scope == RevocationScope::Token
        && provider.revocation_url.is_some()
    {
        let client = client_of(&old, provider);
        match oauth::revoke::revoke(ctx.http(), provider, &old.params, &client, old_rt.expose(), "refresh_token") {
            Ok(_) => ctx.ui.trace(format!("revoked the refresh token {key} had before")),
            Err(e) => out.warnings.push(format!("the refresh token {key} had before could not be revoked: {e}")),
        }
    }
    Ok(out)
}

pub fn check_account_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 256 || name.chars().any(char::is_control) {
        return Err(Error::usage(format!("{name:?} is not a usable account name")));
    }
    Ok(())
}

pub fn reauth_error(provider: &Provider, key: &str, why: &str) -> Error {
    let (prov, account) = key.split_once(':').unwrap_or((key, ""));
    let msg = if why.is_empty() {
        format!("{key} needs re-authorization")
    } else {
        format!("{key} needs re-authorization: {why}")
    };
    let extra = match provider.hint("no_refresh_token") {
        Some(h) if why.contains("no refresh token") => format!(" ({h})"),
        _ => String::new(),
    };
    Error::reauth(msg).with_hint(format!("run: oauthctl connect {prov} --account {account}{extra}"))
}

/// Records in the index that the grant is gone, so `token` and `exec` refuse it and `status` says
/// so without reading secrets. The credential itself is kept, never deleted.
pub fn mark_reauth(ctx: &Ctx, entry: &Entry, why: &str) {
    let key = entry.key();
    let _ = index::update(&ctx.config_dir, |idx| {
        if let Some(e) = idx.accounts.iter_mut().find(|e| e.key() == key) {
            e.needs_reauth = Some(why.to_string());
        }
    });
}

/// The error `token` and `exec` give for an account marked for re-authorization.
pub fn marked_error(entry: &Entry, why: &str) -> Error {
    Error::new(Kind::Reauth, format!("{} needs re-authorization: {why}", entry.key())).with_hint(format!(
        "run: oauthctl connect {} --account {} (or pass --allow-stale to use the stored token anyway)",
        entry.provider, entry.account
    ))
}

pub mod signals {
    //! Defers SIGINT, SIGTERM and SIGHUP while a refresh answer and its save are in flight: a
    //! handler installed with `sigaction` notes the signal, and dropping the guard restores the
    //! earlier handlers and raises the noted signal, which then ends the process as it would have.

    #[cfg(unix)]
    use std::sync::atomic::{AtomicI32, Ordering};

    #[cfg(unix)]
    static PENDING: AtomicI32 = AtomicI32::new(0);
    #[cfg(unix)]
    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    #[cfg(unix)]
    extern "C" fn note(sig: libc::c_int) {
        PENDING.store(sig, Ordering::SeqCst);
    }

    /// Whether a deferred signal is waiting.
    pub fn pending() -> bool {
        #[cfg(unix)]
        {
            PENDING.load(Ordering::SeqCst) != 0
        }
        #[cfg(not(unix))]
        false
    }

    pub struct Deferred {
        #[cfg(unix)]
        old: Vec<libc::sigaction>,
    }

    impl Deferred {
        #[allow(clippy::new_without_default)]
        pub fn new() -> Self {
            #[cfg(unix)]
            {
                let old = SIGNALS
                    .iter()
                    .map(|s| {
                        // SAFETY: zeroed sigaction structs are valid; the handler is async-signal-
                        // safe (one atomic store); `old` receives the previous disposition.
                        unsafe {
                            let mut new: libc::sigaction = std::mem::zeroed();
                            new.sa_sigaction = note as extern "C" fn(libc::c_int) as libc::sighandler_t;
                            new.sa_flags = libc::SA_RESTART;
                            libc::sigemptyset(&mut new.sa_mask);
                            let mut old: libc::sigaction = std::mem::zeroed();
                            libc::sigaction(*s, &new, &mut old);
                            old
                        }
                    })
                    .collect();
                Deferred { old }
            }
            #[cfg(not(unix))]
            Deferred {}
        }
    }

    impl Drop for Deferred {
        fn drop(&mut self) {
            #[cfg(unix)]
            {
                for (sig, old) in SIGNALS.iter().zip(&self.old) {
                    // SAFETY: restores the disposition saved in `new`.
                    unsafe { libc::sigaction(*sig, old, std::ptr::null_mut()) };
                }
                let sig = PENDING.swap(0, Ordering::SeqCst);
                if sig != 0 {
                    // SAFETY: re-delivers the deferred signal to this process.
                    unsafe { libc::raise(sig) };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::record::sample;

    #[test]
    fn freshness_threshold() {
        assert!(is_fresh(Some(1000), 300, 600));
        assert!(!is_fresh(Some(1000), 300, 700));
        assert!(!is_fresh(Some(1000), 0, 1000));
        assert!(is_fresh(None, 300, i64::MAX));
    }

    #[test]
    fn a_refresh_replaces_only_the_token_asked_for() {
        let mut r = sample("slack", "T/U");
        r.token_name = Some("user".into());
        r.other_tokens.insert(
            "bot".into(),
            StoredToken {
                access_token: Secret::new("xoxb-old"),
                refresh_token: Some(Secret::new("xoxe-bot-rt")),
                token_type: "bot".into(),
                scopes: vec!["chat:write".into()],
                expires_at: Some(10),
            },
        );
        let answer = |at: &str| {
            crate::oauth::grant::parse(
                &crate::http::Response::test(
                    200,
                    "application/json",
                    &format!(r#"{{"access_token":"{at}","refresh_token":"new-rt","expires_in":43200}}"#),
                ),
                &crate::oauth::grant::tests::plain(),
            )
            .unwrap()
        };
        apply_refresh(&mut r, Some("bot"), answer("xoxb-new"), 1000);
        assert_eq!(r.other_tokens["bot"].access_token.expose(), "xoxb-new");
        assert_eq!(r.other_tokens["bot"].refresh_token.as_ref().unwrap().expose(), "new-rt");
        assert_eq!(r.access_token.expose(), "access-token-value", "the user token is untouched");
        apply_refresh(&mut r, Some("user"), answer("xoxp-new"), 2000);
        assert_eq!(r.access_token.expose(), "xoxp-new");
        assert_eq!(r.expires_at, Some(2000 + 43200));
        assert!(token_of(&r, Some("nope")).unwrap_err().message.contains("bot, user"));
    }
}
