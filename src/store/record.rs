//! The credential record: everything needed to use and refresh one account, stored as JSON in the
//! keyring entry or the credentials file. Times are absolute (RFC 3339), never `expires_in`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::clock;
use crate::secret::Secret;

pub const RECORD_VERSION: u32 = 1;

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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<Secret>,
    #[serde(with = "clock::rfc3339_time")]
    pub obtained_at: i64,
    /// Provider-specific fields of the token response (e.g. Salesforce `instance_url`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extras: BTreeMap<String, serde_json::Value>,
}

impl Record {
    pub fn key(&self) -> String {
        key(&self.provider, &self.account)
    }
}

/// The store key (keyring user name, file map key, lock name): `PROVIDER:ACCOUNT`.
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
        id_token: None,
        obtained_at: 1_799_996_400,
        extras: BTreeMap::new(),
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
}
