// The network door: where a request goes (the in-page Sandbox, the proxy, or the host) and the
// transports that carry it (gloo-net's fetch, the in-page Sandbox), behind the session
// controller's `Transport`; plus plain words for HTTP answers. No redirects are followed,
// no cookies sent, and timing and size are captured.

mod explain;
pub mod fetch;
pub mod inpage;
pub mod route;
mod transport;

pub use explain::{explain, status_meaning};
pub use transport::BrowserTransport;

/// The header the proxy requires on every forwarded request.
pub const PROXY_HEADER: &str = "X-Handshake-Proxy";

/// Bodies above this size stay a browser string: copying megabytes into Rust only to hand
/// them back to `JSON.parse` would block the page.
pub const LARGE_BODY: usize = 256 * 1024;

/// A large body, kept as the browser's own string.
#[derive(Clone)]
pub struct JsText {
    pub text: send_wrapper::SendWrapper<wasm_bindgen::JsValue>,
    /// Its size in bytes (UTF-8, as received).
    pub bytes: usize,
}

impl std::fmt::Debug for JsText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JsText({} bytes)", self.bytes)
    }
}

impl PartialEq for JsText {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes && *self.text == *other.text
    }
}
