// Requests and answers as plain data: what the protocol steps build and read, what the
// transports send and return, and their raw-HTTP and curl renderings with secrets redacted.
// No browser types here, so every layer can use them natively.

mod curl;
mod raw;
mod snippets;

pub use curl::{shell_quote, to_curl};
pub use raw::{
    is_credential_header, redact_loose, redact_text, redact_url, render_request, render_response,
};
pub use snippets::{snippet, Lang};

use serde::{Deserialize, Serialize};

/// The HTTP methods Handshake sends (RFC 9110 §9).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Method {
    #[default]
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "POST")]
    Post,
    #[serde(rename = "PUT")]
    Put,
    #[serde(rename = "PATCH")]
    Patch,
    #[serde(rename = "DELETE")]
    Delete,
    #[serde(rename = "HEAD")]
    Head,
    #[serde(rename = "OPTIONS")]
    Options,
}

impl Method {
    pub const ALL: [Method; 7] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Head,
        Method::Options,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }

    /// Reads a method name, any case, surrounding spaces ignored.
    pub fn parse(text: &str) -> Option<Method> {
        let text = text.trim();
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text))
    }

    /// Whether a request with this method carries a body (GET and HEAD cannot in a browser).
    pub fn sends_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request as data: absolute URL of the real target, before routing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl HttpRequest {
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        HttpRequest {
            method,
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
        find_header(&self.headers, name)
    }
}

/// An answer as data. A body too large to copy out of the browser is not here: the transport
/// hands it over beside the answer (`size` still counts it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HttpResponse {
    pub status: u16,
    pub status_text: String,
    pub headers: Vec<(String, String)>,
    /// The body as text; empty when the transport kept a large one apart.
    pub body: String,
    /// The body's size in bytes (UTF-8, as received), wherever it is kept.
    pub size: usize,
    /// Milliseconds from sending to the whole body read.
    pub elapsed_ms: f64,
}

impl HttpResponse {
    /// An answer with `body` as its whole text.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: String) -> Self {
        HttpResponse {
            status,
            status_text: String::new(),
            headers,
            size: body.len(),
            body,
            elapsed_ms: 0.0,
        }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    pub fn content_type(&self) -> &str {
        self.header_value("content-type").unwrap_or("")
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a request produced no HTTP answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// Whether `name` is a valid header name (RFC 9110 §5.1: a token).
pub fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether `value` can be a header value (no line breaks or other control characters).
pub fn is_header_value(value: &str) -> bool {
    value.chars().all(|c| c == '\t' || !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_read_and_print_in_upper_case() {
        assert_eq!(Method::parse(" patch "), Some(Method::Patch));
        assert_eq!(Method::parse("TRACE"), None);
        assert_eq!(Method::Delete.to_string(), "DELETE");
        assert_eq!(serde_json::to_string(&Method::Post).unwrap(), "\"POST\"");
        assert!(
            Method::Put.sends_body() && !Method::Get.sends_body() && !Method::Head.sends_body()
        );
    }

    #[test]
    fn header_names_and_values_are_checked() {
        assert!(is_header_name("X-Auth-Token"));
        assert!(!is_header_name("Bad Header") && !is_header_name("") && !is_header_name("a:b"));
        assert!(is_header_value("Bearer abc\tdef"));
        assert!(!is_header_value("a\r\nSet-Cookie: x"));
    }
}
