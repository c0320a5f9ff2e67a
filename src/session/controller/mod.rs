// The session controller: sign-in completion, the single-flight refresh keyed by provider,
// the refresh-before-expiry and once-on-401 policy, where a typed client secret goes, and the
// typed flow log. One in-memory snapshot of the sessions is the truth, written through to
// storage (a failed write is reported, the tab keeps working). Plain Rust over four
// capabilities (storage, clock, crypto, transport): fakes in native tests, the browser's own
// in the app, where a thin Leptos adapter mirrors `Change`s into signals.

mod calls;
mod discover;
mod experiments;
mod grants;
mod oidc;
mod proof;
mod setup;
mod signin;
#[cfg(test)]
mod tests;

pub use calls::{authorize_request, ApiOutcome, Introspection, Reply, RevokeOutcome};
pub use experiments::Retired;
pub use grants::DeviceStart;
pub use setup::{Check, Verdict};
pub use signin::{Attempt, ClientForm, Departure};

use super::log::{FlowStep, LogEntry};
use super::store::{append_capped, SessionStore, StoredSession};
use crate::oauth::jws::WebCryptoAlg;
use crate::oauth::FlowError;
use crate::platform::{KeyValue, StorageError};
use crate::providers::Provider;
use crate::types::{ClientId, ProviderId};
use crate::wire::{
    redact_url, render_request, render_response, HttpRequest, HttpResponse, NetError,
};
use futures::future::{LocalBoxFuture, Shared};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::rc::Rc;

/// Wall-clock milliseconds since the epoch, and waiting (the device grant's polling).
pub trait Clock {
    fn now(&self) -> f64;
    fn sleep(&self, ms: f64) -> impl Future<Output = ()>;
}

/// The browser's cryptography: bytes from a CSPRNG (state, PKCE, nonce, proof ids), signature
/// verification with a public JWK, and this tab's DPoP key, which never leaves the key store.
pub trait Crypto {
    fn fill(&self, bytes: &mut [u8]);
    /// `SubtleCrypto.verify` of `signature` over `input` with the public `jwk`.
    fn verify(
        &self,
        alg: &WebCryptoAlg,
        jwk: &serde_json::Value,
        input: &[u8],
        signature: &[u8],
    ) -> impl Future<Output = Result<bool, String>>;
    /// The public half of the DPoP key as a JWK (the key is made on first use).
    fn dpop_public_key(&self) -> impl Future<Output = Result<serde_json::Value, String>>;
    /// An ES256 signature by the DPoP key.
    fn dpop_sign(&self, input: &[u8]) -> impl Future<Output = Result<Vec<u8>, String>>;
}

/// How a request went out, for the flow log.
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    /// Answered by the Sandbox inside the page: nothing left it.
    InPage,
    /// Through the proxy, at this URL.
    Proxy(String),
    Direct,
}

/// An answer and how it travelled. A body too large to copy out of the transport comes
/// apart, in `large`, for the views that read it there.
pub struct Delivery<B> {
    pub response: HttpResponse,
    pub large: Option<B>,
    pub route: Route,
}

/// The network door: the browser's fetch (and the in-page Sandbox) in the app, a script in tests.
pub trait Transport {
    /// A large body kept by the transport; opaque to the controller.
    type Body: Clone + PartialEq + 'static;

    fn send(
        &self,
        req: &HttpRequest,
    ) -> impl Future<Output = Result<Delivery<Self::Body>, NetError>>;

    /// The whole text of a large body (token answers are parsed from text).
    fn text(&self, body: &Self::Body) -> String;

    /// Whether the proxy carrying requests to `token_url` adds `client_id`'s secret itself.
    fn secret_held(&self, token_url: &str, client_id: &ClientId) -> bool;

    /// Where the browser goes for an authorize URL: the URL itself, or the app's own page that
    /// stands in for a provider living inside the page.
    fn departure(&self, authorize_url: &str) -> String;

    /// Why a request to `url` cannot go now (the proxy it needs is known to be absent).
    fn reach(&self, _url: &str) -> Result<(), String> {
        Ok(())
    }

    /// Why `provider` cannot work where the app runs (its server or its proxy is not there).
    fn unavailable(&self, _provider: &Provider) -> Option<String> {
        None
    }

    /// Whether the proxy has said what it is and which secrets it holds (`secret_held` is
    /// final), or is still being asked.
    fn proxy_known(&self) -> bool {
        true
    }

    /// Whether requests to `url` go through the proxy.
    fn via_proxy(&self, _url: &str) -> bool {
        false
    }

    /// Whether the browser itself may read an answer to `req` (CORS, preflight included),
    /// whatever the route; `None` when that cannot be told here.
    fn direct_allowed(&self, _req: &HttpRequest) -> impl Future<Output = Option<bool>> {
        std::future::ready(None)
    }
}

/// What changed, for whoever mirrors the controller (the Leptos adapter).
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Session(ProviderId),
    Log,
    /// A provider's session ended for good (or the notice was cleared).
    Ended(ProviderId),
    /// Storage refused a write; the tab goes on in memory until it is closed or reloaded.
    StorageFailed(String),
    /// The client secret typed for this provider was dropped (Forget tokens).
    SecretForgotten(ProviderId),
}

type PendingRefresh = Shared<LocalBoxFuture<'static, Result<StoredSession, FlowError>>>;

/// Someone told of every change.
pub type Listener = Rc<dyn Fn(&Change)>;

/// A refresh is tried at most this often by the keep-fresh policy.
const KEEP_FRESH_EVERY_MS: f64 = 15_000.0;

pub struct Controller<S: KeyValue, C: Clock, R: Crypto, T: Transport> {
    store: SessionStore<S>,
    clock: C,
    crypto: R,
    transport: T,
    /// The app's own callback URL: a sign-in that comes back elsewhere keeps this tab open.
    app_callback: String,
    providers: RefCell<Vec<Provider>>,
    sessions: RefCell<BTreeMap<ProviderId, StoredSession>>,
    log: RefCell<Vec<LogEntry>>,
    /// Why the user must authorize again, per provider.
    ended: RefCell<BTreeMap<ProviderId, String>>,
    refreshing: RefCell<BTreeMap<ProviderId, PendingRefresh>>,
    /// The last session each provider's refresh, revocation or forgetting replaced (memory only).
    retired: RefCell<BTreeMap<ProviderId, Retired>>,
    fresh_tries: RefCell<BTreeMap<ProviderId, f64>>,
    /// RFC 9449 §8: the last DPoP nonce each server (by origin) handed out.
    dpop_nonces: RefCell<BTreeMap<String, String>>,
    /// JWK Sets by URL, fetched once and again on an unknown `kid`.
    jwks: RefCell<BTreeMap<String, serde_json::Value>>,
    /// Bumped to stop a polling device sign-in.
    device_turn: std::cell::Cell<u64>,
    listeners: RefCell<Vec<Listener>>,
}

impl<S, C, R, T> Controller<S, C, R, T>
where
    S: KeyValue + 'static,
    C: Clock + 'static,
    R: Crypto + 'static,
    T: Transport + 'static,
{
    pub fn new(
        storage: S,
        clock: C,
        crypto: R,
        transport: T,
        app_callback: &str,
        providers: Vec<Provider>,
    ) -> Rc<Self> {
        let store = SessionStore::new(storage);
        let log = store.log();
        let this = Controller {
            store,
            clock,
            crypto,
            transport,
            app_callback: app_callback.to_string(),
            providers: RefCell::new(Vec::new()),
            sessions: RefCell::new(BTreeMap::new()),
            log: RefCell::new(log),
            ended: RefCell::new(BTreeMap::new()),
            refreshing: RefCell::new(BTreeMap::new()),
            retired: RefCell::new(BTreeMap::new()),
            fresh_tries: RefCell::new(BTreeMap::new()),
            dpop_nonces: RefCell::new(BTreeMap::new()),
            jwks: RefCell::new(BTreeMap::new()),
            device_turn: std::cell::Cell::new(0),
            listeners: RefCell::new(Vec::new()),
        };
        this.set_providers(providers);
        Rc::new(this)
    }

    /// Calls `listener` after every change.
    pub fn subscribe(&self, listener: Listener) {
        self.listeners.borrow_mut().push(listener);
    }

    fn emit(&self, change: Change) {
        let listeners: Vec<Listener> = self.listeners.borrow().clone();
        for l in listeners {
            l(&change);
        }
    }

    fn saved(&self, result: Result<(), StorageError>) {
        if let Err(e) = result {
            self.emit(Change::StorageFailed(e.0));
        }
    }

    pub fn now(&self) -> f64 {
        self.clock.now()
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    pub fn store(&self) -> &SessionStore<S> {
        &self.store
    }

    // ---- providers

    /// Replaces the known providers; sessions stored for new ones are loaded.
    pub fn set_providers(&self, providers: Vec<Provider>) {
        {
            let mut sessions = self.sessions.borrow_mut();
            for p in &providers {
                if !sessions.contains_key(&p.id) {
                    if let Some(s) = self.store.session(&p.id) {
                        sessions.insert(p.id.clone(), s);
                    }
                }
            }
        }
        *self.providers.borrow_mut() = providers;
    }

    pub fn provider(&self, id: &ProviderId) -> Option<Provider> {
        self.providers
            .borrow()
            .iter()
            .find(|p| p.id == *id)
            .cloned()
    }

    // ---- sessions

    pub fn session(&self, id: &ProviderId) -> Option<StoredSession> {
        self.sessions.borrow().get(id).cloned()
    }

    /// Why this provider's session ended, when the user must authorize again.
    pub fn ended(&self, id: &ProviderId) -> Option<String> {
        self.ended.borrow().get(id).cloned()
    }

    /// Keeps a new session for its provider.
    fn adopt(&self, session: &StoredSession) {
        self.sessions
            .borrow_mut()
            .insert(session.provider_id.clone(), session.clone());
        self.saved(self.store.save_session(session));
        let had_ended = self
            .ended
            .borrow_mut()
            .remove(&session.provider_id)
            .is_some();
        if had_ended {
            self.emit(Change::Ended(session.provider_id.clone()));
        }
        self.emit(Change::Session(session.provider_id.clone()));
    }

    pub(super) fn drop_session(&self, id: &ProviderId) {
        self.sessions.borrow_mut().remove(id);
        self.store.clear_session(id);
        self.emit(Change::Session(id.clone()));
    }

    /// Ends a provider's session in this tab (the provider is not told), and drops the client
    /// secret typed for it: nothing of the sign-in stays behind.
    pub fn forget(&self, id: &ProviderId) {
        if let Some(session) = self.session(id) {
            self.retire(&session, "forgotten here, not at the provider");
        }
        self.drop_session(id);
        self.saved(self.store.save_secret(id, None));
        self.emit(Change::SecretForgotten(id.clone()));
    }

    // ---- the flow log

    pub fn with_log<X>(&self, f: impl FnOnce(&[LogEntry]) -> X) -> X {
        f(&self.log.borrow())
    }

    pub fn record(&self, entry: LogEntry) {
        let result = {
            let mut log = self.log.borrow_mut();
            append_capped(&mut log, entry);
            self.store.save_log(&log)
        };
        self.saved(result);
        self.emit(Change::Log);
    }

    /// A step without a request of its own, for `provider`'s flow.
    pub fn note(
        &self,
        provider: Option<&ProviderId>,
        step: FlowStep,
        title: &str,
        ok: bool,
        note: impl Into<String>,
    ) {
        self.record(LogEntry {
            at: self.clock.now(),
            provider: provider.cloned(),
            step,
            title: title.into(),
            ok,
            request: None,
            response: None,
            note: Some(note.into()),
        });
    }

    pub fn clear_log(&self) {
        self.log.borrow_mut().clear();
        self.store.clear_log();
        self.emit(Change::Log);
    }

    /// Sends a request and logs it as one step of the flow (redacted; the provider's own
    /// credential header masked too).
    pub async fn send_logged(
        &self,
        step: FlowStep,
        title: &str,
        req: &HttpRequest,
        provider: &Provider,
    ) -> Result<Delivery<T::Body>, NetError> {
        let result = self.transport.send(req).await;
        let (ok, response, note) = match &result {
            Ok(d) => (
                d.response.is_success(),
                Some(render_response(&d.response)),
                Some(route_note(&d.route)),
            ),
            Err(e) => (false, None, Some(e.message())),
        };
        self.record(LogEntry {
            at: self.clock.now(),
            provider: Some(provider.id.clone()),
            step,
            title: title.into(),
            ok,
            request: Some(render_request(req, Some(provider.credential_header()))),
            response,
            note,
        });
        result
    }

    /// The answer with a large body's text put back, for parsers that read text.
    fn with_text(&self, delivery: Delivery<T::Body>) -> HttpResponse {
        let mut response = delivery.response;
        if let Some(large) = &delivery.large {
            response.body = self.transport.text(large);
        }
        response
    }
}

fn route_note(route: &Route) -> String {
    match route {
        Route::InPage => {
            "Answered inside this page by the in-browser Sandbox: nothing went over the network."
                .into()
        }
        Route::Proxy(url) => format!("Sent through the proxy: {}", redact_url(url)),
        Route::Direct => "Sent directly (no proxy upstream covers this host).".into(),
    }
}
