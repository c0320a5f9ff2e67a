// Redirect URIs are compared character by character (RFC 6749 §3.1.2, RFC 9700 §4.1.3): one
// that is almost the app's own callback — a trailing slash, another case, port or scheme — is
// a mistake to catch before the browser leaves, not at the provider's error page.

use crate::url::HttpUrl;

/// How `typed` differs from `own` when it is almost the same, in words; `None` when it is the
/// same or plainly another address.
pub fn near_miss(typed: &str, own: &str) -> Option<String> {
    let typed = typed.trim();
    if typed == own {
        return None;
    }
    let (Ok(t), Ok(o)) = (HttpUrl::parse(typed), HttpUrl::parse(own)) else {
        return None;
    };
    let path = |u: &HttpUrl| u.path().trim_end_matches('/').to_ascii_lowercase();
    if path(&t) != path(&o) || t.host() != o.host() {
        return None;
    }
    let mut how = Vec::new();
    if t.scheme() != o.scheme() {
        how.push(format!("{} instead of {}", t.scheme(), o.scheme()));
    }
    if t.origin() != o.origin() && t.scheme() == o.scheme() {
        how.push("another port".to_string());
    }
    if t.path().trim_end_matches('/') != o.path().trim_end_matches('/') {
        how.push("letters in another case".to_string());
    }
    if t.path().ends_with('/') != o.path().ends_with('/') {
        how.push(if t.path().ends_with('/') {
            "a trailing slash".to_string()
        } else {
            "no trailing slash".to_string()
        });
    }
    if t.query().is_some() {
        how.push("a query string".to_string());
    }
    // The raw text differs in a way the checks above do not name (e.g. an upper-case host).
    if how.is_empty() {
        how.push("the way it is written".to_string());
    }
    Some(how.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: &str = "http://127.0.0.1:8080/callback";

    #[test]
    fn near_misses_are_named() {
        assert_eq!(near_miss(OWN, OWN), None);
        assert_eq!(
            near_miss("http://127.0.0.1:8080/callback/", OWN).as_deref(),
            Some("a trailing slash")
        );
        assert_eq!(
            near_miss("https://127.0.0.1:8080/callback", OWN).as_deref(),
            Some("https instead of http")
        );
        assert_eq!(
            near_miss("http://127.0.0.1:8081/callback", OWN).as_deref(),
            Some("another port")
        );
        assert_eq!(
            near_miss("http://127.0.0.1:8080/Callback", OWN).as_deref(),
            Some("letters in another case")
        );
        assert_eq!(
            near_miss("HTTP://127.0.0.1:8080/callback", OWN).as_deref(),
            Some("the way it is written")
        );
    }

    #[test]
    fn other_addresses_are_not_near_misses() {
        for other in [
            "https://www.integromat.com/oauth/cb/app",
            "http://localhost:8080/callback",
            "http://127.0.0.1:8080/cb",
            "urn:ietf:wg:oauth:2.0:oob",
            "",
        ] {
            assert_eq!(near_miss(other, OWN), None, "{other}");
        }
    }
}
