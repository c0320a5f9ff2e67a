// An imported OpenAPI document as a provider: its server becomes the API base, its security
// scheme the way a user gets a credential (OAuth 2 flows, an OpenID Connect issuer to
// discover, an API key header). The result fills the custom-provider form for review.

use super::openapi::{Api, Scheme};
use crate::providers::custom::CustomDraft;
use crate::providers::Flow;
use crate::url::HttpUrl;

/// What an import proposes: the form filled, what the user should know, and an issuer to
/// discover when the document points at OpenID Connect metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub draft: CustomDraft,
    pub notes: Vec<String>,
    pub discover: Option<String>,
}

/// A server URL made absolute against the document's own address, when it has one.
fn absolute(server: &str, source: Option<&str>) -> Option<String> {
    if let Ok(url) = HttpUrl::parse(server) {
        return Some(url.to_string());
    }
    let base = HttpUrl::parse(source?).ok()?;
    if server.starts_with('/') {
        return HttpUrl::parse(&format!("{}{server}", base.origin()))
            .ok()
            .map(|u| u.to_string());
    }
    None
}

/// The issuer whose metadata an `openIdConnectUrl` names.
fn issuer_of(url: &str) -> String {
    for suffix in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        if let Some(issuer) = url.strip_suffix(suffix) {
            return issuer.to_string();
        }
    }
    url.to_string()
}

/// The scheme Handshake can run best: an authorization-code OAuth 2 flow, then OpenID
/// Connect, then other OAuth 2 grants, then a key or token the user types.
fn preferred(api: &Api) -> Option<&(String, Scheme)> {
    let rank = |s: &Scheme| match s {
        Scheme::OAuth2 { grants, .. } if grants.contains(&"authorization_code") => 0,
        Scheme::OpenIdConnect { .. } => 1,
        Scheme::OAuth2 { .. } => 2,
        Scheme::ApiKey { location, .. } if location == "header" => 3,
        Scheme::Http { scheme } if scheme == "bearer" => 4,
        _ => 5,
    };
    api.schemes.iter().min_by_key(|(_, s)| rank(s))
}

pub fn propose(api: &Api, source: Option<&str>) -> Proposal {
    let mut notes = Vec::new();
    let mut draft = CustomDraft {
        name: api.title.clone(),
        openapi: true,
        ..CustomDraft::default()
    };
    match api.servers.first() {
        Some(server) => match absolute(server, source) {
            Some(url) => draft.api_base = url,
            None => notes.push(format!(
                "The document's server {server} is not a full http(s) address: type the API base."
            )),
        },
        None => notes.push("The document names no server: type the API base.".into()),
    }
    if api.servers.len() > 1 {
        notes.push(format!(
            "It names {} servers; the first is used. Change the API base for another.",
            api.servers.len()
        ));
    }
    let mut discover = None;
    match preferred(api) {
        Some((
            name,
            Scheme::OAuth2 {
                authorization_url,
                token_url,
                refresh_url,
                device_url,
                scopes,
                grants,
            },
        )) => {
            draft.flow = Flow::AuthorizationCode;
            draft.authorize_url = authorization_url.clone().unwrap_or_default();
            draft.token_url = token_url.clone().unwrap_or_default();
            draft.refresh_url = refresh_url.clone().unwrap_or_default();
            draft.device_url = device_url.clone().unwrap_or_default();
            let mut offered: Vec<&str> = grants.to_vec();
            if grants.contains(&"authorization_code") {
                offered.push("refresh_token");
            }
            draft.grant_types = offered.join(" ");
            draft.scopes = scopes
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            // Ask by default for the scopes the operations need, in the scheme's order.
            draft.default_scopes = scopes
                .iter()
                .map(|(n, _)| n.as_str())
                .filter(|n| api.endpoints.iter().any(|e| e.scope.as_deref() == Some(n)))
                .collect::<Vec<_>>()
                .join(" ");
            notes.push(format!(
                "Sign-in: the OAuth 2 scheme {name} ({}).",
                offered.join(", ")
            ));
        }
        Some((name, Scheme::OpenIdConnect { url })) => {
            draft.flow = Flow::AuthorizationCode;
            draft.issuer = issuer_of(url);
            discover = Some(draft.issuer.clone());
            notes.push(format!(
                "Sign-in: the OpenID Connect scheme {name}; its issuer's metadata fills the endpoints."
            ));
        }
        Some((
            name,
            Scheme::ApiKey {
                name: header,
                location,
            },
        )) if location == "header" => {
            draft.flow = Flow::ApiKey;
            draft.auth_header = header.clone();
            notes.push(format!(
                "Sign-in: the API key scheme {name}; the key you type goes in the {header} header."
            ));
        }
        Some((name, Scheme::Http { scheme })) if scheme == "bearer" => {
            draft.flow = Flow::ApiKey;
            notes.push(format!(
                "Sign-in: the bearer scheme {name}; the token you type goes in Authorization: Bearer."
            ));
        }
        Some((name, other)) => {
            draft.flow = Flow::ApiKey;
            let what = match other {
                Scheme::ApiKey { location, .. } => format!("a key in the {location}"),
                Scheme::Http { scheme } => format!("HTTP {scheme} authentication"),
                _ => "a scheme".into(),
            };
            notes.push(format!(
                "The scheme {name} uses {what}, which Handshake does not send: what you type goes as a Bearer token."
            ));
        }
        None => {
            draft.flow = Flow::ApiKey;
            notes.push(
                "The document names no security scheme: what you type goes as a Bearer token."
                    .into(),
            );
        }
    }
    notes.extend(api.skipped.iter().map(|s| format!("Left aside: {s}.")));
    Proposal {
        draft,
        notes,
        discover,
    }
}
