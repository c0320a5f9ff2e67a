// Every page of the app and its address, in one place, with leptos_router. Static hosts serve
// copies of the page (`callback.html`, `callback/index.html`, `index.html`, `404.html`): before
// the router reads the address, a copy's address is put back to its route's own.

use crate::http::inpage::CONSENT_PATH;
use crate::platform::{location_hash, location_pathname, location_search, replace_url};
use crate::types::ProviderId;

pub const CALLBACK: &str = "callback";
/// `explore/<provider>/<endpoint>`: a deep link to an endpoint of the explorer.
pub const EXPLORE: &str = "explore";

/// The pages a static host serves as copies (besides the home page).
const PAGES: [&str; 2] = [CALLBACK, CONSENT_PATH];

/// The route's own path for `pathname` when it is a static host's copy of a page (or the base
/// without its slash); `None` when it is already a route's own, or no page's.
pub fn canonical_path(pathname: &str, base: &str) -> Option<String> {
    let rest = pathname.strip_prefix(base)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let name = rest.trim_start_matches('/');
    let name = name.strip_suffix("index.html").unwrap_or(name);
    let name = name.strip_suffix(".html").unwrap_or(name);
    let name = name.trim_end_matches('/');
    if !name.is_empty() && !PAGES.contains(&name) {
        return None;
    }
    let canonical = if name.is_empty() {
        format!("{base}/")
    } else {
        format!("{base}/{name}")
    };
    (canonical != pathname).then_some(canonical)
}

thread_local! {
    /// The callback's query and fragment, taken off the address bar before start-up waits on
    /// anything.
    static ANSWER: std::cell::RefCell<Option<(String, String)>> = const { std::cell::RefCell::new(None) };
}

/// Whether `pathname` is the callback page under `base` (its route or a static copy).
pub fn is_callback(pathname: &str, base: &str) -> bool {
    let own = format!("{base}/{CALLBACK}");
    pathname == own || canonical_path(pathname, base).is_some_and(|c| c == own)
}

/// On the callback page, takes the answer (code, state) out of the address bar at once — the
/// very first thing the page does — and keeps it for the callback view.
pub fn stash_answer(base: &str) {
    if !is_callback(&location_pathname(), base) {
        return;
    }
    let answer = (location_search(), location_hash());
    if answer.0.is_empty() && answer.1.is_empty() {
        return;
    }
    replace_url(&format!("{base}/{CALLBACK}"));
    ANSWER.with(|a| *a.borrow_mut() = Some(answer));
}

thread_local! {
    static LANDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Asks the home page to show the session (the result) when it opens after a callback.
pub fn land_on_result() {
    LANDING.with(|l| l.set(true));
}

/// Whether the home page should scroll to the result (once).
pub fn take_landing() -> bool {
    LANDING.with(|l| l.replace(false))
}

/// The answer `stash_answer` took, once.
pub fn take_stashed_answer() -> Option<(String, String)> {
    ANSWER.with(|a| a.borrow_mut().take())
}

/// Puts a static host's copy address back to its route's own, keeping query and fragment.
pub fn normalize_address(base: &str) {
    if let Some(path) = canonical_path(&location_pathname(), base) {
        replace_url(&format!("{path}{}{}", location_search(), location_hash()));
    }
}

/// The provider and endpoint a deep link names, from a path under `base`.
pub fn explore_target(pathname: &str, base: &str) -> Option<(ProviderId, String)> {
    let rest = pathname.strip_prefix(base)?.trim_start_matches('/');
    let mut parts = rest
        .strip_prefix(EXPLORE)?
        .strip_prefix('/')?
        .splitn(2, '/');
    let provider = parts.next().filter(|p| !p.is_empty())?;
    let endpoint = parts.next().filter(|e| !e.is_empty() && !e.contains('/'))?;
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .ok()
            .map(|c| c.into_owned())
    };
    Some((ProviderId::new(decode(provider)?), decode(endpoint)?))
}

/// RFC 3986 unreserved characters stay as they are in a segment; all else is escaped.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The deep link to an endpoint, relative to the router's base.
pub fn explore_path(provider: &ProviderId, endpoint: &str) -> String {
    let enc = |s: &str| percent_encoding::utf8_percent_encode(s, SEGMENT).to_string();
    format!("/{EXPLORE}/{}/{}", enc(provider.as_str()), enc(endpoint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callback_is_known_under_every_copy() {
        for path in [
            "/h/callback",
            "/h/callback.html",
            "/h/callback/",
            "/h/callback/index.html",
        ] {
            assert!(is_callback(path, "/h"), "{path}");
        }
        assert!(!is_callback("/h/", "/h"));
        assert!(!is_callback("/h/callbacks", "/h"));
        assert!(is_callback("/callback", ""));
    }

    #[test]
    fn static_host_copies_land_on_their_route() {
        let cases = [
            ("/handshake", Some("/handshake/")),
            ("/handshake/", None),
            ("/handshake/index.html", Some("/handshake/")),
            ("/handshake/callback", None),
            ("/handshake/callback/", Some("/handshake/callback")),
            ("/handshake/callback.html", Some("/handshake/callback")),
            (
                "/handshake/callback/index.html",
                Some("/handshake/callback"),
            ),
            (
                "/handshake/sandbox-authorize.html",
                Some("/handshake/sandbox-authorize"),
            ),
            (
                "/handshake/sandbox-authorize/index.html",
                Some("/handshake/sandbox-authorize"),
            ),
            ("/handshake/no/such", None),
            ("/handshakex/callback", None),
            ("/other/callback", None),
        ];
        for (path, want) in cases {
            assert_eq!(
                canonical_path(path, "/handshake").as_deref(),
                want,
                "{path}"
            );
        }
        assert_eq!(canonical_path("/index.html", "").as_deref(), Some("/"));
        assert_eq!(
            canonical_path("/callback.html", "").as_deref(),
            Some("/callback")
        );
        assert_eq!(canonical_path("/callbackx", ""), None);
    }

    #[test]
    fn deep_links_name_a_provider_and_an_endpoint() {
        let path = explore_path(&"sandbox-academy-v2".into(), "movies.list");
        assert_eq!(path, "/explore/sandbox-academy-v2/movies.list");
        assert_eq!(explore_path(&"a b".into(), "x/y"), "/explore/a%20b/x%2Fy");
        assert_eq!(
            explore_target(&format!("/handshake{path}"), "/handshake"),
            Some(("sandbox-academy-v2".into(), "movies.list".into()))
        );
        assert_eq!(
            explore_target("/explore/p/movies.list", ""),
            Some(("p".into(), "movies.list".into()))
        );
        assert_eq!(explore_target("/explore/p", ""), None);
        assert_eq!(explore_target("/explore/p/a/b", ""), None);
        assert_eq!(explore_target("/callback", ""), None);
    }
}
