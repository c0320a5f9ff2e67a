// Start-up: where the page lives (its base URL, for sub-path hosting) and the runtime
// configuration from `config.json` beside index.html.

use crate::config::{AppConfig, Overrides, ProxyInfo};
use crate::session::{local_storage, KeyValue, PREFIX};

/// What the app knows before the first render.
#[derive(Clone, Debug)]
pub struct Boot {
    pub config: AppConfig,
    /// The document's base URL, ending in '/', e.g. `https://me.github.io/handshake/`.
    pub page_base: String,
    /// A problem with config.json or the settings, shown to the user (defaults are used instead).
    pub config_warning: Option<String>,
    /// The user's settings, as saved.
    pub overrides: Overrides,
    /// What the proxy says about itself, when it is a handshake-proxy.
    pub proxy_info: Option<ProxyInfo>,
}

/// The app's pages. Two routes do not need a router crate (and its URL parser in the bundle).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Home,
    Callback,
    /// The in-browser Sandbox's consent screen (the provider's page, drawn by the app).
    Consent,
    NotFound,
}

/// The page for a location pathname under `base` ("" or "/handshake"); a trailing slash and
/// `index.html` or `.html` (static hosts) are accepted.
pub fn page_for(pathname: &str, base: &str) -> Page {
    let Some(rest) = pathname.strip_prefix(base) else {
        return Page::NotFound;
    };
    match rest.trim_end_matches('/') {
        "" | "/index.html" => Page::Home,
        "/callback" | "/callback.html" | "/callback/index.html" => Page::Callback,
        "/sandbox-authorize" | "/sandbox-authorize.html" | "/sandbox-authorize/index.html" => {
            Page::Consent
        }
        _ => Page::NotFound,
    }
}

const SETTINGS_KEY: &str = "settings";

/// The user's settings (two addresses) from the browser's preferences store.
pub fn saved_overrides() -> Overrides {
    local_storage()
        .get(&format!("{PREFIX}{SETTINGS_KEY}"))
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Validates and saves the settings; they apply from the next page load.
pub fn save_overrides(overrides: &Overrides, page_base: &str) -> Result<(), String> {
    AppConfig::from_file_with(None, page_base, overrides)?;
    let text = serde_json::to_string(overrides).map_err(|e| e.to_string())?;
    local_storage().set(&format!("{PREFIX}{SETTINGS_KEY}"), &text);
    Ok(())
}

impl Boot {
    /// The router's base path: the base URL's path without its trailing slash ("" at the root).
    pub fn router_base(&self) -> String {
        crate::url::HttpUrl::parse(&self.page_base)
            .map(|u| u.path().trim_end_matches('/').to_string())
            .unwrap_or_default()
    }

    /// The page's own path with its trailing slash ("/" or "/handshake/"), for navigation.
    pub fn home_path(&self) -> String {
        format!("{}/", self.router_base())
    }

    /// Which page the address names (the app has two, plus "not found").
    pub fn page_for(&self, pathname: &str) -> Page {
        page_for(pathname, &self.router_base())
    }

    /// The redirect URI this deployment answers on.
    pub fn default_redirect_uri(&self) -> String {
        format!("{}callback", self.page_base)
    }
}

fn page_base() -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_else(|| "http://127.0.0.1:8080/".into());
    // Keep the directory: drop any query, fragment and file name.
    let base = base.split(['?', '#']).next().unwrap_or(&base).to_string();
    match base.rfind('/') {
        Some(i) => base[..=i].to_string(),
        None => format!("{base}/"),
    }
}

pub async fn load() -> Boot {
    let page_base = page_base();
    let overrides = saved_overrides();
    let text = crate::http::fetch::get_text(&format!("{page_base}config.json"), &[]).await;
    let (config, config_warning) =
        match AppConfig::from_file_with(text.as_deref(), &page_base, &overrides) {
            Ok(config) => (config, None),
            Err(warning) => (
                AppConfig::from_file(None, &page_base).expect("defaults are valid"),
                Some(format!(
                "{warning}. Using the built-in defaults instead; check config.json and Settings."
            )),
            ),
        };
    let info_url = format!("{}/_info", config.proxy_base);
    let proxy_info = crate::http::fetch::get_text(&info_url, &[(crate::http::PROXY_HEADER, "1")])
        .await
        .and_then(|t| serde_json::from_str(&t).ok());
    Boot {
        config,
        page_base,
        config_warning,
        overrides,
        proxy_info,
    }
}

/// Sets the `handshake-ready` performance mark the benchmarks wait for.
pub fn mark_ready() {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("handshake-ready");
    }
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-ready", "true");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_found_under_the_base() {
        assert_eq!(page_for("/", ""), Page::Home);
        assert_eq!(page_for("/callback", ""), Page::Callback);
        assert_eq!(page_for("/handshake/", "/handshake"), Page::Home);
        assert_eq!(page_for("/handshake", "/handshake"), Page::Home);
        assert_eq!(
            page_for("/handshake/callback/", "/handshake"),
            Page::Callback
        );
        assert_eq!(
            page_for("/handshake/callback.html", "/handshake"),
            Page::Callback
        );
        assert_eq!(page_for("/handshake/no/such", "/handshake"), Page::NotFound);
        assert_eq!(page_for("/other/callback", "/handshake"), Page::NotFound);
        assert_eq!(page_for("/callbackx", ""), Page::NotFound);
        assert_eq!(
            page_for("/handshake/sandbox-authorize", "/handshake"),
            Page::Consent
        );
        assert_eq!(page_for("/sandbox-authorize.html", ""), Page::Consent);
    }
}
