// What a standard provider adds to the sign-in form: how the client authenticates, pushed
// authorization requests, DPoP, and extra authorize parameters (a list of name/value rows that
// can never replace a core parameter).

use super::form::ConnectForm;
use crate::oauth::authorize::CORE_PARAMS;
use crate::providers::{ClientAuthMethod, Provider};
use leptos::prelude::*;

/// Names people reach for; any other name may be typed.
const SUGGESTED: [&str; 8] = [
    "prompt",
    "login_hint",
    "max_age",
    "acr_values",
    "resource",
    "audience",
    "ui_locales",
    "claims",
];

/// One line on how the client proves who it is, as the raw HTTP will show it.
pub fn client_auth_line(provider: &Provider) -> impl IntoView {
    let (method, how) = match provider.standards.client_auth {
        ClientAuthMethod::ClientSecretBasic => (
            "client_secret_basic",
            "the id and secret travel in an Authorization: Basic header (form-encoded, then base64)",
        ),
        ClientAuthMethod::ClientSecretPost => (
            "client_secret_post",
            "client_id and client_secret travel among the request's parameters",
        ),
        ClientAuthMethod::None => (
            "none",
            "a public client: only client_id travels, and PKCE proves the rest",
        ),
    };
    view! {
        <p class="hint" id="client-auth">"Client authentication: "<code>{method}</code>" — "{how}"."</p>
    }
}

/// PAR and DPoP switches, when the provider offers them.
pub fn protocol_switches(provider: &Provider, form: ConnectForm) -> impl IntoView {
    let st = &provider.standards;
    let par = st.par.is_some().then(|| {
        let required = st.par_required;
        view! {
            <label class="chip-check">
                <input id="use-par" type="checkbox" disabled=required
                    prop:checked=move || required || form.use_par.get()
                    on:change=move |ev| form.use_par.set(event_target_checked(&ev))/>
                "Push the request first (PAR, RFC 9126)"
                {required.then(|| view! { <span class="tag">"required by the provider"</span> })}
            </label>
        }
    });
    let dpop = st.dpop_algs.iter().any(|a| a == "ES256").then(|| {
        view! {
            <label class="chip-check">
                <input id="use-dpop" type="checkbox"
                    prop:checked=move || form.use_dpop.get()
                    on:change=move |ev| form.use_dpop.set(event_target_checked(&ev))/>
                "Bind the tokens to this tab's key (DPoP, RFC 9449)"
            </label>
        }
    });
    let any = par.is_some() || dpop.is_some();
    any.then(|| {
        view! {
            <fieldset class="scopes" id="protocol-options">
                <legend>"Protocol options"</legend>
                {par}
                {dpop}
                <p class="hint">"PAR sends the parameters to the provider directly, so the browser carries only a reference. DPoP signs every token and API request with a key this tab made and cannot export, so a stolen token is useless elsewhere."</p>
            </fieldset>
        }
    })
}

/// Extra authorize parameters: rows of name and value.
#[component]
pub fn ExtraParams(form: ConnectForm) -> impl IntoView {
    // Rows are redrawn only when one is added or removed, so typing keeps the focus.
    let count = Memo::new(move |_| form.extra.with(Vec::len));
    let cell = move |i: usize, name: bool| {
        form.extra.with(|list| {
            list.get(i)
                .map(|(n, v)| if name { n.clone() } else { v.clone() })
                .unwrap_or_default()
        })
    };
    let set = move |i: usize, name: bool, value: String| {
        form.extra.update(|list| {
            if let Some(row) = list.get_mut(i) {
                if name {
                    row.0 = value;
                } else {
                    row.1 = value;
                }
            }
        })
    };
    let rows = move || {
        (0..count.get())
            .map(|i| {
                let core = move || CORE_PARAMS.contains(&cell(i, true).trim());
                view! {
                    <div class="input-row extra-row">
                        <input type="text" class="extra-name" list="extra-names" spellcheck="false"
                            aria-label=format!("Extra parameter {} name", i + 1)
                            aria-invalid=move || core().to_string()
                            prop:value=move || cell(i, true)
                            on:input=move |ev| set(i, true, event_target_value(&ev))/>
                        <input type="text" class="extra-value" spellcheck="false"
                            aria-label=format!("Extra parameter {} value", i + 1)
                            prop:value=move || cell(i, false)
                            on:input=move |ev| set(i, false, event_target_value(&ev))/>
                        <button type="button" class="ghost" aria-label=format!("Remove extra parameter {}", i + 1)
                            on:click=move |_| form.extra.update(|list| { if i < list.len() { list.remove(i); } })>"Remove"</button>
                    </div>
                    {move || core().then(|| view! {
                        <p class="field-error">"Handshake sets this parameter itself; it cannot be replaced."</p>
                    })}
                }
            })
            .collect_view()
    };
    let options = SUGGESTED
        .iter()
        .map(|s| view! { <option value=*s></option> })
        .collect_view();
    view! {
        <details class="extra-params" open=move || !form.extra.with(Vec::is_empty)>
            <summary>"Extra authorize parameters"</summary>
            <datalist id="extra-names">{options}</datalist>
            {rows}
            <button id="add-extra" type="button" class="ghost"
                on:click=move |_| form.extra.update(|list| list.push((String::new(), String::new())))>
                "Add a parameter"
            </button>
            <p class="hint">"For prompt, login_hint, max_age, acr_values, resource, audience… They follow the core parameters, which they can never replace."</p>
        </details>
    }
}
