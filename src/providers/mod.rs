//! Providers: one schema ([`Provider`]) for the built-in catalog (`catalog.toml`, embedded), the
//! user's `providers.toml`, and providers found by discovery. A provider's quirks are fields of
//! its entry, never branches on its name: a new provider is one table, a new quirk one field.

mod catalog;
pub mod discovery;
mod resolve;
#[cfg(test)]
mod samples;
mod schema;

pub use catalog::{Catalog, ConfigError, FILE_NAME, LoadError, builtin_names, from_table};
pub use resolve::{Error as ResolveError, needs_discovery, resolve};
pub use schema::*;

/// Endpoints must be https; plain http only for loopback hosts (local servers and tests).
pub fn check_endpoint(value: &str) -> Result<(), &'static str> {
    let url = url::Url::parse(value).map_err(|_| "is not a URL")?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_host(&url) => Ok(()),
        "http" => Err("must use https (plain http is allowed only for 127.0.0.1, [::1] and localhost)"),
        _ => Err("must be an https URL"),
    }
}

pub fn is_loopback_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Provider names (and the platform resource names derived from them): lowercase letters, digits
/// and `-`, not starting with `-`, at most 64 characters.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
}

/// `text` as a name: lowercase ASCII letters and digits, every other run of characters one `-`,
/// none at either end (`MCP.Linear.app/sse` → `mcp-linear-app-sse`).
pub fn slug(text: &str) -> String {
    let mut name = String::with_capacity(text.len());
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    name.truncate(name.trim_end_matches('-').len());
    name
}

/// The closest of `candidates` to `name`, for a "did you mean" hint: at most two edits away, or
/// one that starts with it.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| *d <= 2 || (name.len() >= 3 && c.starts_with(name)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_words_joined_by_single_dashes() {
        assert_eq!(slug("MCP.Linear.app/sse"), "mcp-linear-app-sse");
        assert_eq!(slug("--a__b  é c--"), "a-b-c");
        assert_eq!(slug("ünïcode"), "n-code");
        assert_eq!(slug("…"), "");
    }

    #[test]
    fn endpoints_are_https_or_loopback() {
        for ok in ["http://127.0.0.1:1/a", "http://[::1]:1/a", "http://localhost/a", "https://x.test/a"] {
            assert!(check_endpoint(ok).is_ok(), "{ok}");
        }
        assert!(check_endpoint("http://auth.acme.test/a").unwrap_err().contains("https"));
        assert!(check_endpoint("ftp://x.test/").is_err());
        assert!(check_endpoint("not a url").is_err());
    }

    #[test]
    fn names_are_lowercase_slugs() {
        assert!(valid_name("google-drive") && valid_name("m365"));
        assert!(!valid_name("Gmail") && !valid_name("a:b") && !valid_name("") && !valid_name("-x"));
    }

    #[test]
    fn suggestions_are_close_names() {
        let names = ["gmail", "github", "gitlab", "google-drive", "slack"];
        assert_eq!(did_you_mean("gmial", names), Some("gmail"));
        assert_eq!(did_you_mean("githb", names), Some("github"));
        assert_eq!(did_you_mean("google", names), Some("google-drive"));
        assert_eq!(did_you_mean("zzzzzz", names), None);
    }
}
