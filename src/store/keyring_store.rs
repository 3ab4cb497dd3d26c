//! The OS keyring backend: service `oauthctl`, user `PROVIDER:ACCOUNT`, secret = the record JSON.
//! Every call runs on its own thread with a deadline, so a hung D-Bus or a keyring prompt nobody
//! answers ends in a clear error instead of a hung CLI.

use std::sync::mpsc;
use std::time::Duration;

use super::Error;
use crate::output::Ui;

pub const SERVICE: &str = "oauthctl";
pub const DEFAULT_TIMEOUT_SECS: u64 = 10;
const PROBE_USER: &str = "oauthctl:probe";

pub struct KeyringStore {
    timeout: Duration,
    ui: Ui,
}

impl KeyringStore {
    pub fn new(timeout_secs: u64, ui: &Ui) -> Self {
        KeyringStore { timeout: Duration::from_secs(timeout_secs.max(1)), ui: ui.clone() }
    }

    /// Reads the secret of `user`; `None` when there is no entry.
    pub fn get(&self, user: &str) -> Result<Option<String>, Error> {
        self.call(user, "reading", |e| match e.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(err) => Err(err),
        })
    }

    pub fn set(&self, user: &str, secret: &str) -> Result<(), Error> {
        let secret = secret.to_string();
        self.call(user, "writing", move |e| e.set_password(&secret))
    }

    /// Deletes the entry; `false` when there was none.
    pub fn delete(&self, user: &str) -> Result<bool, Error> {
        self.call(user, "deleting", |e| match e.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(err) => Err(err),
        })
    }

    /// Proves that a write will work, before a browser round trip depends on it: a locked
    /// keyring answers reads of missing entries but refuses (or prompts for) writes.
    pub fn probe(&self) -> Result<(), Error> {
        self.set(PROBE_USER, "probe")?;
        self.delete(PROBE_USER).map(|_| ())
    }

    fn call<T: Send + 'static>(
        &self,
        user: &str,
        what: &'static str,
        op: impl FnOnce(&keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T, Error> {
        let (tx, rx) = mpsc::channel();
        let owned_user = user.to_string();
        self.ui.trace(format!("keyring: {what} service={SERVICE} user={user}"));
        // Detached on purpose: if the keyring hangs, the thread is abandoned with the process.
        std::thread::spawn(move || {
            let result = keyring::Entry::new(SERVICE, &owned_user).and_then(|e| op(&e));
            let _ = tx.send(result);
        });
        match rx.recv_timeout(self.timeout) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(Error::Keyring { op: what, key: user.to_string(), detail: describe(&e) }),
            Err(_) => Err(Error::KeyringTimeout { op: what, key: user.to_string(), secs: self.timeout.as_secs() }),
        }
    }
}

/// The keyring's error in one plain sentence: the D-Bus jargon
/// ("org.freedesktop.DBus.Error.ServiceUnknown") is what a person new to Linux desktops cannot act on.
fn describe(e: &keyring::Error) -> String {
    #[cfg(target_os = "linux")]
    {
        use dbus_secret_service::Error as Ss;
        let inner = match e {
            keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
                inner.downcast_ref::<Ss>()
            }
            _ => None,
        };
        match inner {
            Some(Ss::Unavailable) => {
                return "no Secret Service is running (nothing like gnome-keyring, KWallet or KeePassXC answers)"
                    .into();
            }
            Some(Ss::Locked | Ss::Prompt) => return "the keyring is locked and was not unlocked".into(),
            Some(Ss::Dbus(d)) if d.name() == Some("org.freedesktop.DBus.Error.ServiceUnknown") => {
                return "no Secret Service is running (nothing like gnome-keyring, KWallet or KeePassXC answers)"
                    .into();
            }
            Some(Ss::Dbus(d)) if d.name().is_none_or(|n| n.starts_with("org.freedesktop.DBus.Error.NoServer")) => {
                return "there is no D-Bus session to reach a keyring on (a server, a container, or SSH without a desktop)"
                    .into();
            }
            _ => {}
        }
    }
    e.to_string()
}
