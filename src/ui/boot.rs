// Start-up: where the page lives (its base URL, for sub-path hosting) and the runtime
// configuration from `config.json` beside index.html (a same-origin file, waited for briefly).
// The proxy and the Sandbox are probed after the page is up, each with a time limit, so a
// hanging server can never keep the page blank.

use crate::config::{AppConfig, Overrides};
use crate::http::route::ProxyState;
use crate::platform::{base_uri, local_storage, KeyValue};
use crate::session::keys;

/// How long start-up waits for config.json (beside the page).
const CONFIG_SECONDS: u32 = 3;
/// How long each probe of the proxy and the Sandbox may take.
const PROBE_SECONDS: u32 = 3;

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
}

/// The user's settings (two addresses) from the browser's preferences store.
pub fn saved_overrides() -> Overrides {
    local_storage()
        .get(&keys::settings())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Validates and saves the settings; they apply from the next page load.
pub fn save_overrides(overrides: &Overrides, page_base: &str) -> Result<(), String> {
    AppConfig::from_file_with(None, page_base, overrides)?;
    let text = serde_json::to_string(overrides).map_err(|e| e.to_string())?;
    local_storage()
        .set(&keys::settings(), &text)
        .map_err(|e| format!("The settings could not be saved: {}", e.0))
}

impl Boot {
    /// The router's base path: the base URL's path without its trailing slash ("" at the root).
    pub fn router_base(&self) -> String {
        router_base(&self.page_base)
    }

    /// The redirect URI this deployment answers on.
    pub fn default_redirect_uri(&self) -> String {
        format!("{}callback", self.page_base)
    }
}

/// The path of `page_base` without its trailing slash ("" at the root).
pub fn router_base(page_base: &str) -> String {
    crate::url::HttpUrl::parse(page_base)
        .map(|u| u.path().trim_end_matches('/').to_string())
        .unwrap_or_default()
}

/// The document's base URL as a directory: no query, fragment or file name.
pub fn page_base() -> String {
    let base = base_uri().unwrap_or_else(|| "http://127.0.0.1:8080/".into());
    let base = base.split(['?', '#']).next().unwrap_or(&base).to_string();
    match base.rfind('/') {
        Some(i) => base[..=i].to_string(),
        None => format!("{base}/"),
    }
}

pub async fn load() -> Boot {
    let page_base = page_base();
    let overrides = saved_overrides();
    let text =
        crate::http::fetch::get_text(&format!("{page_base}config.json"), &[], CONFIG_SECONDS).await;
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
    Boot {
        config,
        page_base,
        config_warning,
        overrides,
    }
}

/// Whether an answer is the app's own page (a static host's fallback): then nothing forwarded.
fn is_app_page(text: &str) -> bool {
    text.contains("name=\"handshake-page\"")
}

/// What answers at the proxy's address: a handshake-proxy (its `/_info`), else for each of
/// `upstreams` whether anything forwards it (`trunk serve`'s proxy rules), else nothing.
pub async fn probe_proxy(config: &AppConfig, upstreams: Vec<String>) -> ProxyState {
    let header = [(crate::http::PROXY_HEADER, "1")];
    let info = crate::http::fetch::get_answer(
        &format!("{}/_info", config.proxy_base),
        &header,
        PROBE_SECONDS,
    )
    .await;
    if let Some((200, text)) = &info {
        if let Ok(info) = serde_json::from_str(text) {
            return ProxyState::Handshake(info);
        }
    }
    if info.is_none() {
        // Nothing answered at all (a proxy elsewhere that is down or refuses this origin).
        return ProxyState::Absent;
    }
    let probes = upstreams.into_iter().map(|name| {
        let url = format!("{}/{name}/", config.proxy_base);
        async move {
            let answer = crate::http::fetch::get_answer(&url, &header, PROBE_SECONDS).await;
            let forwards = answer.is_some_and(|(_, text)| !is_app_page(&text));
            forwards.then_some(name)
        }
    });
    let forwarded: Vec<String> = futures::future::join_all(probes)
        .await
        .into_iter()
        .flatten()
        .collect();
    if forwarded.is_empty() {
        ProxyState::Absent
    } else {
        ProxyState::Forwarding(forwarded)
    }
}

/// Whether the Sandbox server answers (its pages are navigated to, its API is proxied).
pub async fn probe_sandbox(config: &AppConfig) -> bool {
    crate::http::fetch::answers(&config.sandbox_url.to_string(), PROBE_SECONDS).await
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
