// Runtime configuration read from `config.json` next to index.html: where the proxy is,
// where the Sandbox is, and which upstream name stands for which provider host.

use crate::types::ProviderId;
use crate::url::HttpUrl;
use serde::{Deserialize, Serialize};

/// One host the proxy forwards to, by name: `{proxy_base}/{name}/…` reaches `{base}/…`.
#[derive(Clone, Debug, PartialEq)]
pub struct Upstream {
    pub name: String,
    pub base: HttpUrl,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppConfig {
    /// Absolute URL of the proxy's `/proxy` root (resolved against the page at load time).
    pub proxy_base: String,
    /// Where the Sandbox server answers (the browser navigates there to authorize).
    pub sandbox_url: HttpUrl,
    pub upstreams: Vec<Upstream>,
    pub default_provider: ProviderId,
    /// How long a request may take before Handshake gives up on it.
    pub request_timeout_seconds: u32,
    /// Presets moved to another host: each URL on the preset's own origin moves under this base.
    pub rehost: std::collections::BTreeMap<ProviderId, HttpUrl>,
}

/// The file's shape; every field is optional and falls back to the local defaults.
#[derive(Deserialize, Default)]
struct ConfigFile {
    proxy_base: Option<String>,
    sandbox_url: Option<String>,
    #[serde(default)]
    upstreams: std::collections::BTreeMap<String, String>,
    default_provider: Option<String>,
    request_timeout_seconds: Option<u32>,
    #[serde(default)]
    rehost: std::collections::BTreeMap<String, String>,
}

pub const DEFAULT_SANDBOX_URL: &str = "http://127.0.0.1:8090";

/// The made-up origin of the Sandbox that runs inside the page (`.invalid` never resolves:
/// RFC 2606); requests to it never reach the network.
pub const IN_PAGE_SANDBOX: &str = "https://sandbox.handshake.invalid";

/// The user's own settings (Settings card, kept in localStorage): they win over config.json.
/// Two addresses and nothing else belong here.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Overrides {
    #[serde(default)]
    pub proxy_base: Option<String>,
    #[serde(default)]
    pub sandbox_url: Option<String>,
}

/// What a handshake-proxy says about itself at `/proxy/_info` (never a secret).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct ProxyInfo {
    #[serde(default)]
    pub upstreams: Vec<String>,
    #[serde(default)]
    pub secrets: Vec<HeldSecret>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct HeldSecret {
    pub upstream: String,
    pub client_id: String,
    /// The paths (after `/proxy/<upstream>`) whose POSTs get the secret; empty from an older proxy.
    #[serde(default)]
    pub token_paths: Vec<String>,
    /// Paths that authenticate the client without granting a token (PAR, introspection…).
    #[serde(default)]
    pub auth_paths: Vec<String>,
    /// `client_secret_post` or `client_secret_basic`.
    #[serde(default)]
    pub auth: Option<String>,
}

impl ProxyInfo {
    /// Whether the proxy adds the secret of `client_id` to POSTs at `path` (below `/proxy/
    /// <upstream>`); an older proxy that names no paths is taken to add it everywhere it can.
    pub fn holds_secret(&self, upstream: &str, client_id: &str, path: &str) -> bool {
        self.secrets.iter().any(|s| {
            s.upstream == upstream
                && s.client_id == client_id
                && ((s.token_paths.is_empty() && s.auth_paths.is_empty())
                    || s.token_paths.iter().chain(&s.auth_paths).any(|p| p == path))
        })
    }
}

fn builtin_upstreams() -> [(&'static str, &'static str); 3] {
    [
        ("academy", "https://app-academy.make.com"),
        ("swaggerhub", "https://virtserver.swaggerhub.com"),
        ("metamaps", "https://metamaps.cc"),
    ]
}

impl AppConfig {
    /// Builds the configuration from the file's text (or none), resolving relative URLs
    /// against `page_base` (the document's base URL, ending in '/').
    pub fn from_file(text: Option<&str>, page_base: &str) -> Result<AppConfig, String> {
        Self::from_file_with(text, page_base, &Overrides::default())
    }

    /// Like `from_file`, with the user's settings applied on top.
    pub fn from_file_with(
        text: Option<&str>,
        page_base: &str,
        overrides: &Overrides,
    ) -> Result<AppConfig, String> {
        let mut file: ConfigFile = match text {
            Some(t) => {
                serde_json::from_str(t).map_err(|e| format!("config.json is not valid: {e}"))?
            }
            None => ConfigFile::default(),
        };
        let set = |v: &Option<String>| {
            v.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        if let Some(p) = set(&overrides.proxy_base) {
            file.proxy_base = Some(p);
        }
        if let Some(s) = set(&overrides.sandbox_url) {
            file.sandbox_url = Some(s);
        }
        let sandbox_text = file.sandbox_url.as_deref().unwrap_or(DEFAULT_SANDBOX_URL);
        let sandbox_url =
            HttpUrl::parse(sandbox_text).map_err(|e| format!("config.json sandbox_url: {e}"))?;
        let proxy_base = resolve(page_base, file.proxy_base.as_deref().unwrap_or("proxy"));
        HttpUrl::parse(&proxy_base).map_err(|e| format!("config.json proxy_base: {e}"))?;

        let mut upstreams = vec![Upstream {
            name: "sandbox".into(),
            base: sandbox_url.clone(),
        }];
        for (name, base) in builtin_upstreams() {
            upstreams.push(Upstream {
                name: name.into(),
                base: HttpUrl::parse(base).expect("built-in upstreams are valid"),
            });
        }
        for (name, base) in file.upstreams {
            let base =
                HttpUrl::parse(&base).map_err(|e| format!("config.json upstream {name}: {e}"))?;
            upstreams.retain(|u| u.name != name);
            upstreams.push(Upstream { name, base });
        }
        let rehost = file
            .rehost
            .into_iter()
            .map(|(id, base)| {
                HttpUrl::parse(&base)
                    .map(|u| (ProviderId::new(id.as_str()), u))
                    .map_err(|e| format!("config.json rehost {id}: {e}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(AppConfig {
            rehost,
            proxy_base: proxy_base.trim_end_matches('/').to_string(),
            sandbox_url,
            upstreams,
            default_provider: ProviderId::new(
                file.default_provider
                    .unwrap_or_else(|| "sandbox-academy-v2".into()),
            ),
            request_timeout_seconds: file.request_timeout_seconds.unwrap_or(30).clamp(1, 600),
        })
    }

    /// The upstream that covers `target` (the most specific one).
    pub fn upstream_for(&self, target: &HttpUrl) -> Option<&Upstream> {
        self.upstreams
            .iter()
            .filter(|u| target.is_under(&u.base))
            .max_by_key(|u| u.base.path().len())
    }

    /// The proxy URL that reaches `target`, or `None` when no upstream covers it.
    pub fn proxied(&self, target: &HttpUrl) -> Option<String> {
        let upstream = self.upstream_for(target)?;
        let below = target.path_below(&upstream.base)?;
        let mut url = format!("{}/{}{}", self.proxy_base, upstream.name, below);
        if let Some(q) = target.query() {
            url.push('?');
            url.push_str(q);
        }
        Some(url)
    }
}

/// Resolves `reference` against a base URL ending in '/' (absolute references win;
/// a leading '/' means the base's origin root).
pub fn resolve(base: &str, reference: &str) -> String {
    // Anything with a scheme (`x:` before the first '/') is absolute: validated as such later.
    let has_scheme = reference.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && !scheme.contains('/')
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme {
        return reference.to_string();
    }
    if let Some(path) = reference.strip_prefix('/') {
        if let Ok(b) = HttpUrl::parse(base) {
            return format!("{}/{}", b.origin(), path);
        }
    }
    let dir = match base.rfind('/') {
        Some(i) => &base[..=i],
        None => base,
    };
    format!("{dir}{}", reference.trim_start_matches("./"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_work_without_a_file() {
        let c = AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap();
        assert_eq!(c.proxy_base, "http://127.0.0.1:8080/proxy");
        assert_eq!(c.sandbox_url.to_string(), "http://127.0.0.1:8090/");
        assert_eq!(c.default_provider, "sandbox-academy-v2");
    }

    #[test]
    fn relative_proxy_base_follows_a_sub_path() {
        let c = AppConfig::from_file(
            Some(r#"{"proxy_base":"proxy/"}"#),
            "https://me.github.io/handshake/",
        )
        .unwrap();
        assert_eq!(c.proxy_base, "https://me.github.io/handshake/proxy");
        let c = AppConfig::from_file(
            Some(r#"{"proxy_base":"https://p.example.com/proxy"}"#),
            "https://me.github.io/x/",
        )
        .unwrap();
        assert_eq!(c.proxy_base, "https://p.example.com/proxy");
    }

    #[test]
    fn proxied_maps_upstream_hosts_and_keeps_the_query() {
        let c = AppConfig::from_file(
            Some(r#"{"sandbox_url":"http://127.0.0.1:9001"}"#),
            "http://127.0.0.1:8080/",
        )
        .unwrap();
        let t = HttpUrl::parse("http://127.0.0.1:9001/api/v2/token").unwrap();
        assert_eq!(
            c.proxied(&t).unwrap(),
            "http://127.0.0.1:8080/proxy/sandbox/api/v2/token"
        );
        let t = HttpUrl::parse("https://app-academy.make.com/api/v1/movies?page=2").unwrap();
        assert_eq!(
            c.proxied(&t).unwrap(),
            "http://127.0.0.1:8080/proxy/academy/api/v1/movies?page=2"
        );
        let t = HttpUrl::parse("https://elsewhere.example/x").unwrap();
        assert_eq!(c.proxied(&t), None);
    }

    #[test]
    fn user_settings_win_over_the_file() {
        let file =
            r#"{"proxy_base":"https://p.example.com/proxy","sandbox_url":"http://127.0.0.1:9001"}"#;
        let overrides = Overrides {
            proxy_base: Some("http://127.0.0.1:8787/proxy".into()),
            sandbox_url: Some(" ".into()),
        };
        let c =
            AppConfig::from_file_with(Some(file), "https://me.github.io/h/", &overrides).unwrap();
        assert_eq!(c.proxy_base, "http://127.0.0.1:8787/proxy");
        assert_eq!(
            c.sandbox_url.to_string(),
            "http://127.0.0.1:9001/",
            "blank settings keep the file's value"
        );
        let bad = Overrides {
            proxy_base: Some("ftp://x".into()),
            sandbox_url: None,
        };
        assert!(AppConfig::from_file_with(None, "http://a/", &bad)
            .unwrap_err()
            .contains("proxy_base"));
    }

    #[test]
    fn proxy_info_tells_which_secrets_it_holds() {
        let info: ProxyInfo = serde_json::from_str(
            r#"{"upstreams":["academy"],"secrets":[{"upstream":"academy","client_id":"c1"}]}"#,
        )
        .unwrap();
        assert!(info.holds_secret("academy", "c1", "/api/v2/token"));
        assert!(!info.holds_secret("academy", "c2", "/api/v2/token"));
        assert!(!info.holds_secret("sandbox", "c1", "/api/v2/token"));
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let e = AppConfig::from_file(Some("{"), "http://a/").unwrap_err();
        assert!(e.starts_with("config.json is not valid"), "{e}");
        let e =
            AppConfig::from_file(Some(r#"{"sandbox_url":"ftp://x"}"#), "http://a/").unwrap_err();
        assert!(e.contains("sandbox_url"), "{e}");
    }
}
