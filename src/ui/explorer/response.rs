// An answer in the explorer: status and its meaning, what usually causes a failure, headers,
// and the body as a JSON tree or raw text. Large bodies stay browser strings; JSON.parse runs
// once, and only what is opened of the tree is drawn.

use crate::catalog::Endpoint;
use crate::http::{explain, status_meaning, JsText};
use crate::platform::sleep_ms;
use crate::types::Scope;
use crate::ui::json_tree::{self, JsonTree};
use crate::ui::state::Outcome;
use crate::ui::widgets::{human_size, millis};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;

/// JSON answers up to this size are indented in the raw view.
const PRETTY_LIMIT: usize = 1 << 20;

/// Raw bodies longer than this show their beginning until the user asks for all.
const RAW_PREVIEW: usize = 200_000;

/// Answers above this size are parsed in a task of their own, so that reading, parsing and
/// drawing never add up to one long task; smaller ones are quicker without the round trips.
const PARSE_APART: usize = 2 << 20;

/// A body parsed once by the browser, kept on the JS side.
#[derive(Clone)]
pub struct Parsed(pub SendWrapper<JsValue>);

impl PartialEq for Parsed {
    fn eq(&self, other: &Self) -> bool {
        *self.0 == *other.0
    }
}

/// One sent request and what came back, with what is needed to page on from it.
#[derive(Clone, PartialEq)]
pub struct Sent {
    pub outcome: Outcome,
    /// The body as JSON, when it is JSON.
    pub parsed: Option<Parsed>,
    /// Enough of the parsed body to decide whether there is a next page.
    pub outline: serde_json::Value,
    pub endpoint: Option<Endpoint>,
    pub values: BTreeMap<String, String>,
    pub scope: Option<String>,
}

/// The body as a JS string: the browser's own when it is large, else a copy of ours.
fn body_js(body: &str, large: Option<&JsText>) -> JsValue {
    match large {
        Some(l) => (*l.text).clone(),
        None => JsValue::from_str(body),
    }
}

/// Parses an answer's body with the browser's JSON.parse.
pub async fn parse_body(outcome: &Outcome) -> Option<Parsed> {
    let reply = outcome.result.as_ref().ok()?;
    if reply.large.is_none() && reply.response.body.trim().is_empty() {
        return None;
    }
    let apart = reply.response.size > PARSE_APART;
    if apart {
        sleep_ms(0).await;
    }
    let value = json_tree::parse_js(&body_js(&reply.response.body, reply.large.as_ref()))?;
    if apart {
        sleep_ms(0).await;
    }
    Some(Parsed(SendWrapper::new(value)))
}

/// The raw view's text: at most a preview copied out of the browser until asked for all.
fn raw_text(text: &JsValue, all: bool) -> String {
    let text = js_sys::JsString::from(text.clone());
    if all || (text.length() as usize) <= RAW_PREVIEW {
        return String::from(text);
    }
    let mut cut = RAW_PREVIEW as u32;
    // Do not split a surrogate pair (a high surrogate is 0xD800..0xDC00).
    if (55296.0..56320.0).contains(&text.char_code_at(cut - 1)) {
        cut -= 1;
    }
    String::from(text.slice(0, cut))
}

/// The request an answer belongs to, above it: its first line, and the rest (headers and body,
/// redacted) on request. An answer is never shown without it.
fn sent_request(raw: &str) -> Option<impl IntoView> {
    let first = raw.lines().next().filter(|l| !l.is_empty())?.to_string();
    let first = first.trim_end_matches(" HTTP/1.1").to_string();
    let rest = raw
        .split_once('\n')
        .map(|(_, r)| r.to_string())
        .unwrap_or_default();
    Some(view! {
        <div class="sent-request" id="sent-request">
            <p class="sent-line"><span class="muted">"Answer to "</span><code>{first}</code></p>
            {(!rest.trim().is_empty()).then(|| view! {
                <details class="sent-raw">
                    <summary>"Request headers and body (secrets redacted)"</summary>
                    <pre class="raw" tabindex="0">{rest}</pre>
                </details>
            })}
        </div>
    })
}

/// At most this many places are listed, after looking at no more than `FIND_BUDGET` nodes.
const FIND_LIMIT: usize = 100;
const FIND_BUDGET: usize = 200_000;

/// Finds keys and values in the parsed answer; each place by its path, which can be copied.
#[component]
fn FindInAnswer(value: SendWrapper<JsValue>) -> impl IntoView {
    let needle = RwSignal::new(String::new());
    let found = Memo::new(move |_| {
        let n = needle.get();
        (!n.trim().is_empty()).then(|| json_tree::find(&value, n.trim(), FIND_LIMIT, FIND_BUDGET))
    });
    view! {
        <div class="find-in-answer">
            <input id="answer-find" type="search" spellcheck="false" placeholder="Find in this answer: keys and values"
                aria-label="Find in this answer" prop:value=move || needle.get()
                on:input=move |ev| needle.set(event_target_value(&ev))/>
            {move || found.get().map(|(hits, more)| {
                let count = match (hits.len(), more) {
                    (0, _) => "Nowhere in this answer.".to_string(),
                    (n, true) => format!("The first {n} places (the answer is larger than one search looks through)."),
                    (1, false) => "1 place.".to_string(),
                    (n, false) => format!("{n} places."),
                };
                view! {
                    <p class="muted" id="answer-find-count" role="status">{count}</p>
                    <ul class="find-hits" id="answer-find-hits" tabindex="0" aria-label="Places found">
                        {hits.into_iter().map(|h| {
                            let path = h.path.clone();
                            view! {
                                <li>
                                    <button type="button" class="mini" title="Copy the path"
                                        on:click=move |_| crate::ui::widgets::copy_text(path.clone(), "Path copied")>"path"</button>
                                    <code>{h.path}</code>" "<span class="muted">{h.text}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
        </div>
    }
}

#[component]
pub fn ResponseView(sent: Sent, granted: Vec<Scope>, now: f64) -> impl IntoView {
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
    let request = sent_request(&outcome.request);
    let reply = match outcome.result {
        Err(e) => {
            return view! { {request} {note} <p class="banner error" role="alert" id="response-error">{e.message()}</p> }
                .into_any()
        }
        Ok(reply) => reply,
    };
    let resp = reply.response;
    let explanation = explain(&resp, scope.as_deref(), &granted, now / 1000.0);
    let ok = resp.is_success();
    let headers = resp
        .headers
        .iter()
        .map(|(k, v)| view! { <tr><th scope="row">{k.clone()}</th><td>{v.clone()}</td></tr> })
        .collect_view();
    let size = resp.size;
    let raw = RwSignal::new(parsed.is_none());
    let show_all = RwSignal::new(false);
    // Raw shows JSON indented (as received is one long line), up to a size worth the time;
    // indented only when Raw is first shown, not on the way to the tree.
    let body = SendWrapper::new(body_js(&resp.body, reply.large.as_ref()));
    let indent = SendWrapper::new(
        parsed
            .as_ref()
            .filter(|_| size <= PRETTY_LIMIT)
            .map(|p| p.0.clone()),
    );
    let text = move || -> JsValue {
        indent
            .as_ref()
            .and_then(|value| {
                js_sys::JSON::stringify_with_replacer_and_space(
                    value,
                    &JsValue::NULL,
                    &JsValue::from(2),
                )
                .ok()
            })
            .map(JsValue::from)
            .unwrap_or_else(|| (*body).clone())
    };
    let tree = parsed.map(|p| p.0);
    let has_tree = tree.is_some();
    view! {
        {request}
        {note}
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
            {tree.clone().map(|value| view! { <FindInAnswer value=value/> })}
            {has_tree.then(|| view! {
                <div class="view-switch" role="group" aria-label="Body view">
                    <button type="button" class="ghost small" aria-pressed=move || (!raw.get()).to_string() on:click=move |_| raw.set(false)>"Tree"</button>
                    <button type="button" class="ghost small" aria-pressed=move || raw.get().to_string() on:click=move |_| raw.set(true)>"Raw"</button>
                </div>
            })}
            {move || match (raw.get(), tree.clone()) {
                (false, Some(value)) => view! { <div class="tree-box" id="response-tree"><JsonTree value=value/></div> }.into_any(),
                _ => view! {
                    <pre class="body" tabindex="0" id="response-raw">{
                        let text = SendWrapper::new(text());
                        move || raw_text(&text, show_all.get())
                    }</pre>
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
