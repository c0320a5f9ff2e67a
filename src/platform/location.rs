// The address bar and navigation away from the app (the router owns navigation inside it).

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The document's base URL (`<base href>` resolved), e.g. `https://me.github.io/handshake/`.
pub fn base_uri() -> Option<String> {
    window()?.document()?.base_uri().ok().flatten()
}

pub fn location_pathname() -> String {
    window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

/// The query string with its leading '?' (or empty).
pub fn location_search() -> String {
    window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The fragment with its leading '#' (or empty).
pub fn location_hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Replaces the current history entry's URL without loading anything (scrubbing a callback).
pub fn replace_url(url: &str) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

/// Leaves the app for `url` (a provider's authorize page).
pub fn assign(url: &str) {
    if let Some(w) = window() {
        let _ = w.location().set_href(url);
    }
}

/// Opens `url` in a new tab without giving it a handle on this one; false when blocked.
pub fn open_new_tab(url: &str) -> bool {
    window()
        .and_then(|w| {
            w.open_with_url_and_target_and_features(url, "_blank", "noopener")
                .ok()
        })
        .is_some()
}

pub fn reload() {
    if let Some(w) = window() {
        let _ = w.location().reload();
    }
}
