// What views share, as small typed contexts provided once by `App`: the session controller and
// the signals that mirror it (`Client`), the providers and the selected one (`Providers`),
// the ticking clock, toasts, guided mode, and the info call. The controller decides; these only
// mirror its changes into signals and hand user actions to it.

use super::boot::Boot;
use crate::http::route::Routes;
use crate::http::{BrowserTransport, JsText};
use crate::oauth::jws::WebCryptoAlg;
use crate::platform::{self, local_storage, KeyValue, WebStorage};
use crate::providers::custom::{export_json, import_json};
use crate::providers::{Group, Provider};
use crate::session::{
    keys, ApiOutcome, Change, Clock, Controller, Crypto, LogEntry, RevokeOutcome, StoredSession,
};
use crate::types::ProviderId;
use leptos::prelude::*;
use std::rc::Rc;

pub struct BrowserClock;
impl Clock for BrowserClock {
    fn now(&self) -> f64 {
        platform::now_ms()
    }

    async fn sleep(&self, ms: f64) {
        platform::sleep_ms(ms.clamp(0.0, 600_000.0) as i32).await
    }
}

/// `crypto.getRandomValues` and `SubtleCrypto`, with this tab's DPoP key named by an id kept
/// in sessionStorage (so a reload finds the same key).
pub struct BrowserCrypto;

impl BrowserCrypto {
    fn tab() -> String {
        let store = platform::session_storage();
        if let Some(id) = store.get(&keys::dpop_tab()) {
            return id;
        }
        let id: String = platform::random_bytes::<12>()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let _ = store.set(&keys::dpop_tab(), &id);
        id
    }
}

impl Crypto for BrowserCrypto {
    fn fill(&self, bytes: &mut [u8]) {
        platform::fill_random(bytes)
    }

    async fn verify(
        &self,
        alg: &WebCryptoAlg,
        jwk: &serde_json::Value,
        input: &[u8],
        signature: &[u8],
    ) -> Result<bool, String> {
        let alg = serde_json::json!({
            "name": alg.name, "hash": alg.hash, "saltLength": alg.salt_length, "curve": alg.curve,
        });
        platform::verify_signature(&alg.to_string(), &jwk.to_string(), input, signature).await
    }

    async fn dpop_public_key(&self) -> Result<serde_json::Value, String> {
        let text = platform::dpop_public_key(&Self::tab()).await?;
        let mut jwk: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
        // The private half is made non-extractable; say so loudly if a browser ever differs.
        if jwk.get("extractable") != Some(&serde_json::Value::Bool(false)) {
            return Err("the browser made an exportable DPoP key".into());
        }
        if let Some(map) = jwk.as_object_mut() {
            map.remove("extractable");
        }
        Ok(jwk)
    }

    async fn dpop_sign(&self, input: &[u8]) -> Result<Vec<u8>, String> {
        platform::dpop_sign(&Self::tab(), input).await
    }
}

pub type Ctl = Controller<WebStorage, BrowserClock, BrowserCrypto, BrowserTransport>;
pub type Outcome = ApiOutcome<JsText>;
pub type Revoked = RevokeOutcome<JsText>;

/// The session controller, and signals that follow its changes.
#[derive(Clone, Copy)]
pub struct Client {
    ctl: StoredValue<Rc<Ctl>, LocalStorage>,
    sessions: RwSignal<u64>,
    ended: RwSignal<u64>,
    pub log: RwSignal<Vec<LogEntry>>,
    /// Why the last storage write failed, when one did.
    pub storage_problem: RwSignal<Option<String>>,
    /// Bumped when a provider's typed secret is forgotten (the form lets go of it too).
    pub forgotten: RwSignal<Option<ProviderId>>,
    /// Bumped when the routing table changes (the probes answered, a provider was saved).
    routes_version: RwSignal<u64>,
}

impl Client {
    pub fn new(ctl: Rc<Ctl>) -> Self {
        let client = Client {
            ctl: StoredValue::new_local(ctl.clone()),
            sessions: RwSignal::new(0),
            ended: RwSignal::new(0),
            log: RwSignal::new(ctl.with_log(|l| l.to_vec())),
            storage_problem: RwSignal::new(None),
            forgotten: RwSignal::new(None),
            routes_version: RwSignal::new(0),
        };
        ctl.subscribe(Rc::new(move |change: &Change| match change {
            Change::Session(_) => client.sessions.update(|v| *v += 1),
            Change::Ended(_) => client.ended.update(|v| *v += 1),
            Change::Log => client.log.set(client.ctl().with_log(|l| l.to_vec())),
            Change::StorageFailed(why) => client.storage_problem.set(Some(why.clone())),
            Change::SecretForgotten(id) => client.forgotten.set(Some(id.clone())),
        }));
        client
    }

    pub fn ctl(&self) -> Rc<Ctl> {
        self.ctl.get_value()
    }

    /// The provider's session (tracked: views re-render when it changes).
    pub fn session(&self, id: &ProviderId) -> Option<StoredSession> {
        self.sessions.track();
        self.ctl().session(id)
    }

    /// The routing table, with what the probes found (tracked).
    pub fn routes(&self) -> Routes {
        self.routes_version.track();
        self.ctl().transport().routes()
    }

    pub fn routes_changed(&self) {
        self.routes_version.update(|v| *v += 1);
    }

    /// Why the provider's session ended, when the user must authorize again (tracked).
    pub fn ended(&self, id: &ProviderId) -> Option<String> {
        self.ended.track();
        self.ctl().ended(id)
    }
}

/// Every provider, and the one selected.
#[derive(Clone, Copy)]
pub struct Providers {
    pub list: RwSignal<Vec<Provider>>,
    pub selected: RwSignal<ProviderId>,
}

impl Providers {
    /// Presets plus the user's own (kept browser-wide), and the one selected last time.
    pub fn load(boot: &Boot) -> (Vec<Provider>, ProviderId) {
        let mut providers = crate::providers::presets(&boot.config);
        providers.extend(saved_custom());
        let selected = local_storage()
            .get(&keys::selected_provider())
            .map(ProviderId::new)
            .filter(|id| providers.iter().any(|p| p.id == *id))
            .or_else(|| {
                providers
                    .iter()
                    .find(|p| p.id == boot.config.default_provider)
                    .map(|p| p.id.clone())
            })
            .unwrap_or_else(|| providers[0].id.clone());
        (providers, selected)
    }

    /// The selected provider (tracked).
    pub fn current(&self) -> Option<Provider> {
        let id = self.selected.get();
        self.list.with(|ps| ps.iter().find(|p| p.id == id).cloned())
    }

    pub fn get(&self, id: &ProviderId) -> Option<Provider> {
        self.list
            .with_untracked(|ps| ps.iter().find(|p| p.id == *id).cloned())
    }

    /// Switches provider and remembers the choice. Each provider keeps its own session: the
    /// others' stay signed in, their tokens still sent only to their own API base.
    pub fn select(&self, _client: Client, id: &ProviderId) {
        self.selected.set(id.clone());
        let _ = local_storage().set(&keys::selected_provider(), id.as_str());
    }

    /// Adds (or replaces, by id) a custom provider, keeping its description browser-wide. A
    /// description that would take a built-in provider's name, or send its traffic through
    /// another host's proxy upstream, is refused.
    pub fn save_custom(&self, client: Client, provider: Provider) -> Result<(), String> {
        let list = self.list.get_untracked();
        crate::providers::custom::check_against(&list, &provider)?;
        if let Some(name) = &provider.upstream {
            let mut routes = client.ctl().transport().routes();
            routes.adopt_upstream(name, &provider.api_base)?;
        }
        self.list.update(|ps| {
            ps.retain(|p| p.id != provider.id);
            ps.push(provider);
        });
        self.changed(client);
        Ok(())
    }

    pub fn remove_custom(&self, client: Client, id: &ProviderId) {
        self.list
            .update(|ps| ps.retain(|p| p.id != *id || p.group != Group::Custom));
        client.ctl().forget(id);
        self.changed(client);
    }

    /// Tells the controller and the routing table, and keeps the custom ones (endpoints and
    /// switches only, as the export).
    fn changed(&self, client: Client) {
        let list = self.list.get_untracked();
        let ctl = client.ctl();
        let routes = ctl.transport().routes().with_providers(&list);
        ctl.transport().set_routes(routes);
        client.routes_changed();
        ctl.set_providers(list.clone());
        let files: Vec<String> = list
            .iter()
            .filter(|p| p.group == Group::Custom)
            .map(export_json)
            .collect();
        if let Ok(text) = serde_json::to_string(&files) {
            if let Err(e) = local_storage().set(&keys::custom_providers(), &text) {
                client.storage_problem.set(Some(e.0));
            }
        }
    }
}

fn saved_custom() -> Vec<Provider> {
    let Some(text) = local_storage().get(&keys::custom_providers()) else {
        return Vec::new();
    };
    let files: Vec<String> = serde_json::from_str(&text).unwrap_or_default();
    files.iter().filter_map(|f| import_json(f).ok()).collect()
}

/// Milliseconds since the epoch, ticking once a second (countdowns, keep-fresh).
#[derive(Clone, Copy)]
pub struct Now(pub RwSignal<f64>);

/// A short confirmation shown for two seconds ("Copied").
#[derive(Clone, Copy)]
pub struct Toasts(pub RwSignal<Option<String>>);

/// Whether guided mode (the flow step by step) is shown.
#[derive(Clone, Copy)]
pub struct Guided(pub RwSignal<bool>);

impl Guided {
    pub fn saved() -> bool {
        local_storage().get(&keys::guided()).as_deref() != Some("off")
    }

    pub fn set(&self, on: bool) {
        let store = local_storage();
        if on {
            store.remove(&keys::guided());
        } else {
            let _ = store.set(&keys::guided(), "off");
        }
        self.0.set(on);
    }
}

/// The provider's info/userinfo call: dispatched after a sign-in and from the session panel;
/// its pending state and answer (for the provider it was asked of) are what the panel shows.
#[derive(Clone, Copy)]
pub struct InfoCall(pub Action<ProviderId, (ProviderId, Option<Outcome>)>);

impl InfoCall {
    pub fn new(client: Client, providers: Providers) -> Self {
        InfoCall(Action::new_local(move |id: &ProviderId| {
            let ctl = client.ctl();
            let provider = providers.get(id);
            let id = id.clone();
            async move {
                let outcome = match provider {
                    Some(p) => ctl.fetch_info(&p).await,
                    None => None,
                };
                (id, outcome)
            }
        }))
    }

    /// The answer for `id`, if the last call was for it.
    pub fn answer(&self, id: &ProviderId) -> Option<Outcome> {
        self.0
            .value()
            .get()
            .filter(|(asked, _)| asked == id)
            .and_then(|(_, outcome)| outcome)
    }

    pub fn run(&self, id: ProviderId) {
        self.0.dispatch_local(id);
    }
}

/// The start-up facts (config, page base, proxy info), for the views that show them.
#[derive(Clone)]
pub struct BootInfo(pub StoredValue<Boot>);

/// A scope the explorer asks the Connect form to add (the fix for a scope warning); provided
/// by the home page.
#[derive(Clone, Copy)]
pub struct ScopeRequest(pub RwSignal<Option<crate::types::Scope>>);
