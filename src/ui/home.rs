// The home page: connect on the left, the session and the flow log beside it.

use super::connect::Connect;
use super::flow_log::FlowLog;
use super::session_panel::SessionPanel;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    view! {
        <div class="layout">
            <div class="column">
                <Connect/>
                <SessionPanel/>
            </div>
            <div class="column">
                <FlowLog/>
            </div>
        </div>
    }
}
