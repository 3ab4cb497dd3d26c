//! The OS keyring backend: service `oauthctl`, user `PROVIDER:ACCOUNT`, secret = the record JSON.
//! Every call runs on its own thread with a deadline, so a hung D-Bus or a keyring prompt nobody
//! answers ends in a clear error instead of a hung CLI.

use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, Result};

pub const SERVICE: &str = "oauthctl";
const DEFAULT_TIMEOUT_SECS: u64 = 10;

pub struct KeyringStore {
    timeout: Duration,
}

impl KeyringStore {
    pub fn new() -> Self {
        let secs = std::env::var("OAUTHCTL_KEYRING_TIMEOUT")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(DEFAULT_TIMEOUT_SECS);
        KeyringStore { timeout: Duration::from_secs(secs.max(1)) }
    }

    /// Reads the secret of `user`; `None` when there is no entry.
    pub fn get(&self, user: &str) -> Result<Option<String>> {
        self.call(user, "reading", |e| match e.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(err),
        })
    }

    pub fn set(&self, user: &str, secret: &str) -> Result<()> {
        let secret = secret.to_string();
        self.call(user, "writing", move |e| e.set_password(&secret))
    }

    /// Deletes the entry; `false` when there was none.
    pub fn delete(&self, user: &str) -> Result<bool> {
        self.call(user, "deleting", |e| match e.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(err) => Err(err),
        })
    }

    /// Checks that the keyring answers (reads an entry that does not exist).
    pub fn probe(&self) -> Result<()> {
        self.get("oauthctl:probe").map(|_| ())
    }

    fn call<T: Send + 'static>(
        &self,
        user: &str,
        what: &'static str,
        op: impl FnOnce(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = mpsc::channel();
        let owned_user = user.to_string();
        crate::output::trace(format!("keyring: {what} service={SERVICE} user={user}"));
        // Detached on purpose: if the keyring hangs, the thread is abandoned with the process.
        std::thread::spawn(move || {
            let result = keyring::Entry::new(SERVICE, &owned_user).and_then(|e| op(&e));
            let _ = tx.send(result);
        });
        match rx.recv_timeout(self.timeout) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(unavailable(format!("the OS keyring failed while {what} {user}: {e}"))),
            Err(_) => Err(unavailable(format!(
                "the OS keyring did not answer within {}s while {what} {user} (is it locked, or is D-Bus hung?)",
                self.timeout.as_secs()
            ))),
        }
    }
}

fn unavailable(message: String) -> Error {
    Error::store(message).with_hint(
        "unlock or start the keyring (gnome-keyring, KWallet, KeePassXC), or keep credentials in a 0600 file \
         with --store file (or OAUTHCTL_STORE=file)",
    )
}
