// "From an OpenAPI document": a description fetched by URL, chosen as a file or pasted, read,
// and turned into the custom-provider form for review (its security scheme into the sign-in,
// its server into the API base). A document that cannot be read is refused with the place of
// the problem, and nothing typed is lost.

use super::state::Client;
use crate::catalog::import::propose;
use crate::catalog::openapi::parse;
use crate::providers::custom::{CustomDraft, FieldError};
use crate::providers::discovery::draft_from;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What was read: the title, what it holds, and what the user should know.
#[derive(Clone)]
struct Found {
    title: String,
    lines: Vec<String>,
}

/// The chosen file's name and text, or why there is none.
async fn file_text(input: &web_sys::HtmlInputElement) -> Result<(String, String), String> {
    let file = input
        .files()
        .and_then(|list| list.get(0))
        .ok_or_else(|| "Choose a file first.".to_string())?;
    let name = file.name();
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| format!("{name} could not be read as text."))?;
    Ok((name, text))
}

#[component]
pub fn OpenApiImport(
    draft: RwSignal<CustomDraft>,
    errors: RwSignal<Vec<FieldError>>,
    /// The document read, to keep with the provider when it is saved.
    document: RwSignal<Option<String>>,
) -> impl IntoView {
    let client = expect_context::<Client>();
    let url = RwSignal::new(String::new());
    let pasted = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Found>);
    let error = RwSignal::new(None::<String>);
    // Reads a document's text: the form filled and the document held for saving, or the
    // problem said (the form, the providers and what was typed here stay as they are).
    let read = move |text: String, source: Option<String>, from: String| async move {
        let api = match parse(&text) {
            Ok(api) => api,
            Err(e) => {
                error.set(Some(format!(
                    "{from} is not a usable OpenAPI document. {e}"
                )));
                found.set(None);
                return;
            }
        };
        let proposal = propose(&api, source.as_deref());
        let mut filled = proposal.draft;
        draft.with_untracked(|d| {
            filled.client_id = d.client_id.clone();
            filled.upstream = d.upstream.clone();
        });
        let mut lines = proposal.notes;
        if let Some(issuer) = &proposal.discover {
            match client.ctl().discover(issuer).await {
                Ok((meta, _)) => {
                    let mut discovered = draft_from(&meta, &filled.name);
                    discovered.api_base = filled.api_base.clone();
                    discovered.openapi = true;
                    discovered.client_id = filled.client_id.clone();
                    discovered.upstream = filled.upstream.clone();
                    filled = discovered;
                }
                Err(why) => lines.push(format!(
                    "Its OpenID Connect metadata could not be read ({why}): fill the endpoints by hand."
                )),
            }
        }
        // Distinct groups (a document may list a tag's operations apart).
        let groups = api
            .endpoints
            .iter()
            .map(|e| e.group.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        lines.insert(
            0,
            format!(
                "{} operation(s) in {groups} group(s); the explorer lists them once it is saved.",
                api.endpoints.len()
            ),
        );
        draft.set(filled);
        errors.set(Vec::new());
        document.set(Some(text));
        error.set(None);
        found.set(Some(Found {
            title: api.title,
            lines,
        }));
    };
    let fetch = Action::new_local(move |address: &String| {
        let address = address.clone();
        async move {
            let ctl = client.ctl();
            match ctl.fetch_document(&address).await {
                Ok(text) => read(text, Some(address.clone()), address).await,
                Err(why) => {
                    error.set(Some(why));
                    found.set(None);
                }
            }
        }
    });
    let file_input = NodeRef::<leptos::html::Input>::new();
    let from_file = Action::new_local(move |_: &()| async move {
        let Some(input) = file_input.get_untracked() else {
            return;
        };
        let input: web_sys::HtmlInputElement = input.unchecked_into();
        match file_text(&input).await {
            Ok((name, text)) => read(text, None, name).await,
            Err(why) => error.set(Some(why)),
        }
    });
    let from_paste = Action::new_local(move |_: &()| async move {
        read(pasted.get_untracked(), None, "The pasted text".into()).await
    });
    let busy = Signal::derive(move || fetch.pending().get() || from_file.pending().get());
    view! {
        <div class="form" id="openapi-import">
            <p class="hint">"An OpenAPI 3.0 or 3.1 document (JSON): its server, sign-in and every operation, in one step. Local $refs are followed; the explorer checks bodies against its schemas."</p>
            <label for="openapi-url">"Document URL"</label>
            <div class="input-row">
                <input id="openapi-url" type="url" spellcheck="false" placeholder="https://api.example.com/openapi.json"
                    prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
                <button id="openapi-fetch" type="button" disabled=move || busy.get()
                    on:click=move |_| { fetch.dispatch_local(url.get_untracked()); }>
                    {move || if fetch.pending().get() { "Reading…" } else { "Read" }}
                </button>
            </div>
            <label for="openapi-file">"or a file"</label>
            <input id="openapi-file" type="file" accept=".json,application/json" node_ref=file_input
                on:change=move |_| { from_file.dispatch_local(()); }/>
            <label for="openapi-text">"or paste it"</label>
            <textarea id="openapi-text" rows="3" spellcheck="false" class="code"
                prop:value=move || pasted.get() on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
            <button id="openapi-read-text" type="button" on:click=move |_| { from_paste.dispatch_local(()); }>"Read the pasted document"</button>
            {move || error.get().map(|e| view! { <p class="banner error" role="alert" id="openapi-error">{e}</p> })}
            {move || found.get().map(|f| view! {
                <div class="banner info" role="status" id="openapi-found">
                    <p><strong>{format!("Read \u{201c}{}\u{201d}. ", f.title)}</strong>"The form below is filled: review it, type your client id, then Save and use."</p>
                    <ul>{f.lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                </div>
            })}
        </div>
    }
}
