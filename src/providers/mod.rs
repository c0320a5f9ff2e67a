// Providers as data: endpoints, dialect quirks (body encoding, expiry unit, PKCE, which
// parameters the token call carries) and the presets the home page offers.

use crate::config::AppConfig;
use serde::{Deserialize, Serialize};

/// How the token endpoint wants its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyEncoding {
    Json,
    Form,
    /// Parameters in the query string of a POST (Metamaps' documented style).
    Query,
}

/// The unit of `expires_in` in token answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpiryUnit {
    Seconds,
    Minutes,
}

impl ExpiryUnit {
    pub fn millis(self, amount: f64) -> f64 {
        match self {
            ExpiryUnit::Seconds => amount * 1_000.0,
            ExpiryUnit::Minutes => amount * 60_000.0,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ExpiryUnit::Seconds => "seconds",
            ExpiryUnit::Minutes => "minutes",
        }
    }
}

/// How API calls carry the credential.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "header")]
pub enum AuthStyle {
    Bearer,
    ApiKeyHeader(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub method: String,
    pub url: String,
}

impl Endpoint {
    pub fn new(method: &str, url: impl Into<String>) -> Self {
        Endpoint {
            method: method.to_string(),
            url: url.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeInfo {
    pub name: String,
    pub meaning: String,
}

/// Everything Handshake needs to know to talk to one provider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provider {
    pub id: String,
    pub name: String,
    /// One line shown under the selector.
    pub summary: String,
    pub sandbox: bool,
    pub authorize_url: String,
    pub token: Endpoint,
    pub refresh: Option<Endpoint>,
    pub revoke: Option<Endpoint>,
    pub userinfo: Option<Endpoint>,
    /// Credentials are attached only to URLs under this base.
    pub api_base: String,
    pub token_body: BodyEncoding,
    pub expiry_unit: ExpiryUnit,
    pub scopes: Vec<ScopeInfo>,
    pub default_scopes: Vec<String>,
    pub scope_separator: String,
    pub pkce: bool,
    /// Whether the token request carries `grant_type` and `redirect_uri` (the PHP dialect sends neither).
    pub sends_grant_type: bool,
    pub sends_redirect_uri: bool,
    pub auth: AuthStyle,
    pub default_client_id: String,
    /// A public demo secret (Sandbox only); real secrets are typed by the user or held by the proxy.
    pub demo_client_secret: Option<String>,
}

fn scope(name: &str, meaning: &str) -> ScopeInfo {
    ScopeInfo {
        name: name.into(),
        meaning: meaning.into(),
    }
}

fn academy_scopes() -> Vec<ScopeInfo> {
    vec![
        scope("connect", "required to authorize; lets the app call /info"),
        scope("read", "every GET except /info"),
        scope("write", "every POST, PUT and PATCH"),
        scope("delete", "every DELETE"),
    ]
}

/// The Academy v2 dialect at `host` (`https://app-academy.make.com` or the Sandbox).
fn academy_v2(id: &str, name: &str, summary: &str, host: &str, sandbox: bool) -> Provider {
    let base = format!("{}/api/v2", host.trim_end_matches('/'));
    Provider {
        id: id.into(),
        name: name.into(),
        summary: summary.into(),
        sandbox,
        authorize_url: format!("{base}/authorize"),
        token: Endpoint::new("POST", format!("{base}/token")),
        refresh: Some(Endpoint::new("POST", format!("{base}/refresh"))),
        revoke: Some(Endpoint::new("GET", format!("{base}/invalidate"))),
        userinfo: Some(Endpoint::new("GET", format!("{base}/info"))),
        api_base: base,
        token_body: BodyEncoding::Json,
        expiry_unit: ExpiryUnit::Minutes,
        scopes: academy_scopes(),
        default_scopes: vec!["connect".into(), "read".into()],
        scope_separator: " ".into(),
        pkce: false,
        sends_grant_type: true,
        sends_redirect_uri: true,
        auth: AuthStyle::Bearer,
        default_client_id: if sandbox {
            "academy-sandbox-client".into()
        } else {
            String::new()
        },
        demo_client_secret: sandbox.then(|| "academy-sandbox-secret".into()),
    }
}

/// Every preset, with Sandbox URLs taken from the runtime configuration.
pub fn presets(config: &AppConfig) -> Vec<Provider> {
    let sandbox = config.sandbox_url.origin();
    vec![
        academy_v2(
            "sandbox-academy-v2",
            "Sandbox · Make App Academy v2",
            "The simulated Academy API on this machine: no credentials needed.",
            &sandbox,
            true,
        ),
        academy_v2(
            "academy-v2",
            "Make App Academy v2 (OAuth2)",
            "The real Academy API: needs your client id and secret from the course sign-up.",
            "https://app-academy.make.com",
            false,
        ),
    ]
}

impl Provider {
    /// RFC 6749 §3.3: the scope parameter, joined with this provider's separator.
    pub fn scope_string(&self, scopes: &[String]) -> String {
        scopes.join(&self.scope_separator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_presets_follow_the_configured_sandbox_url() {
        let config = AppConfig::from_file(
            Some(r#"{"sandbox_url":"http://127.0.0.1:9999"}"#),
            "http://127.0.0.1:8080/",
        )
        .unwrap();
        let p = &presets(&config)[0];
        assert_eq!(p.authorize_url, "http://127.0.0.1:9999/api/v2/authorize");
        assert_eq!(p.token.url, "http://127.0.0.1:9999/api/v2/token");
        assert_eq!(p.expiry_unit, ExpiryUnit::Minutes);
        assert!(p.sandbox);
    }

    #[test]
    fn real_academy_carries_no_secret() {
        let config = AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap();
        let real = presets(&config)
            .into_iter()
            .find(|p| p.id == "academy-v2")
            .unwrap();
        assert_eq!(real.demo_client_secret, None);
        assert_eq!(real.api_base, "https://app-academy.make.com/api/v2");
    }
}
