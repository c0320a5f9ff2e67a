// Token experiments: expire the access token now (the next call refreshes), try a token this
// tab retired (after a refresh rotated it away, or after Invalidate), use a token from elsewhere.

use super::calls::{authorize_request, ApiOutcome, Reply};
use super::{Clock, Controller, Crypto, Transport};
use crate::platform::KeyValue;
use crate::providers::Provider;
use crate::session::log::FlowStep;
use crate::session::store::StoredSession;
use crate::types::{AccessToken, ClientId, ProviderId, RefreshToken};
use crate::wire::{render_request, HttpRequest};

/// A session this tab replaced or ended, kept in memory only (never stored) so the learner
/// can see the provider refuse its token.
#[derive(Clone, Debug, PartialEq)]
pub struct Retired {
    pub session: StoredSession,
    /// What retired it: "a refresh replaced it", "it was invalidated".
    pub why: &'static str,
}

impl<S, C, R, T> Controller<S, C, R, T>
where
    S: KeyValue + 'static,
    C: Clock + 'static,
    R: Crypto + 'static,
    T: Transport + 'static,
{
    /// Keeps a credential obtained elsewhere (an API key, a pasted token) as the provider's
    /// session, and logs `step` with `note`.
    pub(super) fn adopt_given(
        &self,
        provider: &Provider,
        client_id: ClientId,
        (access, token_type, refresh): (AccessToken, &str, Option<RefreshToken>),
        (step, title): (FlowStep, &str),
        note: &str,
    ) -> StoredSession {
        let session = StoredSession::given(
            provider.id.clone(),
            client_id,
            access,
            token_type,
            refresh,
            self.clock.now(),
        );
        self.adopt(&session);
        self.note(Some(&provider.id), step, title, true, note);
        session
    }

    pub(super) fn retire(&self, session: &StoredSession, why: &'static str) {
        self.retired.borrow_mut().insert(
            session.provider_id.clone(),
            Retired {
                session: session.clone(),
                why,
            },
        );
    }

    /// The last token this tab retired for the provider.
    pub fn retired(&self, id: &ProviderId) -> Option<Retired> {
        self.retired.borrow().get(id).cloned()
    }

    /// Marks the access token expired in this tab (the provider is not told): the next call
    /// refreshes first, as it would when the token runs out.
    pub fn expire_now(&self, id: &ProviderId) -> Result<(), String> {
        let mut session = self.session(id).ok_or("Not signed in.")?;
        if session.tokens.refresh_token.is_none() {
            return Err("There is no refresh token: an expired access token could only be replaced by authorizing again.".into());
        }
        session.tokens.expires_at = Some(self.clock.now() - 1.0);
        self.adopt(&session);
        self.note(
            Some(id),
            FlowStep::Refresh,
            "Access token expired on purpose",
            true,
            "Handshake now treats the access token as expired (the provider still accepts it until its real expiry). The next call refreshes it first.",
        );
        Ok(())
    }

    /// Sends the retired token to the provider's info endpoint (else its API base) once, with
    /// no refresh and no retry: the answer is the provider's verdict on that token.
    pub async fn try_retired(&self, provider: &Provider) -> Option<ApiOutcome<T::Body>> {
        let retired = self.retired(&provider.id)?;
        let url = provider
            .userinfo
            .as_ref()
            .map(|e| (e.method, e.url.clone()))
            .unwrap_or((crate::wire::Method::Get, provider.api_base.clone()));
        let req = HttpRequest::new(url.0, url.1).header("Accept", "application/json");
        let header = Some(provider.credential_header());
        let sent = match authorize_request(provider, &retired.session, req.clone()) {
            Ok(r) => r,
            Err(e) => {
                return Some(ApiOutcome {
                    request: render_request(&req, header),
                    result: Err(e),
                    note: None,
                })
            }
        };
        let title = format!("Tried the old token ({})", retired.why);
        let result = self
            .send_logged(FlowStep::Api, &title, &sent, provider)
            .await;
        let note = match &result {
            Ok(d) if d.response.status == 401 => {
                "The provider refused the old token (401): it really is dead.".to_string()
            }
            Ok(d) if d.response.is_success() => {
                "The provider still accepts the old token: ending it here did not end it there. A token that outlives Invalidate or a refresh is a risk if it leaked.".to_string()
            }
            Ok(d) => format!("The provider answered {} to the old token.", d.response.status),
            Err(e) => e.message(),
        };
        Some(ApiOutcome {
            request: render_request(&sent, header),
            result: result.map(|d| Reply {
                response: d.response,
                large: d.large,
            }),
            note: Some(note),
        })
    }

    /// Uses an access token (and refresh token) obtained elsewhere as this provider's session.
    pub fn use_token(
        &self,
        provider: &Provider,
        client_id: &str,
        access: &str,
        refresh: &str,
    ) -> Result<StoredSession, String> {
        let one_word = |t: &str| !t.chars().any(|c| c.is_whitespace() || c.is_control());
        let (access, refresh) = (access.trim(), refresh.trim());
        if access.is_empty() || !one_word(access) {
            return Err("Paste the access token: one word, no spaces.".into());
        }
        if !one_word(refresh) {
            return Err("The refresh token is one word, no spaces (or leave it empty).".into());
        }
        let refresh = (!refresh.is_empty()).then(|| RefreshToken::new(refresh));
        if refresh.is_some() && provider.refresh.is_none() {
            return Err(format!(
                "{} has no refresh endpoint: leave the refresh token empty.",
                provider.name
            ));
        }
        let session = self.adopt_given(
            provider,
            ClientId::new(client_id.trim()),
            (AccessToken::new(access), "Bearer", refresh),
            (FlowStep::Token, "Using a token you pasted"),
            "Handshake did not obtain this token, so it knows neither its scopes nor its expiry: a 401 tells it the token is no longer good (then a refresh, if you gave a refresh token).",
        );
        Ok(session)
    }
}
