// The Leptos views: components that render state and hand user actions to the session
// controller (`state::Client`). No protocol decision is made here. `App` builds the
// controller, provides the small shared contexts once, and declares the routes.

pub mod boot;
mod callback;
mod connect;
mod consent;
mod custom_provider;
mod decoded;
mod experiments;
mod explorer;
mod flow_log;
mod guide;
mod home;
mod id_token;
mod json_tree;
mod make_export;
mod openapi_import;
pub mod routes;
mod session_panel;
mod settings;
pub mod state;
mod widgets;

use crate::http::inpage::CONSENT_PATH;
use crate::http::route::Routes as Routing;
use crate::http::BrowserTransport;
use crate::platform::session_storage;
use crate::session::Controller;
use boot::Boot;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{ParamSegment, StaticSegment};
use state::{
    BootInfo, BrowserClock, BrowserCrypto, Client, Guided, InfoCall, Now, Providers, Toasts,
};
use std::time::Duration;

/// Before the first draw: the selected provider's API description, when it comes within a
/// fraction of a second (one request to this page's own host).
pub async fn preload(boot: &Boot) {
    let (providers, selected) = Providers::load(boot);
    if let Some(p) = providers.iter().find(|p| p.id == selected) {
        explorer::documents::preload(p, 300).await;
    }
}

#[component]
pub fn App(boot: Boot) -> impl IntoView {
    widgets::Theme::saved().apply();
    let (providers, selected) = Providers::load(&boot);
    let routing = Routing::new(boot.config.clone(), None).with_providers(&providers);
    let ctl = Controller::new(
        session_storage(),
        BrowserClock,
        BrowserCrypto,
        BrowserTransport::new(routing, &boot.page_base),
        &boot.default_redirect_uri(),
        providers.clone(),
    );
    let client = Client::new(ctl);
    let providers = Providers {
        list: RwSignal::new(providers),
        selected: RwSignal::new(selected),
    };
    let now = Now(RwSignal::new(crate::platform::now_ms()));
    let base = boot.router_base();
    // The proxy and the Sandbox are probed once, after the page is up (each time-limited);
    // until they answer nothing is refused for them.
    {
        let config = boot.config.clone();
        let ctl = client.ctl();
        leptos::task::spawn_local(async move {
            let upstreams = ctl
                .transport()
                .routes()
                .upstreams_for(&providers.list.get_untracked());
            let proxy = boot::probe_proxy(&config, upstreams).await;
            // The Sandbox server is reached through the proxy: without one it is not asked.
            let sandbox = match proxy {
                crate::http::route::ProxyState::Absent => None,
                _ => Some(boot::probe_sandbox(&config).await),
            };
            let routes = ctl.transport().routes().with_reach(proxy, sandbox);
            ctl.transport().set_routes(routes);
            client.routes_changed();
        });
    }
    let warning = boot.config_warning.clone();
    provide_context(client);
    provide_context(providers);
    provide_context(now);
    provide_context(Toasts(RwSignal::new(None)));
    provide_context(Guided(RwSignal::new(Guided::saved())));
    provide_context(InfoCall::new(client, providers));
    provide_context(BootInfo(StoredValue::new(boot)));

    // The clock ticks once a second; the session on screen is kept fresh as it does.
    set_interval(
        move || {
            now.0.set(crate::platform::now_ms());
            if let Some(why) = crate::http::inpage::take_problem() {
                client.storage_problem.set(Some(why));
            }
            let id = providers.selected.get_untracked();
            let ctl = client.ctl();
            leptos::task::spawn_local(async move { ctl.keep_fresh(&id).await });
        },
        Duration::from_secs(1),
    );

    view! {
        <Router base=base>
            <widgets::Header/>
            {warning.map(|w| view! { <p class="banner warn" role="alert">{w}</p> })}
            {move || client.storage_problem.get().map(|why| view! {
                <p class="banner warn" role="alert" id="storage-problem">
                    "This tab could not save to the browser's storage ("{why}"). It goes on in memory: a reload or a sign-in round trip may lose the session."
                </p>
            })}
            <main id="main">
                <Routes fallback=|| view! { <widgets::NotFound/> }>
                    <ParentRoute path=StaticSegment("") view=home::Home>
                        <Route path=StaticSegment("") view=|| ()/>
                        <Route
                            path=(StaticSegment(routes::EXPLORE), ParamSegment("provider"), ParamSegment("endpoint"))
                            view=|| ()/>
                    </ParentRoute>
                    <Route path=StaticSegment(routes::CALLBACK) view=callback::Callback/>
                    <Route path=StaticSegment(CONSENT_PATH) view=consent::Consent/>
                </Routes>
            </main>
            <widgets::Toast/>
        </Router>
    }
}
