//! The environment oauthctl reads, as one object: the process's own, or a fixed map that tests
//! give. Every variable is read through here, so a test can run a command in-process with exactly
//! the environment it wants.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Clone, Default)]
pub struct Env {
    /// `None`: the process environment.
    fixed: Option<BTreeMap<String, String>>,
}

impl Env {
    pub fn process() -> Self {
        Env { fixed: None }
    }

    pub fn fixed<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        Env { fixed: Some(pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect()) }
    }

    /// A variable's value, trimmed; an empty value counts as unset.
    pub fn get(&self, name: &str) -> Option<String> {
        self.raw(name).and_then(|v| v.into_string().ok()).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }

    /// A variable as the OS holds it (paths), empty counting as unset.
    pub fn raw(&self, name: &str) -> Option<OsString> {
        match &self.fixed {
            Some(map) => map.get(name).map(OsString::from),
            None => std::env::var_os(name),
        }
        .filter(|v| !v.is_empty())
    }

    pub fn path(&self, name: &str) -> Option<PathBuf> {
        self.raw(name).map(PathBuf::from)
    }

    /// A number of seconds from `name`, within `1..=max`; anything else is `default`.
    pub fn seconds(&self, name: &str, default: u64, max: u64) -> u64 {
        self.get(name).and_then(|v| v.parse::<u64>().ok()).filter(|s| (1..=max).contains(s)).unwrap_or(default)
    }

    /// The home directory: `HOME`, else the platform's.
    pub fn home(&self) -> Option<PathBuf> {
        self.path("HOME").or_else(|| match &self.fixed {
            Some(_) => None,
            None => directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf()),
        })
    }
}

/// Names only: values may be secrets (`OAUTHCTL_CLIENT_SECRET`).
impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.fixed {
            None => f.write_str("Env(process)"),
            Some(map) => f.debug_list().entries(map.keys()).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_unset_and_values_are_trimmed() {
        let env = Env::fixed([("A", " x "), ("B", ""), ("N", "5"), ("BIG", "99999999999999999999")]);
        assert_eq!(env.get("A").as_deref(), Some("x"));
        assert_eq!(env.get("B"), None);
        assert_eq!(env.get("C"), None);
        assert_eq!(env.seconds("N", 30, 3600), 5);
        assert_eq!(env.seconds("BIG", 30, 3600), 30, "out of range falls back");
    }

    #[test]
    fn debug_shows_names_only() {
        let env = Env::fixed([("OAUTHCTL_CLIENT_SECRET", "hunter2")]);
        let text = format!("{env:?}");
        assert!(text.contains("OAUTHCTL_CLIENT_SECRET") && !text.contains("hunter2"), "{text}");
    }
}
