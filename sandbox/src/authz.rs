// The authorization server every simulated provider shares: registered clients and the redirect
// check (RFC 6749 §3.1.2, §4.1.2.1), issued codes (single use, short-lived, bound to their client
// and redirect URI, PKCE per RFC 7636 §4.6), issued tokens (expiry, revocation, rotation). Each
// dialect keeps only its wording, its parameters and its pages; the problems here are data.

use crate::config::{ClientConfig, Config, Dialect};
use crate::http::Params;
use crate::{random_hex, Millis, Random};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The clients registered for one dialect.
pub struct Clients(Vec<ClientConfig>);

/// A client and redirect URI that may be trusted with a redirect.
#[derive(Clone, Debug, PartialEq)]
pub struct Trusted {
    pub client_id: String,
    pub redirect_uri: String,
}

/// Why a redirect cannot be trusted (the provider shows the error itself).
#[derive(Clone, Debug, PartialEq)]
pub enum Untrusted {
    MissingClient,
    UnknownClient(String),
    MissingRedirect,
    RedirectMismatch {
        given: String,
        registered: Vec<String>,
    },
}

impl Clients {
    pub fn of(config: &Config, dialect: Dialect) -> Self {
        Clients(
            config
                .clients
                .iter()
                .filter(|c| c.dialect == dialect)
                .cloned()
                .collect(),
        )
    }

    pub fn get(&self, id: &str) -> Option<&ClientConfig> {
        self.0.iter().find(|c| c.client_id == id)
    }

    pub fn first(&self) -> Option<&ClientConfig> {
        self.0.first()
    }

    /// RFC 6749 §4.1.2.1: the client and redirect URI of an authorize request, when both can
    /// be trusted; until then errors are never redirected.
    pub fn trust(&self, params: &Params) -> Result<Trusted, Untrusted> {
        let client_id = params
            .non_empty("client_id")
            .ok_or(Untrusted::MissingClient)?;
        let client = self
            .get(client_id)
            .ok_or_else(|| Untrusted::UnknownClient(client_id.to_string()))?;
        let redirect_uri = params
            .non_empty("redirect_uri")
            .ok_or(Untrusted::MissingRedirect)?;
        if !client.allows_redirect(redirect_uri) {
            return Err(Untrusted::RedirectMismatch {
                given: redirect_uri.to_string(),
                registered: client.redirect_uris.clone(),
            });
        }
        Ok(Trusted {
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
        })
    }

    /// RFC 6749 §2.3.1: the client id, when its secret is right.
    pub fn authenticate(&self, id: &str, secret: &str) -> Option<String> {
        self.get(id)
            .filter(|c| c.client_secret == secret)
            .map(|c| c.client_id.clone())
    }
}

/// RFC 7636 §4.3: the challenge sent at authorize.
#[derive(Clone, Debug, PartialEq)]
pub struct Challenge {
    pub value: String,
    /// `S256` or `plain`.
    pub method: String,
}

impl Challenge {
    /// The challenge an authorize request carries, if any (`plain` when no method is named).
    pub fn from_params(params: &Params) -> Option<Challenge> {
        params.non_empty("code_challenge").map(|c| Challenge {
            value: c.to_string(),
            method: params
                .get("code_challenge_method")
                .unwrap_or("plain")
                .to_string(),
        })
    }

    /// RFC 7636 §4.6.
    fn verifies(&self, verifier: &str) -> bool {
        let computed = if self.method == "S256" {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
        } else {
            verifier.to_string()
        };
        computed == self.value
    }
}

struct IssuedCode<G> {
    code: String,
    client_id: String,
    redirect_uri: String,
    challenge: Option<Challenge>,
    expires_at: Millis,
    grant: G,
}

/// Why a code could not be exchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeProblem {
    /// Never issued, or already used.
    Unknown,
    Expired,
    OtherClient,
    RedirectMismatch,
    VerifierMissing,
    VerifierMismatch,
}

/// Authorization codes and what each grants (`G`: the user and scopes, as the dialect keeps them).
pub struct Codes<G> {
    ttl: Millis,
    /// Random bytes per code.
    size: usize,
    issued: Vec<IssuedCode<G>>,
}

impl<G> Codes<G> {
    pub fn new(ttl: Millis, size: usize) -> Self {
        Codes {
            ttl,
            size,
            issued: Vec::new(),
        }
    }

    /// A new code for `to`, valid `ttl` from `now`.
    pub fn issue(
        &mut self,
        rng: &mut dyn Random,
        now: Millis,
        to: &Trusted,
        challenge: Option<Challenge>,
        grant: G,
    ) -> String {
        self.issued.retain(|c| c.expires_at > now);
        let code = random_hex(rng, self.size);
        self.issued.push(IssuedCode {
            code: code.clone(),
            client_id: to.client_id.clone(),
            redirect_uri: to.redirect_uri.clone(),
            challenge,
            expires_at: now + self.ttl,
            grant,
        });
        code
    }

    /// RFC 6749 §4.1.3: the code is consumed whatever happens next; then it must be fresh, for
    /// this client, for this redirect URI (when the dialect sends one) and, with PKCE, for
    /// this verifier.
    pub fn redeem(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
        now: Millis,
    ) -> Result<G, CodeProblem> {
        let index = self
            .issued
            .iter()
            .position(|c| c.code == code)
            .ok_or(CodeProblem::Unknown)?;
        let issued = self.issued.swap_remove(index);
        if issued.expires_at <= now {
            return Err(CodeProblem::Expired);
        }
        if issued.client_id != client_id {
            return Err(CodeProblem::OtherClient);
        }
        if redirect_uri.is_some_and(|r| r != issued.redirect_uri) {
            return Err(CodeProblem::RedirectMismatch);
        }
        if let Some(challenge) = &issued.challenge {
            let verifier = verifier.ok_or(CodeProblem::VerifierMissing)?;
            if !challenge.verifies(verifier) {
                return Err(CodeProblem::VerifierMismatch);
            }
        }
        Ok(issued.grant)
    }
}

/// An access token, its refresh token, and what they grant.
#[derive(Clone, Debug)]
pub struct IssuedToken<G> {
    pub access: String,
    pub refresh: Option<String>,
    pub client_id: String,
    pub created_at: Millis,
    /// `None`: never expires (Metamaps' configuration).
    pub access_expires_at: Option<Millis>,
    pub refresh_expires_at: Option<Millis>,
    pub grant: G,
}

/// Why a token was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenProblem {
    /// Never issued, revoked, or (a refresh token) for another client.
    Unknown,
    Expired,
}

/// How long tokens live; `None` for no expiry, and for the refresh token, no refresh token.
#[derive(Clone, Copy, Debug)]
pub struct Lifetimes {
    pub access: Option<Millis>,
    pub refresh: Option<Option<Millis>>,
}

/// Tokens issued and not yet revoked.
pub struct Tokens<G> {
    /// Random bytes per token.
    size: usize,
    issued: Vec<IssuedToken<G>>,
}

impl<G: Clone> Tokens<G> {
    pub fn new(size: usize) -> Self {
        Tokens {
            size,
            issued: Vec::new(),
        }
    }

    pub fn issue(
        &mut self,
        rng: &mut dyn Random,
        now: Millis,
        client_id: &str,
        life: Lifetimes,
        grant: G,
    ) -> &IssuedToken<G> {
        let access = random_hex(rng, self.size);
        let refresh = life.refresh.map(|_| random_hex(rng, self.size));
        self.issued.push(IssuedToken {
            access,
            refresh,
            client_id: client_id.to_string(),
            created_at: now,
            access_expires_at: life.access.map(|ttl| now + ttl),
            refresh_expires_at: life.refresh.flatten().map(|ttl| now + ttl),
            grant,
        });
        self.issued.last().expect("just pushed")
    }

    /// The live token a Bearer header (or parameter) presents.
    pub fn by_access(&self, access: &str, now: Millis) -> Result<&IssuedToken<G>, TokenProblem> {
        let token = self
            .issued
            .iter()
            .find(|t| t.access == access)
            .ok_or(TokenProblem::Unknown)?;
        if token.access_expires_at.is_some_and(|at| at <= now) {
            return Err(TokenProblem::Expired);
        }
        Ok(token)
    }

    /// RFC 6749 §6 with rotation: the old pair is revoked, a new one issued for the same grant.
    pub fn rotate(
        &mut self,
        rng: &mut dyn Random,
        refresh: &str,
        client_id: &str,
        now: Millis,
        life: Lifetimes,
    ) -> Result<&IssuedToken<G>, TokenProblem> {
        let index = self
            .issued
            .iter()
            .position(|t| {
                !refresh.is_empty()
                    && t.refresh.as_deref() == Some(refresh)
                    && t.client_id == client_id
            })
            .ok_or(TokenProblem::Unknown)?;
        if self.issued[index]
            .refresh_expires_at
            .is_some_and(|at| at <= now)
        {
            return Err(TokenProblem::Expired);
        }
        let old = self.issued.remove(index);
        Ok(self.issue(rng, now, client_id, life, old.grant))
    }

    /// RFC 7009 §2.2: a revoked access or refresh token ends its pair.
    pub fn revoke(&mut self, token: &str) {
        self.issued
            .retain(|t| t.access != token && t.refresh.as_deref() != Some(token));
    }

    /// Keeps only the tokens `keep` says yes to.
    pub fn retain(&mut self, keep: impl FnMut(&IssuedToken<G>) -> bool) {
        self.issued.retain(keep);
    }

    /// Test support: every access token (and, if asked, refresh token) expires now.
    pub fn expire_all(&mut self, now: Millis, refresh_too: bool) {
        for t in &mut self.issued {
            t.access_expires_at = Some(now);
            if refresh_too {
                t.refresh_expires_at = Some(now);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeededRandom;

    fn trusted() -> Trusted {
        Trusted {
            client_id: "app".into(),
            redirect_uri: "https://app/cb".into(),
        }
    }

    #[test]
    fn a_code_is_single_use_fresh_and_bound_to_its_client_and_redirect() {
        let mut rng = SeededRandom::new(1);
        let mut codes: Codes<&str> = Codes::new(600_000, 16);
        let code = codes.issue(&mut rng, 0, &trusted(), None, "jane");
        assert_eq!(
            codes.redeem(&code, "app", Some("https://app/cb"), None, 1),
            Ok("jane")
        );
        assert_eq!(
            codes.redeem(&code, "app", Some("https://app/cb"), None, 2),
            Err(CodeProblem::Unknown)
        );
        for (client, redirect, at, problem) in [
            ("other", "https://app/cb", 1, CodeProblem::OtherClient),
            ("app", "https://app/cb/", 1, CodeProblem::RedirectMismatch),
            ("app", "https://app/cb", 600_000, CodeProblem::Expired),
        ] {
            let code = codes.issue(&mut rng, 0, &trusted(), None, "jane");
            assert_eq!(
                codes.redeem(&code, client, Some(redirect), None, at),
                Err(problem)
            );
            assert_eq!(
                codes.redeem(&code, "app", None, None, 1),
                Err(CodeProblem::Unknown),
                "consumed anyway"
            );
        }
    }

    #[test]
    fn pkce_codes_need_their_verifier() {
        let mut rng = SeededRandom::new(2);
        let mut codes: Codes<()> = Codes::new(600_000, 16);
        // RFC 7636 Appendix B.
        let challenge = Challenge {
            value: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
            method: "S256".into(),
        };
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let code = codes.issue(&mut rng, 0, &trusted(), Some(challenge.clone()), ());
        assert_eq!(
            codes.redeem(&code, "app", None, None, 1),
            Err(CodeProblem::VerifierMissing)
        );
        let code = codes.issue(&mut rng, 0, &trusted(), Some(challenge.clone()), ());
        assert_eq!(
            codes.redeem(&code, "app", None, Some("wrong"), 1),
            Err(CodeProblem::VerifierMismatch)
        );
        let code = codes.issue(&mut rng, 0, &trusted(), Some(challenge), ());
        assert_eq!(codes.redeem(&code, "app", None, Some(verifier), 1), Ok(()));
    }

    #[test]
    fn refresh_rotates_and_revocation_ends_the_pair() {
        let mut rng = SeededRandom::new(3);
        let life = Lifetimes {
            access: Some(300_000),
            refresh: Some(Some(300_000)),
        };
        let mut tokens: Tokens<&str> = Tokens::new(20);
        let first = tokens.issue(&mut rng, 0, "app", life, "jane").clone();
        assert!(tokens
            .rotate(
                &mut rng,
                first.refresh.as_deref().unwrap(),
                "other",
                1,
                life
            )
            .is_err());
        let second = tokens
            .rotate(&mut rng, first.refresh.as_deref().unwrap(), "app", 1, life)
            .unwrap()
            .clone();
        assert_eq!(second.grant, "jane");
        assert_eq!(
            tokens.by_access(&first.access, 1).err(),
            Some(TokenProblem::Unknown),
            "the old pair is gone"
        );
        assert!(tokens.by_access(&second.access, 1).is_ok());
        assert_eq!(
            tokens.by_access(&second.access, 300_001).err(),
            Some(TokenProblem::Expired)
        );
        tokens.revoke(second.refresh.as_deref().unwrap());
        assert_eq!(
            tokens.by_access(&second.access, 2).err(),
            Some(TokenProblem::Unknown)
        );
        let third = tokens.issue(&mut rng, 0, "app", life, "jane").clone();
        tokens.expire_all(5, true);
        assert_eq!(
            tokens
                .rotate(&mut rng, third.refresh.as_deref().unwrap(), "app", 6, life)
                .err(),
            Some(TokenProblem::Expired)
        );
    }
}
