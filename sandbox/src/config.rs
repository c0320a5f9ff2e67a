// Who may use the Sandbox: registered OAuth clients (per dialect) and token lifetimes.
// Loaded from a JSON file by the server; `Config::default()` works for local use.

use serde::{Deserialize, Serialize};

/// Which simulated provider a client is registered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    Academy,
    /// Metamaps (Doorkeeper 4.2.6), under /metamaps.
    Doorkeeper,
    /// The plain PHP-style API, under /php.
    Php,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClientConfig {
    pub dialect: Dialect,
    pub client_id: String,
    pub client_secret: String,
    /// Exact redirect URIs; a loopback one (127.0.0.1, [::1], localhost) matches any port (RFC 8252 §7.3).
    pub redirect_uris: Vec<String>,
}

/// A v1 API key and the demo account (`john` or `jane`) whose records it reaches.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ApiKeyConfig {
    pub key: String,
    pub account: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub clients: Vec<ClientConfig>,
    pub api_keys: Vec<ApiKeyConfig>,
    /// Academy access-token lifetime, in minutes (the spec's sample says 5).
    pub academy_access_minutes: u64,
    /// Academy refresh-token lifetime, in minutes (the spec's sample says 5).
    pub academy_refresh_minutes: u64,
    /// Metamaps access-token lifetime in seconds (the tutorial says 7200); `null` = never expires.
    pub metamaps_access_seconds: Option<u64>,
    /// Whether Metamaps issues refresh tokens (the tutorial shows one).
    pub metamaps_refresh_tokens: bool,
    /// Requests per minute and key the PHP API allows before answering 429.
    pub php_rate_limit_per_minute: u32,
}

/// RFC 6749-era out-of-band redirect URI: the code is shown, not sent (Doorkeeper).
pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
pub const ACADEMY_CLIENT_ID: &str = "academy-sandbox-client";
pub const ACADEMY_CLIENT_SECRET: &str = "academy-sandbox-secret";
pub const ACADEMY_API_KEY: &str = "academy-sandbox-key";
/// An Academy client whose registered redirect URI is Make's own callback, as many learners have.
pub const ACADEMY_FOREIGN_CLIENT_ID: &str = "academy-registered-at-make";
pub const METAMAPS_CLIENT_ID: &str = "metamaps-sandbox-client";
pub const METAMAPS_CLIENT_SECRET: &str = "metamaps-sandbox-secret";
pub const PHP_CLIENT_ID: &str = "php-sandbox-client";
pub const PHP_CLIENT_SECRET: &str = "php-sandbox-secret";

fn loopback_callbacks() -> Vec<String> {
    vec![
        "http://127.0.0.1/callback".into(),
        "http://localhost/callback".into(),
    ]
}

impl Default for Config {
    fn default() -> Self {
        Config {
            clients: vec![
                ClientConfig {
                    dialect: Dialect::Academy,
                    client_id: ACADEMY_CLIENT_ID.into(),
                    client_secret: ACADEMY_CLIENT_SECRET.into(),
                    redirect_uris: loopback_callbacks(),
                },
                ClientConfig {
                    dialect: Dialect::Academy,
                    client_id: ACADEMY_FOREIGN_CLIENT_ID.into(),
                    client_secret: ACADEMY_CLIENT_SECRET.into(),
                    redirect_uris: vec!["https://www.integromat.com/oauth/cb/app".into()],
                },
                ClientConfig {
                    dialect: Dialect::Doorkeeper,
                    client_id: METAMAPS_CLIENT_ID.into(),
                    client_secret: METAMAPS_CLIENT_SECRET.into(),
                    redirect_uris: [loopback_callbacks(), vec![OOB.into()]].concat(),
                },
                ClientConfig {
                    dialect: Dialect::Php,
                    client_id: PHP_CLIENT_ID.into(),
                    client_secret: PHP_CLIENT_SECRET.into(),
                    redirect_uris: loopback_callbacks(),
                },
            ],
            api_keys: vec![
                ApiKeyConfig {
                    key: ACADEMY_API_KEY.into(),
                    account: "john".into(),
                },
                ApiKeyConfig {
                    key: format!("{ACADEMY_API_KEY}-jane"),
                    account: "jane".into(),
                },
            ],
            academy_access_minutes: 5,
            academy_refresh_minutes: 5,
            metamaps_access_seconds: Some(7200),
            metamaps_refresh_tokens: true,
            php_rate_limit_per_minute: 60,
        }
    }
}

impl Config {
    pub fn from_json(text: &str) -> Result<Config, String> {
        let config: Config =
            serde_json::from_str(text).map_err(|e| format!("sandbox config: {e}"))?;
        for key in &config.api_keys {
            if !matches!(key.account.as_str(), "john" | "jane") {
                return Err(format!(
                    "sandbox config: API key account {:?} must be \"john\" or \"jane\"",
                    key.account
                ));
            }
        }
        for client in &config.clients {
            if client.client_id.trim().is_empty() {
                return Err("sandbox config: a client has an empty client_id".into());
            }
            if client.redirect_uris.is_empty() {
                return Err(format!(
                    "sandbox config: client {:?} has no redirect_uris",
                    client.client_id
                ));
            }
        }
        Ok(config)
    }

    pub fn client(&self, dialect: Dialect, client_id: &str) -> Option<&ClientConfig> {
        self.clients
            .iter()
            .find(|c| c.dialect == dialect && c.client_id == client_id)
    }
}

impl ClientConfig {
    /// Exact match, except that a registered loopback URI accepts any port (RFC 8252 §7.3).
    pub fn allows_redirect(&self, candidate: &str) -> bool {
        self.redirect_uris
            .iter()
            .any(|registered| redirect_matches(registered, candidate))
    }
}

fn redirect_matches(registered: &str, candidate: &str) -> bool {
    if registered == candidate {
        return true;
    }
    match (split_loopback(registered), split_loopback(candidate)) {
        (Some((scheme_a, host_a, rest_a)), Some((scheme_b, host_b, rest_b))) => {
            scheme_a == scheme_b && host_a == host_b && rest_a == rest_b
        }
        _ => false,
    }
}

/// For `http://<loopback>[:port]/rest`, returns (scheme, host, rest) without the port.
fn split_loopback(uri: &str) -> Option<(&str, &str, &str)> {
    let (scheme, after) = uri.split_once("://")?;
    if scheme != "http" {
        return None;
    }
    let slash = after.find('/').unwrap_or(after.len());
    let (authority, rest) = after.split_at(slash);
    let host = if authority.starts_with('[') {
        let end = authority.find(']')?;
        &authority[..=end]
    } else {
        authority.split(':').next()?
    };
    let port = &authority[host.len()..];
    if !(port.is_empty()
        || (port.starts_with(':') && port[1..].bytes().all(|b| b.is_ascii_digit())))
    {
        return None;
    }
    matches!(host, "127.0.0.1" | "localhost" | "[::1]").then_some((scheme, host, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(uris: &[&str]) -> ClientConfig {
        ClientConfig {
            dialect: Dialect::Academy,
            client_id: "c".into(),
            client_secret: "s".into(),
            redirect_uris: uris.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn loopback_redirects_match_any_port_but_nothing_else() {
        let c = client(&["http://127.0.0.1/callback"]);
        assert!(c.allows_redirect("http://127.0.0.1:8080/callback"));
        assert!(c.allows_redirect("http://127.0.0.1/callback"));
        assert!(!c.allows_redirect("http://127.0.0.1:8080/callback/"));
        assert!(!c.allows_redirect("http://127.0.0.1:8080/other"));
        assert!(!c.allows_redirect("http://localhost:8080/callback"));
        assert!(!c.allows_redirect("http://127.0.0.1.evil.com/callback"));
        assert!(!c.allows_redirect("http://127.0.0.1:80x/callback"));
        assert!(!c.allows_redirect("https://127.0.0.1/callback"));
    }

    #[test]
    fn other_redirects_match_exactly() {
        let c = client(&["https://www.integromat.com/oauth/cb/app"]);
        assert!(c.allows_redirect("https://www.integromat.com/oauth/cb/app"));
        assert!(!c.allows_redirect("https://www.integromat.com:444/oauth/cb/app"));
        assert!(!c.allows_redirect("https://www.integromat.com/oauth/cb/app?x=1"));
    }

    #[test]
    fn config_errors_name_the_problem() {
        let err = Config::from_json(r#"{"clients":[{"dialect":"academy","client_id":"a","client_secret":"b","redirect_uris":[]}]}"#).unwrap_err();
        assert!(err.contains("no redirect_uris"), "{err}");
        let err = Config::from_json("{nope").unwrap_err();
        assert!(err.starts_with("sandbox config:"), "{err}");
    }
}
