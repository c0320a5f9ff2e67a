// A decoder under raw HTTP: the parameters of a URL, request or answer as a table, each with
// one line of what it means (text nodes only; the values are already redacted).

use crate::oauth::decode::{decode, meaning, Row};
use leptos::prelude::*;

/// One read-only parameter: its name, value and meaning.
fn row(r: Row) -> impl IntoView {
    view! {
        <tr>
            <th scope="row"><code>{r.name}</code></th>
            <td><code>{r.value}</code></td>
            <td class="muted">{r.meaning}</td>
        </tr>
    }
}

/// A parameter of the authorize request the learner may change in place: its value is the
/// form's, and a change goes back to the form (the single source of what Authorize sends).
#[derive(Clone, Copy)]
pub struct Editable {
    pub name: &'static str,
    pub value: Signal<String>,
    pub set: Callback<String>,
}

/// The authorize URL's parameters: `editable` ones as inputs (kept while typing), the rest
/// (state, PKCE, nonce: made fresh on Authorize) read from `text`.
#[component]
pub fn DecodedAuthorize(text: Signal<String>, editable: Vec<Editable>) -> impl IntoView {
    let names: Vec<&'static str> = editable.iter().map(|e| e.name).collect();
    let fixed = editable
        .into_iter()
        .map(|e| {
            let id = format!("edit-{}", e.name);
            view! {
                <tr>
                    <th scope="row"><label for=id.clone()><code>{e.name}</code></label></th>
                    <td><input id=id type="text" spellcheck="false" class="decoded-edit"
                        prop:value=move || e.value.get()
                        on:change=move |ev| e.set.run(event_target_value(&ev))/></td>
                    <td class="muted">{meaning(e.name)}</td>
                </tr>
            }
        })
        .collect_view();
    let rest = move || {
        decode(&text.get())
            .into_iter()
            .filter(|r| !names.contains(&r.name.as_str()))
            .map(row)
            .collect_view()
    };
    view! {
        <details class="decoded" id="authorize-decoded">
            <summary>"Decoded: every parameter, editable before sending"</summary>
            <p class="hint">"Change a value here or in the form above: both are the same. The state, PKCE challenge and nonce are made fresh when you press Authorize."</p>
            <table>
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Value"</th><th scope="col">"What it means"</th></tr></thead>
                <tbody>{fixed}{rest}</tbody>
            </table>
        </details>
    }
}

#[component]
pub fn Decoded(text: Signal<String>, #[prop(into)] id: String) -> impl IntoView {
    move || {
        let rows = decode(&text.get());
        (!rows.is_empty()).then(|| {
            let count = rows.len();
            let body = rows
                .into_iter()
                .map(row)
                .collect_view();
            view! {
                <details class="decoded" id=id.clone()>
                    <summary>{format!("Decoded: {count} parameter{}", if count == 1 { "" } else { "s" })}</summary>
                    <table>
                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Value"</th><th scope="col">"What it means"</th></tr></thead>
                        <tbody>{body}</tbody>
                    </table>
                </details>
            }
        })
    }
}
