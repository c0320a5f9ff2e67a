// The Leptos views. Shared state is provided once here (`AppState`) and read where needed;
// protocol decisions live in client/ and oauth/, never in a view.

mod callback;
mod connect;
mod consent;
mod custom_provider;
mod explorer;
mod flow_log;
mod guide;
mod home;
mod json_tree;
mod session_panel;
mod settings;
mod widgets;

use crate::boot::Boot;
use crate::boot::Page;
use crate::client::{self, ApiOutcome, RevokeOutcome, Runtime};
use crate::oauth::refresh::needs_refresh;
use leptos::prelude::*;
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
    /// The page shown, from the address bar.
    pub page: RwSignal<Page>,
    /// Whether guided mode (the flow step by step) is shown.
    pub guided: RwSignal<bool>,
}

impl AppState {
    /// Shows the home page and puts its address in the bar, replacing the current entry.
    pub fn go_home(&self) {
        let home = self.boot.with_value(|b| b.home_path());
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&home));
        }
        self.page.set(Page::Home);
    }

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
    widgets::Theme::saved().apply();
    let runtime = Runtime::new(boot.config.clone(), boot.proxy_info.clone());
    let pathname = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    let page = RwSignal::new(boot.page_for(&pathname));
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
        page,
        guided: RwSignal::new(guide::saved_guided()),
    };
    let now = state.now;
    set_interval(move || now.set(client::now()), Duration::from_secs(1));
    keep_session_fresh(state);
    provide_context(state);
    // Back and forward between the pages.
    let boot_for_pop = state.boot;
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        let path = web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_default();
        page.set(boot_for_pop.with_value(|b| b.page_for(&path)));
    });
    let provider_name = move || runtime.current().map(|p| p.name).unwrap_or_default();
    let signed_in = move || runtime.session.with(|s| s.is_some());

    view! {
            <header class="topbar">
                <h1 class="brand-title">
                    <a class="brand" href="./">
                        <span class="brand-mark" aria-hidden="true">"⇄"</span>
                        <span>"Handshake"</span>
                    </a>
                </h1>
                <span class="tagline">"OAuth2 playground & API explorer"</span>
                <span class="status-chip" class:on=signed_in data-testid="status-chip">
                    <span class="dot" aria-hidden="true"></span>
                    {provider_name}
                    {move || if signed_in() { " · signed in" } else { " · signed out" }}
                </span>
                <button type="button" class="ghost small" id="guide-toggle"
                    aria-pressed=move || state.guided.get().to_string()
                    on:click=move |_| {
                        let on = !state.guided.get_untracked();
                        guide::save_guided(on);
                        state.guided.set(on);
                    }>"Guided mode"</button>
                <widgets::ThemeToggle/>
            </header>
            {warning.map(|w| view! { <p class="banner warn" role="alert">{w}</p> })}
            <main id="main">
                {move || match page.get() {
                    Page::Home => view! { <home::Home/> }.into_any(),
                    Page::Callback => view! { <callback::Callback/> }.into_any(),
                    Page::Consent => view! { <consent::Consent/> }.into_any(),
                    Page::NotFound => view! { <widgets::NotFound/> }.into_any(),
                }}
            </main>
            <widgets::Toast/>
    }
}
