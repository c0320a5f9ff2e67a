// The home page: connect and the session on the left, the explorer and the flow log on the right.

use super::connect::Connect;
use super::custom_provider::CustomProvider;
use super::explorer::Explorer;
use super::flow_log::FlowLog;
use super::guide::Guide;
use super::session_panel::SessionPanel;
use super::settings::Settings;
use super::AppState;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    let guided = expect_context::<AppState>().guided;
    view! {
        <Show when=move || guided.get()><Guide/></Show>
        <div class="layout">
            <div class="column side">
                <Connect/>
                <SessionPanel/>
                <CustomProvider/>
                <Settings/>
            </div>
            <div class="column wide">
                <Explorer/>
                <FlowLog/>
            </div>
        </div>
    }
}
