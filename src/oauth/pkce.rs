//! PKCE (RFC 7636, S256) and the random values of the flow (`state`, `nonce`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::secret::Secret;

/// base64url text of `bytes` random bytes from the OS.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("OS randomness is available");
    URL_SAFE_NO_PAD.encode(&buf)
}

/// The verifier lives in memory only (never in `state`, never stored) and cannot be cloned.
pub struct Pkce {
    verifier: Secret,
    pub challenge: String,
}

impl Pkce {
    #[allow(clippy::new_without_default)] // each one is new randomness: not a default value
    pub fn new() -> Self {
        // 32 random bytes → 43 characters, the RFC's minimum length with 256 bits of entropy.
        Self::from_verifier(random_token(32))
    }

    fn from_verifier(verifier: String) -> Self {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce { verifier: Secret::new(verifier), challenge }
    }

    pub fn verifier(&self) -> &str {
        self.verifier.expose()
    }
}

/// Constant-time comparison for `state`, so timing does not leak how much of a guess was right.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let p = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn verifiers_are_long_unique_and_url_safe() {
        let (a, b) = (Pkce::new(), Pkce::new());
        assert_eq!(a.verifier().len(), 43);
        assert_ne!(a.verifier(), b.verifier());
        assert!(a.verifier().bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn state_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
