// Using a credential: API calls with the token attached only under the provider's API base,
// the single-flight refresh (before expiry, and once after a 401), and revocation.

use super::{now, store, Runtime};
use crate::http::{self, HttpRequest, HttpResponse, NetError};
use crate::oauth::refresh::{can_refresh, classify, needs_refresh, RefreshFailure};
use crate::oauth::revoke::revoke_requests;
use crate::oauth::token::{parse_token_response, refresh_request, ClientAuth};
use crate::oauth::FlowError;
use crate::providers::{AuthStyle, Provider};
use crate::session::StoredSession;
use crate::types::ClientId;
use crate::url::HttpUrl;
use futures::FutureExt;
use leptos::prelude::*;

/// The result of one API call, as the views show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiOutcome {
    /// The request as sent (secrets redacted).
    pub request: String,
    pub result: Result<HttpResponse, NetError>,
    /// What Handshake did around the call (a refresh, a retry).
    pub note: Option<String>,
}

impl ApiOutcome {
    fn refused(why: String) -> Self {
        ApiOutcome {
            request: String::new(),
            result: Err(NetError::Refused(why)),
            note: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RevokeOutcome {
    pub calls: Vec<ApiOutcome>,
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
    Ok(match &provider.auth {
        AuthStyle::Bearer => req.header(
            "Authorization",
            &format!("Bearer {}", session.tokens.access_token.expose()),
        ),
        AuthStyle::ApiKeyHeader(name) => req.header(name, session.tokens.access_token.expose()),
    })
}

impl Runtime {
    /// Refreshes the provider's session; concurrent callers share one refresh request.
    pub async fn refresh(&self, provider: &Provider) -> Result<StoredSession, FlowError> {
        if let Some(pending) = self.refreshing.get_value() {
            return pending.await;
        }
        let this = *self;
        let provider = provider.clone();
        let shared = async move { this.refresh_now(&provider).await }
            .boxed_local()
            .shared();
        self.refreshing.set_value(Some(shared.clone()));
        let result = shared.await;
        self.refreshing.set_value(None);
        result
    }

    async fn refresh_now(&self, provider: &Provider) -> Result<StoredSession, FlowError> {
        let result = self.try_refresh(provider).await;
        if let Err(e) = &result {
            let ended = classify(e) == RefreshFailure::Reauthorize;
            self.note(
                "refresh",
                if ended {
                    "Refresh failed: the session ended"
                } else {
                    "Refresh failed, the session is kept"
                },
                false,
                format!("{}: {}", e.title, e.detail),
            );
            if ended {
                store().clear_session(&provider.id);
                if self.provider_id.get_untracked() == provider.id {
                    self.session.set(None);
                }
                self.reauth.set(Some(format!(
                    "{} Authorize again: your form and request drafts are kept.",
                    e.detail
                )));
            }
        }
        result
    }

    async fn try_refresh(&self, provider: &Provider) -> Result<StoredSession, FlowError> {
        let session = store().session(&provider.id).ok_or_else(|| {
            FlowError::new(
                "no_session",
                "Not signed in",
                "There is no session to refresh.",
            )
        })?;
        let Some(refresh_token) = session.tokens.refresh_token.clone() else {
            return Err(FlowError::new(
                "no_refresh_token",
                "No refresh token",
                "The provider gave no refresh token, so the session cannot be extended.",
            ));
        };
        if !can_refresh(&session.tokens, now()) {
            return Err(FlowError::new(
                "refresh_expired",
                "The refresh token expired",
                "It can no longer extend the session.",
            ));
        }
        let secret = store().secret(&provider.id);
        let client_id = ClientId::new(session.client_id.clone());
        let req = refresh_request(
            provider,
            &ClientAuth {
                client_id: &client_id,
                client_secret: secret.as_ref(),
            },
            &refresh_token,
        )?;
        let resp = self
            .exchange("refresh", "Refreshed the access token", &req)
            .await
            .map(crate::http::HttpResponse::with_text_body)
            .map_err(|e| {
                FlowError::new(
                    "refresh_network",
                    "The refresh request did not complete",
                    e.message(),
                )
            })?;
        let tokens = parse_token_response(provider, &resp, now(), Some(&session.tokens))?;
        let refreshed = StoredSession {
            scopes: tokens.scope.clone().unwrap_or(session.scopes.clone()),
            tokens,
            ..session
        };
        self.adopt(&refreshed);
        Ok(refreshed)
    }

    /// Sends an API call with the session's credential: refreshes first when the token is
    /// about to expire, and once more (then retries once) when the provider answers 401.
    pub async fn call(
        &self,
        provider: &Provider,
        req: HttpRequest,
        step: &str,
        title: &str,
    ) -> ApiOutcome {
        let Some(mut session) = store().session(&provider.id) else {
            return ApiOutcome::refused(
                "Not signed in: authorize first (or enter your API key).".into(),
            );
        };
        let mut notes: Vec<String> = Vec::new();
        let mut refreshed = false;
        if needs_refresh(&session.tokens, now()) {
            match self.refresh(provider).await {
                Ok(s) => {
                    session = s;
                    refreshed = true;
                    notes.push(
                        "The access token was about to expire, so Handshake refreshed it first."
                            .into(),
                    );
                }
                Err(e) if classify(&e) == RefreshFailure::Reauthorize => {
                    return ApiOutcome::refused(format!(
                        "The session ended: {} Authorize again.",
                        e.detail
                    ));
                }
                Err(e) => notes.push(format!(
                    "A refresh was due but failed ({}); the call goes out with the current token.",
                    e.title
                )),
            }
        }
        let first = match authorize_request(provider, &session, req.clone()) {
            Ok(r) => r,
            Err(e) => {
                return ApiOutcome {
                    request: http::render_request(&req),
                    result: Err(e),
                    note: None,
                }
            }
        };
        let mut sent = first;
        let mut result = self.exchange(step, title, &sent).await;
        let unauthorized = matches!(&result, Ok(resp) if resp.status == 401);
        if unauthorized && !refreshed && can_refresh(&session.tokens, now()) {
            // Another call may have refreshed while this one was in flight: then the stored
            // token is already new, and retrying with it is enough.
            let newer = store()
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
                        result = self
                            .exchange(step, &format!("{title} (retried after a refresh)"), &retry)
                            .await;
                        sent = retry;
                    }
                    Err(e) => result = Err(e),
                },
                Err(e) => notes.push(format!(
                    "The provider answered 401 and the refresh failed: {}",
                    e.detail
                )),
            }
        }
        ApiOutcome {
            request: http::render_request(&sent),
            result,
            note: (!notes.is_empty()).then(|| notes.join(" ")),
        }
    }

    /// Calls the provider's info/userinfo endpoint with the current session.
    pub async fn fetch_info(&self, provider: &Provider) -> Option<ApiOutcome> {
        let endpoint = provider.userinfo.clone()?;
        let req =
            HttpRequest::new(&endpoint.method, endpoint.url).header("Accept", "application/json");
        Some(
            self.call(provider, req, "info", "Asked the provider who is signed in")
                .await,
        )
    }

    /// Revokes the grant at the provider (when it can) and clears it here whatever happens.
    pub async fn revoke(&self, provider: &Provider) -> RevokeOutcome {
        let Some(session) = store().session(&provider.id) else {
            return RevokeOutcome {
                calls: Vec::new(),
                note: "Nothing to revoke: not signed in.".into(),
            };
        };
        let secret = store().secret(&provider.id);
        let client_id = ClientId::new(session.client_id.clone());
        let requests = revoke_requests(
            provider,
            &ClientAuth {
                client_id: &client_id,
                client_secret: secret.as_ref(),
            },
            &session.tokens,
        );
        let mut calls = Vec::new();
        for req in &requests {
            let result = self
                .exchange("revoke", "Asked the provider to revoke the grant", req)
                .await;
            calls.push(ApiOutcome {
                request: http::render_request(req),
                result,
                note: None,
            });
        }
        let all_ok = calls
            .iter()
            .all(|c| matches!(&c.result, Ok(r) if (200..300).contains(&r.status)));
        self.forget();
        let note = if requests.is_empty() {
            "This provider has no revoke endpoint: the tokens were removed here, but stay valid at the provider until they expire.".to_string()
        } else if all_ok {
            "The provider confirmed; the tokens were also removed here.".to_string()
        } else {
            "The provider did not confirm (see its answer); the tokens were removed here anyway."
                .to_string()
        };
        self.note(
            "revoke",
            "Session ended",
            all_ok || requests.is_empty(),
            note.clone(),
        );
        RevokeOutcome { calls, note }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AppConfig;
    use crate::oauth::token::TokenSet;
    use crate::providers::presets;
    use crate::types::AccessToken;

    fn session() -> StoredSession {
        StoredSession {
            provider_id: "sandbox-academy-v2".into(),
            client_id: "c".into(),
            redirect_uri: String::new(),
            scopes: Vec::new(),
            tokens: TokenSet {
                access_token: AccessToken::new("secret-token"),
                token_type: None,
                expires_in: None,
                expires_at: None,
                refresh_token: None,
                refresh_expires_in: None,
                refresh_expires_at: None,
                scope: None,
                obtained_at: 0.0,
            },
        }
    }

    fn preset(id: &str) -> Provider {
        presets(&AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap())
            .into_iter()
            .find(|p| p.id == id)
            .unwrap()
    }

    #[test]
    fn the_token_goes_only_under_the_api_base() {
        let p = preset("sandbox-academy-v2");
        let ok = authorize_request(
            &p,
            &session(),
            HttpRequest::new("GET", "http://127.0.0.1:8090/api/v2/movies"),
        )
        .unwrap();
        assert_eq!(
            ok.header_value("authorization"),
            Some("Bearer secret-token")
        );
        for counterfeit in [
            "http://127.0.0.1:8091/api/v2/movies",
            "http://127.0.0.1:8090/api/v1/movies",
            "http://127.0.0.1:8090/api/v2x",
            "https://127.0.0.1:8090/api/v2/movies",
            "http://evil.example/api/v2/movies",
            "http://127.0.0.1:8090@evil.example/api/v2/movies",
        ] {
            let refused = authorize_request(&p, &session(), HttpRequest::new("GET", counterfeit));
            assert!(
                matches!(refused, Err(NetError::Refused(_))),
                "{counterfeit}"
            );
        }
    }

    #[test]
    fn api_key_providers_use_their_header() {
        let p = preset("sandbox-academy-v1");
        let r = authorize_request(
            &p,
            &session(),
            HttpRequest::new("GET", "http://127.0.0.1:8090/api/v1/about"),
        )
        .unwrap();
        assert_eq!(r.header_value("x-api-key"), Some("secret-token"));
        assert_eq!(r.header_value("authorization"), None);
    }
}
