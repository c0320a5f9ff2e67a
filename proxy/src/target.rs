// Where a forwarded request goes: the path exactly as received (still percent-encoded) under the
// upstream's base, or a refusal when it would escape the base or change on the way.

use crate::config::Upstream;
use crate::error::ProxyError;
use percent_encoding::percent_decode;
use url::Url;

/// The upstream URL for `rest` (the raw path after `/proxy/<name>`, starting with '/') and the
/// raw query string.
pub fn upstream_url(
    upstream: &Upstream,
    rest: &str,
    query: Option<&str>,
) -> Result<Url, ProxyError> {
    check_segments(rest)?;
    let path = format!("{}{rest}", upstream.base_path());
    let mut text = format!("{}{path}", upstream.base.origin().ascii_serialization());
    if let Some(q) = query {
        text.push('?');
        text.push_str(q);
    }
    let url = Url::parse(&text).map_err(|_| ProxyError::BadPath("it is not a valid URL path"))?;
    // The URL parser resolves dot segments, turns '\' into '/' and escapes some bytes: anything
    // it would change is refused rather than sent somewhere else than the page asked for.
    if url.path() != path || url.query() != query {
        return Err(ProxyError::BadPath(
            "the upstream would receive a different path or query than the one sent",
        ));
    }
    Ok(url)
}

/// Refuses segments that are, or decode (once or several times) to, `.` or `..`, alone or
/// beside an encoded slash, and NUL bytes.
fn check_segments(rest: &str) -> Result<(), ProxyError> {
    for segment in rest.split('/') {
        let decoded = decode_fully(segment);
        if decoded
            .split(|b| *b == b'/' || *b == b'\\')
            .any(|part| part == b"." || part == b"..")
        {
            return Err(ProxyError::BadPath(
                "dot segments (., .. or an encoded form of them) could leave the upstream's base path",
            ));
        }
        if decoded.contains(&0) {
            return Err(ProxyError::BadPath("it holds a NUL byte"));
        }
    }
    Ok(())
}

/// Percent-decodes until nothing changes (servers that decode twice exist).
fn decode_fully(segment: &str) -> Vec<u8> {
    let mut bytes = segment.as_bytes().to_vec();
    for _ in 0..4 {
        let next: Vec<u8> = percent_decode(&bytes).collect();
        if next == bytes {
            break;
        }
        bytes = next;
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up() -> Upstream {
        Upstream {
            name: "up".into(),
            base: Url::parse("http://127.0.0.1:9/base").unwrap(),
        }
    }

    #[test]
    fn the_path_goes_as_received() {
        let url = upstream_url(&up(), "/a%2Fb%3Fc%23d/%7e", Some("x=1&y=%26")).unwrap();
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9/base/a%2Fb%3Fc%23d/%7e?x=1&y=%26"
        );
        let root = Upstream {
            name: "r".into(),
            base: Url::parse("https://example.test").unwrap(),
        };
        assert_eq!(
            upstream_url(&root, "/", None).unwrap().as_str(),
            "https://example.test/"
        );
    }

    #[test]
    fn dot_segments_in_any_encoding_are_refused() {
        for path in [
            "/..",
            "/a/../x",
            "/./x",
            "/%2e%2e/admin",
            "/%2E./admin",
            "/%252e%252e/admin/secret",
            "/%25252e%25252e/admin",
            "/..%2Fadmin",
            "/x/..%5cadmin",
            "/%2e%2e%2fadmin",
        ] {
            assert!(
                matches!(upstream_url(&up(), path, None), Err(ProxyError::BadPath(_))),
                "{path}"
            );
        }
        assert!(upstream_url(&up(), "/...", None).is_ok());
        assert!(upstream_url(&up(), "/a..b/.well-known", None).is_ok());
    }

    #[test]
    fn what_the_url_parser_would_rewrite_is_refused() {
        for path in ["/a\\b", "/a b", "/a%00b", "/a\"b"] {
            assert!(upstream_url(&up(), path, None).is_err(), "{path}");
        }
    }
}
