// The Leptos views. Shared state is provided once here (`AppState`) and read where needed;
// protocol decisions live in client/ and oauth/, never in a view.

mod callback;
mod connect;
mod flow_log;
mod home;
mod session_panel;
mod widgets;

use crate::boot::Boot;
use crate::client::{self, ApiOutcome, Runtime};
use crate::session::StoredSession;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use std::time::Duration;

/// State every view may read: runtime, chosen provider, its session, the clock.
#[derive(Clone)]
pub struct AppState {
    pub runtime: Runtime,
    pub boot: StoredValue<Boot>,
    pub provider_id: RwSignal<String>,
    pub session: RwSignal<Option<StoredSession>>,
    pub info: RwSignal<Option<ApiOutcome>>,
    pub info_busy: RwSignal<bool>,
    /// Milliseconds since the epoch, ticking once a second for countdowns.
    pub now: RwSignal<f64>,
}

impl AppState {
    pub fn provider(&self) -> Option<crate::providers::Provider> {
        self.runtime.provider(&self.provider_id.get())
    }

    /// Switches provider: the session shown is the new provider's, the info result is dropped.
    pub fn select_provider(&self, id: &str) {
        self.provider_id.set(id.to_string());
        self.session.set(client::store().session(id));
        self.info.set(None);
    }

    /// Calls the info endpoint for the current session and shows the answer.
    pub fn refresh_info(&self) {
        let (Some(provider), Some(session)) = (self.provider(), self.session.get_untracked())
        else {
            return;
        };
        let state = self.clone();
        state.info_busy.set(true);
        leptos::task::spawn_local(async move {
            let outcome = client::fetch_info(&state.runtime, &provider, &session).await;
            state.info.set(outcome);
            state.info_busy.set(false);
        });
    }
}

#[component]
pub fn App(boot: Boot) -> impl IntoView {
    let runtime = Runtime::new(boot.config.clone());
    let default_provider = boot.config.default_provider.clone();
    let provider_id = if runtime.provider(&default_provider).is_some() {
        default_provider
    } else {
        "sandbox-academy-v2".to_string()
    };
    let router_base = boot.router_base();
    let state = AppState {
        session: RwSignal::new(client::store().session(&provider_id)),
        runtime,
        boot: StoredValue::new(boot),
        provider_id: RwSignal::new(provider_id),
        info: RwSignal::new(None),
        info_busy: RwSignal::new(false),
        now: RwSignal::new(client::now()),
    };
    let now = state.now;
    set_interval(move || now.set(client::now()), Duration::from_secs(1));
    provide_context(state.clone());
    let warning = state.boot.with_value(|b| b.config_warning.clone());

    view! {
        <Router base=router_base>
            <header class="topbar">
                <a class="brand" href="./">
                    <span class="brand-mark" aria-hidden="true">"⇄"</span>
                    <span>"Handshake"</span>
                </a>
                <span class="tagline">"OAuth2 playground & API explorer"</span>
            </header>
            {warning.map(|w| view! { <p class="banner warn" role="alert">{w}</p> })}
            <main id="main">
                <Routes fallback=|| view! { <widgets::NotFound/> }>
                    <Route path=path!("/") view=home::Home/>
                    <Route path=path!("/callback") view=callback::Callback/>
                </Routes>
            </main>
        </Router>
    }
}
