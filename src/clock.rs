//! Wall-clock time as the record stores it: absolute Unix seconds, shown as RFC 3339.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// 9999-12-31T23:59:59Z: the last time RFC 3339 can write with four-digit years.
pub const MAX_TIME: i64 = 253_402_300_799;

pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// RFC 3339 text of `unix`, clamped to what RFC 3339 can hold.
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix.clamp(0, MAX_TIME))
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .expect("times within 1970..=9999 format")
}

/// `now + seconds`, never past [`MAX_TIME`].
pub fn after(now: i64, seconds: i64) -> i64 {
    now.saturating_add(seconds).clamp(0, MAX_TIME)
}

/// Serde helpers for an optional absolute time stored as RFC 3339 text.
///
/// Reading is lenient so that one odd record can never make a store unreadable: a JSON number is
/// read as Unix seconds, and text that is not RFC 3339 (versions before 0.2 wrote the bare number
/// for expiries past year 9999) as 0 — long expired, so the next use refreshes.
pub mod opt_rfc3339 {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    pub fn serialize<S: Serializer>(value: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => s.serialize_str(&super::rfc3339(*t)),
            None => s.serialize_none(),
        }
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Text(String),
        Number(f64),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Ok(Option::<Stored>::deserialize(d)?.map(|v| match v {
            Stored::Text(t) => match OffsetDateTime::parse(&t, &Rfc3339) {
                Ok(t) => t.unix_timestamp(),
                Err(_) => 0,
            },
            Stored::Number(n) => (n as i64).clamp(0, super::MAX_TIME),
        }))
    }
}

/// Serde helpers for a required absolute time stored as RFC 3339 text.
pub mod rfc3339_time {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::rfc3339(*value))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        Ok(super::opt_rfc3339::deserialize(d)?.unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_and_clamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_800_000_000), "2027-01-15T08:00:00Z");
        assert_eq!(rfc3339(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(after(1_000, i64::MAX), MAX_TIME);
    }

    #[test]
    fn every_written_time_reads_back() {
        #[derive(serde::Serialize, serde::Deserialize)]
        struct T {
            #[serde(with = "opt_rfc3339")]
            t: Option<i64>,
        }
        for t in [0, 1_800_000_000, MAX_TIME, i64::MAX, -5] {
            let text = serde_json::to_string(&T { t: Some(t) }).unwrap();
            let back: T = serde_json::from_str(&text).unwrap();
            assert_eq!(back.t, Some(t.clamp(0, MAX_TIME)), "{text}");
        }
    }
}
