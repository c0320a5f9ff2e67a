// The Sandbox's own transport-free HTTP model: a request in, a response out.
// Adapters (the axum server, later the in-browser transport) convert to and from these.

use serde::Serialize;

/// An HTTP request as the Sandbox sees it; the path excludes the query string.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn new(method: &str, path_and_query: &str) -> Self {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, q),
            None => (path_and_query, ""),
        };
        Request {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
            query: query.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn json_body(mut self, value: &serde_json::Value) -> Self {
        self.body = value.to_string().into_bytes();
        self.header("content-type", "application/json")
    }

    pub fn form_body(mut self, pairs: &[(&str, &str)]) -> Self {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.body = body.into_bytes();
        self.header("content-type", "application/x-www-form-urlencoded")
    }

    /// First value of a header, compared case-insensitively.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn query_pairs(&self) -> Params {
        Params::from_urlencoded(self.query.as_bytes())
    }

    /// Parameters from the body: JSON object or form encoding, chosen by Content-Type
    /// (JSON is also tried when the type is missing and the body looks like an object).
    pub fn body_params(&self) -> Result<Params, String> {
        if self.body.is_empty() {
            return Ok(Params::default());
        }
        let content_type = self
            .header_value("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let looks_json = self.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        if content_type.starts_with("application/json") || (content_type.is_empty() && looks_json) {
            let value: serde_json::Value = serde_json::from_slice(&self.body)
                .map_err(|e| format!("request body is not valid JSON: {e}"))?;
            let object = value
                .as_object()
                .ok_or_else(|| "request body must be a JSON object".to_string())?;
            let pairs = object
                .iter()
                .map(|(k, v)| {
                    let text = match v {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), text)
                })
                .collect();
            return Ok(Params(pairs));
        }
        if content_type.starts_with("application/x-www-form-urlencoded") || content_type.is_empty()
        {
            return Ok(Params::from_urlencoded(&self.body));
        }
        Err(format!(
            "unsupported Content-Type {content_type:?}: send JSON or a form"
        ))
    }

    pub fn body_json(&self) -> Result<serde_json::Value, String> {
        serde_json::from_slice(&self.body)
            .map_err(|e| format!("request body is not valid JSON: {e}"))
    }

    /// The token after `Bearer ` in the Authorization header (scheme case-insensitive).
    pub fn bearer_token(&self) -> Option<&str> {
        let value = self.header_value("authorization")?.trim();
        let (scheme, token) = value.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim())
            .filter(|t| !t.is_empty())
    }
}

/// Ordered name/value pairs (query string, form or flattened JSON object).
#[derive(Clone, Debug, Default)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn from_urlencoded(bytes: &[u8]) -> Self {
        Params(
            form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A present, non-empty value.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }

    /// Later pairs fill names the receiver does not have (body params win over query params).
    pub fn merged_with(mut self, other: Params) -> Params {
        for (k, v) in other.0 {
            if self.get(&k).is_none() {
                self.0.push((k, v));
            }
        }
        self
    }
}

/// An HTTP response; `delay_ms` asks the transport to wait before answering (fault injection).
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay_ms: u64,
}

impl Response {
    pub fn new(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay_ms: 0,
        }
    }

    pub fn json<T: Serialize>(status: u16, value: &T) -> Self {
        let body = serde_json::to_vec(value).expect("sandbox values always serialize");
        Response::new(status)
            .with_header("content-type", "application/json")
            .with_body(body)
    }

    pub fn html(status: u16, page: String) -> Self {
        Response::new(status)
            .with_header("content-type", "text/html; charset=utf-8")
            .with_header(
                "content-security-policy",
                // No form-action: Chrome applies it to the redirect after the POST, which goes to the client.
                "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
            )
            .with_header("referrer-policy", "no-referrer")
            .with_header("x-frame-options", "DENY")
            .with_body(page.into_bytes())
    }

    pub fn redirect(location: &str) -> Self {
        Response::new(302)
            .with_header("location", location)
            .with_header("referrer-policy", "no-referrer")
            .with_header("cache-control", "no-store")
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn with_body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }

    /// `Cache-Control: no-store` and `Pragma: no-cache`, as RFC 6749 §5.1 asks of token answers.
    pub fn no_store(self) -> Self {
        self.with_header("cache-control", "no-store")
            .with_header("pragma", "no-cache")
    }

    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Appends query parameters to a URL that may already carry a query (and drops any fragment).
pub fn append_query(url: &str, pairs: &[(&str, &str)]) -> String {
    let base = url.split('#').next().unwrap_or(url);
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    if encoded.is_empty() {
        return base.to_string();
    }
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}{encoded}")
}

/// The first value of query parameter `name` in a URL (what a client reads from a redirect).
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split('#').next()?.split_once('?')?.1;
    Params::from_urlencoded(query.as_bytes())
        .get(name)
        .map(str::to_string)
}

/// Escapes text for an HTML text node or a double-quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_param_reads_what_append_query_wrote() {
        let url = append_query(
            "https://x.example/cb?a=1#frag",
            &[("code", "c d&e"), ("state", "s")],
        );
        assert_eq!(query_param(&url, "code").as_deref(), Some("c d&e"));
        assert_eq!(query_param(&url, "a").as_deref(), Some("1"));
        assert_eq!(query_param(&url, "missing"), None);
        assert_eq!(query_param("https://x.example/cb#code=1", "code"), None);
    }

    #[test]
    fn body_params_reads_json_and_form() {
        let json = Request::new("POST", "/t").json_body(&serde_json::json!({"code": "a", "n": 5}));
        let p = json.body_params().unwrap();
        assert_eq!(p.get("code"), Some("a"));
        assert_eq!(p.get("n"), Some("5"));
        let form = Request::new("POST", "/t").form_body(&[("code", "a b")]);
        assert_eq!(form.body_params().unwrap().get("code"), Some("a b"));
    }

    #[test]
    fn body_params_rejects_broken_json_and_unknown_types() {
        let mut r = Request::new("POST", "/t").header("content-type", "application/json");
        r.body = b"{oops".to_vec();
        assert!(r.body_params().unwrap_err().contains("not valid JSON"));
        let mut r = Request::new("POST", "/t").header("content-type", "text/plain");
        r.body = b"x".to_vec();
        assert!(r
            .body_params()
            .unwrap_err()
            .contains("unsupported Content-Type"));
    }

    #[test]
    fn append_query_respects_existing_query_and_fragment() {
        assert_eq!(
            append_query("http://a/cb", &[("code", "x y")]),
            "http://a/cb?code=x+y"
        );
        assert_eq!(
            append_query("http://a/cb?k=1#f", &[("code", "x")]),
            "http://a/cb?k=1&code=x"
        );
    }

    #[test]
    fn bearer_is_case_insensitive_and_rejects_other_schemes() {
        let r = Request::new("GET", "/").header("Authorization", "bearer abc");
        assert_eq!(r.bearer_token(), Some("abc"));
        let r = Request::new("GET", "/").header("Authorization", "Basic abc");
        assert_eq!(r.bearer_token(), None);
    }

    #[test]
    fn escape_html_neutralises_markup() {
        assert_eq!(
            escape_html(r#"<img src=x onerror="a">'"#),
            "&lt;img src=x onerror=&quot;a&quot;&gt;&#39;"
        );
    }
}
