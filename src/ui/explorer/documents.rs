// The explorer's OpenAPI documents. A built-in one ships next to index.html and is fetched the
// first time a provider that uses it is shown (it is not part of the first load); an imported
// one is kept in this browser under its provider.

use crate::catalog::{endpoints, Endpoint};
use crate::http::fetch::get_answer;
use crate::platform::{local_storage, KeyValue};
use crate::providers::{CatalogId, Provider};
use crate::session::keys;
use crate::types::ProviderId;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::JsCast;

thread_local! {
    /// Built-in documents already read, by path.
    static READ: RefCell<HashMap<&'static str, Vec<Endpoint>>> = RefCell::new(HashMap::new());
    /// Requests started before the page was drawn (`prefetch`), by path.
    static STARTED: RefCell<HashMap<&'static str, js_sys::Promise>> = RefCell::new(HashMap::new());
}

/// Starts fetching the provider's built-in document at once, so that it travels while the
/// page is first drawn (the explorer's own request would start only after).
pub fn prefetch(p: &Provider) {
    let Some(path) = p.catalog.and_then(CatalogId::document) else {
        return;
    };
    if READ.with(|read| read.borrow().contains_key(path)) {
        return;
    }
    if let Some(window) = web_sys::window() {
        let promise = window.fetch_with_str(path);
        STARTED.with(|started| started.borrow_mut().insert(path, promise));
    }
}

/// Reads the provider's built-in document before the page is first drawn, waiting at most
/// `ms`: when it comes in time, the first draw lists its endpoints; when not, the explorer
/// shows them when it comes.
pub async fn preload(p: &Provider, ms: i32) {
    use futures::FutureExt;
    if p.catalog.and_then(CatalogId::document).is_none() {
        return;
    }
    prefetch(p);
    let read = fetch(p).fuse();
    let late = crate::platform::sleep_ms(ms).fuse();
    futures::pin_mut!(read, late);
    futures::select! {
        _ = read => {},
        _ = late => {},
    }
}

/// The status and text of a prefetched document, `None` when none was started or it failed.
async fn prefetched(path: &'static str) -> Option<(u16, String)> {
    let promise = STARTED.with(|started| started.borrow_mut().remove(path))?;
    let answer: web_sys::Response = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    let text = wasm_bindgen_futures::JsFuture::from(answer.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    Some((answer.status(), text))
}

/// The provider's endpoints when they can be had without waiting: none for a provider without
/// a description, a built-in document already read, or the imported one.
pub fn at_hand(p: &Provider) -> Option<Result<Vec<Endpoint>, String>> {
    match p.catalog {
        None => Some(Ok(Vec::new())),
        Some(CatalogId::Imported) => Some(imported(&p.id)),
        Some(id) => {
            let path = id.document()?;
            READ.with(|read| read.borrow().get(path).cloned()).map(Ok)
        }
    }
}

fn imported(id: &ProviderId) -> Result<Vec<Endpoint>, String> {
    let text = local_storage().get(&keys::openapi(id)).ok_or_else(|| {
        "This provider's OpenAPI document is not kept in this browser (it travels apart from the \
         provider file): import it again under Describe another provider."
            .to_string()
    })?;
    endpoints(&text).map_err(|e| format!("The imported OpenAPI document cannot be read: {e}"))
}

/// Fetches and reads the provider's built-in document.
pub async fn fetch(p: &Provider) -> Result<Vec<Endpoint>, String> {
    let Some(path) = p.catalog.and_then(CatalogId::document) else {
        return at_hand(p).unwrap_or_else(|| Ok(Vec::new()));
    };
    let fallback = "Custom requests still work meanwhile.";
    let answer = match prefetched(path).await {
        Some(answer) => Some(answer),
        None => get_answer(path, &[("Accept", "application/json")], 15).await,
    };
    match answer {
        Some((200, text)) => {
            let list = endpoints(&text).map_err(|e| format!("{path} cannot be read. {e}"))?;
            READ.with(|read| read.borrow_mut().insert(path, list.clone()));
            Ok(list)
        }
        Some((status, _)) => Err(format!(
            "The API's description ({path}) answered {status}, so its endpoints are not listed. {fallback}"
        )),
        None => Err(format!(
            "The API's description ({path}) could not be fetched, so its endpoints are not listed. {fallback}"
        )),
    }
}

/// Keeps an imported document for `id` (replacing an earlier one).
pub fn keep(id: &ProviderId, text: &str) -> Result<(), String> {
    local_storage()
        .set(&keys::openapi(id), text)
        .map_err(|e| e.0)
}

pub fn forget(id: &ProviderId) {
    local_storage().remove(&keys::openapi(id));
}
