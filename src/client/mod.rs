// The OAuth client at run time: joins the pure steps (oauth/), storage (session/) and the
// network (http/) into the actions the UI triggers. Holds no view code.

mod calls;
mod signin;

pub use calls::{authorize_request, ApiOutcome, RevokeOutcome};
pub use signin::{preview_url, Attempt, ClientForm};

use crate::config::{AppConfig, ProxyInfo, Upstream};
use crate::http::{self, HttpRequest, HttpResponse, NetError};
use crate::oauth::FlowError;
use crate::providers::custom::{export_json, import_json};
use crate::providers::Provider;
use crate::session::{self, KeyValue, LogEntry, SessionStore, StoredSession, PREFIX};
use crate::url::HttpUrl;
use futures::future::{LocalBoxFuture, Shared};
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

const CUSTOM_KEY: &str = "custom-providers";
const SELECTED_KEY: &str = "selected-provider";

type RefreshFuture = Shared<LocalBoxFuture<'static, Result<StoredSession, FlowError>>>;

/// Shared by every view: configuration, providers, the current session and the flow log.
#[derive(Clone, Copy)]
pub struct Runtime {
    pub config: StoredValue<AppConfig>,
    pub providers: RwSignal<Vec<Provider>>,
    pub provider_id: RwSignal<String>,
    pub session: RwSignal<Option<StoredSession>>,
    /// Why the user must authorize again (a refresh failed for good), if so.
    pub reauth: RwSignal<Option<String>>,
    pub log: RwSignal<Vec<LogEntry>>,
    /// What the proxy said about itself at start-up (`/proxy/_info`).
    pub proxy_info: StoredValue<Option<ProxyInfo>>,
    refreshing: StoredValue<Option<RefreshFuture>, LocalStorage>,
}

fn saved_custom_providers() -> Vec<Provider> {
    let local = session::local_storage();
    let Some(text) = local.get(&format!("{PREFIX}{CUSTOM_KEY}")) else {
        return Vec::new();
    };
    let files: Vec<String> = serde_json::from_str(&text).unwrap_or_default();
    files.iter().filter_map(|f| import_json(f).ok()).collect()
}

impl Runtime {
    pub fn new(config: AppConfig, proxy_info: Option<ProxyInfo>) -> Self {
        let mut providers = crate::providers::presets(&config);
        providers.extend(saved_custom_providers());
        let local = session::local_storage();
        let selected = local
            .get(&format!("{PREFIX}{SELECTED_KEY}"))
            .filter(|id| providers.iter().any(|p| &p.id == id))
            .or_else(|| {
                providers
                    .iter()
                    .find(|p| p.id == config.default_provider)
                    .map(|p| p.id.clone())
            })
            .unwrap_or_else(|| providers[0].id.clone());
        Runtime {
            session: RwSignal::new(store().session(&selected)),
            provider_id: RwSignal::new(selected),
            config: StoredValue::new(config),
            providers: RwSignal::new(providers),
            reauth: RwSignal::new(None),
            log: RwSignal::new(store().log()),
            proxy_info: StoredValue::new(proxy_info),
            refreshing: StoredValue::new_local(None),
        }
    }

    pub fn provider(&self, id: &str) -> Option<Provider> {
        self.providers
            .with_untracked(|ps| ps.iter().find(|p| p.id == id).cloned())
    }

    /// The selected provider (tracked: views re-render when it changes).
    pub fn current(&self) -> Option<Provider> {
        let id = self.provider_id.get();
        self.providers
            .with(|ps| ps.iter().find(|p| p.id == id).cloned())
    }

    /// Switches provider: the session shown is the new provider's own.
    /// Switches provider. The previous provider's tokens are cleared (DESIGN: tokens live only
    /// as long as they are in use), and the switch is logged.
    pub fn select(&self, id: &str) {
        let previous = self.provider_id.get_untracked();
        if previous != id && store().session(&previous).is_some() {
            store().clear_session(&previous);
            let name = self.provider(&previous).map(|p| p.name).unwrap_or(previous);
            self.note(
                "switch",
                "Tokens cleared",
                true,
                format!("You switched away from {name}, so its tokens were removed from this tab."),
            );
        }
        self.provider_id.set(id.to_string());
        self.session.set(store().session(id));
        self.reauth.set(None);
        session::local_storage().set(&format!("{PREFIX}{SELECTED_KEY}"), id);
    }

    /// Adds (or replaces, by id) a custom provider and keeps its description browser-wide
    /// (endpoints and switches only, as the export).
    pub fn save_custom(&self, provider: Provider) {
        self.providers.update(|ps| {
            ps.retain(|p| p.id != provider.id);
            ps.push(provider);
        });
        self.persist_custom();
    }

    pub fn remove_custom(&self, id: &str) {
        self.providers
            .update(|ps| ps.retain(|p| p.id != id || p.group != crate::providers::Group::Custom));
        self.persist_custom();
        store().clear_session(id);
    }

    fn persist_custom(&self) {
        let files: Vec<String> = self.providers.with_untracked(|ps| {
            ps.iter()
                .filter(|p| p.group == crate::providers::Group::Custom)
                .map(export_json)
                .collect()
        });
        if let Ok(text) = serde_json::to_string(&files) {
            session::local_storage().set(&format!("{PREFIX}{CUSTOM_KEY}"), &text);
        }
    }

    /// Appends to the flow log (sessionStorage and the visible list).
    pub fn record(&self, entry: LogEntry) {
        self.log.set(store().append_log(entry));
    }

    pub fn note(&self, step: &str, title: &str, ok: bool, note: impl Into<String>) {
        self.record(LogEntry {
            at: now(),
            step: step.into(),
            title: title.into(),
            ok,
            request: None,
            response: None,
            note: Some(note.into()),
        });
    }

    pub fn clear_log(&self) {
        store().clear_log();
        self.log.set(Vec::new());
    }

    /// The configuration used for routing: config.json's upstreams plus custom providers' own.
    fn routing(&self) -> AppConfig {
        let mut config = self.config.get_value();
        self.providers.with_untracked(|ps| {
            for p in ps {
                let (Some(name), Ok(base)) = (&p.upstream, HttpUrl::parse(&p.api_base)) else {
                    continue;
                };
                if let Ok(origin) = HttpUrl::parse(&base.origin()) {
                    config.upstreams.retain(|u| &u.name != name);
                    config.upstreams.push(Upstream {
                        name: name.clone(),
                        base: origin,
                    });
                }
            }
        });
        config
    }

    /// Whether the proxy adds this client's secret to the provider's token requests, so the
    /// browser never holds it.
    pub fn secret_held_by_proxy(&self, provider: &Provider, client_id: &str) -> bool {
        let Ok(token_url) = HttpUrl::parse(&provider.token.url) else {
            return false;
        };
        let routing = self.routing();
        let Some(upstream) = routing.upstream_for(&token_url) else {
            return false;
        };
        self.proxy_info.with_value(|info| {
            info.as_ref()
                .is_some_and(|i| i.holds_secret(&upstream.name, client_id.trim()))
        })
    }

    /// Sends a request and logs it as one step of the flow.
    pub async fn exchange(
        &self,
        step: &str,
        title: &str,
        req: &HttpRequest,
    ) -> Result<HttpResponse, NetError> {
        let config = self.routing();
        let routed = http::fetch::routed_url(req, &config).ok();
        let result = http::send(req, &config).await;
        let via = match routed {
            _ if crate::local::is_local(&req.url) => Some(
                "Answered inside this page by the in-browser Sandbox: nothing went over the network."
                    .into(),
            ),
            Some((url, true)) => Some(format!(
                "Sent through the proxy: {}",
                http::redact_text(&url, "")
            )),
            Some((_, false)) => Some("Sent directly (no proxy upstream covers this host).".into()),
            None => None,
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

    /// Ends the current session locally (tokens and the typed secret stay gone from storage).
    pub fn forget(&self) {
        let id = self.provider_id.get_untracked();
        store().clear_session(&id);
        self.session.set(None);
    }

    /// Stores a new session for its provider and shows it when that provider is selected.
    fn adopt(&self, session: &StoredSession) {
        store().save_session(session);
        if self.provider_id.get_untracked() == session.provider_id {
            self.session.set(Some(session.clone()));
        }
        self.reauth.set(None);
    }
}
