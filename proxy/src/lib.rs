// handshake-proxy as a library: configuration, the forwarder, secret injection and the
// Sandbox server, so integration tests can start it in-process on a free port.

pub mod config;
pub mod forward;
pub mod log;
pub mod secrets;
pub mod serve;
