// The flow log: every step of the OAuth dance in order, as raw HTTP with secrets redacted.

use super::AppState;
use crate::session::LogEntry;
use leptos::prelude::*;

fn clock(at: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at));
    format!(
        "{:02}:{:02}:{:02}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

fn entry_view(index: usize, entry: LogEntry) -> impl IntoView {
    let class = if entry.ok {
        "log-entry ok"
    } else {
        "log-entry bad"
    };
    view! {
        <li class=class data-step=entry.step.clone()>
            <details open=index == 0>
                <summary>
                    <span class="log-step">{entry.step.clone()}</span>
                    <span class="log-title">{entry.title.clone()}</span>
                    <time class="muted">{clock(entry.at)}</time>
                </summary>
                {entry.note.map(|n| view! { <p class="log-note">{n}</p> })}
                {entry.request.map(|r| view! { <h4>"Request"</h4><pre class="raw">{r}</pre> })}
                {entry.response.map(|r| view! { <h4>"Response"</h4><pre class="raw">{r}</pre> })}
            </details>
        </li>
    }
}

#[component]
pub fn FlowLog() -> impl IntoView {
    let state = expect_context::<AppState>();
    let log = state.runtime.log;
    let runtime = state.runtime;
    view! {
        <section class="card" aria-labelledby="log-title">
            <div class="card-head">
                <h2 id="log-title">"Flow log"</h2>
                <button type="button" class="ghost small" on:click=move |_| runtime.clear_log()
                    disabled=move || log.with(|l| l.is_empty())>"Clear"</button>
            </div>
            <p class="hint">"Each step as it went over the wire. Secrets are redacted; tokens show their last four characters."</p>
            {move || {
                let entries = log.get();
                if entries.is_empty() {
                    return view! { <p class="muted">"Nothing yet: press Authorize to start."</p> }.into_any();
                }
                let newest_first: Vec<LogEntry> = entries.into_iter().rev().collect();
                view! {
                    <ol class="log" reversed>
                        {newest_first.into_iter().enumerate().map(|(i, e)| entry_view(i, e)).collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </section>
    }
}
