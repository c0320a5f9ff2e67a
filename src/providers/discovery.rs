// Discovery: where an issuer publishes its metadata (RFC 8414 §3, OpenID Connect Discovery
// 1.0 §4) and the provider description that metadata fills in. Pure: the controller fetches.

use super::custom::CustomDraft;
use super::{ClientAuthMethod, Flow, RevokeStyle};
use crate::types::quote;
use crate::url::HttpUrl;
use serde::Deserialize;

/// The documents to try for `issuer`, in order: OpenID Connect's (appended to the issuer's
/// path), then RFC 8414's (inserted between host and path).
pub fn metadata_urls(issuer: &HttpUrl) -> Vec<String> {
    let origin = issuer.origin();
    let path = issuer.path().trim_end_matches('/');
    let mut urls = vec![
        format!("{origin}{path}/.well-known/openid-configuration"),
        format!("{origin}/.well-known/oauth-authorization-server{path}"),
    ];
    urls.dedup();
    urls
}

/// RFC 8414 §2 and OpenID Connect Discovery §3: the members Handshake uses.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub introspection_endpoint: Option<String>,
    pub pushed_authorization_request_endpoint: Option<String>,
    pub require_pushed_authorization_requests: bool,
    pub device_authorization_endpoint: Option<String>,
    pub scopes_supported: Vec<String>,
    pub grant_types_supported: Vec<String>,
    pub token_endpoint_auth_methods_supported: Vec<String>,
    pub code_challenge_methods_supported: Vec<String>,
    pub authorization_response_iss_parameter_supported: bool,
    pub dpop_signing_alg_values_supported: Vec<String>,
    pub id_token_signing_alg_values_supported: Vec<String>,
}

/// Why a metadata document cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiscoveryError {
    NotJson(String),
    /// RFC 8414 §3.3: the issuer in the document must be the one asked for, character for character.
    IssuerMismatch {
        entered: String,
        found: String,
    },
    MissingEndpoint(&'static str),
    BadUrl {
        member: &'static str,
        why: String,
    },
}

impl std::fmt::Display for DiscoveryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiscoveryError::NotJson(why) => {
                write!(f, "The metadata is not a JSON object ({why}).")
            }
            DiscoveryError::IssuerMismatch { entered, found } => {
                let hint = if entered.trim_end_matches('/') == found.trim_end_matches('/') {
                    " They differ only in the trailing '/': enter the issuer exactly as the metadata writes it."
                } else {
                    " Another issuer's metadata could send your sign-in to the wrong server (a mix-up), so it is not used."
                };
                write!(
                    f,
                    "The metadata names the issuer {} but you entered {}.{hint}",
                    quote(found),
                    quote(entered)
                )
            }
            DiscoveryError::MissingEndpoint(member) => {
                write!(f, "The metadata has no {member}.")
            }
            DiscoveryError::BadUrl { member, why } => {
                write!(f, "The metadata's {member} is not a usable URL: {why}")
            }
        }
    }
}

/// Reads a metadata document and checks it belongs to `entered` (RFC 8414 §3.3).
pub fn parse_metadata(body: &str, entered: &str) -> Result<Metadata, DiscoveryError> {
    let meta: Metadata =
        serde_json::from_str(body).map_err(|e| DiscoveryError::NotJson(e.to_string()))?;
    if meta.issuer != entered.trim() {
        return Err(DiscoveryError::IssuerMismatch {
            entered: entered.trim().to_string(),
            found: meta.issuer,
        });
    }
    let check = |member: &'static str, value: &Option<String>| match value {
        Some(url) => HttpUrl::parse(url)
            .map(|_| ())
            .map_err(|e| DiscoveryError::BadUrl {
                member,
                why: e.to_string(),
            }),
        None => Ok(()),
    };
    check("authorization_endpoint", &meta.authorization_endpoint)?;
    check("token_endpoint", &meta.token_endpoint)?;
    check("userinfo_endpoint", &meta.userinfo_endpoint)?;
    check("jwks_uri", &meta.jwks_uri)?;
    check("revocation_endpoint", &meta.revocation_endpoint)?;
    check("introspection_endpoint", &meta.introspection_endpoint)?;
    check(
        "pushed_authorization_request_endpoint",
        &meta.pushed_authorization_request_endpoint,
    )?;
    check(
        "device_authorization_endpoint",
        &meta.device_authorization_endpoint,
    )?;
    if meta.token_endpoint.is_none() {
        return Err(DiscoveryError::MissingEndpoint("token_endpoint"));
    }
    Ok(meta)
}

/// RFC 8414 §2: the client authentication to use, preferring Basic (which every server must
/// support, RFC 6749 §2.3.1), then post, then none; Basic when the document does not say.
pub fn preferred_client_auth(advertised: &[String]) -> ClientAuthMethod {
    if advertised.is_empty() {
        return ClientAuthMethod::ClientSecretBasic;
    }
    ClientAuthMethod::ALL
        .into_iter()
        .find(|m| advertised.iter().any(|a| a == m.name()))
        .unwrap_or(ClientAuthMethod::ClientSecretBasic)
}

/// The scopes to ask for by default: OpenID's when offered, and `offline_access` for a
/// refresh token.
fn default_scopes(offered: &[String]) -> Vec<&str> {
    let wanted = ["openid", "profile", "email", "offline_access"];
    if offered.is_empty() {
        return vec!["openid"];
    }
    wanted
        .into_iter()
        .filter(|w| offered.iter().any(|o| o == w))
        .collect()
}

/// Where tokens may be sent: the issuer when the userinfo endpoint lies below it, else the
/// userinfo endpoint's origin (the user can widen it).
fn api_base(meta: &Metadata) -> String {
    let issuer = HttpUrl::parse(&meta.issuer).ok();
    let userinfo = meta
        .userinfo_endpoint
        .as_deref()
        .and_then(|u| HttpUrl::parse(u).ok());
    match (issuer, userinfo) {
        (Some(i), Some(u)) if !u.is_under(&i) => u.origin(),
        (Some(i), _) => i.to_string().trim_end_matches('/').to_string(),
        (None, Some(u)) => u.origin(),
        (None, None) => String::new(),
    }
}

/// The provider description the metadata fills in, for the user to review and save.
pub fn draft_from(meta: &Metadata, name: &str) -> CustomDraft {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let host = HttpUrl::parse(&meta.issuer)
        .map(|u| u.host().to_string())
        .unwrap_or_default();
    let name = if name.trim().is_empty() {
        host
    } else {
        name.trim().to_string()
    };
    let offers_refresh = meta.grant_types_supported.is_empty()
        || meta
            .grant_types_supported
            .iter()
            .any(|g| g == "refresh_token");
    CustomDraft {
        name,
        flow: Flow::AuthorizationCode,
        issuer: meta.issuer.clone(),
        client_auth: preferred_client_auth(&meta.token_endpoint_auth_methods_supported),
        authorize_url: opt(&meta.authorization_endpoint),
        token_url: opt(&meta.token_endpoint),
        refresh_url: if offers_refresh {
            opt(&meta.token_endpoint)
        } else {
            String::new()
        },
        revoke_url: opt(&meta.revocation_endpoint),
        revoke_style: RevokeStyle::TokenForm,
        userinfo_url: opt(&meta.userinfo_endpoint),
        api_base: api_base(meta),
        scopes: meta.scopes_supported.join(" "),
        default_scopes: default_scopes(&meta.scopes_supported).join(" "),
        // RFC 8414: PKCE with S256 unless the server lists methods without it.
        pkce: meta.code_challenge_methods_supported.is_empty()
            || meta
                .code_challenge_methods_supported
                .iter()
                .any(|m| m == "S256"),
        jwks_uri: opt(&meta.jwks_uri),
        introspection_url: opt(&meta.introspection_endpoint),
        par_url: opt(&meta.pushed_authorization_request_endpoint),
        par_required: meta.require_pushed_authorization_requests
            && meta.pushed_authorization_request_endpoint.is_some(),
        device_url: opt(&meta.device_authorization_endpoint),
        dpop_algs: meta.dpop_signing_alg_values_supported.join(" "),
        iss_required: meta.authorization_response_iss_parameter_supported,
        id_token_algs: meta.id_token_signing_alg_values_supported.join(" "),
        grant_types: meta.grant_types_supported.join(" "),
        ..CustomDraft::default()
    }
}

/// One line per thing the metadata switched on, for the user to read before saving.
pub fn summary(meta: &Metadata) -> Vec<String> {
    let mut lines = Vec::new();
    let draft = draft_from(meta, "");
    lines.push(format!(
        "Client authentication: {} (offered: {})",
        draft.client_auth.name(),
        if meta.token_endpoint_auth_methods_supported.is_empty() {
            "not listed, so client_secret_basic".to_string()
        } else {
            meta.token_endpoint_auth_methods_supported.join(", ")
        }
    ));
    if draft.pkce {
        lines.push("PKCE with S256 on every sign-in.".into());
    } else {
        lines.push(
            "The server does not list S256 for PKCE: sign-ins go without it (Handshake never uses plain).".into(),
        );
    }
    if meta.authorization_response_iss_parameter_supported {
        lines.push(
            "The server sends iss with its answer (RFC 9207): an answer without it, or with another, is refused.".into(),
        );
    }
    if draft.par_required {
        lines.push("Pushed authorization requests are required (RFC 9126): every sign-in pushes its parameters first.".into());
    } else if meta.pushed_authorization_request_endpoint.is_some() {
        lines.push(
            "Pushed authorization requests are offered (RFC 9126): switch them on per sign-in."
                .into(),
        );
    }
    if !meta.dpop_signing_alg_values_supported.is_empty() {
        lines.push(format!(
            "DPoP proofs accepted ({}): switch on per sign-in to bind tokens to a key in this tab.",
            meta.dpop_signing_alg_values_supported.join(", ")
        ));
    }
    if meta.jwks_uri.is_some() {
        lines.push("id_token signatures are verified against the server's JWKS.".into());
    }
    for (what, present) in [
        ("userinfo", meta.userinfo_endpoint.is_some()),
        ("introspection", meta.introspection_endpoint.is_some()),
        ("revocation", meta.revocation_endpoint.is_some()),
        (
            "device authorization",
            meta.device_authorization_endpoint.is_some(),
        ),
    ] {
        if present {
            lines.push(format!("Endpoint found: {what}."));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> HttpUrl {
        HttpUrl::parse(text).unwrap()
    }

    #[test]
    fn well_known_urls_follow_both_specifications() {
        assert_eq!(
            metadata_urls(&url("https://id.example.com")),
            vec![
                "https://id.example.com/.well-known/openid-configuration",
                "https://id.example.com/.well-known/oauth-authorization-server",
            ]
        );
        // A path: appended for OpenID Connect, inserted after the host for RFC 8414 §3.1.
        assert_eq!(
            metadata_urls(&url("https://kc.example.com/realms/dev/")),
            vec![
                "https://kc.example.com/realms/dev/.well-known/openid-configuration",
                "https://kc.example.com/.well-known/oauth-authorization-server/realms/dev",
            ]
        );
    }

    const DOC: &str = r#"{
        "issuer": "http://127.0.0.1:4000",
        "authorization_endpoint": "http://127.0.0.1:4000/auth",
        "token_endpoint": "http://127.0.0.1:4000/token",
        "userinfo_endpoint": "http://127.0.0.1:4000/me",
        "jwks_uri": "http://127.0.0.1:4000/jwks",
        "revocation_endpoint": "http://127.0.0.1:4000/token/revocation",
        "introspection_endpoint": "http://127.0.0.1:4000/token/introspection",
        "pushed_authorization_request_endpoint": "http://127.0.0.1:4000/request",
        "device_authorization_endpoint": "http://127.0.0.1:4000/device/auth",
        "scopes_supported": ["openid", "offline_access", "email", "profile"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_post", "client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
        "dpop_signing_alg_values_supported": ["ES256"],
        "id_token_signing_alg_values_supported": ["RS256", "PS256", "ES256"],
        "claims_supported": ["sub"]
    }"#;

    #[test]
    fn metadata_fills_the_provider_and_switches_defences_on() {
        let meta = parse_metadata(DOC, "http://127.0.0.1:4000").unwrap();
        let draft = draft_from(&meta, "");
        assert_eq!(draft.name, "127.0.0.1");
        assert_eq!(draft.client_auth, ClientAuthMethod::ClientSecretBasic);
        assert!(draft.pkce && draft.iss_required && !draft.par_required);
        assert_eq!(draft.default_scopes, "openid profile email offline_access");
        assert_eq!(draft.api_base, "http://127.0.0.1:4000");
        assert_eq!(draft.refresh_url, "http://127.0.0.1:4000/token");
        let p = draft.to_provider().unwrap();
        assert_eq!(p.issuer.as_deref(), Some("http://127.0.0.1:4000"));
        assert_eq!(
            p.standards.par.as_deref(),
            Some("http://127.0.0.1:4000/request")
        );
        assert_eq!(p.standards.dpop_algs, vec!["ES256"]);
        assert!(p.standards.offers("client_credentials"));
        assert!(!p.standards.offers("password"));
        let required = DOC.replace(
            "\"claims_supported\"",
            "\"require_pushed_authorization_requests\": true, \"claims_supported\"",
        );
        assert!(
            draft_from(
                &parse_metadata(&required, "http://127.0.0.1:4000").unwrap(),
                "x"
            )
            .par_required
        );
    }

    #[test]
    fn the_issuer_must_be_the_one_entered() {
        let e = parse_metadata(DOC, "http://127.0.0.1:4000/").unwrap_err();
        assert!(e.to_string().contains("trailing '/'"), "{e}");
        let e = parse_metadata(DOC, "http://127.0.0.1:4001").unwrap_err();
        assert!(matches!(e, DiscoveryError::IssuerMismatch { .. }));
        assert!(e.to_string().contains("mix-up"), "{e}");
    }

    #[test]
    fn broken_documents_say_what_is_wrong() {
        assert!(matches!(
            parse_metadata("<html>", "x"),
            Err(DiscoveryError::NotJson(_))
        ));
        let no_token = r#"{"issuer": "https://a.example"}"#;
        assert_eq!(
            parse_metadata(no_token, "https://a.example"),
            Err(DiscoveryError::MissingEndpoint("token_endpoint"))
        );
        let bad = r#"{"issuer": "https://a.example", "token_endpoint": "javascript:alert(1)"}"#;
        assert!(matches!(
            parse_metadata(bad, "https://a.example"),
            Err(DiscoveryError::BadUrl {
                member: "token_endpoint",
                ..
            })
        ));
    }

    #[test]
    fn client_auth_prefers_basic_then_post_then_none() {
        let list = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            preferred_client_auth(&list(&["none", "client_secret_post"])),
            ClientAuthMethod::ClientSecretPost
        );
        assert_eq!(
            preferred_client_auth(&list(&["none", "private_key_jwt"])),
            ClientAuthMethod::None
        );
        assert_eq!(
            preferred_client_auth(&[]),
            ClientAuthMethod::ClientSecretBasic
        );
    }
}
