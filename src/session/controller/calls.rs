// Using a credential: API calls with it attached only under the provider's API base, the
// single-flight refresh keyed by provider (before expiry, and once after a 401), and revocation.

use super::{Clock, Controller, Crypto, Transport, KEEP_FRESH_EVERY_MS};
use crate::oauth::introspect::{introspection_request, parse_introspection};
use crate::oauth::refresh::{can_refresh, needs_refresh};
use crate::oauth::revoke::revoke_requests;
use crate::oauth::token::{parse_token_response, refresh_request};
use crate::oauth::FlowError;
use crate::platform::KeyValue;
use crate::providers::{AuthStyle, Provider};
use crate::session::log::FlowStep;
use crate::session::store::StoredSession;
use crate::types::ProviderId;
use crate::url::HttpUrl;
use crate::wire::{render_request, HttpRequest, HttpResponse, NetError};
use futures::FutureExt;
use std::rc::Rc;

/// An answer as the views show it: the response, and a large body the transport kept apart.
#[derive(Clone, Debug, PartialEq)]
pub struct Reply<B> {
    pub response: HttpResponse,
    pub large: Option<B>,
}

/// The result of one API call, as the views show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiOutcome<B> {
    /// The request as sent (secrets redacted).
    pub request: String,
    pub result: Result<Reply<B>, NetError>,
    /// What Handshake did around the call (a refresh, a retry).
    pub note: Option<String>,
}

impl<B> ApiOutcome<B> {
    fn refused(why: String) -> Self {
        ApiOutcome {
            request: String::new(),
            result: Err(NetError::Refused(why)),
            note: None,
        }
    }
}

/// An introspection: the call as the views show it, and what the answer says (RFC 7662 §2.2).
#[derive(Clone, Debug, PartialEq)]
pub struct Introspection<B> {
    pub outcome: ApiOutcome<B>,
    pub reading: Result<serde_json::Value, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RevokeOutcome<B> {
    pub calls: Vec<ApiOutcome<B>>,
    pub note: String,
}

/// Attaches the session's credential, but only to URLs under the provider's API base.
pub fn authorize_request(
    provider: &Provider,
    session: &StoredSession,
    req: HttpRequest,
) -> Result<HttpRequest, NetError> {
    let base = HttpUrl::parse(&provider.api_base).map_err(|e| NetError::Refused(e.to_string()))?;
    let target = HttpUrl::parse(&req.url).map_err(|e| NetError::Refused(e.to_string()))?;
    if !target.is_under(&base) {
        return Err(NetError::Refused(format!(
            "Refused to send the token to {}{}: it is only ever sent to {} (the provider's API base).",
            target.origin(),
            target.path(),
            provider.api_base
        )));
    }
    // RFC 9449 §7.1: a DPoP-bound token travels under its own scheme, with a proof beside it.
    let scheme = if session.tokens.is_dpop() {
        "DPoP"
    } else {
        "Bearer"
    };
    Ok(match &provider.auth {
        AuthStyle::Bearer => req.header(
            "Authorization",
            &format!("{scheme} {}", session.tokens.access_token.expose()),
        ),
        AuthStyle::ApiKeyHeader(name) => req.header(name, session.tokens.access_token.expose()),
    })
}

impl<S, C, R, T> Controller<S, C, R, T>
where
    S: KeyValue + 'static,
    C: Clock + 'static,
    R: Crypto + 'static,
    T: Transport + 'static,
{
    /// Refreshes the provider's session. Callers for the same provider share one refresh
    /// request; callers for different providers never share one.
    pub async fn refresh(self: &Rc<Self>, provider: &Provider) -> Result<StoredSession, FlowError> {
        let pending = self.refreshing.borrow().get(&provider.id).cloned();
        if let Some(pending) = pending {
            return pending.await;
        }
        let this = Rc::clone(self);
        let owned = provider.clone();
        let shared = async move { this.refresh_now(&owned).await }
            .boxed_local()
            .shared();
        self.refreshing
            .borrow_mut()
            .insert(provider.id.clone(), shared.clone());
        let result = shared.clone().await;
        let mut refreshing = self.refreshing.borrow_mut();
        if refreshing
            .get(&provider.id)
            .is_some_and(|p| p.ptr_eq(&shared))
        {
            refreshing.remove(&provider.id);
        }
        result
    }

    async fn refresh_now(&self, provider: &Provider) -> Result<StoredSession, FlowError> {
        let result = self.try_refresh(provider).await;
        if let Err(e) = &result {
            let ended = e.ends_the_session();
            self.note(
                Some(&provider.id),
                FlowStep::Refresh,
                if ended {
                    "Refresh failed: the session ended"
                } else {
                    "Refresh failed, the session is kept"
                },
                false,
                format!("{}: {}", e.title(), e.detail()),
            );
            if ended {
                self.drop_session(&provider.id);
                self.ended.borrow_mut().insert(
                    provider.id.clone(),
                    format!(
                        "{} Authorize again: your form and request drafts are kept.",
                        e.detail()
                    ),
                );
                self.emit(super::Change::Ended(provider.id.clone()));
            }
        }
        result
    }

    async fn try_refresh(&self, provider: &Provider) -> Result<StoredSession, FlowError> {
        let session = self.session(&provider.id).ok_or(FlowError::NoSession)?;
        let refresh_token = session
            .tokens
            .refresh_token
            .clone()
            .ok_or(FlowError::NoRefreshToken)?;
        if !can_refresh(&session.tokens, self.clock.now()) {
            return Err(FlowError::RefreshExpired);
        }
        let req = self.as_client(
            provider,
            &session.client_id,
            &provider.token.url,
            |client| refresh_request(provider, client, &refresh_token),
        )?;
        let resp = self
            .token_call(
                FlowStep::Refresh,
                "Refreshed the access token",
                provider,
                &req,
                session.tokens.is_dpop(),
                true,
            )
            .await?;
        let tokens =
            parse_token_response(provider, &resp, self.clock.now(), Some(&session.tokens))?;
        if tokens.refresh_token != session.tokens.refresh_token && tokens.refresh_token.is_some() {
            self.note(
                Some(&provider.id),
                FlowStep::Refresh,
                "The refresh token was rotated",
                true,
                "The provider issued a new refresh token with the new access token; the old one is now spent (RFC 9700 §4.14.2), so only the new one is kept.",
            );
        }
        // OpenID Connect Core §12.2: a new ID token must be about the same user.
        let mut id_token = session.id_token.clone();
        let new_id_token = tokens
            .id_token
            .as_ref()
            .filter(|t| Some(*t) != session.tokens.id_token.as_ref());
        if let Some(token) = new_id_token {
            let first_sub = session
                .tokens
                .id_token
                .as_ref()
                .and_then(|t| crate::oauth::jwt::decode(t.expose()))
                .and_then(|d| {
                    d.claims
                        .get("sub")
                        .and_then(|s| s.as_str())
                        .map(str::to_string)
                });
            let report = self
                .verify_id_token(
                    provider,
                    &session.client_id,
                    token,
                    None,
                    first_sub.as_deref(),
                    Some(&tokens.access_token),
                )
                .await;
            if let Some(failed) = report.failure() {
                return Err(FlowError::IdTokenInvalid {
                    check: failed.name.clone(),
                    detail: format!("{}: {}.", failed.name, failed.detail),
                });
            }
            id_token = Some(report);
        }
        let refreshed = StoredSession {
            scopes: tokens.scope.clone().unwrap_or(session.scopes.clone()),
            tokens,
            id_token,
            ..session.clone()
        };
        if refreshed.tokens.access_token != session.tokens.access_token {
            self.retire(&session, "a refresh replaced it");
        }
        self.adopt(&refreshed);
        Ok(refreshed)
    }

    /// The keep-fresh policy: refresh when the token is about to expire, at most every 15 s.
    pub fn refresh_due(&self, id: &ProviderId, now: f64) -> bool {
        let Some(session) = self.session(id) else {
            return false;
        };
        if !needs_refresh(&session.tokens, now) {
            return false;
        }
        let mut tries = self.fresh_tries.borrow_mut();
        let last = tries.get(id).copied().unwrap_or(f64::NEG_INFINITY);
        if now - last < KEEP_FRESH_EVERY_MS {
            return false;
        }
        tries.insert(id.clone(), now);
        true
    }

    /// Refreshes the provider's session if the keep-fresh policy says so (called every second
    /// for the session on screen).
    pub async fn keep_fresh(self: &Rc<Self>, id: &ProviderId) {
        if !self.refresh_due(id, self.clock.now()) {
            return;
        }
        if let Some(provider) = self.provider(id) {
            let _ = self.refresh(&provider).await;
        }
    }

    /// Sends an API call with the session's credential: refreshes first when the token is
    /// about to expire, and once more (then retries once) when the provider answers 401.
    pub async fn call(
        self: &Rc<Self>,
        provider: &Provider,
        req: HttpRequest,
        step: FlowStep,
        title: &str,
    ) -> ApiOutcome<T::Body> {
        let Some(mut session) = self.session(&provider.id) else {
            return ApiOutcome::refused(
                "Not signed in: authorize first (or enter your API key).".into(),
            );
        };
        let mut notes: Vec<String> = Vec::new();
        let mut refreshed = false;
        if needs_refresh(&session.tokens, self.clock.now()) {
            match self.refresh(provider).await {
                Ok(s) => {
                    session = s;
                    refreshed = true;
                    notes.push(
                        "The access token was about to expire, so Handshake refreshed it first."
                            .into(),
                    );
                }
                Err(e) if e.ends_the_session() => {
                    return ApiOutcome::refused(format!(
                        "The session ended: {} Authorize again.",
                        e.detail()
                    ));
                }
                Err(e) => notes.push(format!(
                    "A refresh was due but failed ({}); the call goes out with the current token.",
                    e.title()
                )),
            }
        }
        let header = Some(provider.credential_header());
        let mut sent = match authorize_request(provider, &session, req.clone()) {
            Ok(r) => r,
            Err(e) => {
                return ApiOutcome {
                    request: render_request(&req, header),
                    result: Err(e),
                    note: None,
                }
            }
        };
        let mut result = self
            .send_call(step, title, &mut sent, provider, &session)
            .await;
        let unauthorized = matches!(&result, Ok(d) if d.response.status == 401);
        if unauthorized && !refreshed && can_refresh(&session.tokens, self.clock.now()) {
            // Another call may have refreshed while this one was in flight: then the session
            // already holds a new token, and retrying with it is enough.
            let newer = self
                .session(&provider.id)
                .filter(|s| s.tokens.access_token != session.tokens.access_token);
            let renewed = match newer {
                Some(s) => Ok(s),
                None => self.refresh(provider).await,
            };
            match renewed {
                Ok(s) => match authorize_request(provider, &s, req) {
                    Ok(retry) => {
                        notes.push("The provider answered 401, so Handshake refreshed the token and retried once.".into());
                        let again = format!("{title} (retried after a refresh)");
                        sent = retry;
                        result = self.send_call(step, &again, &mut sent, provider, &s).await;
                    }
                    Err(e) => result = Err(e),
                },
                Err(e) => notes.push(format!(
                    "The provider answered 401 and the refresh failed: {}",
                    e.detail()
                )),
            }
        }
        ApiOutcome {
            request: render_request(&sent, header),
            result: result.map(|d| super::Reply {
                response: d.response,
                large: d.large,
            }),
            note: (!notes.is_empty()).then(|| notes.join(" ")),
        }
    }

    /// Sends an API call; a DPoP session's call carries a proof bound to its token (and `sent`
    /// becomes the request with that proof, for the raw view).
    async fn send_call(
        &self,
        step: FlowStep,
        title: &str,
        sent: &mut HttpRequest,
        provider: &Provider,
        session: &StoredSession,
    ) -> Result<super::Delivery<T::Body>, NetError> {
        if !session.tokens.is_dpop() {
            return self.send_logged(step, title, sent, provider).await;
        }
        let (with_proof, delivery) = self
            .send_with_proof(
                step,
                title,
                sent,
                provider,
                Some(&session.tokens.access_token),
            )
            .await?;
        *sent = with_proof;
        Ok(delivery)
    }

    /// RFC 7662: asks the provider what it knows about the session's access or refresh token.
    pub async fn introspect(&self, provider: &Provider, refresh: bool) -> Introspection<T::Body> {
        let Some(session) = self.session(&provider.id) else {
            return Introspection {
                outcome: ApiOutcome::refused("Not signed in: authorize first.".into()),
                reading: Err("Not signed in.".into()),
            };
        };
        let Some(url) = provider.standards.introspection.clone() else {
            let e = FlowError::NoEndpoint("introspection");
            return Introspection {
                outcome: ApiOutcome::refused(e.detail()),
                reading: Err(e.title()),
            };
        };
        let (token, hint) = match (&session.tokens.refresh_token, refresh) {
            (Some(r), true) => (r.expose().to_string(), "refresh_token"),
            _ => (
                session.tokens.access_token.expose().to_string(),
                "access_token",
            ),
        };
        let req = self.as_client(provider, &session.client_id, &url, |client| {
            introspection_request(provider, client, &url, &token, hint)
        });
        let result = self
            .send_logged(
                FlowStep::Introspect,
                &format!("Asked the provider about the {}", hint.replace('_', " ")),
                &req,
                provider,
            )
            .await;
        let reading = match &result {
            Ok(d) => parse_introspection(&self.with_text(super::Delivery {
                response: d.response.clone(),
                large: d.large.clone(),
                route: d.route.clone(),
            })),
            Err(e) => Err(e.message()),
        };
        Introspection {
            outcome: ApiOutcome {
                request: render_request(&req, Some(provider.credential_header())),
                result: result.map(|d| super::Reply {
                    response: d.response,
                    large: d.large,
                }),
                note: None,
            },
            reading,
        }
    }

    /// Calls the provider's info/userinfo endpoint with the current session.
    pub async fn fetch_info(self: &Rc<Self>, provider: &Provider) -> Option<ApiOutcome<T::Body>> {
        let endpoint = provider.userinfo.clone()?;
        let req =
            HttpRequest::new(endpoint.method, endpoint.url).header("Accept", "application/json");
        Some(
            self.call(
                provider,
                req,
                FlowStep::Info,
                "Asked the provider who is signed in",
            )
            .await,
        )
    }

    /// Revokes the grant at the provider (when it can) and clears it here whatever happens.
    pub async fn revoke(self: &Rc<Self>, provider: &Provider) -> RevokeOutcome<T::Body> {
        let Some(session) = self.session(&provider.id) else {
            return RevokeOutcome {
                calls: Vec::new(),
                note: "Nothing to revoke: not signed in.".into(),
            };
        };
        let revoke_url = provider
            .revoke
            .as_ref()
            .map(|r| r.endpoint.url.clone())
            .unwrap_or_default();
        let requests = self.as_client(provider, &session.client_id, &revoke_url, |client| {
            revoke_requests(provider, client, &session.tokens)
        });
        let mut calls = Vec::new();
        for req in &requests {
            let result = self
                .send_logged(
                    FlowStep::Revoke,
                    "Asked the provider to revoke the grant",
                    req,
                    provider,
                )
                .await;
            calls.push(ApiOutcome {
                request: render_request(req, Some(provider.credential_header())),
                result: result.map(|d| super::Reply {
                    response: d.response,
                    large: d.large,
                }),
                note: None,
            });
        }
        let all_ok = calls
            .iter()
            .all(|c| matches!(&c.result, Ok(r) if r.response.is_success()));
        self.retire(
            &session,
            match provider.revoke.as_ref().map(|r| r.style) {
                Some(crate::providers::RevokeStyle::BearerCall) => "after Invalidate",
                _ => "after Revoke",
            },
        );
        self.drop_session(&provider.id);
        let note = if requests.is_empty() {
            "This provider has no revoke endpoint: the tokens were removed here, but stay valid at the provider until they expire.".to_string()
        } else if all_ok {
            "The provider confirmed; the tokens were also removed here.".to_string()
        } else {
            "The provider did not confirm (see its answer); the tokens were removed here anyway."
                .to_string()
        };
        self.note(
            Some(&provider.id),
            FlowStep::Revoke,
            "Session ended",
            all_ok || requests.is_empty(),
            note.clone(),
        );
        RevokeOutcome { calls, note }
    }
}
