// Getting a credential: the authorize redirect, the callback (or a pasted answer), the code
// exchange, and the API-key "sign-in" of providers without OAuth.

use super::{now, random_bytes, store, Runtime};
use crate::oauth::authorize::{authorize_url, AuthorizeParams};
use crate::oauth::callback::{
    check_issuer, parse_callback, parse_pasted, validate_callback, CallbackParams, FlowRecord,
    Lookup, StateRule,
};
use crate::oauth::pkce::{challenge_s256, state_from, verifier_from, STATE_BYTES, VERIFIER_BYTES};
use crate::oauth::token::{parse_token_response, token_request, ClientAuth, TokenSet};
use crate::oauth::{FlowError, OOB_REDIRECT};
use crate::providers::Provider;
use crate::session::{LogEntry, StoredSession};
use crate::types::{
    AccessToken, AuthCode, ClientId, ClientSecret, PkceChallenge, PkceVerifier, State,
};
use crate::url::HttpUrl;

/// One authorization attempt prepared ahead of the click, so the URL shown is the URL used.
pub struct Attempt {
    pub state: State,
    pub verifier: Option<PkceVerifier>,
    pub challenge: Option<PkceChallenge>,
}

impl Attempt {
    pub fn new(pkce: bool) -> Self {
        let state = state_from(&random_bytes::<STATE_BYTES>());
        let verifier = pkce.then(|| verifier_from(&random_bytes::<VERIFIER_BYTES>()));
        let challenge = verifier.as_ref().map(challenge_s256);
        Attempt {
            state,
            verifier,
            challenge,
        }
    }
}

/// What the user typed on the home page for one provider.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientForm {
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
}

impl ClientForm {
    /// Checks the form before anything leaves the page.
    pub fn validate(&self, provider: &Provider) -> Result<(), String> {
        if self.client_id.trim().is_empty() {
            return Err(
                "Enter the client id you received when you registered the application.".into(),
            );
        }
        let redirect = self.redirect_uri.trim();
        if redirect == OOB_REDIRECT {
            if !provider.supports_oob {
                return Err("This provider does not offer the out-of-band redirect URI.".into());
            }
        } else {
            HttpUrl::parse(redirect).map_err(|e| format!("The redirect URI is not valid: {e}"))?;
        }
        if let Some(missing) = provider
            .required_scopes
            .iter()
            .find(|s| !self.scopes.contains(s))
        {
            return Err(format!(
                "This provider requires the {missing} scope: without it, authorization fails."
            ));
        }
        Ok(())
    }
}

/// Builds the URL for `attempt` (no side effects; the preview uses it too).
pub fn preview_url(provider: &Provider, form: &ClientForm, attempt: &Attempt) -> String {
    authorize_url(
        provider,
        &AuthorizeParams {
            client_id: &ClientId::new(form.client_id.trim()),
            redirect_uri: form.redirect_uri.trim(),
            scopes: &form.scopes,
            state: &attempt.state,
            challenge: attempt.challenge.as_ref(),
        },
    )
}

impl Runtime {
    /// Stores the flow record and the typed secret, logs the step, returns the URL to visit.
    pub fn begin(&self, provider: &Provider, form: &ClientForm, attempt: Attempt) -> String {
        let url = preview_url(provider, form, &attempt);
        let store = store();
        store.save_secret(
            &provider.id,
            Some(&ClientSecret::new(form.client_secret.trim())),
        );
        let pkce_note = if attempt.challenge.is_some() {
            " PKCE: the code challenge travels now; the verifier stays in this tab until the token request."
        } else {
            ""
        };
        store.save_flow(&FlowRecord {
            state: attempt.state,
            verifier: attempt.verifier,
            provider_id: provider.id.clone(),
            client_id: form.client_id.trim().to_string(),
            redirect_uri: form.redirect_uri.trim().to_string(),
            scopes: form.scopes.clone(),
            created_at: now(),
        });
        self.record(LogEntry {
            at: now(),
            step: "authorize".into(),
            title: format!("Sent the browser to {}", provider.name),
            ok: true,
            request: Some(format!("GET {url} HTTP/1.1")),
            response: None,
            note: Some(format!(
                "The provider shows its consent screen, then redirects to the redirect URI with a code and the same state.{pkce_note}"
            )),
        });
        url
    }

    /// Finishes a sign-in from the callback URL's query and fragment: checks, exchanges, stores.
    pub async fn complete(&self, query: &str, fragment: &str) -> Result<StoredSession, FlowError> {
        let params = parse_callback(query, fragment);
        let lookup = match params.state.as_deref() {
            Some(state) if !params.implicit_token && params.duplicate.is_none() => {
                store().take_flow(state)
            }
            _ => Lookup::Unknown,
        };
        self.finish(params, lookup, StateRule::Required, "callback")
            .await
    }

    /// Finishes a sign-in from what the user pasted (the URL they landed on, or a bare code).
    pub async fn complete_pasted(
        &self,
        provider_id: &str,
        text: &str,
    ) -> Result<StoredSession, FlowError> {
        let params = match parse_pasted(text) {
            Ok(p) => p,
            Err(e) => {
                self.note(
                    "paste",
                    "Pasted answer not understood",
                    false,
                    format!("{}: {}", e.title, e.detail),
                );
                return Err(e);
            }
        };
        let lookup = match params.state.as_deref() {
            Some(state) if !params.implicit_token && params.duplicate.is_none() => {
                store().take_flow(state)
            }
            Some(_) => Lookup::Unknown,
            None => match store().take_latest_flow(provider_id) {
                Some(record) => Lookup::Pending(record),
                None => Lookup::Unknown,
            },
        };
        self.finish(params, lookup, StateRule::IfPresent, "paste")
            .await
    }

    async fn finish(
        &self,
        params: CallbackParams,
        lookup: Lookup,
        rule: StateRule,
        step: &str,
    ) -> Result<StoredSession, FlowError> {
        let checked = validate_callback(&params, lookup, now(), rule).and_then(|(code, record)| {
            let provider = self.provider(&record.provider_id).ok_or_else(|| {
                FlowError::new(
                    "unknown_provider",
                    "Unknown provider",
                    format!("{} is not configured here.", record.provider_id),
                )
            })?;
            check_issuer(
                params.issuer.as_deref(),
                provider.issuer.as_deref(),
                &provider.authorize_url,
            )?;
            Ok((code, record, provider))
        });
        let (code, record, provider) = match checked {
            Ok(ok) => ok,
            Err(e) => {
                self.note(
                    step,
                    "Answer rejected",
                    false,
                    format!("{}: {} No token request was sent.", e.title, e.detail),
                );
                return Err(e);
            }
        };
        let why = if params.state.is_some() {
            "The state that came back equals the one this tab stored, so the code is exchanged."
        } else {
            "No state came with the pasted code; it is exchanged for the sign-in this tab started last."
        };
        self.note(
            step,
            "Answer accepted",
            true,
            format!("{why} The code and state are out of the address bar."),
        );
        self.exchange_code(&provider, record, code).await
    }

    async fn exchange_code(
        &self,
        provider: &Provider,
        record: FlowRecord,
        code: AuthCode,
    ) -> Result<StoredSession, FlowError> {
        let secret = store().secret(&provider.id);
        let client_id = ClientId::new(record.client_id.clone());
        let req = token_request(
            provider,
            &ClientAuth {
                client_id: &client_id,
                client_secret: secret.as_ref(),
            },
            &code,
            &record.redirect_uri,
            record.verifier,
        );
        let resp = self
            .exchange("token", "Exchanged the code for tokens", &req)
            .await
            .map(crate::http::HttpResponse::with_text_body)
            .map_err(|e| {
                FlowError::new(
                    "token_network",
                    "The token request did not complete",
                    e.message(),
                )
            })?;
        let tokens = parse_token_response(provider, &resp, now(), None).inspect_err(|e| {
            self.note(
                "token",
                "Token answer rejected",
                false,
                format!("{}: {}", e.title, e.detail),
            );
        })?;
        let session = StoredSession {
            provider_id: provider.id.clone(),
            client_id: record.client_id,
            redirect_uri: record.redirect_uri,
            scopes: tokens.scope.clone().unwrap_or(record.scopes),
            tokens,
        };
        self.adopt(&session);
        Ok(session)
    }

    /// Providers without OAuth: the typed key becomes this tab's session.
    pub fn sign_in_with_key(&self, provider: &Provider, key: &str) -> Result<(), String> {
        let key = key.trim();
        if key.is_empty() || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("Enter the API key from your sign-up e-mail (one word, no spaces).".into());
        }
        let session = StoredSession {
            provider_id: provider.id.clone(),
            client_id: String::new(),
            redirect_uri: String::new(),
            scopes: Vec::new(),
            tokens: TokenSet {
                access_token: AccessToken::new(key),
                token_type: Some("api-key".into()),
                expires_in: None,
                expires_at: None,
                refresh_token: None,
                refresh_expires_in: None,
                refresh_expires_at: None,
                scope: None,
                obtained_at: now(),
            },
        };
        self.adopt(&session);
        self.note(
            "api-key",
            "Using an API key",
            true,
            "Every call to this API carries the key in a header; it stays in this tab's sessionStorage.",
        );
        Ok(())
    }
}
