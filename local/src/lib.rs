// The in-browser Sandbox as its own WebAssembly module. The app loads it only when a
// "In this browser" provider is used, so the first load of everyone else stays small.
// Strings in, strings out: JSON keeps the boundary to four methods.

use handshake_sandbox::journal::{config_for, Entry, Journal, Journaled};
use serde::Serialize;
use wasm_bindgen::prelude::wasm_bindgen;

/// The Sandbox's answer as the page reads it.
#[derive(Serialize)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    delay_ms: u64,
    /// Whether the journal grew (the page then saves it).
    changed: bool,
}

#[wasm_bindgen]
pub struct LocalSandbox(Journaled);

#[wasm_bindgen]
impl LocalSandbox {
    /// Rebuilds the Sandbox from a saved journal (JSON); `redirect_uri` is the page's callback.
    #[wasm_bindgen(constructor)]
    pub fn new(journal: &str, redirect_uri: &str) -> LocalSandbox {
        let journal: Journal = serde_json::from_str(journal).unwrap_or_default();
        LocalSandbox(Journaled::replay(journal, config_for(redirect_uri)))
    }

    /// Answers one request (`headers` is a JSON list of [name, value] pairs), as JSON.
    pub fn handle(
        &mut self,
        method: &str,
        target: &str,
        headers: &str,
        body: &str,
        now: f64,
    ) -> String {
        let entry = Entry {
            method: method.to_ascii_uppercase(),
            target: target.to_string(),
            headers: serde_json::from_str(headers).unwrap_or_default(),
            body: body.to_string(),
            now: now.max(0.0) as u64,
        };
        let (response, changed) = self.0.handle(entry);
        let body = String::from_utf8(response.body)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        serde_json::to_string(&Answer {
            status: response.status,
            headers: response.headers,
            body,
            delay_ms: response.delay_ms,
            changed,
        })
        .unwrap_or_default()
    }

    /// The journal to keep (JSON).
    pub fn journal(&self) -> String {
        serde_json::to_string(self.0.journal()).unwrap_or_default()
    }

    /// The consent check of an authorize query, as JSON.
    pub fn consent(&self, query: &str) -> String {
        serde_json::to_string(&self.0.consent(query)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_journals_through_json() {
        let mut local =
            LocalSandbox::new(r#"{"seed":7,"entries":[]}"#, "https://x.example/callback");
        let answer: serde_json::Value = serde_json::from_str(&local.handle(
            "get",
            "/api/v1/genres",
            r#"[["x-api-key","academy-sandbox-key"]]"#,
            "",
            1000.0,
        ))
        .unwrap();
        assert_eq!(answer["status"], 200);
        assert_eq!(answer["changed"], false);
        assert!(answer["body"].as_str().unwrap().starts_with('['));

        let answer: serde_json::Value = serde_json::from_str(&local.handle(
            "POST",
            "/api/v1/movies",
            r#"[["x-api-key","academy-sandbox-key"],["content-type","application/json"]]"#,
            r#"{"name":"Local"}"#,
            2000.0,
        ))
        .unwrap();
        assert_eq!(answer["changed"], true);
        let journal: serde_json::Value = serde_json::from_str(&local.journal()).unwrap();
        assert_eq!(journal["seed"], 7);
        assert_eq!(journal["entries"].as_array().unwrap().len(), 1);

        let consent: serde_json::Value = serde_json::from_str(&local.consent(
            "client_id=academy-sandbox-client&redirect_uri=https%3A%2F%2Fx.example%2Fcallback&response_type=code&scope=connect&state=s",
        ))
        .unwrap();
        assert_eq!(consent["kind"], "ask");
    }

    #[test]
    fn a_broken_journal_starts_afresh() {
        let local = LocalSandbox::new("not json", "https://x.example/callback");
        assert_eq!(local.journal(), r#"{"seed":0,"entries":[]}"#);
    }
}
