//! The credential record: everything needed to use and refresh one account, stored as JSON in the
//! keyring entry or the account's credentials file. Times are absolute (RFC 3339), never
//! `expires_in`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::clock;
use crate::secret::Secret;

pub const RECORD_VERSION: u32 = 2;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub version: u32,
    pub provider: String,
    pub account: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Secret>,
    pub access_token: Secret,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    pub token_type: String,
    /// Scopes granted (the token response's `scope`, else those requested).
    pub scopes: Vec<String>,
    #[serde(with = "clock::opt_rfc3339", default)]
    pub expires_at: Option<i64>,
    #[serde(with = "clock::opt_rfc3339", default, skip_serializing_if = "Option::is_none")]
    pub refresh_expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<Secret>,
    #[serde(with = "clock::rfc3339_time")]
    pub obtained_at: i64,
    /// Values the provider's entry keeps (Salesforce `instance_url`, Slack `team_id`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extras: BTreeMap<String, serde_json::Value>,
    /// Connect-time values of the provider's URL templates (`tenant`, `shop`), used again by
    /// refresh and logout.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// The name of the main token when the provider answers several (Slack: "user").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_name: Option<String>,
    /// The other tokens of the answer, by name (Slack: "bot").
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub other_tokens: BTreeMap<String, StoredToken>,
    /// For providers found by discovery (an issuer-only entry, an MCP server): the resolved
    /// entry, so refresh and logout need no discovery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_snapshot: Option<serde_json::Value>,
}

/// One more token of the same grant (its own refresh token and expiry).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredToken {
    pub access_token: Secret,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    pub token_type: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(with = "clock::opt_rfc3339", default)]
    pub expires_at: Option<i64>,
}

impl Record {
    pub fn key(&self) -> String {
        key(&self.provider, &self.account)
    }
}

/// The store key (keyring user name, file name, lock name): `PROVIDER:ACCOUNT`.
pub fn key(provider: &str, account: &str) -> String {
    format!("{provider}:{account}")
}

#[cfg(test)]
pub fn sample(provider: &str, account: &str) -> Record {
    Record {
        version: RECORD_VERSION,
        provider: provider.into(),
        account: account.into(),
        client_id: "cid".into(),
        client_secret: Some(Secret::new("client-secret-value")),
        access_token: Secret::new("access-token-value"),
        refresh_token: Some(Secret::new("refresh-token-value")),
        token_type: "Bearer".into(),
        scopes: vec!["openid".into()],
        expires_at: Some(1_800_000_000),
        refresh_expires_at: None,
        id_token: None,
        obtained_at: 1_799_996_400,
        extras: BTreeMap::new(),
        params: BTreeMap::new(),
        token_name: None,
        other_tokens: BTreeMap::new(),
        provider_snapshot: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_secret() {
        let text = format!("{:?}", sample("gmail", "me@x.test"));
        for s in ["client-secret-value", "access-token-value", "refresh-token-value"] {
            assert!(!text.contains(s), "{text}");
        }
    }

    #[test]
    fn json_round_trip_keeps_absolute_times() {
        let r = sample("gmail", "me@x.test");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["expires_at"], "2027-01-15T08:00:00Z");
        assert_eq!(json["refresh_token"], "refresh-token-value");
        let back: Record = serde_json::from_value(json).unwrap();
        assert_eq!(back.expires_at, r.expires_at);
        assert_eq!(back.key(), "gmail:me@x.test");
    }

    #[test]
    fn version_one_records_still_read() {
        let v1 = r#"{"version":1,"provider":"gmail","account":"a","client_id":"c","access_token":"at","token_type":"Bearer","scopes":[],"expires_at":"2030-01-01T00:00:00Z","obtained_at":"2029-12-31T23:00:00Z","extras":{"x":1}}"#;
        let r: Record = serde_json::from_str(v1).unwrap();
        assert_eq!((r.version, r.extras["x"].as_i64()), (1, Some(1)));
    }

    #[test]
    fn an_unreadable_expiry_written_by_an_older_version_means_expired() {
        // Before expires_in was bounded, 300000000000 s was written as a bare number string.
        let bad = r#"{"version":1,"provider":"gmail","account":"a","client_id":"c","access_token":"at","token_type":"Bearer","scopes":[],"expires_at":"300001799999999","obtained_at":"2029-12-31T23:00:00Z"}"#;
        let r: Record = serde_json::from_str(bad).unwrap();
        assert_eq!(r.expires_at, Some(0), "read as long expired: the next use refreshes it");
    }
}
