// Handshake: an OAuth2 playground and API explorer that runs entirely in the browser.
// The layers run one way, from the leaves up (ARCHITECTURE.md has the map, tests/layers.rs
// enforces it): types, url, wire, platform -> config -> providers -> catalog, oauth ->
// session -> http -> ui.

pub mod catalog;
pub mod config;
pub mod http;
pub mod oauth;
pub mod platform;
pub mod providers;
pub mod session;
pub mod types;
pub mod ui;
pub mod url;
pub mod wire;
