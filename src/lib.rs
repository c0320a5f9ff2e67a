// Handshake: an OAuth2 playground and API explorer that runs entirely in the browser.
// Protocol logic (oauth, providers, session, http, url) is plain Rust; ui/ holds the Leptos views.

pub mod boot;
pub mod catalog;
pub mod client;
pub mod config;
pub mod http;
pub mod local;
pub mod oauth;
pub mod providers;
pub mod session;
pub mod types;
pub mod ui;
pub mod url;
