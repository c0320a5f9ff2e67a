// The home page: connect and the session on the left, the guide (when guided mode is on), the
// explorer and the flow log on the right; on a phone, one column in the order of the flow. A deep link (`explore/<provider>/<endpoint>`)
// opens that endpoint in the explorer.

use super::connect::Connect;
use super::custom_provider::CustomProvider;
use super::explorer::Explorer;
use super::flow_log::FlowLog;
use super::guide::Guide;
use super::routes::explore_target;
use super::session_panel::SessionPanel;
use super::settings::Settings;
use super::state::{BootInfo, Client, Guided, Providers, ScopeRequest};
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

#[component]
pub fn Home() -> impl IntoView {
    let Guided(guided) = expect_context::<Guided>();
    provide_context(ScopeRequest(RwSignal::new(None)));
    let client = expect_context::<Client>();
    let providers = expect_context::<Providers>();
    let base = expect_context::<BootInfo>()
        .0
        .with_value(|b| b.router_base());
    let path = use_location().pathname;
    // A deep link selects its provider; the explorer then opens its endpoint.
    let linked = Memo::new(move |_| explore_target(&path.get(), &base));
    Effect::new(move |_| {
        if let Some((provider, _)) = linked.get() {
            if providers.selected.get_untracked() != provider && providers.get(&provider).is_some()
            {
                providers.select(client, &provider);
            }
        }
    });
    let endpoint = Signal::derive(move || linked.get().map(|(_, e)| e));
    // Back from the provider: the page lands on the result, not at its top.
    Effect::new(move |_| {
        if super::routes::take_landing() {
            leptos::task::spawn_local(async {
                crate::platform::sleep_ms(0).await;
                super::widgets::reveal("session-title", false);
            });
        }
    });
    // Beside the controls (wide) or right under them (narrow): the guide never pushes the
    // Connect card down.
    view! {
        <div class="layout">
            <div class="column side">
                <Connect/>
                <SessionPanel/>
                <CustomProvider/>
                <Settings/>
            </div>
            <div class="column wide">
                <Show when=move || guided.get()><Guide/></Show>
                <Explorer linked=endpoint/>
                <FlowLog/>
            </div>
        </div>
        <Outlet/>
    }
}
