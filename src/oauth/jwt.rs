// Reading a JWT for the token inspector: the header and claims, base64url-decoded. Nothing is
// verified (Handshake holds no keys), and the inspector says so next to what it shows.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

/// A token's decoded parts.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub header: Value,
    pub claims: Value,
}

fn part(text: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    value.is_object().then_some(value)
}

/// The header and claims of `token` when it is a JWS compact serialisation
/// (`header.claims.signature`, the header naming an `alg`); `None` for opaque tokens.
pub fn decode(token: &str) -> Option<Decoded> {
    let mut parts = token.trim().split('.');
    let (header, claims, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None; // five parts: an encrypted JWE, not readable without the key
    }
    let header = part(header)?;
    header.get("alg")?.as_str()?;
    Some(Decoded {
        header,
        claims: part(claims)?,
    })
}

/// The time claims (`exp`, `iat`, `nbf`) present in `claims`, as (name, seconds since the epoch).
pub fn time_claims(claims: &Value) -> Vec<(&'static str, f64)> {
    ["iat", "nbf", "exp"]
        .into_iter()
        .filter_map(|name| Some((name, claims.get(name)?.as_f64()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(v: &Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
    }

    #[test]
    fn decodes_header_and_claims_of_a_signed_token() {
        let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": "k1"});
        let claims = serde_json::json!({"sub": "5d41", "scope": "connect read", "exp": 1_800_000_000, "iat": 1_799_999_700});
        let token = format!("{}.{}.c2lnbmF0dXJl", encode(&header), encode(&claims));
        let d = decode(&token).unwrap();
        assert_eq!(d.header["alg"], "RS256");
        assert_eq!(d.claims["sub"], "5d41");
        assert_eq!(
            time_claims(&d.claims),
            vec![("iat", 1_799_999_700.0), ("exp", 1_800_000_000.0)]
        );
    }

    #[test]
    fn opaque_and_malformed_tokens_are_not_jwts() {
        assert_eq!(decode("9f86d081884c7d659a2feaa0c55ad015"), None);
        assert_eq!(decode("a.b.c"), None);
        assert_eq!(decode(""), None);
        // A header without alg, or claims that are not an object.
        let no_alg = encode(&serde_json::json!({"typ": "JWT"}));
        let claims = encode(&serde_json::json!({"sub": "x"}));
        assert_eq!(decode(&format!("{no_alg}.{claims}.sig")), None);
        let header = encode(&serde_json::json!({"alg": "none"}));
        let array = encode(&serde_json::json!([1, 2]));
        assert_eq!(decode(&format!("{header}.{array}.")), None);
        // JWE has five parts.
        assert_eq!(decode(&format!("{header}.{claims}.a.b.c")), None);
    }

    #[test]
    fn an_unsigned_token_still_decodes() {
        let header = encode(&serde_json::json!({"alg": "none"}));
        let claims = encode(&serde_json::json!({"sub": "x"}));
        assert!(decode(&format!("{header}.{claims}.")).is_some());
    }
}
