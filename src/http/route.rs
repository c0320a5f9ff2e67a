// Where a request goes, decided once: the Sandbox inside the page, the proxy (when an upstream
// covers the host), or straight to the host. Pure, so the rules are tested natively.

use crate::config::{AppConfig, ProxyInfo, Upstream, IN_PAGE_SANDBOX};
use crate::providers::Provider;
use crate::types::ClientId;
use crate::url::HttpUrl;
use crate::wire::NetError;

/// Where a URL is answered.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// The in-page Sandbox, at this path and query.
    InPage(String),
    /// Through the proxy, at this URL.
    Proxy(String),
    /// The URL itself.
    Direct(String),
}

/// The routing table: config.json's upstreams, custom providers' own, and what the proxy said
/// about itself at start-up.
#[derive(Clone, Debug, PartialEq)]
pub struct Routes {
    config: AppConfig,
    proxy_info: Option<ProxyInfo>,
}

/// Whether `url` is on the in-page Sandbox's made-up origin (not a look-alike host).
pub fn is_in_page(url: &str) -> bool {
    url.strip_prefix(IN_PAGE_SANDBOX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
}

impl Routes {
    pub fn new(config: AppConfig, proxy_info: Option<ProxyInfo>) -> Self {
        Routes { config, proxy_info }
    }

    /// Adds the upstreams custom providers name for their hosts (those that cannot be added
    /// are left out; `adopt_upstream` says why).
    pub fn with_providers(mut self, providers: &[Provider]) -> Self {
        for p in providers {
            if let Some(name) = &p.upstream {
                let _ = self.adopt_upstream(name, &p.api_base);
            }
        }
        self
    }

    /// Lets `name` reach the origin of `url` through the proxy. A provider description can never
    /// re-route another provider's traffic (RFC 9700 §4.4): a name already in use for another
    /// host is refused, and a host another upstream covers keeps that one.
    pub fn adopt_upstream(&mut self, name: &str, url: &str) -> Result<(), String> {
        let origin = HttpUrl::parse(url)
            .and_then(|u| HttpUrl::parse(&u.origin()))
            .map_err(|e| e.to_string())?;
        if let Some(existing) = self.config.upstreams.iter().find(|u| u.name == name) {
            return if existing.base.origin() == origin.origin() {
                Ok(())
            } else {
                Err(format!(
                    "The proxy upstream {} already reaches {}: a provider cannot send its traffic elsewhere. Choose another name.",
                    crate::types::quote(name),
                    existing.base.origin()
                ))
            };
        }
        if self.config.upstream_for(&origin).is_some() {
            return Ok(());
        }
        self.config.upstreams.push(Upstream {
            name: name.to_string(),
            base: origin,
        });
        Ok(())
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    pub fn proxy_info(&self) -> Option<&ProxyInfo> {
        self.proxy_info.as_ref()
    }

    pub fn route(&self, url: &str) -> Result<Target, NetError> {
        if is_in_page(url) {
            let rest = &url[IN_PAGE_SANDBOX.len()..];
            return Ok(Target::InPage(if rest.is_empty() {
                "/".into()
            } else {
                rest.into()
            }));
        }
        let target = HttpUrl::parse(url).map_err(|e| NetError::Refused(e.to_string()))?;
        Ok(match self.config.proxied(&target) {
            Some(proxied) => Target::Proxy(proxied),
            None => Target::Direct(target.to_string()),
        })
    }

    /// Whether the proxy reaching `url` adds `client_id`'s secret to POSTs there.
    pub fn secret_held(&self, url: &str, client_id: &ClientId) -> bool {
        let Ok(target) = HttpUrl::parse(url) else {
            return false;
        };
        let Some(upstream) = self.config.upstream_for(&target) else {
            return false;
        };
        let path = target.path_below(&upstream.base).unwrap_or("/");
        self.proxy_info
            .as_ref()
            .is_some_and(|i| i.holds_secret(&upstream.name, client_id.as_str(), path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(info: Option<&str>) -> Routes {
        let config = AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap();
        Routes::new(config, info.map(|t| serde_json::from_str(t).unwrap()))
    }

    #[test]
    fn each_url_goes_one_way() {
        let r = routes(None);
        assert_eq!(
            r.route("https://sandbox.handshake.invalid/api/v2/movies?page=2")
                .unwrap(),
            Target::InPage("/api/v2/movies?page=2".into())
        );
        assert_eq!(
            r.route("https://sandbox.handshake.invalid").unwrap(),
            Target::InPage("/".into())
        );
        assert_eq!(
            r.route("https://app-academy.make.com/api/v2/token")
                .unwrap(),
            Target::Proxy("http://127.0.0.1:8080/proxy/academy/api/v2/token".into())
        );
        for look_alike in [
            "https://sandbox.handshake.invalid.evil.com/api",
            "https://sandbox.handshake.invalidx/api",
        ] {
            assert!(!is_in_page(look_alike));
            assert!(matches!(r.route(look_alike).unwrap(), Target::Direct(_)));
        }
        assert!(matches!(r.route("not a url"), Err(NetError::Refused(_))));
    }

    #[test]
    fn a_provider_file_cannot_reroute_another_providers_traffic() {
        let mut evil = crate::providers::custom::CustomDraft {
            name: "Totally the Academy".into(),
            authorize_url: "https://evil.example/authorize".into(),
            token_url: "https://evil.example/token".into(),
            api_base: "https://evil.example/api".into(),
            upstream: "academy".into(),
            ..Default::default()
        }
        .to_provider()
        .unwrap();
        let r = routes(None).with_providers(std::slice::from_ref(&evil));
        // The Academy's token request still goes to the Academy's upstream, not evil.example.
        assert_eq!(
            r.route("https://app-academy.make.com/api/v2/token")
                .unwrap(),
            Target::Proxy("http://127.0.0.1:8080/proxy/academy/api/v2/token".into())
        );
        assert!(matches!(
            r.route("https://evil.example/token").unwrap(),
            Target::Direct(_)
        ));
        let mut r = routes(None);
        assert!(r
            .adopt_upstream("academy", "https://evil.example/api")
            .unwrap_err()
            .contains("already reaches https://app-academy.make.com"));
        // A fresh name for a fresh host is fine, and so is the right name for its own host.
        evil.upstream = Some("evil".into());
        let r = routes(None).with_providers(&[evil]);
        assert_eq!(
            r.route("https://evil.example/token").unwrap(),
            Target::Proxy("http://127.0.0.1:8080/proxy/evil/token".into())
        );
        assert!(routes(None)
            .adopt_upstream("academy", "https://app-academy.make.com/x")
            .is_ok());
    }

    #[test]
    fn the_secret_is_held_for_the_upstream_and_client_the_proxy_names() {
        let r = routes(Some(
            r#"{"upstreams":["academy"],"secrets":[{"upstream":"academy","client_id":"c1"}]}"#,
        ));
        let token = "https://app-academy.make.com/api/v2/token";
        assert!(r.secret_held(token, &"c1".into()));
        // A proxy that names its paths holds the secret there only.
        let precise = routes(Some(
            r#"{"upstreams":["academy"],"secrets":[{"upstream":"academy","client_id":"c1","token_paths":["/api/v2/token"],"auth_paths":["/api/v2/par"]}]}"#,
        ));
        assert!(precise.secret_held(token, &"c1".into()));
        assert!(precise.secret_held("https://app-academy.make.com/api/v2/par", &"c1".into()));
        assert!(!precise.secret_held(
            "https://app-academy.make.com/api/v2/introspect",
            &"c1".into()
        ));
        assert!(!r.secret_held(token, &"c2".into()));
        assert!(!r.secret_held("https://metamaps.cc/oauth/token", &"c1".into()));
        assert!(!routes(None).secret_held(token, &"c1".into()));
    }
}
