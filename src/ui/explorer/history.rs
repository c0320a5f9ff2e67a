// The tab's history of explorer requests: open one again, or send it again.

use super::endpoints::method_class;
use super::model::history_label;
use crate::session::HistoryEntry;
use leptos::prelude::*;

#[component]
pub fn History(
    history: RwSignal<Vec<HistoryEntry>>,
    on_open: impl Fn(HistoryEntry, bool) + Copy + Send + Sync + 'static,
    on_clear: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        let entries = history.get();
        if entries.is_empty() {
            return view! { <p class="muted">"Requests you send appear here."</p> }.into_any();
        }
        let items = entries
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                let status = h.status.map(|s| s.to_string()).unwrap_or_else(|| "—".into());
                let (again, open) = (h.clone(), h.clone());
                view! {
                    <li class="history-entry" data-index=i>
                        <span class=method_class(h.method)>{h.method.as_str()}</span>
                        <code class="history-url">{history_label(&h.url)}</code>
                        <span class="muted">{status}</span>
                        {h.body_dropped.map(|n| view! {
                            <span class="muted history-dropped">{format!("(body of {} KB not kept)", n.div_ceil(1024))}</span>
                        })}
                        <button type="button" class="ghost small history-open" on:click=move |_| on_open(open.clone(), false)>"Open"</button>
                        <button type="button" class="ghost small history-resend" on:click=move |_| on_open(again.clone(), true)>"Send again"</button>
                    </li>
                }
            })
            .collect_view();
        view! {
            <ol class="history">{items}</ol>
            <button type="button" class="ghost small" on:click=move |_| on_clear()>"Clear history"</button>
        }
        .into_any()
    }
}
