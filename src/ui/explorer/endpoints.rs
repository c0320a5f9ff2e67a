// The endpoint list: grouped, searchable, and a custom request at the end.

use crate::catalog::{Draft, Endpoint};
use leptos::prelude::*;

pub fn method_class(method: impl std::fmt::Display) -> String {
    format!("method m-{}", method.to_string().to_ascii_lowercase())
}

#[component]
pub fn EndpointList(
    endpoints: Memo<Vec<Endpoint>>,
    draft: RwSignal<Draft>,
    api_base: Signal<String>,
    /// Called when the user picks an endpoint (for its deep link).
    on_pick: impl Fn(&'static str) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let selected = move |id: &str| draft.with(|d| d.endpoint_id() == Some(id));
    let groups = move || {
        let needle = search.get().to_ascii_lowercase();
        let mut groups: Vec<(&'static str, Vec<Endpoint>)> = Vec::new();
        for e in endpoints.get() {
            let haystack =
                format!("{} {} {} {}", e.group, e.title, e.method, e.path).to_ascii_lowercase();
            if !needle.is_empty() && !needle.split_whitespace().all(|w| haystack.contains(w)) {
                continue;
            }
            match groups.iter_mut().find(|(g, _)| *g == e.group) {
                Some((_, list)) => list.push(e),
                None => groups.push((e.group, vec![e])),
            }
        }
        groups
            .into_iter()
            .map(|(group, list)| {
                let items = list
                    .into_iter()
                    .map(|e| {
                        let id = e.id;
                        let pick = move |_| {
                            if !selected(id) {
                                draft.set(Draft::for_endpoint(&e));
                            }
                            on_pick(id);
                        };
                        view! {
                            <li>
                                <button type="button" class="endpoint" data-endpoint=id on:click=pick
                                    class:selected=move || selected(id)
                                    aria-pressed=move || selected(id).to_string()>
                                    <span class=method_class(e.method)>{e.method.as_str()}</span>
                                    <span class="endpoint-title">{e.title}</span>
                                    <code class="endpoint-path">{e.path}</code>
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <li class="group"><h3>{group}</h3><ul>{items}</ul></li> }
            })
            .collect_view()
    };
    let is_custom = move || draft.with(|d| d.is_custom());
    view! {
        <nav class="endpoints" aria-label="Endpoints">
            <label for="endpoint-search" class="visually-hidden">"Search endpoints"</label>
            <input id="endpoint-search" type="search" placeholder="Search endpoints…"
                prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
            <ul class="endpoint-groups">{groups}</ul>
            <button type="button" id="custom-request" class="endpoint custom"
                class:selected=is_custom
                on:click=move |_| if !is_custom() { draft.set(Draft::custom(&api_base.get_untracked())) }>
                <span class="method m-any">"ANY"</span><span class="endpoint-title">"Custom request"</span>
            </button>
        </nav>
    }
}
