// The request builder: an endpoint's parameters (or a custom request's method, URL and
// headers), its JSON body, the scope warning, and Send / Copy as curl (or fetch, Python, Rust, HTTPie). Problems are shown
// under the field they belong to.

use super::endpoints::method_class;
use super::workbench::Workbench;
use crate::catalog::{carries_body, Draft, Endpoint, In, Kind, Problem};
use crate::providers::Provider;
use crate::types::Scope;
use crate::ui::state::ScopeRequest;
use crate::wire::{Lang, Method};
use leptos::prelude::*;

fn problem_for(problems: RwSignal<Vec<Problem>>, field: impl Into<String>) -> impl IntoView {
    let field = field.into();
    move || {
        problems
            .with(|list| {
                list.iter()
                    .find(|p| p.field == field)
                    .map(|p| p.message.clone())
            })
            .map(|m| view! { <p class="field-error" id=format!("problem-{field}")>{m}</p> })
    }
}

/// The fields of a catalog endpoint: path parameters first, then query parameters.
fn param_fields(
    endpoint: Endpoint,
    draft: RwSignal<Draft>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    let mut params = endpoint.params;
    params.sort_by_key(|p| p.location != In::Path);
    params
        .into_iter()
        .map(|p| {
            let name = p.name.clone();
            let id = format!("param-{name}");
            let value = {
                let name = name.clone();
                Signal::derive(move || draft.with(|d| d.values.get(&name).cloned().unwrap_or_default()))
            };
            let set = {
                let name = name.clone();
                move |v: String| {
                    draft.update(|d| {
                        if v.is_empty() {
                            d.values.remove(&name);
                        } else {
                            d.values.insert(name.clone(), v);
                        }
                    })
                }
            };
            let where_ = match p.location {
                In::Path => "path",
                In::Query => "query",
                In::Header => "header",
            };
            let input = match p.kind {
                Kind::Choice(options) => {
                    let options = options
                        .into_iter()
                        .map(|o| {
                            let (chosen, label) = (o.clone(), o.clone());
                            view! { <option value=o selected=move || value.with(|v| *v == chosen)>{label}</option> }
                        })
                        .collect_view();
                    view! {
                        <select id=id.clone() on:change=move |ev| set(event_target_value(&ev))>
                            <option value="" selected=move || value.with(String::is_empty)>"(not sent)"</option>
                            {options}
                        </select>
                    }
                    .into_any()
                }
                kind => {
                    let mode = match kind {
                        Kind::Integer { .. } => "numeric",
                        Kind::Number => "decimal",
                        _ => "text",
                    };
                    view! {
                        <input id=id.clone() type="text" spellcheck="false" inputmode=mode placeholder=p.example
                            prop:value=value on:input=move |ev| set(event_target_value(&ev))/>
                    }
                    .into_any()
                }
            };
            view! {
                <div class="param">
                    <label for=id>
                        <code>{name.clone()}</code>
                        <span class="tag">{where_}</span>
                        {p.required.then(|| view! { <span class="tag required">"required"</span> })}
                    </label>
                    {input}
                    <p class="hint">{p.help}</p>
                    {problem_for(problems, name)}
                </div>
            }
        })
        .collect_view()
}

/// A custom request's method, URL and headers.
fn custom_fields(draft: RwSignal<Draft>, problems: RwSignal<Vec<Problem>>) -> impl IntoView {
    let methods = Method::ALL
        .into_iter()
        .map(|m| view! { <option value=m.as_str() selected=move || draft.with(|d| d.method == m)>{m.as_str()}</option> })
        .collect_view();
    view! {
        <div class="param">
            <label for="custom-method">"Method"</label>
            <select id="custom-method" on:change=move |ev| {
                if let Some(m) = Method::parse(&event_target_value(&ev)) { draft.update(|d| d.method = m) }
            }>{methods}</select>
            {problem_for(problems, "method")}
        </div>
        <div class="param">
            <label for="custom-url">"URL"</label>
            <input id="custom-url" type="url" spellcheck="false" prop:value=move || draft.with(|d| d.url.clone())
                on:input=move |ev| draft.update(|d| d.url = event_target_value(&ev))/>
            {problem_for(problems, "url")}
        </div>
        <div class="param">
            <label for="custom-headers">"Headers (one per line, Name: value)"</label>
            <textarea id="custom-headers" rows="2" spellcheck="false" prop:value=move || draft.with(|d| d.headers.clone())
                on:input=move |ev| draft.update(|d| d.headers = event_target_value(&ev))></textarea>
            {problem_for(problems, "headers")}
        </div>
    }
}

/// The JSON body, with a way back to the endpoint's example.
fn body_field(
    endpoint: Option<Endpoint>,
    draft: RwSignal<Draft>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    let reset = endpoint.filter(|e| e.body.is_some()).map(|e| {
        let e = StoredValue::new(e);
        view! {
            <button type="button" class="ghost small" on:click=move |_| {
                let fresh = e.with_value(Draft::for_endpoint);
                draft.update(|d| d.body = fresh.body);
            }>"Reset to the example"</button>
        }
    });
    view! {
        <div class="param">
            <label for="request-body">"Body (JSON)"</label>
            <textarea id="request-body" rows="10" spellcheck="false" class="code"
                prop:value=move || draft.with(|d| d.body.clone())
                on:input=move |ev| draft.update(|d| d.body = event_target_value(&ev))></textarea>
            {problem_for(problems, "body")}
            {reset}
        </div>
    }
}

/// The heading: the endpoint's method, title, full URL, help and scope; or the custom request.
fn builder_head(p: &Provider, endpoint: Option<Endpoint>) -> impl IntoView {
    match endpoint {
        Some(e) => view! {
            <h3 id="endpoint-title"><span class=method_class(e.method)>{e.method.as_str()}</span>" "{e.title}</h3>
            <p class="hint"><code>{format!("{}{}", p.api_base, e.path)}</code></p>
            <p class="hint">{e.help}</p>
            {e.scope.map(|s| view! { <p class="hint">"Scope: "<span class="chip">{s}</span></p> })}
        }
        .into_any(),
        None => view! {
            <h3 id="endpoint-title">"Custom request"</h3>
            <p class="hint">"Any method, any URL under "<code>{p.api_base.clone()}</code>". Credentials are added for you."</p>
        }
        .into_any(),
    }
}

/// Fields and body for the draft: an endpoint's, or a custom request's (whose method decides
/// whether a body goes).
fn builder_fields(
    endpoint: Option<Endpoint>,
    draft: RwSignal<Draft>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    match endpoint {
        Some(e) => {
            let body = e.method.sends_body().then(|| body_field(Some(e.clone()), draft, problems));
            view! {
                {param_fields(e, draft, problems)}
                {body}
            }
            .into_any()
        }
        None => view! {
            {custom_fields(draft, problems)}
            {move || draft.with(|d| carries_body(d.method)).then(|| body_field(None, draft, problems))}
        }
        .into_any(),
    }
}

/// The request form for the workbench's draft, with its warnings and actions.
#[component]
pub fn Builder(bench: Workbench) -> impl IntoView {
    let ScopeRequest(want_scope) = expect_context::<ScopeRequest>();
    let Workbench {
        draft,
        problems,
        scope_warning,
        reveal,
        curl,
        ..
    } = bench;
    let sending = bench.sending();
    move || {
        let p = bench.provider.get()?;
        let e = bench
            .endpoint
            .get()
            .filter(|_| !draft.with(|d| d.is_custom()));
        // A kept draft for an endpoint whose description has not arrived (or could not be read).
        let loading = e.is_none() && !draft.with(|d| d.is_custom());
        Some(view! {
            <form class="builder" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); bench.submit(); } novalidate>
                {builder_head(&p, e.clone())}
                {loading.then(|| view! {
                    <p class="banner info" role="status" id="endpoint-loading">"This request's endpoint is in the API's description, which has not been read yet."</p>
                })}
                {(!loading).then(|| builder_fields(e, draft, problems))}
                {move || scope_warning.get().map(|(text, needed)| {
                    let label = format!("Add {needed} to the scopes above");
                    view! {
                        <div class="banner warn-box" role="alert" id="scope-warning">
                            <p>{text}</p>
                            <button type="button" class="small" on:click=move |_| want_scope.set(Some(Scope::new(needed.as_str())))>
                                {label}
                            </button>
                        </div>
                    }
                })}
                {move || (!problems.with(Vec::is_empty)).then(|| view! {
                    <p class="banner error" role="alert" id="request-problems">"Not sent: each field with a problem says what to fix, in red under it."</p>
                })}
                {move || bench.scopes.with(Option::is_none).then(|| view! {
                    <p class="banner info">"Not signed in: requests go out without credentials. Authorize (or enter your API key) first."</p>
                })}
                <div class="actions">
                    <button id="send" type="submit" class="primary" disabled=move || sending.get()>
                        {move || if sending.get() { "Sending…" } else if scope_warning.with(Option::is_some) { "Send anyway" } else { "Send" }}
                    </button>
                    <button id="copy-curl" type="button" on:click=move |_| bench.copy_curl()>
                        {move || format!("Copy as {}", bench.lang.get().label())}
                    </button>
                    <select id="snippet-lang" class="compact" aria-label="Language of the copied request"
                        on:change=move |ev| if let Some(l) = Lang::parse(&event_target_value(&ev)) { bench.lang.set(l); bench.curl.set(None); }>
                        {Lang::ALL.into_iter().map(|l| view! {
                            <option value=l.id() selected=move || bench.lang.get() == l>{l.label()}</option>
                        }).collect_view()}
                    </select>
                    <label class="chip-check">
                        <input id="curl-reveal" type="checkbox" prop:checked=move || reveal.get()
                            on:change=move |ev| reveal.set(event_target_checked(&ev))/>
                        "include credentials"
                    </label>
                </div>
                {move || curl.get().map(|c| view! { <pre class="raw" id="curl" tabindex="0">{c}</pre> })}
            </form>
        })
    }
}
