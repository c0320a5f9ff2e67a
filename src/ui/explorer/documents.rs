// The explorer's OpenAPI documents. A built-in one ships next to index.html (not compiled into
// the app): the selected provider's is requested during start-up, another the first time its
// provider is shown, one request each. An imported one is kept in this browser under its
// provider.

use crate::catalog::{endpoints, Endpoint};
use crate::http::fetch::get_answer;
use crate::platform::{local_storage, KeyValue};
use crate::providers::{CatalogId, Provider};
use crate::session::keys;
use crate::types::ProviderId;
use futures::future::{LocalBoxFuture, Shared};
use futures::FutureExt;
use std::cell::RefCell;
use std::collections::HashMap;

type Loading = Shared<LocalBoxFuture<'static, Result<Vec<Endpoint>, String>>>;

thread_local! {
    /// Built-in documents already read, by path.
    static READ: RefCell<HashMap<&'static str, Vec<Endpoint>>> = RefCell::new(HashMap::new());
    /// Built-in documents on their way, by path: one request each, whoever waits for it.
    static LOADING: RefCell<HashMap<&'static str, Loading>> = RefCell::new(HashMap::new());
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

/// Fetches and reads the provider's built-in document (joining a request already on its way).
pub async fn fetch(p: &Provider) -> Result<Vec<Endpoint>, String> {
    let Some(path) = p.catalog.and_then(CatalogId::document) else {
        return at_hand(p).unwrap_or_else(|| Ok(Vec::new()));
    };
    let result = loading(path).await;
    if result.is_err() {
        // A later look at the provider tries again.
        LOADING.with(|loading| loading.borrow_mut().remove(path));
    }
    result
}

/// Reads the provider's built-in document before the page is first drawn, waiting at most
/// `ms`: when it comes in time, the first draw lists its endpoints; when not, the request goes
/// on and the explorer shows them when it comes.
pub async fn preload(p: &Provider, ms: i32) {
    let Some(path) = p.catalog.and_then(CatalogId::document) else {
        return;
    };
    let read = loading(path);
    let late = crate::platform::sleep_ms(ms).fuse();
    futures::pin_mut!(late);
    futures::select! {
        _ = read.fuse() => {},
        _ = late => {},
    }
}

/// The one request for the document at `path`.
fn loading(path: &'static str) -> Loading {
    LOADING.with(|loading| {
        loading
            .borrow_mut()
            .entry(path)
            .or_insert_with(|| read_builtin(path).boxed_local().shared())
            .clone()
    })
}

async fn read_builtin(path: &'static str) -> Result<Vec<Endpoint>, String> {
    let fallback = "Custom requests still work meanwhile.";
    match get_answer(path, &[("Accept", "application/json")], 15).await {
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
