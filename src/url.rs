// A strict http(s) URL type, parsed once at the edge: no credentials, no backslashes, no
// dot segments, normalised host and port, so "is this under the API base?" has one answer.
// Path and query are percent-encoded as the browser's URL parser would (WHATWG URL §1.3), so
// the URL shown is the URL fetch sends.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpUrl {
    scheme: &'static str,
    host: String,
    port: Option<u16>,
    path: String,
    query: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlError(pub String);

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl HttpUrl {
    /// Parses an absolute http:// or https:// URL; the fragment is dropped.
    pub fn parse(text: &str) -> Result<HttpUrl, UrlError> {
        let err = |why: &str| Err(UrlError(format!("{why}: {}", crate::types::quote(text))));
        let text = text.trim();
        if text.is_empty() {
            return Err(UrlError("the URL is empty".into()));
        }
        if text
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
        {
            return err("a URL may not contain spaces, control characters or backslashes");
        }
        let Some((scheme, rest)) = text.split_once("://") else {
            return err("expected an absolute URL starting with http:// or https://");
        };
        let scheme = match scheme.to_ascii_lowercase().as_str() {
            "http" => "http",
            "https" => "https",
            _ => return err("only http and https URLs are supported"),
        };
        let rest = rest.split('#').next().unwrap_or("");
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.contains('@') {
            return err("credentials in a URL (user@host) are not allowed");
        }
        let (host, port) = split_host_port(authority).ok_or_else(|| {
            UrlError(format!(
                "the host or port is not valid: {}",
                crate::types::quote(text)
            ))
        })?;
        let default_port = if scheme == "http" { 80 } else { 443 };
        let port = port.filter(|p| *p != default_port);
        let (path, query) = match tail.split_once('?') {
            Some((p, q)) => (p, Some(q.to_string())),
            None => (tail, None),
        };
        let path = if path.is_empty() {
            "/".to_string()
        } else {
            encode(path, PATH_SET)
        };
        let query = query.map(|q| encode(&q, QUERY_SET));
        if path.split('/').any(|seg| {
            matches!(
                seg.to_ascii_lowercase().as_str(),
                "." | ".." | "%2e" | "%2e%2e" | ".%2e" | "%2e."
            )
        }) {
            return err("dot segments (. or ..) are not allowed in the path");
        }
        Ok(HttpUrl {
            scheme,
            host,
            port,
            path,
            query,
        })
    }

    pub fn scheme(&self) -> &str {
        self.scheme
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// `scheme://host[:port]`, the unit of browser trust.
    pub fn origin(&self) -> String {
        match self.port {
            Some(p) => format!("{}://{}:{}", self.scheme, self.host, p),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }

    /// True when `self` is `base` or lies below it (same origin, path prefix on a segment boundary).
    pub fn is_under(&self, base: &HttpUrl) -> bool {
        if self.origin() != base.origin() {
            return false;
        }
        let prefix = base.path.trim_end_matches('/');
        self.path == prefix
            || self.path.starts_with(prefix)
                && (prefix.is_empty() || self.path[prefix.len()..].starts_with('/'))
    }

    /// The part of the path below `base` (starting with '/'), if `self` is under it.
    pub fn path_below(&self, base: &HttpUrl) -> Option<&str> {
        if !self.is_under(base) {
            return None;
        }
        let rest = &self.path[base.path.trim_end_matches('/').len()..];
        Some(if rest.is_empty() { "/" } else { rest })
    }

    /// Appends `suffix` (a path, optionally with a query) to this URL's path.
    pub fn join(&self, suffix: &str) -> Result<HttpUrl, UrlError> {
        let base = self.to_string();
        let base = base
            .split('?')
            .next()
            .unwrap_or(&base)
            .trim_end_matches('/');
        let suffix = suffix.trim_start_matches('/');
        HttpUrl::parse(&format!("{base}/{suffix}"))
    }
}

/// WHATWG URL: the path percent-encode set (besides controls, space and non-ASCII).
const PATH_SET: &[u8] = b"\"#<>?`{}";
/// WHATWG URL: the special-query percent-encode set (besides controls, space and non-ASCII).
const QUERY_SET: &[u8] = b"\"#<>'";

/// Percent-encodes what the browser would: non-ASCII bytes and those in `set`; existing
/// escapes stay as they are.
fn encode(text: &str, set: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_graphic() && !set.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn split_host_port(authority: &str) -> Option<(String, Option<u16>)> {
    let (host, port) = if let Some(after) = authority.strip_prefix('[') {
        let close = after.find(']')?;
        let host = &authority[..close + 2];
        let rest = &after[close + 1..];
        let addr = &after[..close];
        if addr.is_empty()
            || !addr
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return None;
        }
        (host.to_string(), rest)
    } else {
        let h = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
        if h.is_empty()
            || !h
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
            || h.starts_with('.')
            || h.contains("..")
        {
            return None;
        }
        (
            h.to_ascii_lowercase().trim_end_matches('.').to_string(),
            &authority[h.len()..],
        )
    };
    let port = match port.strip_prefix(':') {
        None if port.is_empty() => None,
        None => return None,
        Some("") => None,
        Some(digits) => {
            if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 5 {
                return None;
            }
            Some(digits.parse::<u16>().ok()?)
        }
    };
    Some((host, port))
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.origin(), self.path)?;
        if let Some(q) = &self.query {
            write!(f, "?{q}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> HttpUrl {
        HttpUrl::parse(s).unwrap()
    }

    #[test]
    fn rejects_what_could_confuse_a_host_check() {
        for bad in [
            "https://api.example.com@evil.com/",
            "https://evil.com\\@api.example.com/",
            "javascript:alert(1)",
            "ftp://example.com/",
            "//example.com/x",
            "https:///path",
            "https://exa mple.com/",
            "https://example.com:99999/",
            "https://example.com:8x/",
            "https://example.com/a/../b",
            "https://example.com/a/%2E%2E/b",
            "https://[zz::1]/",
            "",
        ] {
            assert!(HttpUrl::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn normalises_scheme_host_and_default_port() {
        let u = url("HTTPS://App-Academy.Make.com:443/api/v2?x=1#frag");
        assert_eq!(u.to_string(), "https://app-academy.make.com/api/v2?x=1");
        assert_eq!(u.origin(), "https://app-academy.make.com");
        assert_eq!(url("http://127.0.0.1:8090").path(), "/");
        assert_eq!(url("http://[::1]:8090/x").origin(), "http://[::1]:8090");
    }

    #[test]
    fn under_means_same_origin_and_segment_prefix() {
        let base = url("https://api.example.com/api/v2");
        assert!(url("https://api.example.com/api/v2").is_under(&base));
        assert!(url("https://api.example.com/api/v2/movies?page=2").is_under(&base));
        assert!(!url("https://api.example.com/api/v20/movies").is_under(&base));
        assert!(!url("https://api.example.com/api/v1/movies").is_under(&base));
        assert!(!url("http://api.example.com/api/v2/movies").is_under(&base));
        assert!(!url("https://api.example.com:8443/api/v2/movies").is_under(&base));
        assert!(!url("https://api.example.com.evil.com/api/v2/movies").is_under(&base));
        let root = url("http://127.0.0.1:8090/");
        assert!(url("http://127.0.0.1:8090/api/v2/token").is_under(&root));
        assert_eq!(
            url("http://127.0.0.1:8090/api/v2/token").path_below(&root),
            Some("/api/v2/token")
        );
        assert_eq!(
            url("https://api.example.com/api/v2/info").path_below(&base),
            Some("/info")
        );
    }

    #[test]
    fn path_and_query_are_encoded_as_the_browser_sends_them() {
        assert_eq!(
            url("https://h/caf\u{e9}/{x}\"?q=\u{e9}\"<'&a=%20|^").to_string(),
            "https://h/caf%C3%A9/%7Bx%7D%22?q=%C3%A9%22%3C%27&a=%20|^"
        );
        assert_eq!(
            url("https://h/a%2Fb?x=1").to_string(),
            "https://h/a%2Fb?x=1"
        );
    }

    #[test]
    fn join_appends_paths() {
        let base = url("http://127.0.0.1:8090/metamaps/");
        assert_eq!(
            base.join("/oauth/token").unwrap().to_string(),
            "http://127.0.0.1:8090/metamaps/oauth/token"
        );
        assert_eq!(
            url("https://h/a").join("b?x=1").unwrap().to_string(),
            "https://h/a/b?x=1"
        );
    }
}
