// Providers as data: endpoints, dialect quirks (body encoding, expiry unit, PKCE, which
// parameters the token call carries) and the presets the home page offers.

pub mod custom;
pub mod discovery;
pub mod make;

use crate::config::{AppConfig, IN_PAGE_SANDBOX};
use crate::types::{ProviderId, Scope};
use crate::wire::Method;
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

/// How the user gets a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// RFC 6749 §4.1.
    AuthorizationCode,
    /// A key the user types (Academy v1).
    ApiKey,
}

/// Where a provider is listed on the home page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Sandbox,
    Real,
    Custom,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub method: Method,
    pub url: String,
}

impl Endpoint {
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Endpoint {
            method,
            url: url.into(),
        }
    }
}

/// How a provider ends a grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevokeStyle {
    /// Call the endpoint with the access token as Bearer (Academy's `/invalidate`).
    BearerCall,
    /// RFC 7009: POST `token=…` as a form (Doorkeeper's `/oauth/revoke`).
    TokenForm,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revoke {
    pub endpoint: Endpoint,
    pub style: RevokeStyle,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeInfo {
    pub name: Scope,
    pub meaning: String,
}

/// RFC 6749 §2.3, RFC 8414 `token_endpoint_auth_methods_supported`: how the client proves
/// who it is at the token endpoint (and at PAR, introspection and revocation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuthMethod {
    /// RFC 6749 §2.3.1: `Authorization: Basic` with the form-encoded id and secret.
    ClientSecretBasic,
    /// `client_secret` beside `client_id` in the parameters (the seed dialects' way).
    #[default]
    ClientSecretPost,
    /// A public client: `client_id` only, PKCE proves the rest.
    None,
}

impl ClientAuthMethod {
    pub const ALL: [ClientAuthMethod; 3] = [
        ClientAuthMethod::ClientSecretBasic,
        ClientAuthMethod::ClientSecretPost,
        ClientAuthMethod::None,
    ];

    /// The RFC 8414 name.
    pub fn name(self) -> &'static str {
        match self {
            ClientAuthMethod::ClientSecretBasic => "client_secret_basic",
            ClientAuthMethod::ClientSecretPost => "client_secret_post",
            ClientAuthMethod::None => "none",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// What a standard provider offers beyond the seed dialects, usually filled by discovery
/// (RFC 8414, OpenID Connect Discovery); empty for the seed presets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Standards {
    pub client_auth: ClientAuthMethod,
    /// OpenID Connect: where the id_token's signing keys are (RFC 7517 JWK Set).
    pub jwks_uri: Option<String>,
    /// RFC 7662 token introspection.
    pub introspection: Option<String>,
    /// RFC 9126 pushed authorization requests, and whether the provider accepts nothing else.
    pub par: Option<String>,
    pub par_required: bool,
    /// RFC 8628 device authorization.
    pub device_authorization: Option<String>,
    /// RFC 9449: the DPoP proof algorithms the provider accepts (empty: no DPoP).
    pub dpop_algs: Vec<String>,
    /// RFC 9207: the provider always sends `iss` with its answer, so one without it is refused.
    pub iss_required: bool,
    /// The id_token signature algorithms the provider uses.
    pub id_token_algs: Vec<String>,
    /// The grant types the provider names (empty: it did not say).
    pub grant_types: Vec<String>,
}

impl Standards {
    /// Whether the provider says it offers `grant` (or says nothing about grants).
    pub fn offers(&self, grant: &str) -> bool {
        self.grant_types.is_empty() || self.grant_types.iter().any(|g| g == grant)
    }
}

/// Everything Handshake needs to know to talk to one provider.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provider {
    pub id: ProviderId,
    pub name: String,
    /// One line shown under the selector.
    pub summary: String,
    pub group: Group,
    pub flow: Flow,
    pub authorize_url: String,
    pub token: Endpoint,
    pub refresh: Option<Endpoint>,
    pub revoke: Option<Revoke>,
    pub userinfo: Option<Endpoint>,
    /// Credentials are attached only to URLs under this base.
    pub api_base: String,
    pub token_body: BodyEncoding,
    pub expiry_unit: ExpiryUnit,
    pub scopes: Vec<ScopeInfo>,
    /// Scopes without which authorization fails (the Academy's `connect`).
    pub required_scopes: Vec<Scope>,
    pub default_scopes: Vec<Scope>,
    pub scope_separator: String,
    pub pkce: bool,
    /// Whether the token request carries `grant_type` and `redirect_uri` (the PHP dialect sends neither).
    pub sends_grant_type: bool,
    pub sends_redirect_uri: bool,
    /// Whether the out-of-band redirect URI (`urn:ietf:wg:oauth:2.0:oob`) is offered.
    pub supports_oob: bool,
    pub auth: AuthStyle,
    /// The proxy upstream that reaches this provider, when config.json does not name its host.
    #[serde(default)]
    pub upstream: Option<String>,
    pub default_client_id: String,
    /// Public demo credentials (Sandbox only); real secrets are typed by the user or held by the proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demo_client_secret: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demo_api_key: Option<String>,
    /// RFC 9207: when the callback carries `iss`, it must equal this.
    #[serde(default)]
    pub issuer: Option<String>,
    /// Something a user should know before starting (shown under the form).
    #[serde(default)]
    pub notes: Option<String>,
    /// Which endpoint catalog the explorer offers (none: custom requests only).
    #[serde(default)]
    pub catalog: Option<CatalogId>,
    #[serde(default)]
    pub standards: Standards,
}

/// Which OpenAPI document the explorer reads: a built-in one (`public/openapi/`), or the one
/// imported with a custom provider and kept in this browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CatalogId {
    AcademyV1,
    AcademyV2,
    Metamaps,
    Php,
    Imported,
}

fn scope(name: &str, meaning: &str) -> ScopeInfo {
    ScopeInfo {
        name: Scope::new(name),
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

/// The Academy v2 dialect under `base` (`…/api/v2` on the real host, the Sandbox or the mock).
fn academy_v2(id: &str, name: &str, summary: &str, base: &str, group: Group) -> Provider {
    let sandbox = group == Group::Sandbox;
    Provider {
        id: id.into(),
        name: name.into(),
        summary: summary.into(),
        group,
        flow: Flow::AuthorizationCode,
        authorize_url: format!("{base}/authorize"),
        token: Endpoint::new(Method::Post, format!("{base}/token")),
        refresh: Some(Endpoint::new(Method::Post, format!("{base}/refresh"))),
        revoke: Some(Revoke {
            endpoint: Endpoint::new(Method::Get, format!("{base}/invalidate")),
            style: RevokeStyle::BearerCall,
        }),
        userinfo: Some(Endpoint::new(Method::Get, format!("{base}/info"))),
        api_base: base.into(),
        token_body: BodyEncoding::Json,
        expiry_unit: ExpiryUnit::Minutes,
        scopes: academy_scopes(),
        required_scopes: vec!["connect".into()],
        default_scopes: vec!["connect".into(), "read".into()],
        scope_separator: " ".into(),
        pkce: false,
        sends_grant_type: true,
        sends_redirect_uri: true,
        supports_oob: false,
        auth: AuthStyle::Bearer,
        upstream: None,
        default_client_id: if sandbox {
            "academy-sandbox-client".into()
        } else {
            String::new()
        },
        demo_client_secret: sandbox.then(|| "academy-sandbox-secret".into()),
        demo_api_key: None,
        issuer: None,
        notes: None,
        catalog: Some(CatalogId::AcademyV2),
        standards: Standards::default(),
    }
}

fn academy_v1(id: &str, name: &str, summary: &str, base: &str, group: Group) -> Provider {
    let sandbox = group == Group::Sandbox;
    Provider {
        flow: Flow::ApiKey,
        authorize_url: String::new(),
        refresh: None,
        revoke: None,
        userinfo: Some(Endpoint::new(Method::Get, format!("{base}/about"))),
        scopes: Vec::new(),
        required_scopes: Vec::new(),
        default_scopes: Vec::new(),
        auth: AuthStyle::ApiKeyHeader("x-api-key".into()),
        default_client_id: String::new(),
        demo_client_secret: None,
        demo_api_key: sandbox.then(|| "academy-sandbox-key".into()),
        catalog: Some(CatalogId::AcademyV1),
        ..academy_v2(id, name, summary, base, group)
    }
}

fn doorkeeper(id: &str, name: &str, summary: &str, host: &str, group: Group) -> Provider {
    let sandbox = group == Group::Sandbox;
    Provider {
        id: id.into(),
        name: name.into(),
        summary: summary.into(),
        group,
        flow: Flow::AuthorizationCode,
        authorize_url: format!("{host}/oauth/authorize"),
        token: Endpoint::new(Method::Post, format!("{host}/oauth/token")),
        refresh: Some(Endpoint::new(Method::Post, format!("{host}/oauth/token"))),
        revoke: Some(Revoke {
            endpoint: Endpoint::new(Method::Post, format!("{host}/oauth/revoke")),
            style: RevokeStyle::TokenForm,
        }),
        userinfo: Some(Endpoint::new(
            Method::Get,
            format!("{host}/api/v2/users/current"),
        )),
        api_base: format!("{host}/api/v2"),
        token_body: BodyEncoding::Query,
        expiry_unit: ExpiryUnit::Seconds,
        scopes: Vec::new(),
        required_scopes: Vec::new(),
        default_scopes: Vec::new(),
        scope_separator: " ".into(),
        // The Sandbox verifies PKCE like modern Doorkeeper; Metamaps' 4.2.6 would ignore it.
        pkce: sandbox,
        sends_grant_type: true,
        sends_redirect_uri: true,
        supports_oob: true,
        auth: AuthStyle::Bearer,
        upstream: None,
        default_client_id: if sandbox {
            "metamaps-sandbox-client".into()
        } else {
            String::new()
        },
        demo_client_secret: sandbox.then(|| "metamaps-sandbox-secret".into()),
        demo_api_key: None,
        issuer: None,
        notes: None,
        catalog: Some(CatalogId::Metamaps),
        standards: Standards::default(),
    }
}

/// The PHP-style dialect at `host`.
pub fn php_style(id: &str, name: &str, summary: &str, host: &str, group: Group) -> Provider {
    let sandbox = group == Group::Sandbox;
    Provider {
        id: id.into(),
        name: name.into(),
        summary: summary.into(),
        group,
        flow: Flow::AuthorizationCode,
        authorize_url: format!("{host}/api/authorize.php"),
        token: Endpoint::new(Method::Post, format!("{host}/api/token.php")),
        refresh: None,
        revoke: None,
        userinfo: Some(Endpoint::new(
            Method::Get,
            format!("{host}/api/userinfo.php"),
        )),
        api_base: format!("{host}/api"),
        token_body: BodyEncoding::Form,
        expiry_unit: ExpiryUnit::Seconds,
        scopes: Vec::new(),
        required_scopes: Vec::new(),
        default_scopes: Vec::new(),
        scope_separator: " ".into(),
        pkce: false,
        sends_grant_type: false,
        sends_redirect_uri: false,
        supports_oob: false,
        auth: AuthStyle::Bearer,
        upstream: None,
        default_client_id: if sandbox {
            "php-sandbox-client".into()
        } else {
            String::new()
        },
        demo_client_secret: sandbox.then(|| "php-sandbox-secret".into()),
        demo_api_key: None,
        issuer: None,
        notes: None,
        catalog: Some(CatalogId::Php),
        standards: Standards::default(),
    }
}

pub const SWAGGERHUB_BASE: &str =
    "https://virtserver.swaggerhub.com/TKLOBOUCKOVA/app-academy-v2/1.0.0";

/// Every preset, with Sandbox URLs taken from the runtime configuration.
pub fn presets(config: &AppConfig) -> Vec<Provider> {
    let sandbox = config.sandbox_url.origin();
    let mut swagger = academy_v2(
        "academy-v2-swaggerhub",
        "Make App Academy v2 · SwaggerHub mock",
        "The documentation's mock server: it answers with example data whatever you send.",
        SWAGGERHUB_BASE,
        Group::Real,
    );
    swagger.notes = Some(
        "The mock's authorize endpoint answers with JSON ({\"code\": …}) instead of redirecting: \
         copy the code from that page and paste it below."
            .into(),
    );
    let local = IN_PAGE_SANDBOX;
    vec![
        academy_v2(
            "sandbox-academy-v2",
            "Sandbox · Make App Academy v2 (OAuth2)",
            "The simulated Academy API on this machine: no credentials needed.",
            &format!("{sandbox}/api/v2"),
            Group::Sandbox,
        ),
        academy_v1(
            "sandbox-academy-v1",
            "Sandbox · Make App Academy v1 (API key)",
            "The simulated Academy API with an API key: academy-sandbox-key is John Doe's.",
            &format!("{sandbox}/api/v1"),
            Group::Sandbox,
        ),
        doorkeeper(
            "sandbox-metamaps",
            "Sandbox · Metamaps (Doorkeeper)",
            "A simulated Doorkeeper server: query-string token call, seconds, refresh, revoke, out-of-band codes.",
            &format!("{sandbox}/metamaps"),
            Group::Sandbox,
        ),
        php_style(
            "sandbox-php",
            "Sandbox · PHP-style API",
            "A simulated plain PHP OAuth2 API: form token call without grant_type, no refresh token. Sign in as johndoe / sandbox.",
            &format!("{sandbox}/php"),
            Group::Sandbox,
        ),
        academy_v2(
            "browser-academy-v2",
            "In this browser · Make App Academy v2 (OAuth2)",
            "The simulated Academy API running inside this page: no server, no proxy, no credentials. Its data lives in this tab.",
            &format!("{local}/api/v2"),
            Group::Sandbox,
        ),
        academy_v1(
            "browser-academy-v1",
            "In this browser · Make App Academy v1 (API key)",
            "The simulated Academy API inside this page, with an API key: academy-sandbox-key is John Doe's.",
            &format!("{local}/api/v1"),
            Group::Sandbox,
        ),
        academy_v2(
            "academy-v2",
            "Make App Academy v2 (OAuth2)",
            "The real Academy API: needs your client id and secret from the course sign-up.",
            "https://app-academy.make.com/api/v2",
            Group::Real,
        ),
        swagger,
        academy_v1(
            "academy-v1",
            "Make App Academy v1 (API key)",
            "The real Academy API with the API key from your sign-up e-mail.",
            "https://app-academy.make.com/api/v1",
            Group::Real,
        ),
        doorkeeper(
            "metamaps",
            "Metamaps (Doorkeeper)",
            "metamaps.cc: register an application on the site to get a client id and secret.",
            "https://metamaps.cc",
            Group::Real,
        ),
    ]
    .into_iter()
    .map(|p| match config.rehost.get(&p.id) {
        Some(base) => p.rehosted(base),
        None => p,
    })
    .collect()
}

impl Provider {
    /// The same provider served elsewhere (config.json `rehost`): every URL on its own
    /// origin moves under `base` (authorize, token, refresh, revoke, userinfo, API base).
    pub fn rehosted(mut self, base: &crate::url::HttpUrl) -> Provider {
        let Ok(own) = crate::url::HttpUrl::parse(&self.api_base).map(|u| u.origin()) else {
            return self;
        };
        let to = format!("{}{}", base.origin(), base.path().trim_end_matches('/'));
        let mv = |url: &mut String| {
            if let Some(rest) = url.strip_prefix(&own) {
                if rest.is_empty() || rest.starts_with(['/', '?']) {
                    *url = format!("{to}{rest}");
                }
            }
        };
        mv(&mut self.authorize_url);
        mv(&mut self.token.url);
        mv(&mut self.api_base);
        for endpoint in [self.refresh.as_mut(), self.userinfo.as_mut()]
            .into_iter()
            .flatten()
        {
            mv(&mut endpoint.url);
        }
        if let Some(r) = self.revoke.as_mut() {
            mv(&mut r.endpoint.url);
        }
        self.summary = format!("{} Served from {to} (config.json).", self.summary);
        self
    }

    /// RFC 6749 §3.3: the scope parameter, joined with this provider's separator.
    pub fn scope_string(&self, scopes: &[Scope]) -> String {
        let names: Vec<&str> = scopes.iter().map(Scope::as_str).collect();
        names.join(&self.scope_separator)
    }

    pub fn is_oauth(&self) -> bool {
        self.flow == Flow::AuthorizationCode
    }

    /// The header API calls carry the credential in: `authorization`, or the API-key header.
    pub fn credential_header(&self) -> &str {
        match &self.auth {
            AuthStyle::Bearer => "authorization",
            AuthStyle::ApiKeyHeader(h) => h,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> AppConfig {
        AppConfig::from_file(
            Some(r#"{"sandbox_url":"http://127.0.0.1:9999"}"#),
            "http://127.0.0.1:8080/",
        )
        .unwrap()
    }

    #[test]
    fn sandbox_presets_follow_the_configured_sandbox_url() {
        let all = presets(&config());
        let p = &all[0];
        assert_eq!(p.authorize_url, "http://127.0.0.1:9999/api/v2/authorize");
        assert_eq!(p.token.url, "http://127.0.0.1:9999/api/v2/token");
        assert_eq!(p.expiry_unit, ExpiryUnit::Minutes);
        let mm = all.iter().find(|p| p.id == "sandbox-metamaps").unwrap();
        assert_eq!(mm.token_body, BodyEncoding::Query);
        assert_eq!(mm.api_base, "http://127.0.0.1:9999/metamaps/api/v2");
    }

    #[test]
    fn real_presets_carry_no_secrets_and_ids_are_unique() {
        let all = presets(&config());
        for p in all.iter().filter(|p| p.group == Group::Real) {
            assert_eq!(
                (p.demo_client_secret.as_deref(), p.demo_api_key.as_deref()),
                (None, None),
                "{}",
                p.id
            );
        }
        let mut ids: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
    }

    #[test]
    fn a_preset_can_be_rehosted_authorize_included() {
        let config = AppConfig::from_file(
            Some(r#"{"rehost":{"academy-v2":"https://academy.internal/mirror/"}}"#),
            "http://127.0.0.1:8080/",
        )
        .unwrap();
        let all = presets(&config);
        let p = all.iter().find(|p| p.id == "academy-v2").unwrap();
        assert_eq!(
            p.authorize_url,
            "https://academy.internal/mirror/api/v2/authorize"
        );
        assert_eq!(p.token.url, "https://academy.internal/mirror/api/v2/token");
        assert_eq!(
            p.revoke.as_ref().unwrap().endpoint.url,
            "https://academy.internal/mirror/api/v2/invalidate"
        );
        assert_eq!(p.api_base, "https://academy.internal/mirror/api/v2");
        // The others stay where they are.
        let v1 = all.iter().find(|p| p.id == "academy-v1").unwrap();
        assert_eq!(v1.api_base, "https://app-academy.make.com/api/v1");
        assert!(
            AppConfig::from_file(Some(r#"{"rehost":{"academy-v2":"nope"}}"#), "http://a/")
                .unwrap_err()
                .contains("rehost academy-v2")
        );
    }

    #[test]
    fn dialect_quirks_are_data() {
        let all = presets(&config());
        let php = all.iter().find(|p| p.id == "sandbox-php").unwrap();
        assert!(!php.sends_grant_type && !php.sends_redirect_uri && php.refresh.is_none());
        let v1 = all.iter().find(|p| p.id == "academy-v1").unwrap();
        assert_eq!(v1.flow, Flow::ApiKey);
        assert_eq!(v1.auth, AuthStyle::ApiKeyHeader("x-api-key".into()));
        assert_eq!(v1.api_base, "https://app-academy.make.com/api/v1");
    }
}
