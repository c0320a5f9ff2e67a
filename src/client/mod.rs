// The OAuth client at run time: joins the pure steps (oauth/), storage (session/) and the
// network (http/) into the actions the UI triggers. Holds no view code and makes no layout choices.

use crate::config::AppConfig;
use crate::http::{self, HttpRequest, HttpResponse, NetError};
use crate::oauth::authorize::{authorize_url, AuthorizeParams};
use crate::oauth::callback::{parse_callback, validate_callback, FlowRecord};
use crate::oauth::pkce::{challenge_s256, state_from, verifier_from, STATE_BYTES, VERIFIER_BYTES};
use crate::oauth::token::{parse_token_response, token_request, ClientAuth};
use crate::oauth::FlowError;
use crate::providers::{AuthStyle, Provider};
use crate::session::{self, KeyValue, LogEntry, SessionStore, StoredSession};
use crate::types::{ClientId, ClientSecret, PkceChallenge, PkceVerifier, State};
use crate::url::HttpUrl;
use leptos::prelude::*;

pub fn now() -> f64 {
    js_sys::Date::now()
}

/// Bytes from the browser's CSPRNG (crypto.getRandomValues).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .expect("Handshake needs window.crypto (a secure context)");
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .expect("crypto.getRandomValues works");
    bytes
}

pub fn store() -> SessionStore<impl KeyValue> {
    SessionStore::new(session::session_storage())
}

/// Shared by every view: configuration, presets and the flow log.
#[derive(Clone)]
pub struct Runtime {
    pub config: StoredValue<AppConfig>,
    pub providers: StoredValue<Vec<Provider>>,
    pub log: RwSignal<Vec<LogEntry>>,
}

impl Runtime {
    pub fn new(config: AppConfig) -> Self {
        let providers = crate::providers::presets(&config);
        Runtime {
            config: StoredValue::new(config),
            providers: StoredValue::new(providers),
            log: RwSignal::new(store().log()),
        }
    }

    pub fn provider(&self, id: &str) -> Option<Provider> {
        self.providers
            .with_value(|ps| ps.iter().find(|p| p.id == id).cloned())
    }

    /// Appends to the flow log (sessionStorage and the visible list).
    pub fn record(&self, entry: LogEntry) {
        self.log.set(store().append_log(entry));
    }

    pub fn clear_log(&self) {
        store().clear_log();
        self.log.set(Vec::new());
    }

    /// Sends a request and logs it as one step of the flow.
    pub async fn exchange(
        &self,
        step: &str,
        title: &str,
        req: &HttpRequest,
    ) -> Result<HttpResponse, NetError> {
        let config = self.config.get_value();
        let routed = http::fetch::routed_url(req, &config).ok();
        let result = http::send(req, &config).await;
        let via = match routed {
            Some((url, true)) => Some(format!(
                "Sent through the proxy: {}",
                http::redact_text(&url, "")
            )),
            _ => None,
        };
        let (ok, response, note) = match &result {
            Ok(resp) => (
                (200..300).contains(&resp.status),
                Some(http::render_response(resp)),
                via,
            ),
            Err(e) => (false, None, Some(e.message())),
        };
        self.record(LogEntry {
            at: now(),
            step: step.into(),
            title: title.into(),
            ok,
            request: Some(http::render_request(req)),
            response,
            note,
        });
        result
    }
}

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
            return Err("Enter the client id you received with your credentials.".into());
        }
        let redirect = self.redirect_uri.trim();
        if redirect != crate::oauth::OOB_REDIRECT {
            HttpUrl::parse(redirect).map_err(|e| format!("The redirect URI is not valid: {e}"))?;
        }
        if provider.scopes.iter().any(|s| s.name == "connect")
            && !self.scopes.iter().any(|s| s == "connect")
        {
            return Err("This provider requires the connect scope.".into());
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

/// Stores the flow record and the typed secret, logs the step, and returns the URL to visit.
pub fn begin(
    runtime: &Runtime,
    provider: &Provider,
    form: &ClientForm,
    attempt: Attempt,
) -> String {
    let url = preview_url(provider, form, &attempt);
    let store = store();
    store.save_secret(
        &provider.id,
        Some(&ClientSecret::new(form.client_secret.trim())),
    );
    store.save_flow(&FlowRecord {
        state: attempt.state,
        verifier: attempt.verifier,
        provider_id: provider.id.clone(),
        client_id: form.client_id.trim().to_string(),
        redirect_uri: form.redirect_uri.trim().to_string(),
        scopes: form.scopes.clone(),
        created_at: now(),
    });
    runtime.record(LogEntry {
        at: now(),
        step: "authorize".into(),
        title: format!("Sent the browser to {}", provider.name),
        ok: true,
        request: Some(format!("GET {url} HTTP/1.1")),
        response: None,
        note: Some("The provider shows its consent screen, then redirects back to the callback with a code and the same state.".into()),
    });
    url
}

/// Finishes a sign-in from the callback URL's query and fragment: checks, exchanges, stores.
pub async fn complete(
    runtime: &Runtime,
    query: &str,
    fragment: &str,
) -> Result<StoredSession, FlowError> {
    let params = parse_callback(query, fragment);
    let store = store();
    let lookup = match params.state.as_deref() {
        Some(state) if !params.implicit_token && params.duplicate.is_none() => {
            store.take_flow(state)
        }
        _ => crate::oauth::callback::Lookup::Unknown,
    };
    let checked = validate_callback(&params, lookup, now());
    let (code, record) = match checked {
        Ok(ok) => ok,
        Err(e) => {
            runtime.record(LogEntry {
                at: now(),
                step: "callback".into(),
                title: "Callback rejected".into(),
                ok: false,
                request: None,
                response: None,
                note: Some(format!(
                    "{}: {} No token request was sent.",
                    e.title, e.detail
                )),
            });
            return Err(e);
        }
    };
    runtime.record(LogEntry {
        at: now(),
        step: "callback".into(),
        title: "Callback accepted: state matched".into(),
        ok: true,
        request: None,
        response: None,
        note: Some("The state that came back equals the one this tab stored, so the code is exchanged. The code and state were removed from the address bar.".into()),
    });
    let provider = runtime.provider(&record.provider_id).ok_or_else(|| {
        FlowError::new(
            "unknown_provider",
            "Unknown provider",
            format!("{} is not configured in this build.", record.provider_id),
        )
    })?;
    let secret = store.secret(&provider.id);
    let client_id = ClientId::new(record.client_id.clone());
    let req = token_request(
        &provider,
        &ClientAuth {
            client_id: &client_id,
            client_secret: secret.as_ref(),
        },
        &code,
        &record.redirect_uri,
        record.verifier,
    );
    let resp = runtime
        .exchange("token", "Exchanged the code for tokens", &req)
        .await
        .map_err(|e| {
            FlowError::new(
                "token_network",
                "The token request did not complete",
                e.message(),
            )
        })?;
    let tokens = parse_token_response(&provider, &resp, now(), None)?;
    let session = StoredSession {
        provider_id: provider.id.clone(),
        client_id: record.client_id,
        redirect_uri: record.redirect_uri,
        scopes: tokens.scope.clone().unwrap_or(record.scopes),
        tokens,
    };
    store.save_session(&session);
    Ok(session)
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
            "Refused to send the token to {}: it is only sent to {} (the provider's API base).",
            target.origin(),
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

/// The result of one API call, as the views show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiOutcome {
    pub request: String,
    pub result: Result<HttpResponse, NetError>,
}

/// Calls the provider's userinfo/info endpoint with the session's token.
pub async fn fetch_info(
    runtime: &Runtime,
    provider: &Provider,
    session: &StoredSession,
) -> Option<ApiOutcome> {
    let endpoint = provider.userinfo.clone()?;
    let req = HttpRequest::new(&endpoint.method, endpoint.url).header("Accept", "application/json");
    let req = match authorize_request(provider, session, req) {
        Ok(r) => r,
        Err(e) => {
            return Some(ApiOutcome {
                request: String::new(),
                result: Err(e),
            })
        }
    };
    let result = runtime
        .exchange(
            "info",
            "Called the info endpoint with the access token",
            &req,
        )
        .await;
    Some(ApiOutcome {
        request: http::render_request(&req),
        result,
    })
}
