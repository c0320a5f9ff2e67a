// handshake-proxy as a library: configuration, the forwarder and its guards, secret injection
// and the Sandbox server, so integration tests can start it in-process on a free port.

pub mod config;
pub mod error;
pub mod forward;
pub mod guard;
pub mod log;
pub mod secrets;
pub mod serve;
pub mod target;
