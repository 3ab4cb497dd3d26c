//! Using a stored credential: find it, and make sure its access token is fresh. This is where
//! concurrency is settled. Any number of processes may ask at once; the per-account lock, a
//! re-read under it, and "refresh only if still needed" make that one refresh request.

use crate::cli::StoreKind;
use crate::clock;
use crate::error::{Error, Kind, Result};
use crate::http::Http;
use crate::oauth::client::Client;
use crate::oauth::token::{self, RefreshError, TokenSet};
use crate::oauth::{endpoints, jwt};
use crate::providers::Provider;
use crate::store::index::{self, Entry};
use crate::store::record::RECORD_VERSION;
use crate::store::{Record, Stores};

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

/// Valid while `expires_at - now > min_valid`; a token without an expiry is always valid.
pub fn is_fresh(record: &Record, min_valid: u64, now: i64) -> bool {
    record.expires_at.is_none_or(|t| t - now > min_valid as i64)
}

/// Returns a record whose access token is valid for more than `min_valid` seconds (refreshing
/// if needed), or with `force`, a newly refreshed one.
pub fn ensure_fresh(
    stores: &Stores,
    http: &Http,
    provider: &Provider,
    entry: &Entry,
    min_valid: u64,
    force: bool,
) -> Result<(Record, Freshness)> {
    let key = entry.key();
    // Without the lock first: most calls find a valid token and cost one store read.
    let seen = stores.load_existing(entry)?;
    if !force && is_fresh(&seen, min_valid, clock::now()) {
        return Ok((seen, Freshness::StillValid));
    }
    let _lock = stores.lock_account(&key)?;
    // Re-read under the lock. A token that changed since the first read was refreshed by another
    // process while this one waited: use it, even when it is not "fresh" by min_valid (a provider
    // whose tokens live shorter than that), or every waiter would refresh again in turn.
    let record = stores.load_existing(entry)?;
    if record.access_token != seen.access_token || (!force && is_fresh(&record, min_valid, clock::now())) {
        return Ok((record, Freshness::RefreshedElsewhere));
    }
    let Some(refresh_token) = record.refresh_token.clone() else {
        let why = "no refresh token was issued";
        mark_reauth(stores, entry, why);
        return Err(reauth_error(provider, &key, why));
    };
    let client = client_of(&record, provider);
    // From the request to the saved record, a SIGINT/SIGTERM/SIGHUP waits: a provider that
    // rotates refresh tokens has already spent the old one once it answers.
    let _signals = signals::Deferred::new();
    let tokens = match token::refresh(http, &provider.token_url, &client, refresh_token.expose()) {
        Ok(t) => t,
        Err(RefreshError::Transport(e)) => return Err(e.context(format!("refreshing {key}"))),
        Err(RefreshError::Refused(f)) => {
            let invalid_grant = f.oauth_error() == Some("invalid_grant");
            let err = f.into_error(&format!("refreshing {key}"), &provider.token_url);
            if invalid_grant {
                mark_reauth(stores, entry, "the provider refused the refresh token (invalid_grant)");
                let hint = reauth_error(provider, &key, "").hint;
                return Err(Error { kind: Kind::Reauth, hint, ..err });
            }
            return Err(err);
        }
    };
    let now = clock::now();
    let mut extras = record.extras.clone();
    extras.extend(tokens.extras);
    let new = Record {
        access_token: tokens.access_token,
        // A rotated refresh token replaces the old one in this same write; none keeps the old.
        refresh_token: tokens.refresh_token.or(record.refresh_token.clone()),
        token_type: tokens.token_type,
        scopes: granted_scopes(tokens.scope.as_deref(), &record.scopes),
        expires_at: tokens.expires_in.map(|s| now + s),
        id_token: tokens.id_token.or(record.id_token.clone()),
        obtained_at: now,
        extras,
        ..record
    };
    stores.save(entry.store, &new)?;
    Ok((new, Freshness::Refreshed))
}

/// The OAuth client a stored credential was obtained with.
pub fn client_of(record: &Record, provider: &Provider) -> Client {
    Client { id: record.client_id.clone(), secret: record.client_secret.clone(), auth: provider.token_auth }
}

/// Scopes a token answer granted (`scope`, space- or comma-separated), else `fallback`.
pub fn granted_scopes(scope: Option<&str>, fallback: &[String]) -> Vec<String> {
    match scope {
        Some(s) => s.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect(),
        None => fallback.to_vec(),
    }
}

/// A new credential from a token answer (connect, import). The account is `explicit`, else the
/// id_token's email (its `nonce` and `aud` checked first), else the userinfo endpoint's, else
/// `default`.
pub fn new_record(
    http: &Http,
    provider: &Provider,
    client: &Client,
    tokens: TokenSet,
    explicit: Option<&str>,
    nonce: Option<&str>,
    requested: &[String],
) -> Result<Record> {
    let claims = tokens.id_token.as_ref().and_then(|t| jwt::claims(t.expose()));
    if let Some(c) = &claims {
        jwt::check(c, nonce, &client.id)
            .map_err(|why| Error::remote(format!("the id_token was refused: {why}; nothing was stored")))?;
    }
    let account = match explicit {
        Some(a) => a.to_string(),
        None => claims
            .as_ref()
            .and_then(jwt::email)
            .or_else(|| {
                let url = provider.userinfo_url.as_ref()?;
                endpoints::userinfo_email(http, url, tokens.access_token.expose())
            })
            .unwrap_or_else(|| "default".into()),
    };
    check_account_name(&account)?;
    let now = clock::now();
    Ok(Record {
        version: RECORD_VERSION,
        provider: provider.name.clone(),
        account,
        client_id: client.id.clone(),
        client_secret: client.secret.clone(),
        scopes: granted_scopes(tokens.scope.as_deref(), requested),
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        token_type: tokens.token_type,
        expires_at: tokens.expires_in.map(|s| now + s),
        id_token: tokens.id_token,
        obtained_at: now,
        extras: tokens.extras,
    })
}

/// Stores a new credential in `kind`. A copy an earlier connect left in another store is then
/// removed; failing that is only worth a warning, which is returned.
pub fn store_new(
    stores: &Stores,
    kind: StoreKind,
    record: &Record,
    previous: Option<StoreKind>,
) -> Result<Option<String>> {
    stores.save(kind, record)?;
    Ok(match previous.filter(|p| *p != kind) {
        Some(old) => stores
            .delete(old, &record.key())
            .err()
            .map(|e| format!("the earlier copy in the {} store was not removed: {}", old.as_str(), e.message)),
        None => None,
    })
}

pub fn check_account_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 256 || name.chars().any(char::is_control) {
        return Err(Error::usage(format!("{name:?} is not a usable account name")));
    }
    Ok(())
}

fn reauth_error(provider: &Provider, key: &str, why: &str) -> Error {
    let (prov, account) = key.split_once(':').unwrap_or((key, ""));
    let msg = if why.is_empty() {
        format!("{key} needs re-authorization")
    } else {
        format!("{key} needs re-authorization: {why}")
    };
    Error::reauth(msg).with_hint(format!(
        "run: oauthctl connect {prov} --account {account}{}",
        if provider.is_google() && why.contains("no refresh token") {
            " (Google sends a refresh token with prompt=consent)"
        } else {
            ""
        }
    ))
}

/// Records in the index that the grant is gone, so `status` says so without reading secrets.
/// The credential itself is kept, never deleted.
fn mark_reauth(stores: &Stores, entry: &Entry, why: &str) {
    let key = entry.key();
    let _ = index::update(stores.dir(), |idx| {
        if let Some(e) = idx.accounts.iter_mut().find(|e| e.key() == key) {
            e.needs_reauth = Some(why.to_string());
        }
    });
}

/// The one stored account `target` names, with its provider.
pub fn find(
    config_dir: &std::path::Path,
    catalog: &crate::providers::Catalog,
    target: &str,
) -> Result<(Entry, Provider)> {
    let idx = index::load(config_dir)?;
    let entry = idx.resolve(target)?.clone();
    let provider = catalog.get(&entry.provider)?.clone();
    Ok((entry, provider))
}

mod signals {
    //! Defers SIGINT, SIGTERM and SIGHUP while a refresh is in flight: a handler (process-wide,
    //! whichever thread receives the signal) notes it, and dropping the guard restores the old
    //! handlers and raises the noted signal, which then ends the process as it would have.

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

    pub struct Deferred {
        #[cfg(unix)]
        old: Vec<libc::sighandler_t>,
    }

    impl Deferred {
        pub fn new() -> Self {
            #[cfg(unix)]
            {
                let handler = note as extern "C" fn(libc::c_int) as libc::sighandler_t;
                // SAFETY: installs an async-signal-safe handler (one atomic store).
                let old = SIGNALS.iter().map(|s| unsafe { libc::signal(*s, handler) }).collect();
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
                    // SAFETY: restores the handler that was there before.
                    unsafe { libc::signal(*sig, *old) };
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
        let mut r = sample("gmail", "a");
        r.expires_at = Some(1000);
        assert!(is_fresh(&r, 300, 600));
        assert!(!is_fresh(&r, 300, 700));
        assert!(!is_fresh(&r, 0, 1000));
        r.expires_at = None;
        assert!(is_fresh(&r, 300, i64::MAX));
    }
}
