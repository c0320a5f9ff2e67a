// The custom-provider form model: what a user describes, validated field by field into a
// `Provider`, and the JSON export/import format (which never carries secrets or tokens).

use super::{
    AuthStyle, BodyEncoding, CatalogId, ClientAuthMethod, Endpoint, ExpiryUnit, Flow, Group,
    Provider, Revoke, RevokeStyle, ScopeInfo, Standards,
};
use crate::types::{ProviderId, Scope};
use crate::url::HttpUrl;
use crate::wire::Method;
use serde::{Deserialize, Serialize};

/// The form, as typed: plain strings and switches. Fields missing from an older file take
/// their defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomDraft {
    pub name: String,
    /// OAuth (authorization code and the other grants) or an API key the user types.
    pub flow: Flow,
    /// RFC 8414 / OpenID Connect: the issuer (checked against `iss` and the id_token).
    pub issuer: String,
    pub client_auth: ClientAuthMethod,
    pub authorize_url: String,
    pub token_url: String,
    pub token_method: String,
    pub token_body: BodyEncoding,
    pub sends_grant_type: bool,
    pub sends_redirect_uri: bool,
    pub expiry_unit: ExpiryUnit,
    /// Space-separated scope names the provider knows.
    pub scopes: String,
    pub default_scopes: String,
    pub scope_separator: String,
    pub pkce: bool,
    /// Empty for `Authorization: Bearer`; else the header that carries the token (e.g. `x-api-key`).
    pub auth_header: String,
    pub api_base: String,
    pub refresh_url: String,
    pub refresh_method: String,
    pub revoke_url: String,
    pub revoke_method: String,
    pub revoke_style: RevokeStyle,
    pub userinfo_url: String,
    pub upstream: String,
    pub client_id: String,
    pub supports_oob: bool,
    pub jwks_uri: String,
    pub introspection_url: String,
    pub par_url: String,
    pub par_required: bool,
    pub device_url: String,
    /// Space-separated DPoP proof algorithms (RFC 9449); empty: no DPoP.
    pub dpop_algs: String,
    pub iss_required: bool,
    pub id_token_algs: String,
    pub grant_types: String,
    /// The explorer reads an OpenAPI document imported with this provider (kept in this
    /// browser, apart from this description).
    pub openapi: bool,
}

impl Default for CustomDraft {
    fn default() -> Self {
        CustomDraft {
            name: String::new(),
            flow: Flow::AuthorizationCode,
            issuer: String::new(),
            client_auth: ClientAuthMethod::ClientSecretBasic,
            authorize_url: String::new(),
            token_url: String::new(),
            token_method: "POST".into(),
            token_body: BodyEncoding::Form,
            sends_grant_type: true,
            sends_redirect_uri: true,
            expiry_unit: ExpiryUnit::Seconds,
            scopes: String::new(),
            default_scopes: String::new(),
            scope_separator: " ".into(),
            pkce: true,
            auth_header: String::new(),
            api_base: String::new(),
            refresh_url: String::new(),
            refresh_method: "POST".into(),
            revoke_url: String::new(),
            revoke_method: "POST".into(),
            revoke_style: RevokeStyle::TokenForm,
            userinfo_url: String::new(),
            upstream: String::new(),
            client_id: String::new(),
            supports_oob: false,
            jwks_uri: String::new(),
            introspection_url: String::new(),
            par_url: String::new(),
            par_required: false,
            device_url: String::new(),
            dpop_algs: String::new(),
            iss_required: false,
            id_token_algs: String::new(),
            grant_types: String::new(),
            openapi: false,
        }
    }
}

/// A problem with one field of the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn words(text: &str) -> Vec<String> {
    text.split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// An endpoint method as typed: any method but HEAD and OPTIONS, which carry no answer to use.
fn endpoint_method(text: &str) -> Option<Method> {
    Method::parse(text).filter(|m| !matches!(m, Method::Head | Method::Options))
}

impl CustomDraft {
    /// Starts the form from an existing provider (a preset or an imported one).
    pub fn from_provider(p: &Provider) -> Self {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let st = &p.standards;
        CustomDraft {
            name: p.name.clone(),
            flow: p.flow,
            issuer: opt(&p.issuer),
            client_auth: st.client_auth,
            jwks_uri: opt(&st.jwks_uri),
            introspection_url: opt(&st.introspection),
            par_url: opt(&st.par),
            par_required: st.par_required,
            device_url: opt(&st.device_authorization),
            dpop_algs: st.dpop_algs.join(" "),
            iss_required: st.iss_required,
            id_token_algs: st.id_token_algs.join(" "),
            grant_types: st.grant_types.join(" "),
            authorize_url: p.authorize_url.clone(),
            token_url: p.token.url.clone(),
            token_method: p.token.method.to_string(),
            token_body: p.token_body,
            sends_grant_type: p.sends_grant_type,
            sends_redirect_uri: p.sends_redirect_uri,
            expiry_unit: p.expiry_unit,
            scopes: p
                .scopes
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            default_scopes: p
                .default_scopes
                .iter()
                .map(Scope::as_str)
                .collect::<Vec<_>>()
                .join(" "),
            scope_separator: p.scope_separator.clone(),
            pkce: p.pkce,
            auth_header: match &p.auth {
                AuthStyle::Bearer => String::new(),
                AuthStyle::ApiKeyHeader(h) => h.clone(),
            },
            api_base: p.api_base.clone(),
            refresh_url: p
                .refresh
                .as_ref()
                .map(|e| e.url.clone())
                .unwrap_or_default(),
            refresh_method: p
                .refresh
                .as_ref()
                .map(|e| e.method.to_string())
                .unwrap_or_else(|| "POST".into()),
            revoke_url: p
                .revoke
                .as_ref()
                .map(|r| r.endpoint.url.clone())
                .unwrap_or_default(),
            revoke_method: p
                .revoke
                .as_ref()
                .map(|r| r.endpoint.method.to_string())
                .unwrap_or_else(|| "POST".into()),
            revoke_style: p
                .revoke
                .as_ref()
                .map(|r| r.style)
                .unwrap_or(RevokeStyle::TokenForm),
            userinfo_url: p
                .userinfo
                .as_ref()
                .map(|e| e.url.clone())
                .unwrap_or_default(),
            upstream: p.upstream.clone().unwrap_or_default(),
            client_id: p.default_client_id.clone(),
            supports_oob: p.supports_oob,
            openapi: p.catalog == Some(CatalogId::Imported),
        }
    }

    /// Validates every field and builds the provider; all problems are reported at once.
    pub fn to_provider(&self) -> Result<Provider, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut url = |field: &'static str, value: &str, required: bool| -> Option<String> {
            let value = value.trim();
            if value.is_empty() {
                if required {
                    errors.push(FieldError {
                        field,
                        message: "required".into(),
                    });
                }
                return None;
            }
            match HttpUrl::parse(value) {
                Ok(u) => Some(u.to_string()),
                Err(e) => {
                    errors.push(FieldError {
                        field,
                        message: e.to_string(),
                    });
                    None
                }
            }
        };
        let oauth = self.flow == Flow::AuthorizationCode;
        let grants = words(&self.grant_types);
        // Without an authorize endpoint a provider can still grant by device or as a client.
        let redirects = grants.is_empty() || grants.iter().any(|g| g == "authorization_code");
        let authorize = url(
            "authorize_url",
            &self.authorize_url,
            oauth && redirects && self.device_url.trim().is_empty(),
        );
        let token = url("token_url", &self.token_url, oauth);
        let api_base = url("api_base", &self.api_base, true);
        let refresh = url("refresh_url", &self.refresh_url, false);
        let revoke = url("revoke_url", &self.revoke_url, false);
        let userinfo = url("userinfo_url", &self.userinfo_url, false);
        // The issuer is compared character for character (RFC 8414 §3.3): kept as typed.
        let issuer = url("issuer", &self.issuer, false).map(|_| self.issuer.trim().to_string());
        let jwks_uri = url("jwks_uri", &self.jwks_uri, false);
        let introspection = url("introspection_url", &self.introspection_url, false);
        let par = url("par_url", &self.par_url, self.par_required);
        let device = url("device_url", &self.device_url, false);
        if self.iss_required && self.issuer.trim().is_empty() {
            errors.push(FieldError {
                field: "issuer",
                message: "an issuer is needed to check the iss the provider sends".into(),
            });
        }
        let name = self.name.trim();
        if name.is_empty() {
            errors.push(FieldError {
                field: "name",
                message: "give the provider a name".into(),
            });
        }
        for (field, method) in [
            ("token_method", &self.token_method),
            ("refresh_method", &self.refresh_method),
            ("revoke_method", &self.revoke_method),
        ] {
            if endpoint_method(method).is_none() {
                errors.push(FieldError {
                    field,
                    message: format!(
                        "{} is not one of GET, POST, PUT, PATCH, DELETE",
                        crate::types::quote(method)
                    ),
                });
            }
        }
        let header = self.auth_header.trim();
        if !header
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            errors.push(FieldError {
                field: "auth_header",
                message: "a header name holds only letters, digits, '-' and '_'".into(),
            });
        }
        let upstream = self.upstream.trim();
        if !upstream
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            errors.push(FieldError {
                field: "upstream",
                message: "an upstream name holds only letters, digits, '-' and '_'".into(),
            });
        }
        let known = words(&self.scopes);
        let defaults = words(&self.default_scopes);
        if let Some(unknown) = defaults
            .iter()
            .find(|d| !known.is_empty() && !known.contains(d))
        {
            errors.push(FieldError {
                field: "default_scopes",
                message: format!(
                    "{} is not in the provider's scope list",
                    crate::types::quote(unknown)
                ),
            });
        }
        if !matches!(self.scope_separator.as_str(), " " | ",") {
            errors.push(FieldError {
                field: "scope_separator",
                message: "use a space or a comma".into(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let method = |m: &str| endpoint_method(m).unwrap_or(Method::Post);
        Ok(Provider {
            id: ProviderId::new(format!("custom-{}", slug(name))),
            name: name.to_string(),
            summary: "A provider you described.".into(),
            group: Group::Custom,
            flow: self.flow,
            authorize_url: authorize.unwrap_or_default(),
            token: Endpoint::new(method(&self.token_method), token.unwrap_or_default()),
            refresh: refresh.map(|u| Endpoint::new(method(&self.refresh_method), u)),
            revoke: revoke.map(|u| Revoke {
                endpoint: Endpoint::new(method(&self.revoke_method), u),
                style: self.revoke_style,
            }),
            userinfo: userinfo.map(|u| Endpoint::new(Method::Get, u)),
            api_base: api_base
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string(),
            token_body: self.token_body,
            expiry_unit: self.expiry_unit,
            scopes: known
                .iter()
                .map(|s| ScopeInfo {
                    name: Scope::new(s.as_str()),
                    meaning: String::new(),
                })
                .collect(),
            required_scopes: Vec::new(),
            default_scopes: defaults.into_iter().map(Scope::from).collect(),
            scope_separator: self.scope_separator.clone(),
            pkce: self.pkce,
            sends_grant_type: self.sends_grant_type,
            sends_redirect_uri: self.sends_redirect_uri,
            supports_oob: self.supports_oob,
            auth: if header.is_empty() {
                AuthStyle::Bearer
            } else {
                AuthStyle::ApiKeyHeader(header.to_string())
            },
            upstream: (!upstream.is_empty()).then(|| upstream.to_string()),
            default_client_id: self.client_id.trim().to_string(),
            demo_client_secret: None,
            demo_api_key: None,
            issuer,
            notes: None,
            catalog: self.openapi.then_some(CatalogId::Imported),
            standards: Standards {
                client_auth: self.client_auth,
                jwks_uri,
                introspection,
                par,
                par_required: self.par_required,
                device_authorization: device,
                dpop_algs: words(&self.dpop_algs),
                iss_required: self.iss_required,
                id_token_algs: words(&self.id_token_algs),
                grant_types: grants,
            },
        })
    }
}

fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "provider".into()
    } else {
        out
    }
}

/// A provider description may not pose as a built-in provider (same name) — a user choosing
/// "Make App Academy v2" must get the real one — nor replace one (same id).
pub fn check_against(existing: &[Provider], new: &Provider) -> Result<(), String> {
    let clash = existing.iter().find(|p| {
        p.group != Group::Custom
            && (p.id == new.id || p.name.trim().eq_ignore_ascii_case(new.name.trim()))
    });
    match clash {
        Some(p) => Err(format!(
            "{} is the name of a built-in provider: give yours another name.",
            crate::types::quote(&p.name)
        )),
        None => Ok(()),
    }
}

/// The export file: a version tag and the form (which has no place for secrets).
#[derive(Serialize, Deserialize)]
struct ExportFile {
    handshake_provider: u32,
    provider: CustomDraft,
}

/// JSON a user can share: endpoints and switches only, never secrets or tokens.
pub fn export_json(provider: &Provider) -> String {
    let file = ExportFile {
        handshake_provider: 1,
        provider: CustomDraft::from_provider(provider),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Words that must never arrive in an imported file.
const FORBIDDEN: [&str; 7] = [
    "client_secret",
    "secret",
    "access_token",
    "refresh_token",
    "api_key",
    "password",
    "token_value",
];

fn find_forbidden(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if FORBIDDEN.contains(&k.to_ascii_lowercase().as_str()) {
                Some(k.clone())
            } else {
                find_forbidden(v)
            }
        }),
        serde_json::Value::Array(items) => items.iter().find_map(find_forbidden),
        _ => None,
    }
}

/// Reads an exported file back, validating it like a typed form.
pub fn import_json(text: &str) -> Result<Provider, String> {
    let value: serde_json::Value = serde_json::from_str(text.trim()).map_err(|e| {
        format!(
            "This is not valid JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        )
    })?;
    if let Some(key) = find_forbidden(&value) {
        return Err(format!(
            "The file contains {}. Handshake never imports secrets or tokens: remove it and import again.", crate::types::quote(&key)
        ));
    }
    if value.get("handshake_provider").and_then(|v| v.as_u64()) != Some(1) {
        return Err(
            "This is not a Handshake provider file (expected \"handshake_provider\": 1).".into(),
        );
    }
    let file: ExportFile = serde_json::from_value(value)
        .map_err(|e| format!("The provider description is incomplete or has a wrong type: {e}"))?;
    file.provider.to_provider().map_err(|errors| {
        let list: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        format!("The provider description has problems: {}", list.join("; "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AppConfig;
    use crate::providers::presets;

    fn draft() -> CustomDraft {
        CustomDraft {
            name: "My API".into(),
            authorize_url: "https://id.example.com/authorize".into(),
            token_url: "https://id.example.com/token".into(),
            api_base: "https://api.example.com/v1/".into(),
            scopes: "read write".into(),
            default_scopes: "read".into(),
            ..CustomDraft::default()
        }
    }

    #[test]
    fn a_complete_draft_becomes_a_provider() {
        let p = draft().to_provider().unwrap();
        assert_eq!(p.id, "custom-my-api");
        assert_eq!(p.api_base, "https://api.example.com/v1");
        assert_eq!(p.default_scopes, vec![Scope::new("read")]);
        assert_eq!(p.auth, AuthStyle::Bearer);
        assert!(p.pkce, "PKCE is on by default for providers you describe");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = CustomDraft {
            name: " ".into(),
            authorize_url: "javascript:alert(1)".into(),
            token_url: String::new(),
            token_method: "FETCH".into(),
            auth_header: "x api key".into(),
            default_scopes: "admin".into(),
            scopes: "read".into(),
            ..CustomDraft::default()
        };
        let fields: Vec<&str> = bad
            .to_provider()
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        for f in [
            "name",
            "authorize_url",
            "token_url",
            "api_base",
            "token_method",
            "auth_header",
            "default_scopes",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }

    #[test]
    fn export_then_import_round_trips_without_secrets() {
        let p = draft().to_provider().unwrap();
        let text = export_json(&p);
        assert!(!text.contains("\"client_secret\""), "{text}");
        assert_eq!(find_forbidden(&serde_json::from_str(&text).unwrap()), None);
        assert_eq!(import_json(&text).unwrap(), p);
    }

    #[test]
    fn exporting_a_sandbox_preset_drops_its_demo_secret() {
        let config = AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap();
        let sandbox = presets(&config).remove(0);
        let text = export_json(&sandbox);
        assert!(!text.contains("academy-sandbox-secret"));
    }

    #[test]
    fn a_description_cannot_pose_as_a_built_in_provider() {
        let config = AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap();
        let all = presets(&config);
        let mut fake = draft();
        fake.name = "make app academy v2 (oauth2)".into();
        let e = check_against(&all, &fake.to_provider().unwrap()).unwrap_err();
        assert!(e.contains("built-in provider"), "{e}");
        assert!(check_against(&all, &draft().to_provider().unwrap()).is_ok());
    }

    #[test]
    fn an_api_key_provider_needs_no_oauth_endpoints() {
        let key = CustomDraft {
            name: "Key API".into(),
            flow: Flow::ApiKey,
            api_base: "https://api.example.com".into(),
            auth_header: "X-Auth-Token".into(),
            ..CustomDraft::default()
        };
        let p = key.to_provider().unwrap();
        assert_eq!(p.flow, Flow::ApiKey);
        assert_eq!(p.auth, AuthStyle::ApiKeyHeader("X-Auth-Token".into()));
        assert_eq!(import_json(&export_json(&p)).unwrap(), p);
    }

    #[test]
    fn import_refuses_secrets_and_foreign_or_broken_files() {
        let p = draft().to_provider().unwrap();
        let with_secret = export_json(&p).replace("\"name\"", "\"client_secret\": \"s\", \"name\"");
        assert!(import_json(&with_secret)
            .unwrap_err()
            .contains("never imports secrets"));
        assert!(import_json("{").unwrap_err().contains("line 1"));
        assert!(import_json("{\"x\": 1}")
            .unwrap_err()
            .contains("not a Handshake provider"));
        let bad_url = export_json(&p).replace("https://id.example.com/token", "ftp://nope");
        assert!(import_json(&bad_url).unwrap_err().contains("token_url"));
    }
}
