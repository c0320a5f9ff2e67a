// The flow log: every step of the OAuth dance in order, as raw HTTP with secrets redacted.

use super::decoded::Decoded;
use super::state::{Client, Guided};
use super::widgets::{guide_step_id, log_entry_id, reveal};
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

fn entry_view(
    index: usize,
    entry: LogEntry,
    newest: bool,
    guided: RwSignal<bool>,
) -> impl IntoView {
    let guide_link = entry.step.guide_step().map(|step| {
        move || {
            guided.get().then(|| {
                view! {
                    <button type="button" class="ghost small" on:click=move |_| reveal(&guide_step_id(step), true)>
                        {format!("Step {} in the guide", step.number())}
                    </button>
                }
            })
        }
    });
    let class = if entry.ok {
        "log-entry ok"
    } else {
        "log-entry bad"
    };
    view! {
        <li class=class data-step=entry.step.name() id=log_entry_id(index) tabindex="-1">
            <details open=newest>
                <summary>
                    <span class="log-step">{entry.step.name()}</span>
                    <span class="log-title" title=entry.title.clone()>{entry.title.clone()}</span>
                    <time class="muted">{clock(entry.at)}</time>
                </summary>
                {entry.note.map(|n| view! { <p class="log-note">{n}</p> })}
                {entry.request.map(|r| view! {
                    <h3>"Request"</h3><pre class="raw" tabindex="0">{r.clone()}</pre>
                    <Decoded text=Signal::stored(r) id=format!("{}-request-decoded", log_entry_id(index))/>
                })}
                {entry.response.map(|r| view! {
                    <h3>"Response"</h3><pre class="raw" tabindex="0">{r.clone()}</pre>
                    <Decoded text=Signal::stored(r) id=format!("{}-response-decoded", log_entry_id(index))/>
                })}
                {guide_link}
            </details>
        </li>
    }
}

#[component]
pub fn FlowLog() -> impl IntoView {
    let client = expect_context::<Client>();
    let Guided(guided) = expect_context::<Guided>();
    let log = client.log;
    view! {
        <section class="card" aria-labelledby="log-title">
            <div class="card-head">
                <h2 id="log-title">"Flow log"</h2>
                <button type="button" class="ghost small" on:click=move |_| client.ctl().clear_log()
                    disabled=move || log.with(|l| l.is_empty())>"Clear"</button>
            </div>
            <p class="hint">"Each step as it went over the wire. Secrets are redacted; tokens show their last four characters."</p>
            <Show when=move || log.with(|l| !l.is_empty())
                fallback=|| view! { <p class="muted">"Nothing yet: press Authorize to start."</p> }>
                <ol class="log" reversed>
                    // Keyed: a new step adds one item; the others are not rebuilt.
                    <For
                        // Keys only: the entries (whole raw requests and answers) are read once, when
                        // their item is created, not copied on every new step.
                        each=move || {
                            log.with(|entries| {
                                let last = entries.len().saturating_sub(1);
                                entries
                                    .iter()
                                    .enumerate()
                                    .rev()
                                    .map(|(i, e)| (i, i == last, e.at.to_bits()))
                                    .collect::<Vec<_>>()
                            })
                        }
                        key=|(i, _, at)| (*i, *at)
                        children=move |(i, newest, _)| {
                            log.with_untracked(|l| l.get(i).cloned())
                                .map(|e| entry_view(i, e, newest, guided))
                        }
                    />
                </ol>
            </Show>
        </section>
    }
}
