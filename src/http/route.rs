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

/// What start-up found at the proxy's address (probed once, with a time limit).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ProxyState {
    /// Not known yet: nothing is refused for it.
    #[default]
    Checking,
    /// A handshake-proxy answered `/_info`: its upstreams and the secrets it holds.
    Handshake(ProxyInfo),
    /// Something forwards these upstreams (`trunk serve`'s proxy rules), without `/_info`.
    Forwarding(Vec<String>),
    /// Nothing forwards: the static host answered with the app's own page, or nobody did.
    Absent,
}

/// The routing table: config.json's upstreams, custom providers' own, and what start-up found
/// at the proxy's and the Sandbox's addresses.
#[derive(Clone, Debug, PartialEq)]
pub struct Routes {
    config: AppConfig,
    proxy: ProxyState,
    /// Whether the Sandbox server answered (`None`: not known yet).
    sandbox_up: Option<bool>,
}

/// Whether `url` is on the in-page Sandbox's made-up origin (not a look-alike host).
pub fn is_in_page(url: &str) -> bool {
    url.strip_prefix(IN_PAGE_SANDBOX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
}

impl Routes {
    pub fn new(config: AppConfig, proxy_info: Option<ProxyInfo>) -> Self {
        Routes {
            config,
            proxy: proxy_info.map_or(ProxyState::Checking, ProxyState::Handshake),
            sandbox_up: None,
        }
    }

    /// What the probes found (start-up sets it once they answer or time out).
    pub fn with_reach(mut self, proxy: ProxyState, sandbox_up: Option<bool>) -> Self {
        self.proxy = proxy;
        self.sandbox_up = sandbox_up;
        self
    }

    pub fn proxy(&self) -> &ProxyState {
        &self.proxy
    }

    pub fn sandbox_up(&self) -> Option<bool> {
        self.sandbox_up
    }

    /// The upstream names `providers` go through (what a probe of the proxy must ask about).
    pub fn upstreams_for(&self, providers: &[Provider]) -> Vec<String> {
        let mut names: Vec<String> = providers
            .iter()
            .flat_map(|p| [p.token.url.as_str(), p.api_base.as_str()])
            .filter_map(|u| HttpUrl::parse(u).ok())
            .filter_map(|u| self.config.upstream_for(&u).map(|up| up.name.clone()))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Why a request to `url` cannot go now (the proxy it needs is absent or does not
    /// forward its upstream), in words that say how to fix it.
    pub fn reach(&self, url: &str) -> Result<(), String> {
        let Ok(Target::Proxy(_)) = self.route(url) else {
            return Ok(());
        };
        let Some(name) = HttpUrl::parse(url)
            .ok()
            .and_then(|u| self.config.upstream_for(&u).map(|up| up.name.clone()))
        else {
            return Ok(());
        };
        let base = &self.config.proxy_base;
        match &self.proxy {
            ProxyState::Checking => Ok(()),
            ProxyState::Handshake(info) if info.upstreams.contains(&name) => Ok(()),
            ProxyState::Forwarding(names) if names.contains(&name) => Ok(()),
            ProxyState::Handshake(_) | ProxyState::Forwarding(_) => Err(format!(
                "The proxy at {base} does not forward to {name}: restart it with --upstream {name}=<the provider's host>."
            )),
            ProxyState::Absent => Err(format!(
                "This needs handshake-proxy (browsers cannot call this provider's token endpoint), and none answers at {base}. \
                 Run one (README, \"The proxy\") and enter its address under Settings, or use a Sandbox provider."
            )),
        }
    }

    /// Why `provider` cannot work where the app runs now, if it cannot: its Sandbox server is
    /// not there, or the proxy its token requests need is not.
    pub fn unavailable(&self, provider: &Provider) -> Option<String> {
        let sandbox = self.config.sandbox_url.origin();
        let on_sandbox = [provider.authorize_url.as_str(), provider.api_base.as_str()]
            .iter()
            .filter_map(|u| HttpUrl::parse(u).ok())
            .any(|u| u.origin() == sandbox);
        if on_sandbox && self.sandbox_up == Some(false) {
            return Some(format!(
                "no Sandbox server answers at {sandbox} (start one with ./scripts/run.sh, or use an \u{201c}In this browser\u{201d} provider)"
            ));
        }
        // Without its proxy a page never reaches for a Sandbox server (a public page asking
        // for a loopback address would only meet the browser's local-network prompt).
        if on_sandbox && self.sandbox_up.is_none() && matches!(self.proxy, ProxyState::Absent) {
            return Some(format!(
                "no Sandbox server here: its token calls go through handshake-proxy, and none answers at {} \
                 (run ./scripts/run.sh and open Handshake from it, or use an \u{201c}In this browser\u{201d} provider)",
                self.config.proxy_base
            ));
        }
        let url = if provider.is_oauth() {
            &provider.token.url
        } else {
            &provider.api_base
        };
        self.reach(url).err()
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
        match &self.proxy {
            ProxyState::Handshake(info) => Some(info),
            _ => None,
        }
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
        self.proxy_info()
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
    fn what_cannot_work_here_says_why() {
        let config = AppConfig::from_file(None, "https://me.github.io/handshake/").unwrap();
        let all = crate::providers::presets(&config);
        let find = |id: &str| all.iter().find(|p| p.id == id).unwrap().clone();
        let checking = Routes::new(config.clone(), None);
        assert_eq!(
            checking.unavailable(&find("academy-v2")),
            None,
            "nothing refused before the probes"
        );
        let nothing = Routes::new(config.clone(), None).with_reach(ProxyState::Absent, Some(false));
        assert!(nothing
            .unavailable(&find("academy-v2"))
            .unwrap()
            .contains("needs handshake-proxy"));
        assert!(nothing
            .unavailable(&find("sandbox-academy-v2"))
            .unwrap()
            .contains("no Sandbox server answers at http://127.0.0.1:8090"));
        assert_eq!(nothing.unavailable(&find("browser-academy-v2")), None);
        let unasked = Routes::new(config.clone(), None).with_reach(ProxyState::Absent, None);
        assert!(unasked
            .unavailable(&find("sandbox-metamaps"))
            .unwrap()
            .contains("no Sandbox server here: its token calls go through handshake-proxy"));
        let trunk = Routes::new(config.clone(), None).with_reach(
            ProxyState::Forwarding(vec!["academy".into(), "sandbox".into()]),
            Some(true),
        );
        assert_eq!(trunk.unavailable(&find("academy-v2")), None);
        assert!(trunk
            .unavailable(&find("metamaps"))
            .unwrap()
            .contains("does not forward to metamaps"));
        assert_eq!(
            trunk.upstreams_for(&all),
            vec!["academy", "metamaps", "sandbox", "swaggerhub"]
        );
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
