// Start-up: where the page lives (its base URL, for sub-path hosting) and the runtime
// configuration from `config.json` beside index.html.

use crate::config::AppConfig;

/// What the app knows before the first render.
#[derive(Clone, Debug)]
pub struct Boot {
    pub config: AppConfig,
    /// The document's base URL, ending in '/', e.g. `https://me.github.io/handshake/`.
    pub page_base: String,
    /// A problem with config.json, shown to the user (the defaults are used instead).
    pub config_warning: Option<String>,
}

impl Boot {
    /// The router's base path: the base URL's path without its trailing slash ("" at the root).
    pub fn router_base(&self) -> String {
        crate::url::HttpUrl::parse(&self.page_base)
            .map(|u| u.path().trim_end_matches('/').to_string())
            .unwrap_or_default()
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
    let url = format!("{page_base}config.json");
    let text = crate::http::fetch::get_text(&url).await;
    match AppConfig::from_file(text.as_deref(), &page_base) {
        Ok(config) => Boot {
            config,
            page_base,
            config_warning: None,
        },
        Err(warning) => Boot {
            config: AppConfig::from_file(None, &page_base).expect("defaults are valid"),
            page_base,
            config_warning: Some(format!("{warning}. Using the built-in defaults instead.")),
        },
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
