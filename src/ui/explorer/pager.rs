// Previous and next page, in the endpoint's own pagination style.

use super::response::Sent;
use crate::catalog::{next_page, previous_page, Paging};
use leptos::prelude::*;

fn style(paging: &Paging) -> &'static str {
    match paging {
        Paging::Page { .. } => "page-based",
        Paging::Offset { .. } => "offset-based",
        Paging::HasMore { .. } => "has-more",
        Paging::Envelope { .. } => "page envelope",
    }
}

#[component]
pub fn Pager(sent: Sent, on_page: impl Fn(bool) + Copy + Send + Sync + 'static) -> impl IntoView {
    let paging = sent.endpoint.and_then(|e| e.paging)?;
    let paging = &paging;
    let ok = matches!(&sent.outcome.result, Ok(r) if r.response.is_success());
    let has_next = ok && next_page(paging, &sent.values, &sent.outline).is_some();
    let has_prev = previous_page(paging, &sent.values).is_some();
    Some(view! {
        <div class="pager" role="group" aria-label="Pagination">
            <button id="prev-page" type="button" disabled=!has_prev on:click=move |_| on_page(false)>"← Previous page"</button>
            <span class="muted">{style(paging)}</span>
            <button id="next-page" type="button" disabled=!has_next on:click=move |_| on_page(true)>"Next page →"</button>
        </div>
    })
}
