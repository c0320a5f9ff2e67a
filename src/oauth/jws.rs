// A JWS in compact serialisation (RFC 7515 §7.1), taken apart for verification: the signing
// input and signature bytes, the algorithm as WebCrypto names it (RFC 7518 §3), and the key a
// JWK Set holds for it (RFC 7517). The signature itself is checked by the browser.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;

/// RFC 7518 §3.1: the signature algorithms Handshake verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alg {
    Rs256,
    Rs384,
    Rs512,
    Ps256,
    Ps384,
    Ps512,
    Es256,
    Es384,
}

/// What `SubtleCrypto.importKey` and `verify` need to know about an algorithm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebCryptoAlg {
    /// `RSASSA-PKCS1-v1_5`, `RSA-PSS` or `ECDSA`.
    pub name: &'static str,
    pub hash: &'static str,
    /// RSA-PSS: the salt length, the hash's size (RFC 7518 §3.5).
    pub salt_length: Option<u32>,
    /// ECDSA: the curve.
    pub curve: Option<&'static str>,
    /// The JWK key type the algorithm needs.
    pub kty: &'static str,
}

impl Alg {
    pub const ALL: [Alg; 8] = [
        Alg::Rs256,
        Alg::Rs384,
        Alg::Rs512,
        Alg::Ps256,
        Alg::Ps384,
        Alg::Ps512,
        Alg::Es256,
        Alg::Es384,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Alg::Rs256 => "RS256",
            Alg::Rs384 => "RS384",
            Alg::Rs512 => "RS512",
            Alg::Ps256 => "PS256",
            Alg::Ps384 => "PS384",
            Alg::Ps512 => "PS512",
            Alg::Es256 => "ES256",
            Alg::Es384 => "ES384",
        }
    }

    pub fn parse(name: &str) -> Option<Alg> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    pub fn webcrypto(self) -> WebCryptoAlg {
        let (bits, family) = match self {
            Alg::Rs256 => (256, 'R'),
            Alg::Rs384 => (384, 'R'),
            Alg::Rs512 => (512, 'R'),
            Alg::Ps256 => (256, 'P'),
            Alg::Ps384 => (384, 'P'),
            Alg::Ps512 => (512, 'P'),
            Alg::Es256 => (256, 'E'),
            Alg::Es384 => (384, 'E'),
        };
        let hash = match bits {
            256 => "SHA-256",
            384 => "SHA-384",
            _ => "SHA-512",
        };
        match family {
            'R' => WebCryptoAlg {
                name: "RSASSA-PKCS1-v1_5",
                hash,
                salt_length: None,
                curve: None,
                kty: "RSA",
            },
            'P' => WebCryptoAlg {
                name: "RSA-PSS",
                hash,
                salt_length: Some(bits / 8),
                curve: None,
                kty: "RSA",
            },
            _ => WebCryptoAlg {
                name: "ECDSA",
                hash,
                salt_length: None,
                curve: Some(if bits == 256 { "P-256" } else { "P-384" }),
                kty: "EC",
            },
        }
    }

    /// The size of the algorithm's hash in bits (for OpenID Connect's `at_hash`).
    pub fn hash_bits(self) -> u32 {
        match self.webcrypto().hash {
            "SHA-384" => 384,
            "SHA-512" => 512,
            _ => 256,
        }
    }

    /// RFC 7518 §3.4: an ECDSA signature is R and S side by side, each the curve's size.
    fn signature_len(self) -> Option<usize> {
        match self {
            Alg::Es256 => Some(64),
            Alg::Es384 => Some(96),
            _ => None,
        }
    }
}

/// A compact JWS, taken apart.
#[derive(Clone, Debug, PartialEq)]
pub struct Jws {
    pub header: Value,
    pub claims: Value,
    /// `BASE64URL(header) '.' BASE64URL(payload)`, the bytes the signature covers.
    pub signing_input: String,
    pub signature: Vec<u8>,
    pub alg: Alg,
    pub kid: Option<String>,
}

/// Why a token cannot be verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JwsError {
    NotCompact,
    BadPart(&'static str),
    /// `none`, HMAC (a shared secret the browser does not have) or something unknown.
    UnsupportedAlg(String),
    BadSignatureLength {
        alg: &'static str,
        len: usize,
    },
}

impl std::fmt::Display for JwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwsError::NotCompact => f.write_str("it is not a signed JWT (three base64url parts)"),
            JwsError::BadPart(part) => write!(f, "its {part} is not base64url-encoded JSON"),
            JwsError::UnsupportedAlg(alg) if alg == "none" => {
                f.write_str("it is not signed (alg none)")
            }
            JwsError::UnsupportedAlg(alg) if alg.starts_with("HS") => write!(
                f,
                "it is signed with {alg}, a secret shared with the client, which a browser app cannot hold"
            ),
            JwsError::UnsupportedAlg(alg) => write!(
                f,
                "its algorithm {} is not one Handshake verifies (RS256/384/512, PS256/384/512, ES256/384)",
                crate::types::quote(alg)
            ),
            JwsError::BadSignatureLength { alg, len } => {
                write!(f, "its {alg} signature is {len} bytes, which {alg} never makes")
            }
        }
    }
}

fn json_part(text: &str, which: &'static str) -> Result<Value, JwsError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| JwsError::BadPart(which))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| JwsError::BadPart(which))?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(JwsError::BadPart(which))
    }
}

/// RFC 7515 §5.2: splits and decodes a compact JWS; the algorithm must be one Handshake verifies.
pub fn parse(compact: &str) -> Result<Jws, JwsError> {
    let compact = compact.trim();
    let parts: Vec<&str> = compact.split('.').collect();
    let [header_b64, claims_b64, signature_b64] = parts[..] else {
        return Err(JwsError::NotCompact);
    };
    let header = json_part(header_b64, "header")?;
    let claims = json_part(claims_b64, "payload")?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .map_err(|_| JwsError::BadPart("signature"))?;
    let alg_name = header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let alg = Alg::parse(&alg_name).ok_or(JwsError::UnsupportedAlg(alg_name))?;
    if let Some(len) = alg.signature_len() {
        if signature.len() != len {
            return Err(JwsError::BadSignatureLength {
                alg: alg.name(),
                len: signature.len(),
            });
        }
    }
    let kid = header
        .get("kid")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(Jws {
        signing_input: format!("{header_b64}.{claims_b64}"),
        header,
        claims,
        signature,
        alg,
        kid,
    })
}

/// What a JWK Set holds for a token.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyChoice {
    /// The key to verify with (only its public members, ready for `importKey`).
    Found(Value),
    /// The token names a key the set does not have (fetch the set again once: keys rotate).
    UnknownKid(String),
    /// No key of the right type, or several with nothing to choose between them.
    NoneFits(String),
}

/// RFC 7517 §4: the one signing key of the right type for `jws` (by `kid` when it names one).
pub fn select_key(jwks: &Value, jws: &Jws) -> KeyChoice {
    let wanted = jws.alg.webcrypto();
    let Some(keys) = jwks.get("keys").and_then(Value::as_array) else {
        return KeyChoice::NoneFits("the JWK Set has no \"keys\" array".into());
    };
    let text = |k: &Value, m: &str| k.get(m).and_then(Value::as_str).map(str::to_string);
    let fits = |k: &&Value| {
        text(k, "kty").as_deref() == Some(wanted.kty)
            && text(k, "use").is_none_or(|u| u == "sig")
            && text(k, "alg").is_none_or(|a| a == jws.alg.name())
            && wanted
                .curve
                .is_none_or(|c| text(k, "crv").as_deref() == Some(c))
    };
    let candidates: Vec<&Value> = keys.iter().filter(fits).collect();
    let chosen = match &jws.kid {
        Some(kid) => {
            let named: Vec<&&Value> = candidates
                .iter()
                .filter(|k| text(k, "kid").as_deref() == Some(kid.as_str()))
                .collect();
            match named[..] {
                [one] => *one,
                [] => return KeyChoice::UnknownKid(kid.clone()),
                _ => {
                    return KeyChoice::NoneFits(format!(
                        "the JWK Set has several {} keys with kid {}",
                        wanted.kty,
                        crate::types::quote(kid)
                    ))
                }
            }
        }
        None => match candidates[..] {
            [one] => one,
            [] => {
                return KeyChoice::NoneFits(format!(
                    "the JWK Set has no {} signing key for {}",
                    wanted.kty,
                    jws.alg.name()
                ))
            }
            _ => {
                return KeyChoice::NoneFits(format!(
                    "the token names no kid and the JWK Set has {} {} keys to choose from",
                    candidates.len(),
                    wanted.kty
                ))
            }
        },
    };
    KeyChoice::Found(public_members(chosen))
}

/// Only the public key's members (RFC 7518 §6.2.1, §6.3.1): nothing private is ever imported.
fn public_members(key: &Value) -> Value {
    let members: &[&str] = match key.get("kty").and_then(Value::as_str) {
        Some("RSA") => &["kty", "n", "e"],
        _ => &["kty", "crv", "x", "y"],
    };
    let mut out = serde_json::Map::new();
    for m in members {
        if let Some(v) = key.get(*m) {
            out.insert(m.to_string(), v.clone());
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn b64(v: &Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
    }

    fn token(header: Value, sig_len: usize) -> String {
        format!(
            "{}.{}.{}",
            b64(&header),
            b64(&json!({"sub": "u1"})),
            URL_SAFE_NO_PAD.encode(vec![7u8; sig_len])
        )
    }

    #[test]
    fn rfc7515_appendix_a2_signing_input_and_signature() {
        // RFC 7515 Appendix A.2 (RS256): the signing input is the first two parts as sent.
        let compact = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
        let jws = parse(compact).unwrap();
        assert_eq!(jws.alg, Alg::Rs256);
        assert_eq!(
            jws.signing_input,
            "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        );
        assert_eq!(jws.signature.len(), 256);
        assert_eq!(&jws.signature[..4], &[0x70, 0x2e, 0x21, 0x89]);
        assert_eq!(jws.claims["iss"], "joe");
    }

    #[test]
    fn webcrypto_names_follow_rfc7518() {
        assert_eq!(
            Alg::Ps256.webcrypto(),
            WebCryptoAlg {
                name: "RSA-PSS",
                hash: "SHA-256",
                salt_length: Some(32),
                curve: None,
                kty: "RSA"
            }
        );
        assert_eq!(Alg::Es384.webcrypto().curve, Some("P-384"));
        assert_eq!(Alg::Rs512.webcrypto().name, "RSASSA-PKCS1-v1_5");
        assert_eq!(Alg::Rs512.webcrypto().hash, "SHA-512");
    }

    #[test]
    fn unverifiable_tokens_say_why() {
        assert_eq!(parse("a.b"), Err(JwsError::NotCompact));
        let none = token(json!({"alg": "none"}), 0);
        assert!(parse(&none).unwrap_err().to_string().contains("not signed"));
        let hs = token(json!({"alg": "HS256"}), 32);
        assert!(parse(&hs).unwrap_err().to_string().contains("shared"));
        let short = token(json!({"alg": "ES256"}), 70);
        assert_eq!(
            parse(&short),
            Err(JwsError::BadSignatureLength {
                alg: "ES256",
                len: 70
            })
        );
        assert_eq!(parse("e30.e30.%%"), Err(JwsError::BadPart("signature")));
    }

    #[test]
    fn the_key_is_chosen_by_kid_type_and_use() {
        let jwks = json!({"keys": [
            {"kty": "RSA", "kid": "rsa-1", "use": "sig", "n": "nnn", "e": "AQAB", "d": "private!"},
            {"kty": "EC", "kid": "ec-1", "crv": "P-256", "x": "xx", "y": "yy"},
            {"kty": "RSA", "kid": "enc-1", "use": "enc", "n": "m", "e": "AQAB"},
        ]});
        let rs = parse(&token(json!({"alg": "RS256", "kid": "rsa-1"}), 256)).unwrap();
        assert_eq!(
            select_key(&jwks, &rs),
            KeyChoice::Found(json!({"kty": "RSA", "n": "nnn", "e": "AQAB"}))
        );
        let es = parse(&token(json!({"alg": "ES256"}), 64)).unwrap();
        assert!(matches!(select_key(&jwks, &es), KeyChoice::Found(k) if k["x"] == "xx"));
        let rotated = parse(&token(json!({"alg": "RS256", "kid": "rsa-2"}), 256)).unwrap();
        assert_eq!(
            select_key(&jwks, &rotated),
            KeyChoice::UnknownKid("rsa-2".into())
        );
        // An encryption key is never used to verify, and a P-384 token needs a P-384 key.
        let enc = parse(&token(json!({"alg": "RS256", "kid": "enc-1"}), 256)).unwrap();
        assert_eq!(
            select_key(&jwks, &enc),
            KeyChoice::UnknownKid("enc-1".into())
        );
        let es384 = parse(&token(json!({"alg": "ES384"}), 96)).unwrap();
        assert!(matches!(select_key(&jwks, &es384), KeyChoice::NoneFits(_)));
        let two = json!({"keys": [{"kty": "RSA", "n": "a", "e": "AQAB"}, {"kty": "RSA", "n": "b", "e": "AQAB"}]});
        let no_kid = parse(&token(json!({"alg": "RS256"}), 256)).unwrap();
        assert!(
            matches!(select_key(&two, &no_kid), KeyChoice::NoneFits(m) if m.contains("2 RSA keys"))
        );
    }
}
