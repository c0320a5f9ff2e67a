// Sessions: what is stored (over any `KeyValue`: sessionStorage in the browser, a map in tests),
// the flow log's vocabulary, and the session controller that signs in, refreshes (one refresh
// at a time per provider), calls APIs and revokes, in plain Rust over injected capabilities.

mod controller;
pub mod keys;
mod log;
mod store;

pub use controller::{
    authorize_request, ApiOutcome, Attempt, Change, Check, ClientForm, Clock, Controller, Crypto,
    Delivery, Departure, DeviceStart, Introspection, Reply, RevokeOutcome, Route, Transport,
    Verdict,
};
pub use log::{FlowStep, GuideStep, LogEntry, LOG_LIMIT};
pub use store::{
    load_prefs, save_prefs, HistoryEntry, Prefs, SessionStore, StoredSession, HISTORY_LIMIT,
};
