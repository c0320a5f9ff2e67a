// The Leptos views. Shared state is provided once here (`AppState`) and read where needed;
// protocol decisions live in client/ and oauth/, never in a view.

mod callback;
mod connect;
mod custom_provider;
mod explorer;
mod flow_log;
mod home;
mod json_tree;
mod session_panel;
mod settings;
mod widgets;

use crate::boot::Boot;
use crate::client::{self, ApiOutcome, RevokeOutcome, Runtime};
use crate::oauth::refresh::needs_refresh;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use std::time::Duration;

/// State every view may read: the runtime, the last answers shown, the clock.
#[derive(Clone, Copy)]
pub struct AppState {
    pub runtime: Runtime,
    pub boot: StoredValue<Boot>,
    pub info: RwSignal<Option<ApiOutcome>>,
    pub revoked: RwSignal<Option<RevokeOutcome>>,
    /// The action in progress ("info", "refresh", "revoke"), for progress indicators.
    pub busy: RwSignal<Option<&'static str>>,
    /// Milliseconds since the epoch, ticking once a second for countdowns.
    pub now: RwSignal<f64>,
    /// A scope the explorer asks the Connect form to add (the fix for a scope warning).
    pub want_scope: RwSignal<Option<String>>,
    /// A short confirmation shown for two seconds ("Copied").
    pub toast: RwSignal<Option<String>>,
}

impl AppState {
    /// Switches provider and drops answers that belonged to the previous one.
    pub fn select_provider(&self, id: &str) {
        self.runtime.select(id);
        self.info.set(None);
        self.revoked.set(None);
    }

    /// Calls the info endpoint for the current session and shows the answer.
    pub fn refresh_info(&self) {
        let Some(provider) = self
            .runtime
            .provider(&self.runtime.provider_id.get_untracked())
        else {
            return;
        };
        let state = *self;
        state.busy.set(Some("info"));
        leptos::task::spawn_local(async move {
            let outcome = state.runtime.fetch_info(&provider).await;
            state.info.set(outcome);
            state.busy.set(None);
        });
    }
}

/// Refreshes the session shortly before expiry while the tab is open (at most every 15 s).
fn keep_session_fresh(state: AppState) {
    let last_try = StoredValue::new(0.0_f64);
    Effect::new(move |_| {
        let now = state.now.get();
        let Some(session) = state.runtime.session.get_untracked() else {
            return;
        };
        if !needs_refresh(&session.tokens, now) || now - last_try.get_value() < 15_000.0 {
            return;
        }
        last_try.set_value(now);
        let Some(provider) = state.runtime.provider(&session.provider_id) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let _ = state.runtime.refresh(&provider).await;
        });
    });
}

#[component]
pub fn App(boot: Boot) -> impl IntoView {
    let runtime = Runtime::new(boot.config.clone(), boot.proxy_info.clone());
    let router_base = boot.router_base();
    let warning = boot.config_warning.clone();
    let state = AppState {
        runtime,
        boot: StoredValue::new(boot),
        info: RwSignal::new(None),
        revoked: RwSignal::new(None),
        busy: RwSignal::new(None),
        now: RwSignal::new(client::now()),
        want_scope: RwSignal::new(None),
        toast: RwSignal::new(None),
    };
    let now = state.now;
    set_interval(move || now.set(client::now()), Duration::from_secs(1));
    keep_session_fresh(state);
    provide_context(state);
    let provider_name = move || runtime.current().map(|p| p.name).unwrap_or_default();
    let signed_in = move || runtime.session.with(|s| s.is_some());

    view! {
        <Router base=router_base>
            <header class="topbar">
                <a class="brand" href="./">
                    <span class="brand-mark" aria-hidden="true">"⇄"</span>
                    <span>"Handshake"</span>
                </a>
                <span class="tagline">"OAuth2 playground & API explorer"</span>
                <span class="status-chip" class:on=signed_in data-testid="status-chip">
                    <span class="dot" aria-hidden="true"></span>
                    {provider_name}
                    {move || if signed_in() { " · signed in" } else { " · signed out" }}
                </span>
            </header>
            {warning.map(|w| view! { <p class="banner warn" role="alert">{w}</p> })}
            <main id="main">
                <Routes fallback=|| view! { <widgets::NotFound/> }>
                    <Route path=path!("/") view=home::Home/>
                    <Route path=path!("/callback") view=callback::Callback/>
                </Routes>
            </main>
            <widgets::Toast/>
        </Router>
    }
}
