// The endpoint list: grouped, searchable, and a custom request at the end; while the API's
// description is on its way, or when it could not be read, that is said in its place.

use super::workbench::CatalogState;
use crate::catalog::{Draft, Endpoint};
use leptos::prelude::*;

pub fn method_class(method: impl std::fmt::Display) -> String {
    format!("method m-{}", method.to_string().to_ascii_lowercase())
}

#[component]
pub fn EndpointList(
    endpoints: RwSignal<Vec<Endpoint>>,
    state: RwSignal<CatalogState>,
    draft: RwSignal<Draft>,
    api_base: Signal<String>,
    /// Called when the user picks an endpoint (for its deep link).
    on_pick: impl Fn(&str) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let selected = move |id: &str| draft.with(|d| d.endpoint_id() == Some(id));
    let groups = move || {
        let needle = search.get().to_ascii_lowercase();
        let mut groups: Vec<(String, Vec<Endpoint>)> = Vec::new();
        for e in endpoints.get() {
            let haystack =
                format!("{} {} {} {}", e.group, e.title, e.method, e.path).to_ascii_lowercase();
            if !needle.is_empty() && !needle.split_whitespace().all(|w| haystack.contains(w)) {
                continue;
            }
            match groups.iter_mut().find(|(g, _)| *g == e.group) {
                Some((_, list)) => list.push(e),
                None => groups.push((e.group.clone(), vec![e])),
            }
        }
        groups
            .into_iter()
            .map(|(group, list)| {
                let items = list
                    .into_iter()
                    .map(|e| {
                        let id = StoredValue::new(e.id.clone());
                        let is_selected = move || id.with_value(|id| selected(id));
                        let (method, title, path) = (e.method, e.title.clone(), e.path.clone());
                        let pick = move |_| {
                            if !is_selected() {
                                draft.set(Draft::for_endpoint(&e));
                            }
                            id.with_value(|id| on_pick(id));
                        };
                        view! {
                            <li>
                                <button type="button" class="endpoint" data-endpoint=id.get_value() on:click=pick
                                    class:selected=is_selected
                                    aria-pressed=move || is_selected().to_string()>
                                    <span class=method_class(method)>{method.as_str()}</span>
                                    <span class="endpoint-title">{title}</span>
                                    <code class="endpoint-path">{path}</code>
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
            {move || match state.get() {
                CatalogState::Loading => Some(view! { <p class="muted" role="status" id="catalog-loading">"Reading the API's description…"</p> }.into_any()),
                CatalogState::Failed(why) => Some(view! { <p class="banner error" role="alert" id="catalog-error">{why}</p> }.into_any()),
                CatalogState::Ready => None,
            }}
            <ul class="endpoint-groups">{groups}</ul>
            <button type="button" id="custom-request" class="endpoint custom"
                class:selected=is_custom
                on:click=move |_| if !is_custom() { draft.set(Draft::custom(&api_base.get_untracked())) }>
                <span class="method m-any">"ANY"</span><span class="endpoint-title">"Custom request"</span>
            </button>
        </nav>
    }
}
