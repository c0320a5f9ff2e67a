// The callback route: reads the answer once, scrubs it from the address bar at once, and shows
// progress, then the home page on success or the failure in plain words.

use super::state::{BootInfo, Client, InfoCall, Providers};
use crate::oauth::FlowError;
use crate::platform::{location_hash, location_search, replace_url};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// The answer start-up already took off the address bar, or else `?query` and `#fragment`
/// read now (and the URL replaced with the bare callback path).
fn take_answer_from_address_bar(router_base: &str) -> (String, String) {
    if let Some(answer) = super::routes::take_stashed_answer() {
        return answer;
    }
    let answer = (location_search(), location_hash());
    replace_url(&format!("{router_base}/{}", super::routes::CALLBACK));
    answer
}

#[component]
pub fn Callback() -> impl IntoView {
    let client = expect_context::<Client>();
    let providers = expect_context::<Providers>();
    let info = expect_context::<InfoCall>();
    let base = expect_context::<BootInfo>()
        .0
        .with_value(|b| b.router_base());
    let failed = RwSignal::new(None::<FlowError>);
    let (query, fragment) = take_answer_from_address_bar(&base);
    let home = format!("{base}/");
    let navigate = use_navigate();
    leptos::task::spawn_local(async move {
        match client.ctl().complete(&query, &fragment).await {
            Ok(session) => {
                providers.select(client, &session.provider_id);
                info.run(session.provider_id);
                super::routes::land_on_result();
                // The home page's own address, with its trailing slash (`/handshake/`).
                navigate(
                    &home,
                    NavigateOptions {
                        resolve: false,
                        replace: true,
                        ..Default::default()
                    },
                );
            }
            Err(e) => failed.set(Some(e)),
        }
    });
    move || {
        match failed.get() {
        None => view! {
            <section class="card narrow" aria-busy="true">
                <h2>"Completing sign-in…"</h2>
                <p class="busy" role="status">"Checking the answer and exchanging the code for tokens."</p>
            </section>
        }
        .into_any(),
        Some(e) => {
            let class = if e.is_benign() { "banner info" } else { "banner error" };
            view! {
                <section class="card narrow" data-testid="callback-error" data-code=e.code()>
                    <h2 id="callback-title">{e.title()}</h2>
                    <p class=class role="alert">{e.detail()}</p>
                    <p class="muted">"Error code: "<code>{e.code()}</code></p>
                    <a class="button primary" href="./">"Back to the start"</a>
                </section>
            }
            .into_any()
        }
    }
    }
}
