// The callback route: reads the answer once, scrubs it from the address bar at once,
// and shows progress, then the home page on success or the failure in plain words.

use super::AppState;
use crate::oauth::FlowError;
use leptos::prelude::*;

#[derive(Clone, PartialEq)]
enum Phase {
    Working,
    Failed(FlowError),
}

/// Reads `?query` and `#fragment`, then replaces the URL with the bare callback path.
fn take_answer_from_address_bar(router_base: &str) -> (String, String) {
    let Some(window) = web_sys::window() else {
        return (String::new(), String::new());
    };
    let location = window.location();
    let query = location.search().unwrap_or_default();
    let fragment = location.hash().unwrap_or_default();
    if let Ok(history) = window.history() {
        let clean = format!("{router_base}/callback");
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&clean));
    }
    (query, fragment)
}

#[component]
pub fn Callback() -> impl IntoView {
    let state = expect_context::<AppState>();
    let phase = RwSignal::new(Phase::Working);
    let router_base = state.boot.with_value(|b| b.router_base());
    let (query, fragment) = take_answer_from_address_bar(&router_base);
    {
        leptos::task::spawn_local(async move {
            match state.runtime.complete(&query, &fragment).await {
                Ok(session) => {
                    state.select_provider(&session.provider_id);
                    state.refresh_info();
                    state.go_home();
                }
                Err(e) => phase.set(Phase::Failed(e)),
            }
        });
    }
    move || {
        match phase.get() {
        Phase::Working => view! {
            <section class="card narrow" aria-busy="true">
                <h2>"Completing sign-in…"</h2>
                <p class="busy" role="status">"Checking the answer and exchanging the code for tokens."</p>
            </section>
        }
        .into_any(),
        Phase::Failed(e) => {
            let friendly = e.code == "already_completed" || e.code == "nothing_to_complete";
            view! {
                <section class="card narrow" data-testid="callback-error" data-code=e.code.clone()>
                    <h2 id="callback-title">{e.title.clone()}</h2>
                    <p class=if friendly { "banner info" } else { "banner error" } role="alert">{e.detail.clone()}</p>
                    <p class="muted">"Error code: "<code>{e.code.clone()}</code></p>
                    <a class="button primary" href="./">"Back to the start"</a>
                </section>
            }
            .into_any()
        }
    }
    }
}
