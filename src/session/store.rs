// What is kept between page loads, over any `KeyValue`: pending flows, sessions, typed secrets,
// the flow log, drafts and history (sessionStorage in the browser), and preferences
// (localStorage). Unreadable entries are dropped, not trusted; failed writes are reported.

use super::keys;
use super::log::{LogEntry, LOG_LIMIT};
use crate::oauth::callback::{FlowRecord, Lookup};
use crate::oauth::id_token::IdTokenReport;
use crate::oauth::token::TokenSet;
use crate::platform::{KeyValue, StorageError};
use crate::types::{AccessToken, ClientId, ClientSecret, ProviderId, RefreshToken, Scope};
use crate::wire::Method;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// A signed-in session for one provider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredSession {
    pub provider_id: ProviderId,
    pub client_id: ClientId,
    pub redirect_uri: String,
    /// Scopes asked for at authorize; the granted ones when the provider said so.
    pub scopes: Vec<Scope>,
    pub tokens: TokenSet,
    /// The scopes asked for (to tell when the provider granted fewer).
    #[serde(default)]
    pub asked: Vec<Scope>,
    /// What was verified about the ID token, when one came.
    #[serde(default)]
    pub id_token: Option<IdTokenReport>,
}

impl StoredSession {
    /// A session for a credential Handshake did not obtain itself (an API key, a pasted token):
    /// no expiry, scopes or ID token known.
    pub fn given(
        provider_id: ProviderId,
        client_id: ClientId,
        access: AccessToken,
        token_type: &str,
        refresh: Option<RefreshToken>,
        now: f64,
    ) -> Self {
        StoredSession {
            provider_id,
            client_id,
            redirect_uri: String::new(),
            scopes: Vec::new(),
            tokens: TokenSet {
                access_token: access,
                token_type: Some(token_type.into()),
                expires_in: None,
                expires_at: None,
                refresh_token: refresh,
                refresh_expires_in: None,
                refresh_expires_at: None,
                scope: None,
                obtained_at: now,
                id_token: None,
            },
            asked: Vec::new(),
            id_token: None,
        }
    }

    /// RFC 6749 §3.3: scopes asked for that the provider did not grant (it said which it did).
    pub fn missing_scopes(&self) -> Vec<Scope> {
        match &self.tokens.scope {
            Some(granted) => self
                .asked
                .iter()
                .filter(|s| !granted.contains(s))
                .cloned()
                .collect(),
            None => Vec::new(),
        }
    }
}

/// One request sent from the explorer; the draft reopens it (no credentials are kept here).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: f64,
    pub provider_id: ProviderId,
    pub method: Method,
    /// The URL as sent (credentials travel in headers, never here).
    pub url: String,
    pub status: Option<u16>,
    pub elapsed_ms: Option<f64>,
    pub draft: crate::catalog::Draft,
    /// The size of a request body too large to keep (the draft then has none).
    #[serde(default)]
    pub body_dropped: Option<usize>,
}

/// At most this many explorer requests are remembered per tab…
pub const HISTORY_LIMIT: usize = 50;
/// …a request body over this many bytes is not kept with its entry…
pub const HISTORY_BODY_LIMIT: usize = 16 * 1024;
/// …and the whole history stays under this many bytes (the oldest go first).
pub const HISTORY_BYTES: usize = 256 * 1024;

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

    fn write<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StorageError> {
        let text = serde_json::to_string(value).map_err(|e| StorageError(e.to_string()))?;
        self.kv.set(key, &text)
    }

    pub fn save_flow(&self, record: &FlowRecord) -> Result<(), StorageError> {
        self.write(&keys::flow(record.state.as_str()), record)
    }

    /// Removes and returns the pending flow for `state` (used once), remembering it completed.
    pub fn take_flow(&self, state: &str) -> Lookup {
        let key = keys::flow(state);
        if let Some(record) = self.read::<FlowRecord>(&key) {
            self.kv.remove(&key);
            let _ = self.kv.set(&keys::done(state), "1");
            return Lookup::Pending(record);
        }
        if !state.is_empty() && self.kv.get(&keys::done(state)).is_some() {
            return Lookup::Completed;
        }
        Lookup::Unknown
    }

    /// Removes and returns this tab's most recent pending flow for `provider` (a pasted bare
    /// code carries no state to look it up by).
    pub fn take_latest_flow(&self, provider: &ProviderId) -> Option<FlowRecord> {
        let prefix = keys::flow_prefix();
        let latest = self
            .kv
            .keys()
            .into_iter()
            .filter(|k| k.starts_with(&prefix))
            .filter_map(|k| self.read::<FlowRecord>(&k))
            .filter(|r| r.provider_id == *provider)
            .max_by(|a, b| a.created_at.total_cmp(&b.created_at))?;
        match self.take_flow(latest.state.as_str()) {
            Lookup::Pending(record) => Some(record),
            _ => None,
        }
    }

    /// Pending flow records (for diagnostics and tests).
    pub fn pending_flows(&self) -> usize {
        let prefix = keys::flow_prefix();
        self.kv
            .keys()
            .iter()
            .filter(|k| k.starts_with(&prefix))
            .count()
    }

    pub fn save_session(&self, session: &StoredSession) -> Result<(), StorageError> {
        self.write(&keys::session(&session.provider_id), session)
    }

    pub fn session(&self, provider: &ProviderId) -> Option<StoredSession> {
        self.read(&keys::session(provider))
    }

    pub fn clear_session(&self, provider: &ProviderId) {
        self.kv.remove(&keys::session(provider));
    }

    /// Keeps a typed secret for this tab; an empty one removes it.
    pub fn save_secret(
        &self,
        provider: &ProviderId,
        secret: Option<&ClientSecret>,
    ) -> Result<(), StorageError> {
        let key = keys::secret(provider);
        match secret.filter(|s| !s.expose().is_empty()) {
            Some(s) => self.kv.set(&key, s.expose()),
            None => {
                self.kv.remove(&key);
                Ok(())
            }
        }
    }

    pub fn secret(&self, provider: &ProviderId) -> Option<ClientSecret> {
        self.kv.get(&keys::secret(provider)).map(ClientSecret::new)
    }

    pub fn log(&self) -> Vec<LogEntry> {
        self.read(&keys::log()).unwrap_or_default()
    }

    pub fn save_log(&self, log: &[LogEntry]) -> Result<(), StorageError> {
        self.write(&keys::log(), &log)
    }

    pub fn clear_log(&self) {
        self.kv.remove(&keys::log());
    }

    /// The explorer's request draft for a provider (survives a re-authorization round trip).
    pub fn save_draft(
        &self,
        provider: &ProviderId,
        draft: &crate::catalog::Draft,
    ) -> Result<(), StorageError> {
        self.write(&keys::draft(provider), draft)
    }

    pub fn draft(&self, provider: &ProviderId) -> Option<crate::catalog::Draft> {
        self.read(&keys::draft(provider))
    }

    pub fn history(&self) -> Vec<HistoryEntry> {
        self.read(&keys::history()).unwrap_or_default()
    }

    /// Adds an entry, newest first: at most `HISTORY_LIMIT` entries in `HISTORY_BYTES`, a
    /// body over `HISTORY_BODY_LIMIT` left out (its size noted).
    pub fn push_history(
        &self,
        mut entry: HistoryEntry,
    ) -> (Vec<HistoryEntry>, Result<(), StorageError>) {
        if entry.draft.body.len() > HISTORY_BODY_LIMIT {
            entry.body_dropped = Some(entry.draft.body.len());
            entry.draft.body.clear();
        }
        let mut list = self.history();
        list.insert(0, entry);
        list.truncate(HISTORY_LIMIT);
        let size = |e: &HistoryEntry| serde_json::to_string(e).map(|t| t.len()).unwrap_or(0);
        let mut total: usize = list.iter().map(size).sum();
        while total > HISTORY_BYTES && list.len() > 1 {
            total -= list.pop().map(|e| size(&e)).unwrap_or(0);
        }
        let saved = self.write(&keys::history(), &list);
        (list, saved)
    }

    pub fn clear_history(&self) {
        self.kv.remove(&keys::history());
    }
}

/// Appends `entry` to `log`, keeping the newest `LOG_LIMIT`.
pub fn append_capped(log: &mut Vec<LogEntry>, entry: LogEntry) {
    log.push(entry);
    if log.len() > LOG_LIMIT {
        log.drain(..log.len() - LOG_LIMIT);
    }
}

/// Non-secret per-provider preferences (client id, redirect URI, scopes, extra authorize
/// parameters, PAR and DPoP switches), kept across tabs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Prefs {
    pub client_id: ClientId,
    pub redirect_uri: String,
    pub scopes: Vec<Scope>,
    #[serde(default)]
    pub extra: Vec<(String, String)>,
    #[serde(default)]
    pub use_par: bool,
    #[serde(default)]
    pub use_dpop: bool,
}

pub fn load_prefs(kv: &impl KeyValue, provider: &ProviderId) -> Option<Prefs> {
    serde_json::from_str(&kv.get(&keys::prefs(provider))?).ok()
}

pub fn save_prefs(
    kv: &impl KeyValue,
    provider: &ProviderId,
    prefs: &Prefs,
) -> Result<(), StorageError> {
    let text = serde_json::to_string(prefs).map_err(|e| StorageError(e.to_string()))?;
    kv.set(&keys::prefs(provider), &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::MemoryStore;
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
            nonce: None,
            issuer: None,
            dpop: false,
        }
    }

    #[test]
    fn a_flow_record_is_used_once_then_reported_completed() {
        let store = SessionStore::new(MemoryStore::default());
        store.save_flow(&record("s1")).unwrap();
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
            store.save_flow(r).unwrap();
        }
        let p = ProviderId::new("p");
        assert_eq!(store.take_latest_flow(&p).unwrap().state.as_str(), "new");
        assert!(matches!(store.take_flow("new"), Lookup::Completed));
        assert_eq!(store.take_latest_flow(&p).unwrap().state.as_str(), "old");
        assert!(store.take_latest_flow(&p).is_none());
    }

    #[test]
    fn corrupt_entries_are_dropped_not_trusted() {
        let kv = MemoryStore::default();
        kv.set(&keys::session(&"p".into()), "{not json").unwrap();
        let store = SessionStore::new(kv);
        assert_eq!(store.session(&"p".into()), None);
        assert!(store.kv.get(&keys::session(&"p".into())).is_none());
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
            id_token: None,
        };
        let s = StoredSession {
            provider_id: "p".into(),
            client_id: "c".into(),
            redirect_uri: "r".into(),
            scopes: vec![],
            tokens,
            asked: Vec::new(),
            id_token: None,
        };
        store.save_session(&s).unwrap();
        assert_eq!(store.session(&"p".into()), Some(s));
        assert_eq!(store.session(&"q".into()), None);
        store.clear_session(&"p".into());
        assert_eq!(store.session(&"p".into()), None);
    }

    #[test]
    fn the_log_is_capped() {
        let mut log = Vec::new();
        for i in 0..LOG_LIMIT + 5 {
            append_capped(
                &mut log,
                LogEntry {
                    at: i as f64,
                    provider: None,
                    step: super::super::FlowStep::Api,
                    title: "t".into(),
                    ok: true,
                    request: None,
                    response: None,
                    note: None,
                },
            );
        }
        assert_eq!(log.len(), LOG_LIMIT);
        assert_eq!(log[0].at, 5.0);
    }

    #[test]
    fn history_is_newest_first_and_capped() {
        let store = SessionStore::new(MemoryStore::default());
        for i in 0..HISTORY_LIMIT + 3 {
            let _ = store.push_history(HistoryEntry {
                at: i as f64,
                provider_id: "p".into(),
                method: Method::Get,
                url: format!("https://h/{i}"),
                status: Some(200),
                elapsed_ms: None,
                draft: crate::catalog::Draft::default(),
                body_dropped: None,
            });
        }
        let h = store.history();
        assert_eq!(h.len(), HISTORY_LIMIT);
        assert_eq!(h[0].at, (HISTORY_LIMIT + 2) as f64);
    }

    #[test]
    fn history_keeps_no_large_body_and_stays_small() {
        let store = SessionStore::new(MemoryStore::default());
        for i in 0..HISTORY_LIMIT {
            let draft = crate::catalog::Draft {
                body: "x".repeat(if i == 0 { 100_000 } else { 12_000 }),
                ..Default::default()
            };
            let (_, saved) = store.push_history(HistoryEntry {
                at: i as f64,
                provider_id: "p".into(),
                method: Method::Post,
                url: format!("https://h/{i}"),
                status: Some(201),
                elapsed_ms: None,
                draft,
                body_dropped: None,
            });
            saved.unwrap();
        }
        let h = store.history();
        let bytes = serde_json::to_string(&h).unwrap().len();
        assert!(bytes <= HISTORY_BYTES, "{bytes}");
        assert!(h.len() < HISTORY_LIMIT, "the oldest made room");
        assert_eq!(h[0].at, (HISTORY_LIMIT - 1) as f64, "the newest stay");
        let first = SessionStore::new(MemoryStore::default());
        let (list, _) = first.push_history(HistoryEntry {
            body_dropped: None,
            draft: crate::catalog::Draft {
                body: "y".repeat(100_000),
                ..Default::default()
            },
            ..h[0].clone()
        });
        assert_eq!(list[0].body_dropped, Some(100_000));
        assert!(list[0].draft.body.is_empty());
    }

    #[test]
    fn empty_secrets_are_not_stored() {
        let store = SessionStore::new(MemoryStore::default());
        store
            .save_secret(&"p".into(), Some(&ClientSecret::new("")))
            .unwrap();
        assert!(store.secret(&"p".into()).is_none());
        store
            .save_secret(&"p".into(), Some(&ClientSecret::new("x")))
            .unwrap();
        assert_eq!(store.secret(&"p".into()).unwrap().expose(), "x");
    }

    #[test]
    fn a_failed_write_is_reported() {
        let store = SessionStore::new(MemoryStore::failing());
        assert!(store.save_flow(&record("s")).is_err());
        assert!(matches!(store.take_flow("s"), Lookup::Unknown));
    }
}
