// Runtime configuration read from `config.json` next to index.html: where the proxy is,
// where the Sandbox is, and which upstream name stands for which provider host.

use crate::url::HttpUrl;
use serde::Deserialize;

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
    pub default_provider: String,
}

/// The file's shape; every field is optional and falls back to the local defaults.
#[derive(Deserialize, Default)]
struct ConfigFile {
    proxy_base: Option<String>,
    sandbox_url: Option<String>,
    #[serde(default)]
    upstreams: std::collections::BTreeMap<String, String>,
    default_provider: Option<String>,
}

pub const DEFAULT_SANDBOX_URL: &str = "http://127.0.0.1:8090";

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
        let file: ConfigFile = match text {
            Some(t) => {
                serde_json::from_str(t).map_err(|e| format!("config.json is not valid: {e}"))?
            }
            None => ConfigFile::default(),
        };
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
        Ok(AppConfig {
            proxy_base: proxy_base.trim_end_matches('/').to_string(),
            sandbox_url,
            upstreams,
            default_provider: file
                .default_provider
                .unwrap_or_else(|| "sandbox-academy-v2".into()),
        })
    }

    /// The proxy URL that reaches `target`, or `None` when no upstream covers it.
    pub fn proxied(&self, target: &HttpUrl) -> Option<String> {
        let upstream = self
            .upstreams
            .iter()
            .filter(|u| target.is_under(&u.base))
            .max_by_key(|u| u.base.path().len())?;
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
    if reference.starts_with("http://") || reference.starts_with("https://") {
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
    fn bad_files_say_what_is_wrong() {
        let e = AppConfig::from_file(Some("{"), "http://a/").unwrap_err();
        assert!(e.starts_with("config.json is not valid"), "{e}");
        let e =
            AppConfig::from_file(Some(r#"{"sandbox_url":"ftp://x"}"#), "http://a/").unwrap_err();
        assert!(e.contains("sandbox_url"), "{e}");
    }
}
