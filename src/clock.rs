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
/// read as Unix seconds, and text that is not RFC 3339 (earlier versions wrote the bare number for
/// expiries past year 9999) as 0 — long expired, so the next use refreshes. A visitor, not an
/// untagged enum: the index holds two times per account, and an untagged enum buffers each value
/// before trying its variants.
pub mod opt_rfc3339 {
    use std::fmt;

    use serde::Serializer;
    use serde::de::{self, Deserializer, Visitor};
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    pub fn serialize<S: Serializer>(value: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => s.serialize_str(&super::rfc3339(*t)),
            None => s.serialize_none(),
        }
    }

    struct Time;

    impl<'de> Visitor<'de> for Time {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an RFC 3339 time, Unix seconds, or null")
        }
        fn visit_str<E: de::Error>(self, t: &str) -> Result<Self::Value, E> {
            Ok(Some(OffsetDateTime::parse(t, &Rfc3339).map(|t| t.unix_timestamp()).unwrap_or(0)))
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
            Ok(Some(n.clamp(0, super::MAX_TIME)))
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
            Ok(Some(i64::try_from(n).unwrap_or(i64::MAX).clamp(0, super::MAX_TIME)))
        }
        fn visit_f64<E: de::Error>(self, n: f64) -> Result<Self::Value, E> {
            Ok(Some((n as i64).clamp(0, super::MAX_TIME)))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(Time)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_option(Time)
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
        // Numbers (Unix seconds, also as floats), null, and text that is not a time.
        for (json, want) in [
            (r#"{"t":1800000000}"#, Some(1_800_000_000)),
            (r#"{"t":-7}"#, Some(0)),
            (r#"{"t":1.8e9}"#, Some(1_800_000_000)),
            (r#"{"t":18446744073709551615}"#, Some(MAX_TIME)),
            (r#"{"t":null}"#, None),
            (r#"{"t":"300001799999999"}"#, Some(0)),
            (r#"{"t":"2027-01-15T09:00:00+01:00"}"#, Some(1_800_000_000)),
        ] {
            assert_eq!(serde_json::from_str::<T>(json).unwrap().t, want, "{json}");
        }
        assert!(serde_json::from_str::<T>(r#"{"t":[1]}"#).is_err(), "a list is not a time");
    }
}
