// The one place that talks to the network: requests as plain data, routed through the proxy
// when an upstream covers the host, sent with fetch without following redirects; timing and size kept.

mod curl;
mod explain;
pub mod fetch;
mod raw;

pub use curl::{shell_quote, to_curl};
pub use explain::{explain, status_meaning};
pub use fetch::send;
pub use raw::{redact_text, render_request, render_response};

use serde::{Deserialize, Serialize};

/// A request as data: absolute URL of the real target, before routing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl HttpRequest {
    pub fn new(method: &str, url: impl Into<String>) -> Self {
        HttpRequest {
            method: method.to_string(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn body(mut self, content_type: &str, body: String) -> Self {
        self.body = Some(body);
        self.header("Content-Type", content_type)
    }

    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HttpResponse {
    pub status: u16,
    pub status_text: String,
    pub headers: Vec<(String, String)>,
    /// The body as text; empty when `large` holds it instead.
    pub body: String,
    /// A body over `LARGE_BODY`, left in the browser.
    #[serde(skip)]
    pub large: Option<JsText>,
    /// Milliseconds from sending to the whole body read.
    pub elapsed_ms: f64,
}

impl HttpResponse {
    /// The answer with a large body copied into `body`, for parsers that read Rust text
    /// (token answers are small, but a provider may send anything).
    pub fn with_text_body(mut self) -> Self {
        if let Some(large) = self.large.take() {
            self.body = large.text.as_string().unwrap_or_default();
        }
        self
    }

    /// The body's size in bytes, wherever it is kept.
    pub fn size(&self) -> usize {
        self.large.as_ref().map_or(self.body.len(), |l| l.bytes)
    }

    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn content_type(&self) -> &str {
        self.header_value("content-type").unwrap_or("")
    }
}

/// Why a request produced no HTTP answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum NetError {
    /// The URL could not be used (bad input, or a rule refused it).
    Refused(String),
    /// fetch failed: offline, DNS, CORS refused, connection reset.
    Network(String),
    Timeout(u32),
}

impl NetError {
    pub fn message(&self) -> String {
        match self {
            NetError::Refused(why) => why.clone(),
            NetError::Network(why) => format!(
                "The request did not reach a server ({why}). Usually: the proxy or Sandbox is not running, \
                 the network is down, or the server does not allow this page's origin (CORS)."
            ),
            NetError::Timeout(s) => format!("No answer within {s} seconds; the server may be overloaded or hanging."),
        }
    }
}

/// The header the proxy requires on every forwarded request.
pub const PROXY_HEADER: &str = "X-Handshake-Proxy";
