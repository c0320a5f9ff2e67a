// "Copy as curl": a request as a shell command a person can paste, with credentials
// redacted unless the user asks to reveal them.

use super::raw::{is_credential_header, redact_text};
use super::{HttpRequest, Method};

/// POSIX shell single-quoting: `'` becomes `'\''`.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The request with credential headers and body secrets shown as `[redacted]` (the scheme of
/// an `Authorization` header kept), unless `reveal`.
pub fn redacted(req: &HttpRequest, credential_header: &str, reveal: bool) -> HttpRequest {
    if reveal {
        return req.clone();
    }
    let headers = req
        .headers
        .iter()
        .map(|(name, value)| {
            let shown = if is_credential_header(name, Some(credential_header)) {
                match value.split_once(' ') {
                    Some((scheme, _)) if name.eq_ignore_ascii_case("authorization") => {
                        format!("{scheme} [redacted]")
                    }
                    _ => "[redacted]".to_string(),
                }
            } else {
                value.clone()
            };
            (name.clone(), shown)
        })
        .collect();
    let body = req
        .body
        .as_ref()
        .map(|b| redact_text(b, req.header_value("content-type").unwrap_or("")));
    HttpRequest {
        headers,
        body,
        ..req.clone()
    }
}

/// The request as `curl`; credential headers and body secrets show `[redacted]` unless `reveal`.
pub fn to_curl(req: &HttpRequest, credential_header: &str, reveal: bool) -> String {
    let req = redacted(req, credential_header, reveal);
    let mut parts = vec!["curl".to_string()];
    if req.method != Method::Get {
        parts.push(format!("-X {}", req.method));
    }
    parts.push(shell_quote(&req.url));
    for (name, value) in &req.headers {
        parts.push(format!("-H {}", shell_quote(&format!("{name}: {value}"))));
    }
    if let Some(body) = &req.body {
        parts.push(format!("--data-raw {}", shell_quote(body)));
    }
    parts.join(" \\\n  ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> HttpRequest {
        HttpRequest::new(
            Method::Post,
            "https://app-academy.make.com/api/v2/movies?page=1",
        )
        .header("Accept", "application/json")
        .header("Authorization", "Bearer abc123secret")
        .body("application/json", r#"{"name": "It's here"}"#.into())
    }

    #[test]
    fn redacts_credentials_by_default() {
        let curl = to_curl(&request(), "authorization", false);
        assert_eq!(
            curl,
            "curl \\\n  -X POST \\\n  'https://app-academy.make.com/api/v2/movies?page=1' \\\n  -H 'Accept: application/json' \\\n  \
-H 'Authorization: Bearer [redacted]' \\\n  -H 'Content-Type: application/json' \\\n  --data-raw '{\n  \"name\": \"It'\\''s here\"\n}'"
        );
        assert!(!curl.contains("abc123secret"));
    }

    #[test]
    fn reveals_on_request_and_knows_api_key_headers() {
        assert!(to_curl(&request(), "authorization", true).contains("Bearer abc123secret"));
        let v1 = HttpRequest::new(Method::Get, "https://h/api/v1/about").header("x-api-key", "k3y");
        assert_eq!(
            to_curl(&v1, "x-api-key", false),
            "curl \\\n  'https://h/api/v1/about' \\\n  -H 'x-api-key: [redacted]'"
        );
        let custom = HttpRequest::new(Method::Get, "https://h/x").header("X-Token", "t0k");
        assert!(!to_curl(&custom, "X-Token", false).contains("t0k"));
    }

    #[test]
    fn quoting_survives_hostile_text() {
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
        assert_eq!(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
    }
}
