// OpenID Connect: the ID token checked before a session is kept — its claims (iss, aud, azp,
// exp, iat, nonce, sub) and its signature, verified by WebCrypto with the key the provider's
// JWK Set names (fetched once, and once more when a token names a key it does not have).

use super::{Clock, Controller, Crypto, Transport};
use crate::oauth::id_token::{check_claims, Check, Expected, IdTokenReport, Verdict};
use crate::oauth::jws::{self, KeyChoice};
use crate::platform::KeyValue;
use crate::providers::Provider;
use crate::session::log::FlowStep;
use crate::types::{AccessToken, ClientId, IdToken};
use crate::wire::{HttpRequest, Method};

fn check(name: &str, verdict: Verdict, detail: impl Into<String>) -> Check {
    Check {
        name: name.into(),
        verdict,
        detail: detail.into(),
    }
}

impl<S, C, R, T> Controller<S, C, R, T>
where
    S: KeyValue + 'static,
    C: Clock + 'static,
    R: Crypto + 'static,
    T: Transport + 'static,
{
    /// OpenID Connect Core §3.1.3.7: every check of `token`, for the inspector; the first
    /// failed one stops the sign-in.
    pub(super) async fn verify_id_token(
        &self,
        provider: &Provider,
        client_id: &ClientId,
        token: &IdToken,
        nonce: Option<&str>,
        first_sub: Option<&str>,
        access_token: Option<&AccessToken>,
    ) -> IdTokenReport {
        let jwks_uri = provider.standards.jwks_uri.clone();
        let parsed = match jws::parse(token.expose()) {
            Ok(p) => p,
            Err(e) => {
                return IdTokenReport {
                    alg: String::new(),
                    kid: None,
                    jwks_uri,
                    checks: vec![check("signature", Verdict::Failed, e.to_string())],
                }
            }
        };
        let mut checks = check_claims(
            &parsed.claims,
            &Expected {
                issuer: provider.issuer.as_deref(),
                client_id: client_id.as_str(),
                nonce,
                sub: first_sub,
                now_s: self.clock.now() / 1_000.0,
                access_token: access_token.map(|t| (t.expose(), parsed.alg.hash_bits())),
            },
        );
        let algs = &provider.standards.id_token_algs;
        if !algs.is_empty() && !algs.iter().any(|a| a == parsed.alg.name()) {
            checks.push(check(
                "alg",
                Verdict::Failed,
                format!(
                    "{} is not among the algorithms the provider signs ID tokens with ({})",
                    parsed.alg.name(),
                    algs.join(", ")
                ),
            ));
        }
        checks.push(self.verify_signature(provider, &parsed).await);
        IdTokenReport {
            alg: parsed.alg.name().into(),
            kid: parsed.kid.clone(),
            jwks_uri,
            checks,
        }
    }

    async fn verify_signature(&self, provider: &Provider, token: &jws::Jws) -> Check {
        let Some(uri) = provider.standards.jwks_uri.clone() else {
            return check(
                "signature",
                Verdict::Skipped,
                "not verified: the provider has no JWKS URI (discover it from the issuer, or add it)",
            );
        };
        let cached = self.jwks.borrow().get(&uri).cloned();
        let mut set = match cached {
            Some(set) => set,
            None => match self.fetch_jwks(provider, &uri).await {
                Ok(set) => set,
                Err(why) => return check("signature", Verdict::Failed, why),
            },
        };
        let mut refetched = false;
        let key = loop {
            match jws::select_key(&set, token) {
                KeyChoice::Found(key) => break key,
                // Keys rotate (and sets are cached on the way): a kid the set lacks is looked
                // up once more.
                KeyChoice::UnknownKid(_) if !refetched => {
                    refetched = true;
                    set = match self.fetch_jwks(provider, &uri).await {
                        Ok(set) => set,
                        Err(why) => return check("signature", Verdict::Failed, why),
                    };
                }
                KeyChoice::UnknownKid(kid) => {
                    return check(
                        "signature",
                        Verdict::Failed,
                        format!("the token names key {kid}, which the provider's JWK Set does not have (fetched again to be sure)"),
                    )
                }
                KeyChoice::NoneFits(why) => return check("signature", Verdict::Failed, why),
            }
        };
        let alg = token.alg.webcrypto();
        let kid = token
            .kid
            .as_deref()
            .map(|k| format!("key {k}"))
            .unwrap_or_else(|| "the only matching key".into());
        match self
            .crypto
            .verify(
                &alg,
                &key,
                token.signing_input.as_bytes(),
                &token.signature,
            )
            .await
        {
            Ok(true) => check(
                "signature",
                Verdict::Passed,
                format!(
                    "{} ({} with {}) verified by WebCrypto with {kid} from {uri}",
                    token.alg.name(),
                    alg.name,
                    alg.hash
                ),
            ),
            Ok(false) => check(
                "signature",
                Verdict::Failed,
                format!(
                    "the {} signature does not match {kid} from {uri}: the token was altered or not made by this provider",
                    token.alg.name()
                ),
            ),
            Err(why) => check(
                "signature",
                Verdict::Failed,
                format!("WebCrypto could not use {kid}: {why}"),
            ),
        }
    }

    async fn fetch_jwks(
        &self,
        provider: &Provider,
        uri: &str,
    ) -> Result<serde_json::Value, String> {
        let req = HttpRequest::new(Method::Get, uri).header("Accept", "application/json");
        let delivery = self
            .send_logged(
                FlowStep::Token,
                "Fetched the provider's signing keys (JWKS)",
                &req,
                provider,
            )
            .await
            .map_err(|e| format!("the JWK Set could not be fetched: {}", e.message()))?;
        let resp = self.with_text(delivery);
        if !resp.is_success() {
            return Err(format!("the JWK Set answered {} at {uri}", resp.status));
        }
        let set: serde_json::Value = serde_json::from_str(&resp.body)
            .map_err(|_| format!("the JWK Set at {uri} is not JSON"))?;
        self.jwks.borrow_mut().insert(uri.to_string(), set.clone());
        Ok(set)
    }
}
