// Every storage key Handshake writes, in one place. sessionStorage (this tab): flows, sessions,
// typed secrets, the flow log, drafts, history, the in-page Sandbox's journal.
// The browser-wide store holds preferences only, never credentials (`prefs` to `theme`).

use crate::types::ProviderId;

/// Every key starts with this; the version changes when a format does.
pub const PREFIX: &str = "handshake.v1.";

// sessionStorage
pub fn flow(state: &str) -> String {
    format!("{PREFIX}flow.{state}")
}
pub fn flow_prefix() -> String {
    format!("{PREFIX}flow.")
}
pub fn done(state: &str) -> String {
    format!("{PREFIX}done.{state}")
}
pub fn session(provider: &ProviderId) -> String {
    format!("{PREFIX}session.{provider}")
}
pub fn secret(provider: &ProviderId) -> String {
    format!("{PREFIX}secret.{provider}")
}
pub fn log() -> String {
    format!("{PREFIX}log")
}
pub fn draft(provider: &ProviderId) -> String {
    format!("{PREFIX}draft.{provider}")
}
pub fn history() -> String {
    format!("{PREFIX}history")
}
pub fn in_page_sandbox() -> String {
    format!("{PREFIX}local-sandbox")
}
/// This tab's id, naming its DPoP key in IndexedDB (the key itself is not in Web Storage).
pub fn dpop_tab() -> String {
    format!("{PREFIX}dpop-tab")
}

// localStorage (preferences)
pub fn prefs(provider: &ProviderId) -> String {
    format!("{PREFIX}prefs.{provider}")
}
pub fn settings() -> String {
    format!("{PREFIX}settings")
}
pub fn custom_providers() -> String {
    format!("{PREFIX}custom-providers")
}
/// The OpenAPI document imported with a custom provider (a public description, no secrets).
pub fn openapi(provider: &ProviderId) -> String {
    format!("{PREFIX}openapi.{provider}")
}
pub fn selected_provider() -> String {
    format!("{PREFIX}selected-provider")
}
pub fn guided() -> String {
    format!("{PREFIX}guided")
}
pub fn theme() -> String {
    format!("{PREFIX}theme")
}
