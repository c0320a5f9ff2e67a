// The ID token's claims checked as OpenID Connect Core §3.1.3.7 says (iss, aud, azp, exp,
// iat, nonce, and sub across refreshes, §12.2), and the report the inspector shows: every
// check with its verdict, and the signature's (verified by the browser, with which key).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Clocks drift: times are accepted this many seconds either side.
pub const CLOCK_SKEW_S: f64 = 60.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    Failed,
    /// Not checked, and why is in the detail (e.g. no JWKS URI is configured).
    Skipped,
}

/// One check, as the inspector lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub verdict: Verdict,
    pub detail: String,
}

impl Check {
    fn new(name: &str, verdict: Verdict, detail: impl Into<String>) -> Self {
        Check {
            name: name.into(),
            verdict,
            detail: detail.into(),
        }
    }
}

/// What the ID token must say.
pub struct Expected<'a> {
    /// The provider's issuer; `None` when it has none configured (the check is skipped).
    pub issuer: Option<&'a str>,
    pub client_id: &'a str,
    /// The nonce this sign-in sent (none on a refresh).
    pub nonce: Option<&'a str>,
    /// The `sub` of the session's first ID token, when this one comes with a refresh.
    pub sub: Option<&'a str>,
    /// Seconds since the epoch.
    pub now_s: f64,
    /// The access token that came with the ID token, and the hash size of its algorithm
    /// (256, 384, 512), for `at_hash`.
    pub access_token: Option<(&'a str, u32)>,
}

/// Everything verified about an ID token, kept with the session for the inspector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdTokenReport {
    pub alg: String,
    pub kid: Option<String>,
    /// The JWK Set the key came from.
    pub jwks_uri: Option<String>,
    pub checks: Vec<Check>,
}

impl IdTokenReport {
    /// The first failed check, which stops the sign-in.
    pub fn failure(&self) -> Option<&Check> {
        self.checks.iter().find(|c| c.verdict == Verdict::Failed)
    }
}

fn text<'a>(claims: &'a Value, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str)
}

fn time(claims: &Value, name: &str) -> Option<f64> {
    claims.get(name).and_then(Value::as_f64)
}

/// OpenID Connect Core §3.1.3.7 steps 2–4, 9, 10, 11 (and §12.2 for `sub` on refresh).
pub fn check_claims(claims: &Value, want: &Expected) -> Vec<Check> {
    use Verdict::*;
    let mut checks = Vec::new();
    let iss = text(claims, "iss");
    checks.push(match (want.issuer, iss) {
        (Some(w), Some(i)) if w == i => Check::new("iss", Passed, format!("{i}, the provider's issuer")),
        (Some(w), Some(i)) => Check::new("iss", Failed, format!("{i} is not the provider's issuer {w}")),
        (_, None) => Check::new("iss", Failed, "the token has no iss claim"),
        (None, Some(i)) => Check::new(
            "iss",
            Skipped,
            format!("{i}: the provider has no issuer configured to compare it with (discover it, or type it in the provider)"),
        ),
    });
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    checks.push(if audiences.contains(&want.client_id) {
        Check::new(
            "aud",
            Passed,
            format!("includes this client, {}", want.client_id),
        )
    } else {
        Check::new(
            "aud",
            Failed,
            format!(
                "{} does not include this client {}",
                if audiences.is_empty() {
                    "(none)".to_string()
                } else {
                    audiences.join(", ")
                },
                want.client_id
            ),
        )
    });
    match text(claims, "azp") {
        Some(azp) if azp == want.client_id => {
            checks.push(Check::new("azp", Passed, format!("{azp}, this client")))
        }
        Some(azp) => checks.push(Check::new(
            "azp",
            Failed,
            format!("the token was issued to {azp}, not this client"),
        )),
        None if audiences.len() > 1 => checks.push(Check::new(
            "azp",
            Failed,
            "several audiences and no azp to say which one the token was issued to",
        )),
        None => {}
    }
    checks.push(match time(claims, "exp") {
        Some(exp) if want.now_s < exp + CLOCK_SKEW_S => Check::new(
            "exp",
            Passed,
            format!("valid for {:.0} s more", exp - want.now_s),
        ),
        Some(exp) => Check::new(
            "exp",
            Failed,
            format!("expired {:.0} s ago", want.now_s - exp),
        ),
        None => Check::new("exp", Failed, "the token has no exp claim"),
    });
    checks.push(match time(claims, "iat") {
        Some(iat) if iat <= want.now_s + CLOCK_SKEW_S => Check::new(
            "iat",
            Passed,
            format!("issued {:.0} s ago", want.now_s - iat),
        ),
        Some(iat) => Check::new(
            "iat",
            Failed,
            format!(
                "issued {:.0} s in the future (check the clocks)",
                iat - want.now_s
            ),
        ),
        None => Check::new("iat", Failed, "the token has no iat claim"),
    });
    match (want.nonce, text(claims, "nonce")) {
        (Some(w), Some(n)) if w == n => {
            checks.push(Check::new("nonce", Passed, "the one this sign-in sent"))
        }
        (Some(_), Some(_)) => checks.push(Check::new(
            "nonce",
            Failed,
            "not the one this sign-in sent: the token may be replayed from another sign-in",
        )),
        (Some(_), None) => checks.push(Check::new(
            "nonce",
            Failed,
            "this sign-in sent a nonce and the token does not carry it back",
        )),
        (None, _) => {}
    }
    // §3.1.3.8: at_hash, when present, binds the ID token to the access token beside it.
    if let (Some(at_hash), Some((token, bits))) = (text(claims, "at_hash"), want.access_token) {
        checks.push(if at_hash == half_hash(token, bits) {
            Check::new(
                "at_hash",
                Passed,
                "matches the access token that came with it",
            )
        } else {
            Check::new(
                "at_hash",
                Failed,
                "does not match the access token that came with it: one of the two was swapped",
            )
        });
    }
    let sub = text(claims, "sub");
    checks.push(match (sub, want.sub) {
        (None, _) => Check::new("sub", Failed, "the token has no sub claim"),
        (Some(s), Some(first)) if s != first => Check::new(
            "sub",
            Failed,
            format!("{s} is not the user of the first ID token, {first}"),
        ),
        (Some(s), _) => Check::new("sub", Passed, format!("the user is {s}")),
    });
    checks
}

/// OpenID Connect Core §3.1.3.6: base64url of the left half of the token's hash.
fn half_hash(token: &str, bits: u32) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use sha2::Digest;
    let digest: Vec<u8> = match bits {
        384 => sha2::Sha384::digest(token.as_bytes()).to_vec(),
        512 => sha2::Sha512::digest(token.as_bytes()).to_vec(),
        _ => sha2::Sha256::digest(token.as_bytes()).to_vec(),
    };
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn want(nonce: Option<&'static str>) -> Expected<'static> {
        Expected {
            issuer: Some("https://op.example"),
            client_id: "app",
            nonce,
            sub: None,
            now_s: 1_000_000.0,
            access_token: None,
        }
    }

    fn verdicts(checks: &[Check]) -> Vec<(String, Verdict)> {
        checks.iter().map(|c| (c.name.clone(), c.verdict)).collect()
    }

    fn good() -> Value {
        json!({"iss": "https://op.example", "aud": "app", "exp": 1_000_300, "iat": 999_990, "nonce": "n1", "sub": "u1"})
    }

    #[test]
    fn a_good_token_passes_every_check() {
        let checks = check_claims(&good(), &want(Some("n1")));
        assert!(
            checks.iter().all(|c| c.verdict == Verdict::Passed),
            "{checks:?}"
        );
        assert_eq!(
            verdicts(&checks)
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>(),
            ["iss", "aud", "exp", "iat", "nonce", "sub"]
        );
    }

    #[test]
    fn each_claim_fails_on_its_own() {
        let cases: Vec<(Value, &str)> = vec![
            (json!({"iss": "https://evil.example"}), "iss"),
            (json!({"aud": "other"}), "aud"),
            (json!({"aud": ["app", "other"]}), "azp"),
            (json!({"azp": "other"}), "azp"),
            (json!({"exp": 1_000_000 - 61}), "exp"),
            (json!({"iat": 1_000_000 + 61}), "iat"),
            (json!({"nonce": "n2"}), "nonce"),
            (json!({"sub": null}), "sub"),
        ];
        for (patch, failing) in cases {
            let mut claims = good();
            for (k, v) in patch.as_object().unwrap() {
                claims[k] = v.clone();
            }
            let failed: Vec<String> = check_claims(&claims, &want(Some("n1")))
                .into_iter()
                .filter(|c| c.verdict == Verdict::Failed)
                .map(|c| c.name)
                .collect();
            assert_eq!(failed, vec![failing.to_string()], "{patch}");
        }
        let mut no_nonce = good();
        no_nonce.as_object_mut().unwrap().remove("nonce");
        assert!(check_claims(&no_nonce, &want(Some("n1")))
            .iter()
            .any(|c| c.name == "nonce" && c.verdict == Verdict::Failed));
        // A refresh sends no nonce; a new ID token must be about the same user.
        assert!(check_claims(&no_nonce, &want(None))
            .iter()
            .all(|c| c.verdict == Verdict::Passed));
        let other_user = Expected {
            sub: Some("u2"),
            ..want(None)
        };
        assert!(check_claims(&good(), &other_user)
            .iter()
            .any(|c| c.name == "sub" && c.verdict == Verdict::Failed));
    }

    #[test]
    fn at_hash_binds_the_access_token() {
        // OpenID Connect Core, Appendix A.3's example: at_hash of its access token.
        let token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y";
        let mut claims = good();
        claims["at_hash"] = json!("77QmUPtjPfzWtF2AnpK9RQ");
        let with = Expected {
            access_token: Some((token, 256)),
            ..want(Some("n1"))
        };
        let at = check_claims(&claims, &with);
        assert!(
            at.iter()
                .any(|c| c.name == "at_hash" && c.verdict == Verdict::Passed),
            "{at:?}"
        );
        let swapped = Expected {
            access_token: Some(("another-token", 256)),
            ..want(Some("n1"))
        };
        assert!(check_claims(&claims, &swapped)
            .iter()
            .any(|c| c.name == "at_hash" && c.verdict == Verdict::Failed));
    }

    #[test]
    fn clock_skew_is_tolerated_and_an_unknown_issuer_is_skipped_not_trusted() {
        let mut claims = good();
        claims["exp"] = json!(1_000_000 - 30);
        claims["iat"] = json!(1_000_000 + 30);
        assert!(check_claims(&claims, &want(Some("n1")))
            .iter()
            .all(|c| c.verdict == Verdict::Passed));
        let unknown = Expected {
            issuer: None,
            ..want(Some("n1"))
        };
        let iss = &check_claims(&good(), &unknown)[0];
        assert_eq!(iss.verdict, Verdict::Skipped);
        assert!(iss.detail.contains("no issuer configured"));
    }
}
