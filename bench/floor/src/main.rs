// Two routes, a signal, a list, and one JSON fetch through gloo-net: the least an app on the
// brief's packages links.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
struct Item {
    name: String,
}

async fn load(url: String) -> Result<Vec<Item>, String> {
    let answer = gloo_net::http::Request::get(&url)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let text = answer.text().await.map_err(|e| e.to_string())?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

#[component]
fn Home() -> impl IntoView {
    let url = RwSignal::new(String::from("items.json"));
    let fetch = Action::new_local(move |u: &String| load(u.clone()));
    view! {
        <input prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
        <button on:click=move |_| { fetch.dispatch_local(url.get_untracked()); }>"Load"</button>
        {move || match fetch.value().get() {
            Some(Ok(items)) => view! { <ul>{items.into_iter().map(|i| view! { <li>{i.name}</li> }).collect_view()}</ul> }.into_any(),
            Some(Err(e)) => view! { <p class="error">{e}</p> }.into_any(),
            None => view! { <p>"Nothing yet"</p> }.into_any(),
        }}
        <A href="/about">"About"</A>
    }
}

fn main() {
    leptos::mount::mount_to_body(|| {
        view! {
            <Router>
                <Routes fallback=|| "Not found">
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/about") view=|| view! { <p>"About"</p> }/>
                </Routes>
            </Router>
        }
    })
}
