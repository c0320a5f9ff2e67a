// Getting a credential: the authorize redirect (and where a typed secret is kept), the
// callback or a pasted answer, the code exchange, and the API-key "sign-in".

use super::{Clock, Controller, Entropy, Transport};
use crate::oauth::authorize::{authorize_url, AuthorizeParams};
use crate::oauth::callback::{
    check_issuer, parse_callback, parse_pasted, validate_callback, CallbackParams, FlowRecord,
    Lookup, StateRule,
};
use crate::oauth::pkce::{challenge_s256, state_from, verifier_from, STATE_BYTES, VERIFIER_BYTES};
use crate::oauth::token::{parse_token_response, token_request, ClientAuth, TokenSet};
use crate::oauth::{FlowError, OOB_REDIRECT};
use crate::platform::KeyValue;
use crate::providers::Provider;
use crate::session::log::{FlowStep, LogEntry};
use crate::session::store::StoredSession;
use crate::types::{
    AccessToken, AuthCode, ClientId, ClientSecret, PkceChallenge, PkceVerifier, ProviderId, Scope,
    State,
};
use crate::url::HttpUrl;
use std::rc::Rc;

/// One authorization attempt prepared ahead of the click, so the URL shown is the URL used.
pub struct Attempt {
    pub state: State,
    pub verifier: Option<PkceVerifier>,
    pub challenge: Option<PkceChallenge>,
}

/// What the user typed on the home page for one provider.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientForm {
    pub client_id: ClientId,
    pub client_secret: ClientSecret,
    pub redirect_uri: String,
    pub scopes: Vec<Scope>,
}

impl ClientForm {
    /// Checks the form before anything leaves the page.
    pub fn validate(&self, provider: &Provider) -> Result<(), String> {
        if self.client_id.as_str().trim().is_empty() {
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

    fn client_id(&self) -> ClientId {
        ClientId::new(self.client_id.as_str().trim())
    }
}

/// Where Authorize sends the browser.
#[derive(Clone, Debug, PartialEq)]
pub struct Departure {
    pub url: String,
    /// The answer will not come back to this app: open a new tab and keep this one to paste it.
    pub new_tab: bool,
}

impl<S, C, R, T> Controller<S, C, R, T>
where
    S: KeyValue + 'static,
    C: Clock + 'static,
    R: Entropy + 'static,
    T: Transport + 'static,
{
    /// A fresh state (and PKCE pair when the provider supports it).
    pub fn attempt(&self, provider: &Provider) -> Attempt {
        let mut state = [0u8; STATE_BYTES];
        self.entropy.fill(&mut state);
        let verifier = provider.pkce.then(|| {
            let mut bytes = [0u8; VERIFIER_BYTES];
            self.entropy.fill(&mut bytes);
            verifier_from(&bytes)
        });
        let challenge = verifier.as_ref().map(challenge_s256);
        Attempt {
            state: state_from(&state),
            verifier,
            challenge,
        }
    }

    /// The authorize URL for `attempt` (no side effects: the preview shows it).
    pub fn authorize_url(
        &self,
        provider: &Provider,
        form: &ClientForm,
        attempt: &Attempt,
    ) -> String {
        authorize_url(
            provider,
            &AuthorizeParams {
                client_id: &form.client_id(),
                redirect_uri: form.redirect_uri.trim(),
                scopes: &form.scopes,
                state: &attempt.state,
                challenge: attempt.challenge.as_ref(),
            },
        )
    }

    /// Whether the proxy adds this client's secret to the provider's token requests.
    pub fn secret_held(&self, provider: &Provider, client_id: &ClientId) -> bool {
        self.transport.secret_held(
            &provider.token.url,
            &ClientId::new(client_id.as_str().trim()),
        )
    }

    /// The secret this tab keeps for the provider's token requests (typed earlier).
    pub fn typed_secret(&self, provider: &ProviderId) -> Option<ClientSecret> {
        self.store.secret(provider)
    }

    /// Keeps what the user typed as the client secret for this tab, unless the proxy holds
    /// it: then the browser keeps (and sends) none.
    pub fn keep_typed_secret(
        &self,
        provider: &Provider,
        client_id: &ClientId,
        secret: &ClientSecret,
    ) {
        let keep = (!self.secret_held(provider, client_id))
            .then(|| ClientSecret::new(secret.expose().trim()));
        self.saved(self.store.save_secret(&provider.id, keep.as_ref()));
    }

    /// The secret a token request for this client carries: none when the proxy adds it.
    fn secret_for(&self, provider: &Provider, client_id: &ClientId) -> Option<ClientSecret> {
        if self.secret_held(provider, client_id) {
            None
        } else {
            self.store.secret(&provider.id)
        }
    }

    /// Stores the flow record (and the typed secret), logs the step, and says where to go.
    /// A sign-in this tab could not finish (storage refused the record) is not started.
    pub fn begin(
        &self,
        provider: &Provider,
        form: &ClientForm,
        attempt: Attempt,
    ) -> Result<Departure, String> {
        form.validate(provider)?;
        let url = self.authorize_url(provider, form, &attempt);
        let client_id = form.client_id();
        let pkce_note = if attempt.challenge.is_some() {
            " PKCE: the code challenge travels now; the verifier stays in this tab until the token request."
        } else {
            ""
        };
        let record = FlowRecord {
            state: attempt.state,
            verifier: attempt.verifier,
            provider_id: provider.id.clone(),
            client_id: client_id.clone(),
            redirect_uri: form.redirect_uri.trim().to_string(),
            scopes: form.scopes.clone(),
            created_at: self.clock.now(),
        };
        self.store.save_flow(&record).map_err(|e| {
            format!(
                "This tab cannot store the sign-in ({}), so the answer could not be checked when it comes back. \
                 Allow this site to store data, or use another browser window.",
                e.0
            )
        })?;
        self.keep_typed_secret(provider, &client_id, &form.client_secret);
        self.record(LogEntry {
            at: self.clock.now(),
            step: FlowStep::Authorize,
            title: format!("Sent the browser to {}", provider.name),
            ok: true,
            request: Some(format!("GET {url} HTTP/1.1")),
            response: None,
            note: Some(format!(
                "The provider shows its consent screen, then redirects to the redirect URI with a code and the same state.{pkce_note}"
            )),
        });
        Ok(Departure {
            new_tab: form.redirect_uri.trim() != self.app_callback,
            url: self.transport.departure(&url),
        })
    }

    /// Finishes a sign-in from the callback URL's query and fragment: checks, exchanges, stores.
    pub async fn complete(
        self: &Rc<Self>,
        query: &str,
        fragment: &str,
    ) -> Result<StoredSession, FlowError> {
        let params = parse_callback(query, fragment);
        let lookup = match params.state.as_deref() {
            Some(state) if !params.implicit_token && params.duplicate.is_none() => {
                self.store.take_flow(state)
            }
            _ => Lookup::Unknown,
        };
        self.finish(params, lookup, StateRule::Required, FlowStep::Callback)
            .await
    }

    /// Finishes a sign-in from what the user pasted (the URL they landed on, or a bare code).
    pub async fn complete_pasted(
        self: &Rc<Self>,
        provider: &ProviderId,
        text: &str,
    ) -> Result<StoredSession, FlowError> {
        let params = match parse_pasted(text) {
            Ok(p) => p,
            Err(e) => {
                self.note(
                    FlowStep::Paste,
                    "Pasted answer not understood",
                    false,
                    format!("{}: {}", e.title(), e.detail()),
                );
                return Err(e);
            }
        };
        let lookup = match params.state.as_deref() {
            Some(state) if !params.implicit_token && params.duplicate.is_none() => {
                self.store.take_flow(state)
            }
            Some(_) => Lookup::Unknown,
            None => match self.store.take_latest_flow(provider) {
                Some(record) => Lookup::Pending(record),
                None => Lookup::Unknown,
            },
        };
        self.finish(params, lookup, StateRule::IfPresent, FlowStep::Paste)
            .await
    }

    async fn finish(
        self: &Rc<Self>,
        params: CallbackParams,
        lookup: Lookup,
        rule: StateRule,
        step: FlowStep,
    ) -> Result<StoredSession, FlowError> {
        let now = self.clock.now();
        let checked = validate_callback(&params, lookup, now, rule).and_then(|(code, record)| {
            let provider = self
                .provider(&record.provider_id)
                .ok_or_else(|| FlowError::UnknownProvider(record.provider_id.to_string()))?;
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
                    format!("{}: {} No token request was sent.", e.title(), e.detail()),
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
        let secret = self.secret_for(provider, &record.client_id);
        let req = token_request(
            provider,
            &ClientAuth {
                client_id: &record.client_id,
                client_secret: secret.as_ref(),
            },
            &code,
            &record.redirect_uri,
            record.verifier,
        );
        let delivery = self
            .send_logged(
                FlowStep::Token,
                "Exchanged the code for tokens",
                &req,
                provider,
            )
            .await
            .map_err(|error| FlowError::Network {
                refresh: false,
                error,
            })?;
        let resp = self.with_text(delivery);
        let tokens =
            parse_token_response(provider, &resp, self.clock.now(), None).inspect_err(|e| {
                self.note(
                    FlowStep::Token,
                    "Token answer rejected",
                    false,
                    format!("{}: {}", e.title(), e.detail()),
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
            client_id: ClientId::default(),
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
                obtained_at: self.clock.now(),
            },
        };
        self.adopt(&session);
        self.note(
            FlowStep::ApiKey,
            "Using an API key",
            true,
            "Every call to this API carries the key in a header; it stays in this tab's sessionStorage.",
        );
        Ok(())
    }
}
