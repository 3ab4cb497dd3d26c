//! Secrets are a type, not a `String`: `Debug` prints `[redacted]`, there is no `Display`, and the
//! value is reached only through an explicit `expose()`. Serialization is transparent because the
//! credential record must hold the real value (it goes only to the store).

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        // Overwrites the bytes before the allocation is freed, with writes the compiler may not
        // remove (zeroize). Copies made by reallocation or by the libraries that saw the value are
        // out of reach: this narrows what a memory dump holds, it does not promise nothing is left.
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some([redacted])");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn serializes_transparently() {
        let s = Secret::new("v");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"v\"");
        let back: Secret = serde_json::from_str("\"v\"").unwrap();
        assert_eq!(back, s);
    }
}
