// Getting a credential: the authorize redirect (and where a typed secret is kept), the
// callback or a pasted answer, the code exchange, and the API-key "sign-in".

use super::{Clock, Controller, Crypto, Transport};
use crate::oauth::authorize::{
    authorize_url, check_extra, par_request, parse_par_response, pushed_authorize_url,
    AuthorizeParams,
};
use crate::oauth::callback::{
    check_issuer, parse_callback, parse_pasted, validate_callback, CallbackParams, FlowRecord,
    Lookup, StateRule,
};
use crate::oauth::pkce::{challenge_s256, state_from, verifier_from, STATE_BYTES, VERIFIER_BYTES};
use crate::oauth::token::{token_request, ClientAuth, TokenSet};
use crate::oauth::{FlowError, OOB_REDIRECT};
use crate::platform::KeyValue;
use crate::providers::{ClientAuthMethod, Provider};
use crate::session::log::{FlowStep, LogEntry};
use crate::session::store::StoredSession;
use crate::types::{
    AccessToken, AuthCode, ClientId, ClientSecret, Nonce, PkceChallenge, PkceVerifier, ProviderId,
    Scope, State,
};
use crate::url::HttpUrl;
use std::rc::Rc;

/// One authorization attempt prepared ahead of the click, so the URL shown is the URL used.
pub struct Attempt {
    pub state: State,
    pub verifier: Option<PkceVerifier>,
    pub challenge: Option<PkceChallenge>,
    /// OpenID Connect Core §3.1.2.1: sent when the scopes include `openid`.
    pub nonce: Nonce,
}

/// What the user typed on the home page for one provider.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientForm {
    pub client_id: ClientId,
    pub client_secret: ClientSecret,
    pub redirect_uri: String,
    pub scopes: Vec<Scope>,
    /// Extra authorize parameters (`prompt`, `login_hint`, `audience`…); never a core one.
    pub extra: Vec<(String, String)>,
    /// RFC 9126: push the parameters first (always, when the provider requires it).
    pub use_par: bool,
    /// RFC 9449: bind the tokens to this tab's DPoP key.
    pub use_dpop: bool,
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
        check_extra(&self.extra)?;
        if self.pushes(provider) && provider.standards.par.is_none() {
            return Err(
                "This provider has no pushed-authorization endpoint: add its URL to the provider, or switch PAR off.".into(),
            );
        }
        if self.use_dpop && !provider.standards.dpop_algs.iter().any(|a| a == "ES256") {
            return Err(
                "This provider does not list ES256 for DPoP (dpop_signing_alg_values_supported), the algorithm Handshake signs proofs with.".into(),
            );
        }
        Ok(())
    }

    pub(super) fn client_id(&self) -> ClientId {
        ClientId::new(self.client_id.as_str().trim())
    }

    /// Whether the sign-in pushes its parameters first (RFC 9126).
    pub fn pushes(&self, provider: &Provider) -> bool {
        self.use_par || provider.standards.par_required
    }

    /// Whether the ID token is asked for (and so a nonce sent).
    pub fn asks_openid(&self) -> bool {
        self.scopes.iter().any(|s| s.as_str() == "openid")
    }
}

/// What a token answer is checked against, whichever grant produced it.
pub(super) struct Granted {
    pub client_id: ClientId,
    pub redirect_uri: String,
    pub asked: Vec<Scope>,
    pub nonce: Option<Nonce>,
    pub dpop: bool,
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
    R: Crypto + 'static,
    T: Transport + 'static,
{
    /// A fresh state (and PKCE pair when the provider supports it).
    pub fn attempt(&self, provider: &Provider) -> Attempt {
        let mut state = [0u8; STATE_BYTES];
        self.crypto.fill(&mut state);
        let verifier = provider.pkce.then(|| {
            let mut bytes = [0u8; VERIFIER_BYTES];
            self.crypto.fill(&mut bytes);
            verifier_from(&bytes)
        });
        let challenge = verifier.as_ref().map(challenge_s256);
        let mut nonce = [0u8; STATE_BYTES];
        self.crypto.fill(&mut nonce);
        Attempt {
            state: state_from(&state),
            verifier,
            challenge,
            nonce: Nonce::new(state_from(&nonce).as_str()),
        }
    }

    /// The authorize URL for `attempt` (no side effects: the preview shows it).
    pub fn authorize_url(
        &self,
        provider: &Provider,
        form: &ClientForm,
        attempt: &Attempt,
    ) -> String {
        authorize_url(provider, &Self::params(form, attempt, &form.client_id()))
    }

    fn params<'a>(
        form: &'a ClientForm,
        attempt: &'a Attempt,
        client_id: &'a ClientId,
    ) -> AuthorizeParams<'a> {
        AuthorizeParams {
            client_id,
            redirect_uri: form.redirect_uri.trim(),
            scopes: &form.scopes,
            state: &attempt.state,
            challenge: attempt.challenge.as_ref(),
            nonce: form.asks_openid().then_some(&attempt.nonce),
            extra: &form.extra,
        }
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

    /// The secret a token request carries: the one typed, else the Sandbox's demo secret — for
    /// its demo client always, for another client only once the proxy has said it does not hold
    /// that client's (a callback may finish before the proxy answered).
    fn stored_or_demo(&self, provider: &Provider, client_id: &ClientId) -> Option<ClientSecret> {
        self.store.secret(&provider.id).or_else(|| {
            let demo = provider.demo_client_secret.clone()?;
            let own = client_id.as_str() == provider.default_client_id;
            (own || self.transport.proxy_known()).then(|| ClientSecret::new(demo))
        })
    }

    /// Keeps what the user typed as the client secret for this tab, unless the proxy holds
    /// it: then the browser keeps (and sends) none.
    pub fn keep_typed_secret(
        &self,
        provider: &Provider,
        client_id: &ClientId,
        secret: &ClientSecret,
    ) {
        // The Sandbox's published demo secret is the form's default, not something the user
        // typed: never kept (`stored_or_demo` supplies it where it belongs).
        let keep = (!self.secret_held(provider, client_id))
            .then(|| ClientSecret::new(secret.expose().trim()))
            .filter(|s| !s.expose().is_empty())
            .filter(|s| provider.demo_client_secret.as_deref() != Some(s.expose()));
        self.saved(self.store.save_secret(&provider.id, keep.as_ref()));
    }

    /// The secret a request to `url` for this client carries: none when the proxy adds it
    /// there, or when the client is public.
    pub(super) fn secret_for(
        &self,
        provider: &Provider,
        client_id: &ClientId,
        url: &str,
    ) -> Option<ClientSecret> {
        if provider.standards.client_auth == ClientAuthMethod::None
            || self.transport.secret_held(url, client_id)
        {
            None
        } else {
            self.stored_or_demo(provider, client_id)
        }
    }

    /// Builds a request in which `client_id` proves who it is at `url`, carrying the secret it
    /// has there (`secret_for`).
    pub(super) fn as_client<X>(
        &self,
        provider: &Provider,
        client_id: &ClientId,
        url: &str,
        build: impl FnOnce(&ClientAuth) -> X,
    ) -> X {
        let secret = self.secret_for(provider, client_id, url);
        build(&ClientAuth {
            client_id,
            client_secret: secret.as_ref(),
        })
    }

    /// Stores the flow record (and the typed secret), pushes the parameters first when PAR is
    /// on, logs the step, and says where to go. A sign-in this tab could not finish (storage
    /// refused the record, the provider refused the push) is not started.
    pub async fn begin(
        &self,
        provider: &Provider,
        form: &ClientForm,
        attempt: Attempt,
    ) -> Result<Departure, String> {
        form.validate(provider)?;
        let client_id = form.client_id();
        self.ready(provider, &client_id, &form.client_secret)?;
        self.keep_typed_secret(provider, &client_id, &form.client_secret);
        let url = match provider
            .standards
            .par
            .as_deref()
            .filter(|_| form.pushes(provider))
        {
            Some(par_url) => self.push(provider, form, &attempt, par_url).await?,
            None => self.authorize_url(provider, form, &attempt),
        };
        let mut notes = vec![
            "The provider shows its consent screen, then redirects to the redirect URI with a code and the same state.".to_string(),
        ];
        if attempt.challenge.is_some() {
            notes.push("PKCE: the code challenge travels now; the verifier stays in this tab until the token request.".into());
        }
        if form.asks_openid() {
            notes.push(
                "OpenID Connect: the nonce travels now and must come back inside the ID token."
                    .into(),
            );
        }
        let record = FlowRecord {
            state: attempt.state,
            verifier: attempt.verifier,
            provider_id: provider.id.clone(),
            client_id: client_id.clone(),
            redirect_uri: form.redirect_uri.trim().to_string(),
            scopes: form.scopes.clone(),
            created_at: self.clock.now(),
            nonce: form.asks_openid().then_some(attempt.nonce),
            issuer: provider.issuer.clone(),
            dpop: form.use_dpop,
        };
        self.store.save_flow(&record).map_err(|e| {
            format!(
                "This tab cannot store the sign-in ({}), so the answer could not be checked when it comes back. \
                 Allow this site to store data, or use another browser window.",
                e.0
            )
        })?;
        self.record(LogEntry {
            at: self.clock.now(),
            provider: Some(provider.id.clone()),
            step: FlowStep::Authorize,
            title: format!("Sent the browser to {}", provider.name),
            ok: true,
            request: Some(format!("GET {url} HTTP/1.1")),
            response: None,
            note: Some(notes.join(" ")),
        });
        Ok(Departure {
            new_tab: form.redirect_uri.trim() != self.app_callback,
            url: self.transport.departure(&url),
        })
    }

    /// What must be in place before the browser leaves for the provider, so that a sign-in
    /// never starts that cannot finish: the proxy its token request needs, and a client secret
    /// (typed, or held by the proxy) unless the client is public.
    pub fn ready(
        &self,
        provider: &Provider,
        client_id: &ClientId,
        secret: &ClientSecret,
    ) -> Result<(), String> {
        if let Some(why) = self.transport.unavailable(provider) {
            return Err(format!("{} cannot be used here: {why}.", provider.name));
        }
        let needs_secret = provider.standards.client_auth != ClientAuthMethod::None;
        let have = !secret.expose().trim().is_empty()
            || self.transport.secret_held(&provider.token.url, client_id);
        if needs_secret && !have {
            return Err(format!(
                "Enter the client secret {} gave you with the client id (or let handshake-proxy hold it: README, \"The proxy\"). \
                 Without it the token request would fail after you consented.",
                provider.name
            ));
        }
        Ok(())
    }

    /// RFC 9126: pushes the authorization parameters; the browser then carries only the
    /// `request_uri`.
    async fn push(
        &self,
        provider: &Provider,
        form: &ClientForm,
        attempt: &Attempt,
        par_url: &str,
    ) -> Result<String, String> {
        let client_id = form.client_id();
        let req = self.as_client(provider, &client_id, par_url, |client| {
            par_request(
                provider,
                client,
                par_url,
                &Self::params(form, attempt, &client_id),
            )
        });
        let delivery = self
            .send_logged(
                FlowStep::Authorize,
                "Pushed the authorization request (PAR)",
                &req,
                provider,
            )
            .await
            .map_err(|e| {
                format!(
                    "The pushed authorization request did not complete: {}",
                    e.message()
                )
            })?;
        let resp = self.with_text(delivery);
        let (request_uri, _) =
            parse_par_response(&resp).map_err(|e| format!("{}: {}", e.title(), e.detail()))?;
        Ok(pushed_authorize_url(provider, &client_id, &request_uri))
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
        let arrived = format!(
            "GET {}{}{} HTTP/1.1",
            self.app_callback,
            crate::wire::redact_url(&format!("?{}", query.trim_start_matches('?'))),
            if fragment.is_empty() { "" } else { "#…" }
        );
        self.finish(
            params,
            lookup,
            StateRule::Required,
            FlowStep::Callback,
            arrived,
        )
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
                    Some(provider),
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
        let arrived = if text.trim().starts_with("http") {
            format!("GET {} HTTP/1.1", crate::wire::redact_url(text.trim()))
        } else {
            "(a bare code, pasted)".to_string()
        };
        self.finish(
            params,
            lookup,
            StateRule::IfPresent,
            FlowStep::Paste,
            arrived,
        )
        .await
    }

    async fn finish(
        self: &Rc<Self>,
        params: CallbackParams,
        lookup: Lookup,
        rule: StateRule,
        step: FlowStep,
        arrived: String,
    ) -> Result<StoredSession, FlowError> {
        let now = self.clock.now();
        let intended = match &lookup {
            Lookup::Pending(record) => Some(record.provider_id.clone()),
            _ => None,
        };
        let checked = validate_callback(&params, lookup, now, rule).and_then(|(code, record)| {
            let provider = self
                .provider(&record.provider_id)
                .ok_or_else(|| FlowError::UnknownProvider(record.provider_id.to_string()))?;
            // RFC 9700 §4.4: the answer must come from the issuer this sign-in went to.
            if record.issuer.is_some() && record.issuer != provider.issuer {
                return Err(FlowError::IssuerChanged {
                    bound: record.issuer.clone().unwrap_or_default(),
                    now: provider.issuer.clone().unwrap_or_else(|| "none".into()),
                });
            }
            check_issuer(
                params.issuer.as_deref(),
                provider.issuer.as_deref(),
                provider.standards.iss_required,
                &provider.authorize_url,
            )?;
            Ok((code, record, provider))
        });
        let (code, record, provider) = match checked {
            Ok(ok) => ok,
            Err(e) => {
                self.record(LogEntry {
                    at: now,
                    provider: intended.clone(),
                    step,
                    title: "Answer rejected".into(),
                    ok: false,
                    request: Some(arrived),
                    response: None,
                    note: Some(format!(
                        "{}: {} No token request was sent.",
                        e.title(),
                        e.detail()
                    )),
                });
                return Err(e);
            }
        };
        let why = if params.state.is_some() {
            "The state that came back equals the one this tab stored, so the code is exchanged."
        } else {
            "No state came with the pasted code; it is exchanged for the sign-in this tab started last."
        };
        self.record(LogEntry {
            at: now,
            provider: Some(provider.id.clone()),
            step,
            title: "Answer accepted".into(),
            ok: true,
            request: Some(arrived),
            response: None,
            note: Some(format!(
                "{why} The code and state are out of the address bar."
            )),
        });
        self.exchange_code(&provider, record, code).await
    }

    async fn exchange_code(
        &self,
        provider: &Provider,
        record: FlowRecord,
        code: AuthCode,
    ) -> Result<StoredSession, FlowError> {
        let req = self.as_client(provider, &record.client_id, &provider.token.url, |client| {
            token_request(
                provider,
                client,
                &code,
                &record.redirect_uri,
                record.verifier,
            )
        });
        let tokens = self
            .grant(provider, "Exchanged the code for tokens", &req, record.dpop)
            .await?;
        self.accept(
            provider,
            Granted {
                client_id: record.client_id,
                redirect_uri: record.redirect_uri,
                asked: record.scopes,
                nonce: record.nonce,
                dpop: record.dpop,
            },
            tokens,
        )
        .await
    }

    pub(super) fn rejected(&self, provider: &ProviderId, step: FlowStep, e: &FlowError) {
        self.note(
            Some(provider),
            step,
            "Token answer rejected",
            false,
            format!("{}: {}", e.title(), e.detail()),
        );
    }

    /// Checks a token answer before keeping it — DPoP binding as asked, the ID token (claims
    /// and signature) — says when fewer scopes came than were asked, and keeps the session.
    pub(super) async fn accept(
        &self,
        provider: &Provider,
        granted: Granted,
        tokens: TokenSet,
    ) -> Result<StoredSession, FlowError> {
        if tokens.is_dpop() && !granted.dpop {
            let e = FlowError::DpopNotRequested;
            self.rejected(&provider.id, FlowStep::Token, &e);
            return Err(e);
        }
        if granted.dpop && !tokens.is_dpop() {
            self.note(
                Some(&provider.id),
                FlowStep::Token,
                "The token is not DPoP-bound",
                true,
                "This sign-in sent a DPoP proof but the provider issued a Bearer token (it may not bind tokens for this client): calls carry it as Bearer.",
            );
        }
        let id_token = match &tokens.id_token {
            Some(token) => {
                let report = self
                    .verify_id_token(
                        provider,
                        &granted.client_id,
                        token,
                        granted.nonce.as_ref().map(|n| n.as_str()),
                        None,
                        Some(&tokens.access_token),
                    )
                    .await;
                if let Some(failed) = report.failure() {
                    let e = FlowError::IdTokenInvalid {
                        check: failed.name.clone(),
                        detail: format!("{}: {}.", failed.name, failed.detail),
                    };
                    self.rejected(&provider.id, FlowStep::Token, &e);
                    return Err(e);
                }
                Some(report)
            }
            None => {
                if granted.nonce.is_some() {
                    self.note(
                        Some(&provider.id),
                        FlowStep::Token,
                        "No ID token came",
                        false,
                        "The sign-in asked for openid, but the answer has no id_token: this provider may not speak OpenID Connect for this client.",
                    );
                }
                None
            }
        };
        let session = StoredSession {
            provider_id: provider.id.clone(),
            client_id: granted.client_id,
            redirect_uri: granted.redirect_uri,
            scopes: tokens.scope.clone().unwrap_or(granted.asked.clone()),
            tokens,
            asked: granted.asked,
            id_token,
        };
        let missing = session.missing_scopes();
        if !missing.is_empty() {
            let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            let refresh = if names.contains(&"offline_access")
                && session.tokens.refresh_token.is_none()
            {
                " Without offline_access there is no refresh token: the session ends when the access token expires."
            } else {
                ""
            };
            self.note(
                Some(&provider.id),
                FlowStep::Token,
                "Fewer scopes granted than asked",
                false,
                format!(
                    "The provider left out {} (RFC 6749 §3.3 lets it).{refresh} Some providers grant offline_access only with prompt=consent: add it under Extra parameters.",
                    names.join(", ")
                ),
            );
        }
        self.adopt(&session);
        Ok(session)
    }

    /// Providers without OAuth: the typed key becomes this tab's session.
    pub fn sign_in_with_key(&self, provider: &Provider, key: &str) -> Result<(), String> {
        let key = key.trim();
        if key.is_empty() || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("Enter the API key from your sign-up e-mail (one word, no spaces).".into());
        }
        self.adopt_given(
            provider,
            ClientId::default(),
            (AccessToken::new(key), "api-key", None),
            (FlowStep::ApiKey, "Using an API key"),
            "Every call to this API carries the key in a header; it stays in this tab's sessionStorage.",
        );
        Ok(())
    }
}
