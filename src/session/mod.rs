// The session store over sessionStorage: pending flows, tokens, the typed secret and the flow
// log, under namespaced, versioned keys. Preferences (`Prefs`) are kept browser-wide.

mod browser;
pub use browser::{local_storage, session_storage};

use crate::oauth::callback::{FlowRecord, Lookup};
use crate::oauth::token::TokenSet;
use crate::types::ClientSecret;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Every key Handshake writes starts with this; the version changes when a format does.
pub const PREFIX: &str = "handshake.v1.";

/// The storage primitive (Web Storage in the browser, a map in tests).
pub trait KeyValue {
    fn get(&self, key: &str) -> Option<String>;
    fn set(&self, key: &str, value: &str);
    fn remove(&self, key: &str);
    fn keys(&self) -> Vec<String>;
}

/// An in-memory store for native tests.
#[derive(Default)]
pub struct MemoryStore(RefCell<BTreeMap<String, String>>);

impl KeyValue for MemoryStore {
    fn get(&self, key: &str) -> Option<String> {
        self.0.borrow().get(key).cloned()
    }
    fn set(&self, key: &str, value: &str) {
        self.0
            .borrow_mut()
            .insert(key.to_string(), value.to_string());
    }
    fn remove(&self, key: &str) {
        self.0.borrow_mut().remove(key);
    }
    fn keys(&self) -> Vec<String> {
        self.0.borrow().keys().cloned().collect()
    }
}

/// A signed-in session for one provider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredSession {
    pub provider_id: String,
    pub client_id: String,
    pub redirect_uri: String,
    /// Scopes asked for at authorize; the granted ones when the provider said so.
    pub scopes: Vec<String>,
    pub tokens: TokenSet,
}

/// One step of the OAuth dance as the flow log shows it (secrets already redacted).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    pub at: f64,
    pub step: String,
    pub title: String,
    pub ok: bool,
    pub request: Option<String>,
    pub response: Option<String>,
    pub note: Option<String>,
}

/// At most this many flow-log entries are kept.
pub const LOG_LIMIT: usize = 200;

/// One request sent from the explorer; the draft reopens it (no credentials are kept here).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: f64,
    pub provider_id: String,
    pub method: String,
    /// The URL as sent (credentials travel in headers, never here).
    pub url: String,
    pub status: Option<u16>,
    pub elapsed_ms: Option<f64>,
    pub draft: crate::catalog::Draft,
}

/// At most this many explorer requests are remembered per tab.
pub const HISTORY_LIMIT: usize = 50;

pub struct SessionStore<S: KeyValue> {
    kv: S,
}

impl<S: KeyValue> SessionStore<S> {
    pub fn new(kv: S) -> Self {
        SessionStore { kv }
    }

    fn read<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let text = self.kv.get(key)?;
        match serde_json::from_str(&text) {
            Ok(value) => Some(value),
            Err(_) => {
                // An unreadable entry (older format, manual edit) is dropped, not trusted.
                self.kv.remove(key);
                None
            }
        }
    }

    fn write<T: Serialize>(&self, key: &str, value: &T) {
        if let Ok(text) = serde_json::to_string(value) {
            self.kv.set(key, &text);
        }
    }

    pub fn save_flow(&self, record: &FlowRecord) {
        self.write(&format!("{PREFIX}flow.{}", record.state), record);
    }

    /// Removes and returns the pending flow for `state` (used once), remembering it completed.
    pub fn take_flow(&self, state: &str) -> Lookup {
        let key = format!("{PREFIX}flow.{state}");
        if let Some(record) = self.read::<FlowRecord>(&key) {
            self.kv.remove(&key);
            self.kv.set(&format!("{PREFIX}done.{state}"), "1");
            return Lookup::Pending(record);
        }
        if !state.is_empty() && self.kv.get(&format!("{PREFIX}done.{state}")).is_some() {
            return Lookup::Completed;
        }
        Lookup::Unknown
    }

    /// Removes and returns this tab's most recent pending flow for `provider_id` (a pasted
    /// bare code carries no state to look it up by).
    pub fn take_latest_flow(&self, provider_id: &str) -> Option<FlowRecord> {
        let prefix = format!("{PREFIX}flow.");
        let latest = self
            .kv
            .keys()
            .into_iter()
            .filter(|k| k.starts_with(&prefix))
            .filter_map(|k| self.read::<FlowRecord>(&k))
            .filter(|r| r.provider_id == provider_id)
            .max_by(|a, b| a.created_at.total_cmp(&b.created_at))?;
        match self.take_flow(latest.state.as_str()) {
            Lookup::Pending(record) => Some(record),
            _ => None,
        }
    }

    /// Pending flow records (for diagnostics and tests).
    pub fn pending_flows(&self) -> usize {
        self.kv
            .keys()
            .iter()
            .filter(|k| k.starts_with(&format!("{PREFIX}flow.")))
            .count()
    }

    pub fn save_session(&self, session: &StoredSession) {
        self.write(&format!("{PREFIX}session.{}", session.provider_id), session);
    }

    pub fn session(&self, provider_id: &str) -> Option<StoredSession> {
        self.read(&format!("{PREFIX}session.{provider_id}"))
    }

    pub fn clear_session(&self, provider_id: &str) {
        self.kv.remove(&format!("{PREFIX}session.{provider_id}"));
    }

    pub fn save_secret(&self, provider_id: &str, secret: Option<&ClientSecret>) {
        let key = format!("{PREFIX}secret.{provider_id}");
        match secret.filter(|s| !s.expose().is_empty()) {
            Some(s) => self.kv.set(&key, s.expose()),
            None => self.kv.remove(&key),
        }
    }

    pub fn secret(&self, provider_id: &str) -> Option<ClientSecret> {
        self.kv
            .get(&format!("{PREFIX}secret.{provider_id}"))
            .map(ClientSecret::new)
    }

    pub fn log(&self) -> Vec<LogEntry> {
        self.read(&format!("{PREFIX}log")).unwrap_or_default()
    }

    pub fn append_log(&self, entry: LogEntry) -> Vec<LogEntry> {
        let mut log = self.log();
        log.push(entry);
        if log.len() > LOG_LIMIT {
            log.drain(..log.len() - LOG_LIMIT);
        }
        self.write(&format!("{PREFIX}log"), &log);
        log
    }

    pub fn clear_log(&self) {
        self.kv.remove(&format!("{PREFIX}log"));
    }

    /// The explorer's request draft for a provider (survives a re-authorization round trip).
    pub fn save_draft(&self, provider_id: &str, draft: &crate::catalog::Draft) {
        self.write(&format!("{PREFIX}draft.{provider_id}"), draft);
    }

    pub fn draft(&self, provider_id: &str) -> Option<crate::catalog::Draft> {
        self.read(&format!("{PREFIX}draft.{provider_id}"))
    }

    pub fn history(&self) -> Vec<HistoryEntry> {
        self.read(&format!("{PREFIX}history")).unwrap_or_default()
    }

    /// Adds an entry, newest first, keeping at most `HISTORY_LIMIT`.
    pub fn push_history(&self, entry: HistoryEntry) -> Vec<HistoryEntry> {
        let mut list = self.history();
        list.insert(0, entry);
        list.truncate(HISTORY_LIMIT);
        self.write(&format!("{PREFIX}history"), &list);
        list
    }

    pub fn clear_history(&self) {
        self.kv.remove(&format!("{PREFIX}history"));
    }
}

/// Non-secret per-provider preferences (client id, redirect URI, scopes), kept across tabs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Prefs {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
}

pub fn load_prefs(kv: &impl KeyValue, provider_id: &str) -> Option<Prefs> {
    serde_json::from_str(&kv.get(&format!("{PREFIX}prefs.{provider_id}"))?).ok()
}

pub fn save_prefs(kv: &impl KeyValue, provider_id: &str, prefs: &Prefs) {
    if let Ok(text) = serde_json::to_string(prefs) {
        kv.set(&format!("{PREFIX}prefs.{provider_id}"), &text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{AccessToken, State};

    fn record(state: &str) -> FlowRecord {
        FlowRecord {
            state: State::new(state),
            verifier: None,
            provider_id: "p".into(),
            client_id: "c".into(),
            redirect_uri: "r".into(),
            scopes: vec![],
            created_at: 0.0,
        }
    }

    #[test]
    fn a_flow_record_is_used_once_then_reported_completed() {
        let store = SessionStore::new(MemoryStore::default());
        store.save_flow(&record("s1"));
        assert_eq!(store.pending_flows(), 1);
        assert!(matches!(store.take_flow("s1"), Lookup::Pending(r) if r.client_id == "c"));
        assert_eq!(store.pending_flows(), 0);
        assert!(matches!(store.take_flow("s1"), Lookup::Completed));
        assert!(matches!(store.take_flow("other"), Lookup::Unknown));
        assert!(matches!(store.take_flow(""), Lookup::Unknown));
    }

    #[test]
    fn the_latest_pending_flow_of_a_provider_is_found_without_state() {
        let store = SessionStore::new(MemoryStore::default());
        let mut old = record("old");
        old.created_at = 1.0;
        let mut new = record("new");
        new.created_at = 2.0;
        let mut other = record("other");
        other.provider_id = "q".into();
        other.created_at = 3.0;
        for r in [&old, &new, &other] {
            store.save_flow(r);
        }
        assert_eq!(store.take_latest_flow("p").unwrap().state.as_str(), "new");
        assert!(matches!(store.take_flow("new"), Lookup::Completed));
        assert_eq!(store.take_latest_flow("p").unwrap().state.as_str(), "old");
        assert!(store.take_latest_flow("p").is_none());
    }

    #[test]
    fn corrupt_entries_are_dropped_not_trusted() {
        let kv = MemoryStore::default();
        kv.set(&format!("{PREFIX}session.p"), "{not json");
        let store = SessionStore::new(kv);
        assert_eq!(store.session("p"), None);
        assert!(store.kv.get(&format!("{PREFIX}session.p")).is_none());
    }

    #[test]
    fn sessions_are_per_provider_and_clearable() {
        let store = SessionStore::new(MemoryStore::default());
        let tokens = TokenSet {
            access_token: AccessToken::new("a"),
            token_type: None,
            expires_in: None,
            expires_at: None,
            refresh_token: None,
            refresh_expires_in: None,
            refresh_expires_at: None,
            scope: None,
            obtained_at: 0.0,
        };
        let s = StoredSession {
            provider_id: "p".into(),
            client_id: "c".into(),
            redirect_uri: "r".into(),
            scopes: vec![],
            tokens,
        };
        store.save_session(&s);
        assert_eq!(store.session("p"), Some(s));
        assert_eq!(store.session("q"), None);
        store.clear_session("p");
        assert_eq!(store.session("p"), None);
    }

    #[test]
    fn the_log_is_capped() {
        let store = SessionStore::new(MemoryStore::default());
        for i in 0..LOG_LIMIT + 5 {
            store.append_log(LogEntry {
                at: i as f64,
                step: "s".into(),
                title: "t".into(),
                ok: true,
                request: None,
                response: None,
                note: None,
            });
        }
        let log = store.log();
        assert_eq!(log.len(), LOG_LIMIT);
        assert_eq!(log[0].at, 5.0);
    }

    #[test]
    fn history_is_newest_first_and_capped() {
        let store = SessionStore::new(MemoryStore::default());
        for i in 0..HISTORY_LIMIT + 3 {
            store.push_history(HistoryEntry {
                at: i as f64,
                provider_id: "p".into(),
                method: "GET".into(),
                url: format!("https://h/{i}"),
                status: Some(200),
                elapsed_ms: None,
                draft: crate::catalog::Draft::default(),
            });
        }
        let h = store.history();
        assert_eq!(h.len(), HISTORY_LIMIT);
        assert_eq!(h[0].at, (HISTORY_LIMIT + 2) as f64);
    }

    #[test]
    fn empty_secrets_are_not_stored() {
        let store = SessionStore::new(MemoryStore::default());
        store.save_secret("p", Some(&ClientSecret::new("")));
        assert!(store.secret("p").is_none());
        store.save_secret("p", Some(&ClientSecret::new("x")));
        assert_eq!(store.secret("p").unwrap().expose(), "x");
    }
}
