// Web Storage behind the `KeyValue` trait. Storage failures (quota, disabled
// storage) are swallowed here: the app keeps working in memory for the rest of the page's life.

use super::KeyValue;

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
    fn set(&self, key: &str, value: &str) {
        if let Some(s) = &self.0 {
            let _ = s.set_item(key, value);
        }
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
