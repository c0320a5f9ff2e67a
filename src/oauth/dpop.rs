// DPoP proofs (RFC 9449): the JWT that shows the client holds the key a token is bound to,
// made fresh for each request (method, URL, time, optional server nonce and token hash), and
// the provider's request for a nonce. Signing is the browser's (a non-extractable key).

use crate::types::AccessToken;
use crate::wire::HttpResponse;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// RFC 9449 §4.2: the algorithm Handshake signs proofs with (P-256, SHA-256).
pub const ALG: &str = "ES256";

/// RFC 9449 §4.2 `htu`: the request URL without query and fragment.
pub fn htu(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or(url).to_string()
}

/// RFC 9449 §4.2 `ath`: base64url of the SHA-256 of the access token.
pub fn ath(token: &AccessToken) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.expose().as_bytes()))
}

/// What one proof says.
pub struct Proof<'a> {
    /// A unique id (RFC 9449 §11.1: the server rejects a replay).
    pub jti: &'a str,
    pub method: &'a str,
    pub url: &'a str,
    /// Seconds since the epoch.
    pub iat: u64,
    pub nonce: Option<&'a str>,
    /// For calls that carry the access token.
    pub access_token: Option<&'a AccessToken>,
}

/// RFC 9449 §4.2: the proof's header and claims, joined as the JWS signing input.
pub fn signing_input(public_jwk: &Value, proof: &Proof) -> String {
    let header = json!({"typ": "dpop+jwt", "alg": ALG, "jwk": public_jwk});
    let mut claims = json!({
        "jti": proof.jti,
        "htm": proof.method,
        "htu": htu(proof.url),
        "iat": proof.iat,
    });
    if let Some(nonce) = proof.nonce {
        claims["nonce"] = json!(nonce);
    }
    if let Some(token) = proof.access_token {
        claims["ath"] = json!(ath(token));
    }
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}", b64(&header), b64(&claims))
}

/// The compact proof: the signing input and the P-256 signature (R ‖ S, 64 bytes).
pub fn compact(signing_input: &str, signature: &[u8]) -> String {
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// RFC 9449 §8 and §9: the provider asks for a nonce — a 400 `use_dpop_nonce` from the token
/// endpoint, or a 401 with `WWW-Authenticate: DPoP error="use_dpop_nonce"` from an API — and
/// sends it in `DPoP-Nonce`. Returns that nonce.
pub fn nonce_requested(resp: &HttpResponse) -> Option<String> {
    let nonce = resp.header_value("dpop-nonce")?.trim().to_string();
    if nonce.is_empty() {
        return None;
    }
    let in_body = resp.status == 400
        && super::token::provider_said(&resp.body).code.as_deref() == Some("use_dpop_nonce");
    let in_header = resp.status == 401
        && resp
            .header_value("www-authenticate")
            .is_some_and(|h| h.contains("use_dpop_nonce"));
    (in_body || in_header).then_some(nonce)
}

/// The nonce a successful answer hands out for next time (RFC 9449 §8.2), if any.
pub fn next_nonce(resp: &HttpResponse) -> Option<String> {
    resp.header_value("dpop-nonce")
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(part: &str) -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    #[test]
    fn a_proof_carries_the_rfc9449_claims() {
        let jwk = json!({"kty": "EC", "crv": "P-256", "x": "xx", "y": "yy"});
        let token = AccessToken::new("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU");
        let input = signing_input(
            &jwk,
            &Proof {
                jti: "j-1",
                method: "GET",
                url: "https://rs.example/me?x=1#frag",
                iat: 1_700_000_000,
                nonce: Some("n-1"),
                access_token: Some(&token),
            },
        );
        let (header, claims) = input.split_once('.').unwrap();
        assert_eq!(
            decode(header),
            json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk})
        );
        assert_eq!(
            decode(claims),
            json!({"jti": "j-1", "htm": "GET", "htu": "https://rs.example/me", "iat": 1_700_000_000u64,
                   "nonce": "n-1", "ath": "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"})
        );
        assert!(compact(&input, &[1, 2]).ends_with(".AQI"));
    }

    #[test]
    fn the_token_endpoint_and_an_api_ask_for_a_nonce_differently() {
        let answer = |status, headers: Vec<(&str, &str)>, body: &str| {
            HttpResponse::new(
                status,
                headers
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                body.into(),
            )
        };
        let token = answer(
            400,
            vec![("dpop-nonce", "abc")],
            r#"{"error":"use_dpop_nonce"}"#,
        );
        assert_eq!(nonce_requested(&token).as_deref(), Some("abc"));
        let api = answer(
            401,
            vec![
                ("dpop-nonce", "def"),
                (
                    "www-authenticate",
                    r#"DPoP error="use_dpop_nonce", algs="ES256""#,
                ),
            ],
            "",
        );
        assert_eq!(nonce_requested(&api).as_deref(), Some("def"));
        // Another 400 with a nonce header is not a request for one.
        let other = answer(
            400,
            vec![("dpop-nonce", "x")],
            r#"{"error":"invalid_grant"}"#,
        );
        assert_eq!(nonce_requested(&other), None);
        assert_eq!(next_nonce(&other).as_deref(), Some("x"));
    }
}
