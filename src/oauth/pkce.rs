// State and PKCE values from caller-supplied random bytes (the browser passes
// crypto.getRandomValues output), so every value here is testable with exact vectors.

use crate::types::{PkceChallenge, PkceVerifier, State};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Bytes of randomness behind a state (256 bits; RFC 9700 asks for at least 128).
pub const STATE_BYTES: usize = 32;
/// Bytes behind a verifier: 32 bytes give the 43-character verifier of RFC 7636 §4.1.
pub const VERIFIER_BYTES: usize = 32;

/// RFC 6749 §10.12: an unguessable state, base64url of the random bytes.
pub fn state_from(random: &[u8; STATE_BYTES]) -> State {
    State::new(URL_SAFE_NO_PAD.encode(random))
}

/// RFC 7636 §4.1: a high-entropy code verifier, base64url of 32 random octets.
pub fn verifier_from(random: &[u8; VERIFIER_BYTES]) -> PkceVerifier {
    PkceVerifier::new(URL_SAFE_NO_PAD.encode(random))
}

/// RFC 7636 §4.2: S256 challenge = BASE64URL(SHA256(ASCII(verifier))).
pub fn challenge_s256(verifier: &PkceVerifier) -> PkceChallenge {
    let digest = Sha256::digest(verifier.expose().as_bytes());
    PkceChallenge::new(URL_SAFE_NO_PAD.encode(digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 Appendix B: the octets, the verifier and the challenge.
    #[test]
    fn rfc7636_appendix_b_vector() {
        let octets: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let verifier = verifier_from(&octets);
        assert_eq!(
            verifier.expose(),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
        assert_eq!(
            challenge_s256(&verifier).as_str(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn state_is_url_safe_and_carries_256_bits() {
        let s = state_from(&[0xff; 32]);
        assert_eq!(s.as_str().len(), 43);
        assert!(s
            .as_str()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(state_from(&[1; 32]), state_from(&[2; 32]));
    }
}
