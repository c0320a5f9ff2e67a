// The API explorer: a searchable endpoint list, a request builder with validation before
// sending, scope warnings, pagination, copy-as-curl, the response viewer and the tab's history.

use super::json_tree::{self, JsonTree};
use super::widgets::{copy_text, human_size, millis};
use super::AppState;
use crate::catalog::{
    self, build, build_custom, catalog, missing_scope, next_page, previous_page, scope_for_method,
    Draft, Endpoint, In, Kind, Problem, CUSTOM,
};
use crate::client::{self, ApiOutcome};
use crate::http::fetch::sleep_ms;
use crate::http::{explain, status_meaning, to_curl, HttpRequest, HttpResponse};
use crate::providers::{AuthStyle, Provider};
use crate::session::HistoryEntry;
use crate::url::HttpUrl;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;

/// Raw bodies longer than this show their beginning until the user asks for all.
const RAW_PREVIEW: usize = 200_000;

/// A body parsed once by the browser, kept on the JS side.
#[derive(Clone)]
struct Parsed(SendWrapper<JsValue>);

impl PartialEq for Parsed {
    fn eq(&self, other: &Self) -> bool {
        *self.0 == *other.0
    }
}

/// One sent request and what came back, with what is needed to page on from it.
#[derive(Clone, PartialEq)]
struct Sent {
    outcome: ApiOutcome,
    /// The body as JSON, when it is JSON.
    parsed: Option<Parsed>,
    /// Enough of the parsed body to decide whether there is a next page.
    outline: serde_json::Value,
    endpoint: Option<Endpoint>,
    values: BTreeMap<String, String>,
    scope: Option<&'static str>,
}

/// The body as a JS string: the browser's own when it is large, else a copy of ours.
fn body_js(resp: &HttpResponse) -> JsValue {
    match &resp.large {
        Some(l) => (*l.text).clone(),
        None => JsValue::from_str(&resp.body),
    }
}

/// Answers above this size are parsed in a task of their own, so that reading, parsing and
/// drawing never add up to one long task; smaller ones are quicker without the round trips.
const PARSE_APART: usize = 2 << 20;

/// Parses an answer's body with the browser's JSON.parse.
async fn parse_body(outcome: &ApiOutcome) -> Option<Parsed> {
    let resp = outcome.result.as_ref().ok()?;
    if resp.large.is_none() && resp.body.trim().is_empty() {
        return None;
    }
    let apart = resp.size() > PARSE_APART;
    if apart {
        sleep_ms(0).await;
    }
    let value = json_tree::parse_js(&body_js(resp))?;
    if apart {
        sleep_ms(0).await;
    }
    Some(Parsed(SendWrapper::new(value)))
}

fn credential_header(p: &Provider) -> String {
    match &p.auth {
        AuthStyle::Bearer => "authorization".into(),
        AuthStyle::ApiKeyHeader(h) => h.clone(),
    }
}

fn default_draft(p: &Provider) -> Draft {
    match p
        .catalog
        .map(catalog)
        .and_then(|list| list.first().copied())
    {
        Some(first) => Draft::for_endpoint(&first),
        None => Draft::custom(&p.api_base),
    }
}

/// The request the draft describes, without credentials.
fn build_request(
    p: &Provider,
    d: &Draft,
    endpoint: Option<&Endpoint>,
) -> Result<HttpRequest, Vec<Problem>> {
    match endpoint {
        Some(e) if d.endpoint != CUSTOM => build(e, d, &p.api_base),
        _ => build_custom(d, &p.api_base, &credential_header(p)),
    }
}

/// The scope the draft's call needs, if the provider has scopes.
fn needed_scope(p: &Provider, d: &Draft, endpoint: Option<&Endpoint>) -> Option<&'static str> {
    match endpoint {
        Some(e) if d.endpoint != CUSTOM => e.scope,
        _ => {
            let below = HttpUrl::parse(&d.url)
                .ok()
                .zip(HttpUrl::parse(&p.api_base).ok())
                .and_then(|(u, b)| u.path_below(&b).map(str::to_string))
                .unwrap_or_default();
            scope_for_method(p.catalog, &d.method.trim().to_ascii_uppercase(), &below)
        }
    }
}

fn method_class(method: &str) -> String {
    format!("method m-{}", method.to_ascii_lowercase())
}

#[component]
fn EndpointList(
    endpoints: Memo<Vec<Endpoint>>,
    draft: RwSignal<Draft>,
    api_base: Signal<String>,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
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
                            if draft.with_untracked(|d| d.endpoint != id) {
                                draft.set(Draft::for_endpoint(&e));
                            }
                        };
                        view! {
                            <li>
                                <button type="button" class="endpoint" data-endpoint=id on:click=pick
                                    class:selected=move || draft.with(|d| d.endpoint == id)
                                    aria-pressed=move || draft.with(|d| d.endpoint == id).to_string()>
                                    <span class=method_class(e.method)>{e.method}</span>
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
    view! {
        <nav class="endpoints" aria-label="Endpoints">
            <label for="endpoint-search" class="visually-hidden">"Search endpoints"</label>
            <input id="endpoint-search" type="search" placeholder="Search endpoints…"
                prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))/>
            <ul class="endpoint-groups">{groups}</ul>
            <button type="button" id="custom-request" class="endpoint custom"
                class:selected=move || draft.with(|d| d.endpoint == CUSTOM)
                on:click=move |_| if draft.with_untracked(|d| d.endpoint != CUSTOM) { draft.set(Draft::custom(&api_base.get_untracked())) }>
                <span class="method m-any">"ANY"</span><span class="endpoint-title">"Custom request"</span>
            </button>
        </nav>
    }
}

fn problem_for(problems: RwSignal<Vec<Problem>>, field: &'static str) -> impl IntoView {
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
    let mut params = endpoint.params.to_vec();
    params.sort_by_key(|p| p.location == In::Query);
    params
        .into_iter()
        .map(|p| {
            let name = p.name;
            let id = format!("param-{name}");
            let value = move || draft.with(|d| d.values.get(name).cloned().unwrap_or_default());
            let set = move |v: String| draft.update(|d| {
                if v.is_empty() {
                    d.values.remove(name);
                } else {
                    d.values.insert(name.to_string(), v);
                }
            });
            let where_ = if p.location == In::Path { "path" } else { "query" };
            let input = match p.kind {
                Kind::Choice(options) => {
                    let options = options
                        .iter()
                        .map(|o| view! { <option value=*o selected=move || value() == *o>{*o}</option> })
                        .collect_view();
                    view! {
                        <select id=id.clone() on:change=move |ev| set(event_target_value(&ev))>
                            <option value="" selected=move || value().is_empty()>"(not sent)"</option>
                            {options}
                        </select>
                    }
                    .into_any()
                }
                kind => {
                    let input_mode = if matches!(kind, Kind::Integer { .. }) { "numeric" } else { "text" };
                    view! {
                        <input id=id.clone() type="text" spellcheck="false" inputmode=input_mode placeholder=p.example
                            prop:value=value on:input=move |ev| set(event_target_value(&ev))/>
                    }
                    .into_any()
                }
            };
            view! {
                <div class="param">
                    <label for=id>
                        <code>{name}</code>
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

#[component]
fn ResponseView(sent: Sent, granted: Vec<String>) -> impl IntoView {
    let Sent {
        outcome,
        scope,
        parsed,
        ..
    } = sent;
    let note = outcome
        .note
        .clone()
        .map(|n| view! { <p class="banner info outcome-note">{n}</p> });
    let body = match outcome.result {
        Err(e) => {
            view! { <p class="banner error" role="alert" id="response-error">{e.message()}</p> }
                .into_any()
        }
        Ok(resp) => {
            let explanation = explain(&resp, scope, &granted, client::now() / 1000.0);
            let ok = (200..300).contains(&resp.status);
            let headers = resp
                .headers
                .iter()
                .map(|(k, v)| view! { <tr><th scope="row">{k.clone()}</th><td>{v.clone()}</td></tr> })
                .collect_view();
            let size = resp.size();
            let raw = RwSignal::new(parsed.is_none());
            let show_all = RwSignal::new(false);
            let text = SendWrapper::new(body_js(&resp));
            let tree = parsed.map(|p| p.0);
            let has_tree = tree.is_some();
            // The raw view copies at most a preview out of the browser until asked for all.
            let raw_text = move || {
                let text = js_sys::JsString::from((*text).clone());
                if show_all.get() || (text.length() as usize) <= RAW_PREVIEW {
                    String::from(text)
                } else {
                    let mut cut = RAW_PREVIEW as u32;
                    // Do not split a surrogate pair (a high surrogate is 0xD800..0xDC00).
                    if (55296.0..56320.0).contains(&text.char_code_at(cut - 1)) {
                        cut -= 1;
                    }
                    String::from(text.slice(0, cut))
                }
            };
            view! {
                <div class="response" id="response" data-status=resp.status>
                    <p class="outcome-head">
                        <span class=if ok { "status ok" } else { "status bad" } id="response-status">{resp.status}" "{resp.status_text.clone()}</span>
                        <span class="muted">{status_meaning(resp.status)}</span>
                        <span class="muted">{format!("{} · {}", millis(resp.elapsed_ms), human_size(size))}</span>
                    </p>
                    {explanation.map(|e| view! { <p class="banner warn-box" id="response-explanation" role="status">{e}</p> })}
                    <details class="headers">
                        <summary>{format!("Headers ({})", resp.headers.len())}</summary>
                        <table><tbody>{headers}</tbody></table>
                    </details>
                    {has_tree.then(|| view! {
                        <div class="view-switch" role="group" aria-label="Body view">
                            <button type="button" class="ghost small" aria-pressed=move || (!raw.get()).to_string() on:click=move |_| raw.set(false)>"Tree"</button>
                            <button type="button" class="ghost small" aria-pressed=move || raw.get().to_string() on:click=move |_| raw.set(true)>"Raw"</button>
                        </div>
                    })}
                    {move || match (raw.get(), tree.clone()) {
                        (false, Some(value)) => view! { <div class="tree-box" id="response-tree"><JsonTree value=value/></div> }.into_any(),
                        _ => view! {
                            <pre class="body" tabindex="0" id="response-raw">{raw_text.clone()}</pre>
                            {(size > RAW_PREVIEW).then(|| view! {
                                <button type="button" class="ghost small" on:click=move |_| show_all.set(true)
                                    disabled=move || show_all.get()>{format!("Show all {}", human_size(size))}</button>
                            })}
                        }.into_any(),
                    }}
                </div>
            }
            .into_any()
        }
    };
    view! { {note} {body} }
}

#[component]
pub fn Explorer() -> impl IntoView {
    let state = expect_context::<AppState>();
    let rt = state.runtime;
    let provider = Memo::new(move |_| rt.current());
    let endpoints = Memo::new(move |_| {
        provider
            .get()
            .and_then(|p| p.catalog)
            .map(catalog)
            .unwrap_or_default()
    });
    let initial = provider
        .get_untracked()
        .map(|p| {
            client::store()
                .draft(&p.id)
                .unwrap_or_else(|| default_draft(&p))
        })
        .unwrap_or_default();
    let draft = RwSignal::new(initial);
    let problems = RwSignal::new(Vec::<Problem>::new());
    let sent = RwSignal::new(None::<Sent>);
    let sending = RwSignal::new(false);
    let history = RwSignal::new(client::store().history());
    let reveal = RwSignal::new(false);
    let curl = RwSignal::new(None::<String>);

    Effect::watch(
        move || rt.provider_id.get(),
        move |id, _, _| {
            if let Some(p) = rt.provider(id) {
                draft.set(
                    client::store()
                        .draft(id)
                        .unwrap_or_else(|| default_draft(&p)),
                );
            }
            sent.set(None);
            problems.set(Vec::new());
            curl.set(None);
        },
        false,
    );
    // Every keystroke of the draft is kept for this tab: it survives a sign-in round trip.
    Effect::new(move |_| {
        let d = draft.get();
        client::store().save_draft(&rt.provider_id.get_untracked(), &d);
    });

    let endpoint = Memo::new(move |_| {
        let id = draft.with(|d| d.endpoint.clone());
        endpoints.with(|list| list.iter().find(|e| e.id == id).copied())
    });
    let api_base = Signal::derive(move || provider.get().map(|p| p.api_base).unwrap_or_default());
    let granted = Memo::new(move |_| {
        rt.session
            .with(|s| s.as_ref().map(|s| s.scopes.clone()).unwrap_or_default())
    });
    let scope_warning = Memo::new(move |_| {
        let p = provider.get()?;
        rt.session.with(|s| s.is_some()).then_some(())?;
        let needed = draft.with(|d| needed_scope(&p, d, endpoint.get().as_ref()));
        if p.scopes.is_empty() {
            return None;
        }
        missing_scope(needed, &granted.get()).zip(needed)
    });

    let send = move || {
        let Some(p) = provider.get_untracked() else {
            return;
        };
        let d = draft.get_untracked();
        let e = endpoint.get_untracked();
        let req = match build_request(&p, &d, e.as_ref()) {
            Ok(r) => r,
            Err(list) => {
                problems.set(list);
                return;
            }
        };
        problems.set(Vec::new());
        sending.set(true);
        let scope = needed_scope(&p, &d, e.as_ref());
        leptos::task::spawn_local(async move {
            let title = format!("{} {}", req.method, req.url);
            let outcome = rt.call(&p, req.clone(), "api", &title).await;
            let (status, elapsed) = match &outcome.result {
                Ok(r) => (Some(r.status), Some(r.elapsed_ms)),
                Err(_) => (None, None),
            };
            history.set(client::store().push_history(HistoryEntry {
                at: client::now(),
                provider_id: p.id.clone(),
                method: req.method.clone(),
                url: req.url.clone(),
                status,
                elapsed_ms: elapsed,
                draft: d.clone(),
            }));
            let parsed = parse_body(&outcome).await;
            let outline = parsed
                .as_ref()
                .map(|p| json_tree::outline(&p.0))
                .unwrap_or_default();
            sent.set(Some(Sent {
                outcome,
                parsed,
                outline,
                endpoint: e,
                values: d.values,
                scope,
            }));
            sending.set(false);
        });
    };

    let copy_curl = move |_| {
        let Some(p) = provider.get_untracked() else {
            return;
        };
        let d = draft.get_untracked();
        match build_request(&p, &d, endpoint.get_untracked().as_ref()) {
            Ok(req) => {
                let req = match rt.session.get_untracked() {
                    Some(s) => client::authorize_request(&p, &s, req.clone()).unwrap_or(req),
                    None => req,
                };
                let text = to_curl(&req, &credential_header(&p), reveal.get_untracked());
                copy_text(text.clone(), "curl command copied");
                curl.set(Some(text));
                problems.set(Vec::new());
            }
            Err(list) => problems.set(list),
        }
    };

    let page_to = move |forward: bool| {
        let Some(s) = sent.get_untracked() else {
            return;
        };
        let Some(paging) = s.endpoint.and_then(|e| e.paging) else {
            return;
        };
        let values = if forward {
            next_page(paging, &s.values, &s.outline)
        } else {
            previous_page(paging, &s.values)
        };
        if let Some(values) = values {
            draft.update(|d| d.values = values);
            send();
        }
    };
    let pager = move || {
        let s = sent.get()?;
        let paging = s.endpoint.and_then(|e| e.paging)?;
        let ok = matches!(&s.outcome.result, Ok(r) if (200..300).contains(&r.status));
        let has_next = ok && next_page(paging, &s.values, &s.outline).is_some();
        let has_prev = previous_page(paging, &s.values).is_some();
        let style = match paging {
            catalog::Paging::Page { .. } => "page-based",
            catalog::Paging::Offset { .. } => "offset-based",
            catalog::Paging::HasMore { .. } => "has-more",
            catalog::Paging::Envelope { .. } => "page envelope",
        };
        Some(view! {
            <div class="pager" role="group" aria-label="Pagination">
                <button id="prev-page" type="button" disabled=!has_prev on:click=move |_| page_to(false)>"← Previous page"</button>
                <span class="muted">{style}</span>
                <button id="next-page" type="button" disabled=!has_next on:click=move |_| page_to(true)>"Next page →"</button>
            </div>
        })
    };

    let builder = move || {
        let p = provider.get()?;
        let e = endpoint.get();
        let is_custom = draft.with(|d| d.endpoint == CUSTOM) || e.is_none();
        let sends_body = if is_custom {
            true
        } else {
            e.is_some_and(|e| matches!(e.method, "POST" | "PUT" | "PATCH"))
        };
        let header = match e.filter(|_| !is_custom) {
            Some(e) => view! {
                <h3 id="endpoint-title"><span class=method_class(e.method)>{e.method}</span>" "{e.title}</h3>
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
        };
        let fields = match e.filter(|_| !is_custom) {
            Some(e) => param_fields(e, draft, problems).into_any(),
            None => view! {
                <div class="param">
                    <label for="custom-method">"Method"</label>
                    <select id="custom-method" on:change=move |ev| draft.update(|d| d.method = event_target_value(&ev))>
                        {["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].into_iter().map(|m| view! {
                            <option value=m selected=move || draft.with(|d| d.method == m)>{m}</option>
                        }).collect_view()}
                    </select>
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
            .into_any(),
        };
        let example = e.and_then(|e| e.body);
        let body = sends_body.then(|| view! {
            <div class="param">
                <label for="request-body">"Body (JSON)"</label>
                <textarea id="request-body" rows="10" spellcheck="false" class="code"
                    prop:value=move || draft.with(|d| d.body.clone())
                    on:input=move |ev| draft.update(|d| d.body = event_target_value(&ev))></textarea>
                {problem_for(problems, "body")}
                {example.map(|_| view! {
                    <button type="button" class="ghost small" on:click=move |_| {
                        if let Some(e) = endpoint.get_untracked() {
                            let fresh = Draft::for_endpoint(&e);
                            draft.update(|d| d.body = fresh.body);
                        }
                    }>"Reset to the example"</button>
                })}
            </div>
        });
        Some(view! {
            <form class="builder" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); send(); } novalidate>
                {header}
                {fields}
                {body}
                {move || scope_warning.get().map(|(text, needed)| view! {
                    <div class="banner warn-box" role="alert" id="scope-warning">
                        <p>{text}</p>
                        <button type="button" class="small" on:click=move |_| state.want_scope.set(Some(needed.to_string()))>
                            {format!("Add {needed} to the scopes above")}
                        </button>
                    </div>
                })}
                {move || (!problems.with(Vec::is_empty)).then(|| view! {
                    <p class="banner error" role="alert" id="request-problems">"Not sent: fix the fields marked below each."</p>
                })}
                {move || rt.session.with(|s| s.is_none()).then(|| view! {
                    <p class="banner info">"Not signed in: requests go out without credentials. Authorize (or enter your API key) first."</p>
                })}
                <div class="actions">
                    <button id="send" type="submit" class="primary" disabled=move || sending.get()>
                        {move || if sending.get() { "Sending…" } else if scope_warning.with(Option::is_some) { "Send anyway" } else { "Send" }}
                    </button>
                    <button id="copy-curl" type="button" on:click=copy_curl>"Copy as curl"</button>
                    <label class="chip-check">
                        <input id="curl-reveal" type="checkbox" prop:checked=move || reveal.get()
                            on:change=move |ev| reveal.set(event_target_checked(&ev))/>
                        "include credentials"
                    </label>
                </div>
                {move || curl.get().map(|c| view! { <pre class="raw" id="curl" tabindex="0">{c}</pre> })}
            </form>
        })
    };

    let history_view = move || {
        let entries = history.get();
        if entries.is_empty() {
            return view! { <p class="muted">"Requests you send appear here."</p> }.into_any();
        }
        let items = entries
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                let label = HttpUrl::parse(&h.url).map(|u| format!("{}{}", u.path(), u.query().map(|q| format!("?{q}")).unwrap_or_default())).unwrap_or(h.url.clone());
                let reopen = {
                    let h = h.clone();
                    move |_| {
                        if rt.provider_id.get_untracked() != h.provider_id {
                            state.select_provider(&h.provider_id);
                        }
                        draft.set(h.draft.clone());
                    }
                };
                let resend = {
                    let h = h.clone();
                    move |_| {
                        if rt.provider_id.get_untracked() != h.provider_id {
                            state.select_provider(&h.provider_id);
                        }
                        draft.set(h.draft.clone());
                        send();
                    }
                };
                let status = h.status.map(|s| s.to_string()).unwrap_or_else(|| "—".into());
                view! {
                    <li class="history-entry" data-index=i>
                        <span class=method_class(&h.method)>{h.method.clone()}</span>
                        <code class="history-url">{label}</code>
                        <span class="muted">{status}</span>
                        <button type="button" class="ghost small history-open" on:click=reopen>"Open"</button>
                        <button type="button" class="ghost small history-resend" on:click=resend>"Send again"</button>
                    </li>
                }
            })
            .collect_view();
        view! {
            <ol class="history">{items}</ol>
            <button type="button" class="ghost small" on:click=move |_| { client::store().clear_history(); history.set(Vec::new()); }>"Clear history"</button>
        }
        .into_any()
    };

    view! {
        <section class="card explorer" aria-labelledby="explorer-title">
            <h2 id="explorer-title"><span class="step">"3"</span>"Explore the API"</h2>
            <div class="explorer-grid">
                <EndpointList endpoints=endpoints draft=draft api_base=api_base/>
                <div class="builder-column">
                    {builder}
                    {pager}
                    <div aria-live="polite">
                        {move || sending.get().then(|| view! { <p class="busy" role="status">"Waiting for the answer…"</p> })}
                        {move || sent.get().map(|s| view! { <ResponseView sent=s granted=granted.get()/> })}
                    </div>
                </div>
            </div>
            <details class="history-box">
                <summary>{move || format!("History of this tab ({})", history.with(Vec::len))}</summary>
                {history_view}
            </details>
        </section>
    }
}
