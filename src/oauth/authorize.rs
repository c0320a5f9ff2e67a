// Step 1: the authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID Connect Core
// §3.1.2.1), as a URL or pushed first (RFC 9126), with the user's extra parameters.

use super::token::{client_request, ClientAuth};
use super::FlowError;
use crate::providers::{BodyEncoding, Provider};
use crate::types::{ClientId, Nonce, PkceChallenge, Scope, State};
use crate::wire::{HttpRequest, HttpResponse, Method};

pub struct AuthorizeParams<'a> {
    pub client_id: &'a ClientId,
    pub redirect_uri: &'a str,
    pub scopes: &'a [Scope],
    pub state: &'a State,
    pub challenge: Option<&'a PkceChallenge>,
    /// OpenID Connect: sent when the scopes include `openid`.
    pub nonce: Option<&'a Nonce>,
    /// The user's own parameters (`prompt`, `login_hint`, `audience`…), after the core ones.
    pub extra: &'a [(String, String)],
}

/// Parameters Handshake sets itself; an extra parameter may never replace one.
pub const CORE_PARAMS: [&str; 11] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "request_uri",
    "request",
    "response_mode",
];

/// Checks the user's extra authorize parameters: named, not a core one, each once.
pub fn check_extra(extra: &[(String, String)]) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for (name, _) in extra {
        let name = name.trim();
        if name.is_empty() {
            return Err(
                "An extra parameter needs a name (e.g. prompt, login_hint, audience).".into(),
            );
        }
        if CORE_PARAMS.contains(&name) {
            return Err(format!(
                "{name} is set by Handshake itself (it is part of what is checked when the answer comes back), so it cannot be an extra parameter."
            ));
        }
        if seen.contains(&name) {
            return Err(format!(
                "{name} is given twice: give each extra parameter once."
            ));
        }
        seen.push(name);
    }
    Ok(())
}

/// The request's parameters, in the order the Academy documents, extras last.
pub fn authorize_params(provider: &Provider, p: &AuthorizeParams) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |k: &str, v: &str| out.push((k.to_string(), v.to_string()));
    if !p.scopes.is_empty() {
        add("scope", &provider.scope_string(p.scopes));
    }
    add("client_id", p.client_id.as_str());
    add("redirect_uri", p.redirect_uri);
    add("response_type", "code");
    add("state", p.state.as_str());
    if let Some(challenge) = p.challenge {
        add("code_challenge", challenge.as_str());
        add("code_challenge_method", "S256");
    }
    if let Some(nonce) = p.nonce {
        add("nonce", nonce.as_str());
    }
    for (k, v) in p.extra {
        let k = k.trim();
        if !CORE_PARAMS.contains(&k) {
            add(k, v);
        }
    }
    out
}

fn with_query(base: &str, pairs: &[(String, String)]) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let separator = if base.contains('?') { '&' } else { '?' };
    // Spaces as %20 rather than '+': both are valid, %20 survives every provider's parser.
    format!("{base}{separator}{}", query.replace('+', "%20"))
}

/// RFC 6749 §4.1.1: the URL the browser is sent to.
pub fn authorize_url(provider: &Provider, p: &AuthorizeParams) -> String {
    with_query(&provider.authorize_url, &authorize_params(provider, p))
}

/// RFC 9126 §2.1: the same parameters, pushed to the provider with client authentication.
pub fn par_request(
    provider: &Provider,
    client: &ClientAuth,
    par_url: &str,
    p: &AuthorizeParams,
) -> HttpRequest {
    let params = authorize_params(provider, p);
    // RFC 9126 §2.1: client_id stays one of the request's parameters, whatever the client auth.
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client_request(
        provider,
        client,
        BodyEncoding::Form,
        (Method::Post, par_url),
        &pairs,
    )
}

/// RFC 9126 §2.2: the `request_uri` (and its lifetime) from the provider's answer.
pub fn parse_par_response(resp: &HttpResponse) -> Result<(String, Option<f64>), FlowError> {
    let value: serde_json::Value = serde_json::from_str(&resp.body).unwrap_or_default();
    if !(200..300).contains(&resp.status) {
        let said = super::token::provider_said(&resp.body);
        return Err(FlowError::ParRefused {
            status: resp.status,
            code: said.code.unwrap_or_else(|| resp.status.to_string()),
            description: said.description,
        });
    }
    match value.get("request_uri").and_then(|v| v.as_str()) {
        Some(uri) if !uri.is_empty() => Ok((
            uri.to_string(),
            value.get("expires_in").and_then(|v| v.as_f64()),
        )),
        _ => Err(FlowError::ParRefused {
            status: resp.status,
            code: "no_request_uri".into(),
            description: Some("The answer has no request_uri.".into()),
        }),
    }
}

/// RFC 9126 §4: the browser carries only the client and the reference to what was pushed.
pub fn pushed_authorize_url(
    provider: &Provider,
    client_id: &ClientId,
    request_uri: &str,
) -> String {
    with_query(
        &provider.authorize_url,
        &[
            ("client_id".to_string(), client_id.as_str().to_string()),
            ("request_uri".to_string(), request_uri.to_string()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AppConfig;
    use crate::providers::presets;

    #[test]
    fn academy_url_carries_the_four_documented_parameters_and_state() {
        let config = AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap();
        let provider = &presets(&config)[0];
        let url = authorize_url(
            provider,
            &AuthorizeParams {
                client_id: &ClientId::new("my app"),
                redirect_uri: "http://127.0.0.1:8080/callback",
                scopes: &["connect".into(), "read".into()],
                state: &State::new("st/ate"),
                challenge: None,
                nonce: None,
                extra: &[],
            },
        );
        assert_eq!(
            url,
            "http://127.0.0.1:8090/api/v2/authorize?scope=connect%20read&client_id=my%20app\
&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback&response_type=code&state=st%2Fate"
        );
    }

    #[test]
    fn pkce_adds_challenge_and_s256() {
        let config = AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap();
        let url = authorize_url(
            &presets(&config)[0],
            &AuthorizeParams {
                client_id: &ClientId::new("c"),
                redirect_uri: "urn:ietf:wg:oauth:2.0:oob",
                scopes: &[],
                state: &State::new("s"),
                challenge: Some(&PkceChallenge::new("abc")),
                nonce: None,
                extra: &[],
            },
        );
        assert!(
            url.ends_with("&code_challenge=abc&code_challenge_method=S256"),
            "{url}"
        );
        assert!(!url.contains("scope="));
    }

    #[test]
    fn nonce_and_extra_parameters_follow_the_core_ones_and_never_replace_them() {
        let config = AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap();
        let extra = vec![
            ("prompt".to_string(), "consent".to_string()),
            ("state".to_string(), "attacker".to_string()),
        ];
        let url = authorize_url(
            &presets(&config)[0],
            &AuthorizeParams {
                client_id: &ClientId::new("c"),
                redirect_uri: "r",
                scopes: &["openid".into()],
                state: &State::new("s"),
                challenge: None,
                nonce: Some(&Nonce::new("n-1")),
                extra: &extra,
            },
        );
        assert!(url.ends_with("&state=s&nonce=n-1&prompt=consent"), "{url}");
        assert_eq!(url.matches("state=").count(), 1);
        assert!(check_extra(&extra)
            .unwrap_err()
            .contains("state is set by Handshake"));
        let twice = vec![
            ("prompt".to_string(), "login".to_string()),
            ("prompt".to_string(), "consent".to_string()),
        ];
        assert!(check_extra(&twice).unwrap_err().contains("twice"));
        assert!(check_extra(&[(" ".into(), "x".into())]).is_err());
        assert!(check_extra(&twice[..1]).is_ok());
    }

    #[test]
    fn a_pushed_request_leaves_only_a_reference_in_the_url() {
        let config = AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap();
        let mut p = presets(&config).remove(0);
        p.standards.client_auth = crate::providers::ClientAuthMethod::ClientSecretBasic;
        let secret = crate::types::ClientSecret::new("s");
        let id = ClientId::new("c");
        let params = AuthorizeParams {
            client_id: &id,
            redirect_uri: "https://app/cb",
            scopes: &["openid".into()],
            state: &State::new("st"),
            challenge: Some(&PkceChallenge::new("ch")),
            nonce: None,
            extra: &[],
        };
        let req = par_request(
            &p,
            &ClientAuth {
                client_id: &id,
                client_secret: Some(&secret),
            },
            "https://id/par",
            &params,
        );
        assert_eq!(req.method, Method::Post);
        assert!(req
            .header_value("authorization")
            .unwrap()
            .starts_with("Basic "));
        assert_eq!(
            req.body.as_deref(),
            Some("scope=openid&client_id=c&redirect_uri=https%3A%2F%2Fapp%2Fcb&response_type=code&state=st&code_challenge=ch&code_challenge_method=S256")
        );
        let answer = HttpResponse::new(
            201,
            vec![],
            r#"{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}"#.into(),
        );
        let (uri, life) = parse_par_response(&answer).unwrap();
        assert_eq!(life, Some(60.0));
        assert_eq!(
            pushed_authorize_url(&p, &id, &uri),
            "http://127.0.0.1:8090/api/v2/authorize?client_id=c&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc"
        );
        let refused = HttpResponse::new(400, vec![], r#"{"error":"invalid_client"}"#.into());
        assert_eq!(
            parse_par_response(&refused).unwrap_err().code(),
            "par_refused:invalid_client"
        );
    }
}
