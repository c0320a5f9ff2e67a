// The API explorer: a searchable endpoint list, a request builder with validation before
// sending, scope warnings, pagination, copy-as-curl, the response viewer and the tab's
// history. The state and what can be done with it live in `Workbench`.

mod builder;
pub mod documents;
mod endpoints;
mod history;
mod model;
mod pager;
mod response;
mod workbench;

use super::routes::explore_path;
use super::state::{Now, Providers};
use builder::Builder;
use endpoints::EndpointList;
use history::History;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use pager::Pager;
use response::ResponseView;
use workbench::Workbench;

#[component]
pub fn Explorer(
    /// The endpoint a deep link names, if any.
    linked: Signal<Option<String>>,
) -> impl IntoView {
    let providers = expect_context::<Providers>();
    let Now(now) = expect_context::<Now>();
    let bench = Workbench::new(linked);
    let sending = bench.sending();
    let navigate = StoredValue::new_local(use_navigate());
    // A picked endpoint gets its own address (a deep link to share or reload).
    let on_pick = move |id: &str| {
        let path = explore_path(&providers.selected.get_untracked(), id);
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate.with_value(|go| go(&path, options));
    };
    let api_base =
        Signal::derive(move || bench.provider.get().map(|p| p.api_base).unwrap_or_default());
    let granted = Memo::new(move |_| bench.scopes.get().unwrap_or_default());
    view! {
        <section class="card explorer" aria-labelledby="explorer-title">
            <h2 id="explorer-title"><span class="step">"3"</span>"Explore the API"</h2>
            <div class="explorer-grid">
                <EndpointList endpoints=bench.endpoints state=bench.catalog draft=bench.draft api_base=api_base on_pick=on_pick/>
                <div class="builder-column">
                    <Builder bench=bench/>
                    {move || bench.sent.get().map(|s| view! { <Pager sent=s on_page=move |forward| bench.page(forward)/> })}
                    <div aria-live="polite">
                        {move || sending.get().then(|| view! { <p class="busy" role="status">"Waiting for the answer…"</p> })}
                        {move || bench.sent.get().map(|s| view! { <ResponseView sent=s granted=granted.get() now=now.get_untracked()/> })}
                    </div>
                </div>
            </div>
            <details class="history-box">
                <summary>{move || format!("History of this tab ({})", bench.history.with(Vec::len))}</summary>
                <History history=bench.history on_open=move |h, again| bench.open(h, again) on_clear=move || bench.clear_history()/>
            </details>
        </section>
    }
}
