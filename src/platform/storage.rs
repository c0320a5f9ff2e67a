// Key-value storage: the `KeyValue` trait, Web Storage behind it in the browser, and a map for
// native tests. A write can fail (quota, storage disabled): callers are told, never silently.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

/// Why a value could not be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageError(pub String);

/// The storage primitive (Web Storage in the browser, a map in tests).
pub trait KeyValue {
    fn get(&self, key: &str) -> Option<String>;
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError>;
    fn remove(&self, key: &str);
    fn keys(&self) -> Vec<String>;
}

/// An in-memory store for native tests; `failing()` refuses every write, as disabled storage does.
#[derive(Default)]
pub struct MemoryStore {
    map: RefCell<BTreeMap<String, String>>,
    refuse_writes: Cell<bool>,
}

impl MemoryStore {
    pub fn failing() -> Self {
        let store = MemoryStore::default();
        store.refuse_writes.set(true);
        store
    }
}

impl KeyValue for MemoryStore {
    fn get(&self, key: &str) -> Option<String> {
        self.map.borrow().get(key).cloned()
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        if self.refuse_writes.get() {
            return Err(StorageError("storage is disabled".into()));
        }
        self.map
            .borrow_mut()
            .insert(key.to_string(), value.to_string());
        Ok(())
    }
    fn remove(&self, key: &str) {
        self.map.borrow_mut().remove(key);
    }
    fn keys(&self) -> Vec<String> {
        self.map.borrow().keys().cloned().collect()
    }
}

impl<T: KeyValue + ?Sized> KeyValue for std::rc::Rc<T> {
    fn get(&self, key: &str) -> Option<String> {
        (**self).get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        (**self).set(key, value)
    }
    fn remove(&self, key: &str) {
        (**self).remove(key)
    }
    fn keys(&self) -> Vec<String> {
        (**self).keys()
    }
}

/// Web Storage (session or local); `None` inside when the browser offers none.
pub struct WebStorage(Option<web_sys::Storage>);

/// sessionStorage: per tab, gone when the tab closes. Tokens and secrets live only here.
pub fn session_storage() -> WebStorage {
    WebStorage(web_sys::window().and_then(|w| w.session_storage().ok().flatten()))
}

/// localStorage: preferences only (client ids, redirect URIs, scopes, settings, theme).
pub fn local_storage() -> WebStorage {
    WebStorage(web_sys::window().and_then(|w| w.local_storage().ok().flatten()))
}

impl KeyValue for WebStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.0.as_ref()?.get_item(key).ok().flatten()
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        let Some(s) = &self.0 else {
            return Err(StorageError(
                "this browser offers no storage to this page".into(),
            ));
        };
        s.set_item(key, value).map_err(|e| {
            let name = js_sys::Reflect::get(&e, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .unwrap_or_else(|| "an error".into());
            StorageError(format!("the browser refused to store it ({name})"))
        })
    }
    fn remove(&self, key: &str) {
        if let Some(s) = &self.0 {
            let _ = s.remove_item(key);
        }
    }
    fn keys(&self) -> Vec<String> {
        let Some(s) = &self.0 else { return Vec::new() };
        let n = s.length().unwrap_or(0);
        (0..n).filter_map(|i| s.key(i).ok().flatten()).collect()
    }
}
