// Step 3: the token request per dialect (RFC 6749 §4.1.3, §6) and the parsing of its
// answer (§5.1, §5.2), including the Academy's minutes and Make's `error.message` shape.

use super::{FlowError, ProviderSaid};
use crate::providers::{BodyEncoding, ClientAuthMethod, Provider};
use crate::types::{
    AccessToken, AuthCode, ClientId, ClientSecret, IdToken, PkceVerifier, RefreshToken, Scope,
};
use crate::wire::{HttpRequest, HttpResponse, Method};
use serde::{Deserialize, Serialize};

/// Who is asking: the secret is `None` when the proxy holds it (or the client is public).
pub struct ClientAuth<'a> {
    pub client_id: &'a ClientId,
    pub client_secret: Option<&'a ClientSecret>,
}

/// Tokens as granted, with expiry converted to absolute times in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: AccessToken,
    pub token_type: Option<String>,
    /// `expires_in` as the provider sent it, in the provider's unit.
    pub expires_in: Option<f64>,
    pub expires_at: Option<f64>,
    pub refresh_token: Option<RefreshToken>,
    pub refresh_expires_in: Option<f64>,
    pub refresh_expires_at: Option<f64>,
    /// Granted scopes when the answer names them (RFC 6749 §5.1), else `None`.
    pub scope: Option<Vec<Scope>>,
    pub obtained_at: f64,
    /// OpenID Connect Core §3.1.3.3: the ID token, when the answer has one.
    #[serde(default)]
    pub id_token: Option<IdToken>,
}

impl TokenSet {
    /// RFC 9449 §5: whether the access token is bound to a DPoP key (`token_type` DPoP).
    pub fn is_dpop(&self) -> bool {
        self.token_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("dpop"))
    }
}

/// Encodes parameters the way the provider wants them: JSON body, form body or POST query.
fn encode(
    encoding: BodyEncoding,
    method: Method,
    url: &str,
    params: &[(&str, &str)],
) -> HttpRequest {
    match encoding {
        BodyEncoding::Json => {
            let object: serde_json::Map<String, serde_json::Value> = params
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
                .collect();
            HttpRequest::new(method, url)
                .header("Accept", "application/json")
                .body(
                    "application/json",
                    serde_json::Value::Object(object).to_string(),
                )
        }
        BodyEncoding::Form => {
            let body = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish();
            HttpRequest::new(method, url)
                .header("Accept", "application/json")
                .body("application/x-www-form-urlencoded", body)
        }
        BodyEncoding::Query => {
            let query = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish();
            let separator = if url.contains('?') { '&' } else { '?' };
            HttpRequest::new(method, format!("{url}{separator}{query}"))
                .header("Accept", "application/json")
        }
    }
}

/// RFC 6749 §2.3.1: the id and the secret each form-encoded, joined by ':', then base64.
pub fn basic_credentials(client_id: &str, secret: &str) -> String {
    use base64::Engine;
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        encode(client_id),
        encode(secret)
    ))
}

/// A request to the provider's token endpoint, in its body encoding, as `client`.
pub fn to_token_endpoint(
    provider: &Provider,
    client: &ClientAuth,
    params: &[(&str, &str)],
) -> HttpRequest {
    client_request(
        provider,
        client,
        provider.token_body,
        (provider.token.method, &provider.token.url),
        params,
    )
}

/// A request to one of the provider's endpoints that authenticates the client as the provider
/// says (RFC 6749 §2.3.1): `Authorization: Basic`, or `client_id` (and `client_secret`) among
/// the parameters. Without a secret (a public client, or the proxy adds it) only `client_id`
/// travels, in the parameters.
pub fn client_request(
    provider: &Provider,
    client: &ClientAuth,
    encoding: BodyEncoding,
    (method, url): (Method, &str),
    params: &[(&str, &str)],
) -> HttpRequest {
    let mut who: Vec<(&str, &str)> = Vec::new();
    // A request that names its client itself (a pushed authorization request) keeps it there.
    let named = params.iter().any(|(k, _)| *k == "client_id");
    let basic = match (client.client_secret, provider.standards.client_auth) {
        (Some(secret), ClientAuthMethod::ClientSecretBasic) => Some(basic_credentials(
            client.client_id.as_str(),
            secret.expose(),
        )),
        (Some(secret), ClientAuthMethod::ClientSecretPost) => {
            if !named {
                who.push(("client_id", client.client_id.as_str()));
            }
            who.push(("client_secret", secret.expose()));
            None
        }
        _ => {
            if !named {
                who.push(("client_id", client.client_id.as_str()));
            }
            None
        }
    };
    // The grant's own parameter first, then the client, as the seed APIs document it.
    let split = params.len().min(1);
    let all: Vec<(&str, &str)> = params[..split]
        .iter()
        .chain(&who)
        .chain(&params[split..])
        .copied()
        .collect();
    let req = encode(encoding, method, url, &all);
    match basic {
        Some(credentials) => req.header("Authorization", &format!("Basic {credentials}")),
        None => req,
    }
}

/// RFC 6749 §4.1.3 (+ RFC 7636 §4.5): exchange the code, in the provider's dialect.
pub fn token_request(
    provider: &Provider,
    client: &ClientAuth,
    code: &AuthCode,
    redirect_uri: &str,
    verifier: Option<PkceVerifier>,
) -> HttpRequest {
    let mut params: Vec<(&str, &str)> = vec![("code", code.expose())];
    if provider.sends_grant_type {
        params.push(("grant_type", "authorization_code"));
    }
    if provider.sends_redirect_uri {
        params.push(("redirect_uri", redirect_uri));
    }
    let verifier_text = verifier.as_ref().map(|v| v.expose().to_string());
    if let Some(v) = &verifier_text {
        params.push(("code_verifier", v));
    }
    to_token_endpoint(provider, client, &params)
}

/// RFC 6749 §6: a refresh request, or an error when the provider has no refresh endpoint.
pub fn refresh_request(
    provider: &Provider,
    client: &ClientAuth,
    refresh_token: &RefreshToken,
) -> Result<HttpRequest, FlowError> {
    let endpoint = provider
        .refresh
        .as_ref()
        .ok_or(FlowError::NoRefreshEndpoint)?;
    let mut params: Vec<(&str, &str)> = vec![("refresh_token", refresh_token.expose())];
    if provider.sends_grant_type {
        params.push(("grant_type", "refresh_token"));
    }
    Ok(client_request(
        provider,
        client,
        provider.token_body,
        (endpoint.method, &endpoint.url),
        &params,
    ))
}

/// RFC 6749 §4.4.2: the client asks for a token on its own behalf (no user).
pub fn client_credentials_request(
    provider: &Provider,
    client: &ClientAuth,
    scope: &str,
) -> HttpRequest {
    let mut params: Vec<(&str, &str)> = vec![("grant_type", "client_credentials")];
    if !scope.is_empty() {
        params.push(("scope", scope));
    }
    to_token_endpoint(provider, client, &params)
}

fn number(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// RFC 6749 §5.1: the token answer; `previous_refresh` is kept when a refresh answer has none.
pub fn parse_token_response(
    provider: &Provider,
    resp: &HttpResponse,
    now: f64,
    previous_refresh: Option<&TokenSet>,
) -> Result<TokenSet, FlowError> {
    if !(200..300).contains(&resp.status) {
        return Err(token_error(resp));
    }
    let value: serde_json::Value = serde_json::from_str(&resp.body).map_err(|_| not_json(resp))?;
    let Some(object) = value.as_object() else {
        return Err(FlowError::TokenNotObject {
            preview: preview(&resp.body),
        });
    };
    let access_token = object
        .get("access_token")
        .and_then(|v| v.as_str())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| FlowError::TokenMissingAccessToken {
            status: resp.status,
            preview: preview(&resp.body),
        })?;
    let token_type = object
        .get("token_type")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    if let Some(kind) = &token_type {
        if !kind.eq_ignore_ascii_case("bearer") && !kind.eq_ignore_ascii_case("dpop") {
            return Err(FlowError::TokenTypeUnsupported(kind.clone()));
        }
    }
    let lifetime = |key: &str| -> Result<Option<f64>, FlowError> {
        match object.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => match number(v) {
                Some(n) if n >= 0.0 && n.is_finite() => Ok(Some(n)),
                _ => Err(FlowError::TokenBadExpiry {
                    field: key.to_string(),
                    value: v.to_string(),
                }),
            },
        }
    };
    let expires_in = lifetime("expires_in")?;
    let refresh_expires_in = lifetime("refresh_expires_in")?;
    let new_refresh = object
        .get("refresh_token")
        .and_then(|v| v.as_str())
        .filter(|t| !t.is_empty())
        .map(RefreshToken::new);
    let (refresh_token, refresh_expires_in, refresh_expires_at) =
        match (new_refresh, previous_refresh) {
            (Some(t), _) => (
                Some(t),
                refresh_expires_in,
                refresh_expires_in.map(|n| now + provider.expiry_unit.millis(n)),
            ),
            // RFC 6749 §6: no new refresh token means the old one stays valid.
            (None, Some(prev)) => (
                prev.refresh_token.clone(),
                prev.refresh_expires_in,
                prev.refresh_expires_at,
            ),
            (None, None) => (None, None, None),
        };
    let scope = object.get("scope").and_then(|v| match v {
        serde_json::Value::String(s) => Some(
            s.split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(Scope::from)
                .collect(),
        ),
        serde_json::Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|i| i.as_str().map(Scope::from))
                .collect(),
        ),
        _ => None,
    });
    Ok(TokenSet {
        access_token: AccessToken::new(access_token),
        token_type,
        expires_in,
        expires_at: expires_in.map(|n| now + provider.expiry_unit.millis(n)),
        refresh_token,
        refresh_expires_in,
        refresh_expires_at,
        scope,
        obtained_at: now,
        // A refresh answer may leave the ID token out (OpenID Connect Core §12.2): keep the last.
        id_token: object
            .get("id_token")
            .and_then(|v| v.as_str())
            .filter(|t| !t.is_empty())
            .map(IdToken::new)
            .or_else(|| previous_refresh.and_then(|p| p.id_token.clone())),
    })
}

/// The start of an answer for an error message, with anything token-like masked (the answer
/// could not be read, so it is masked by name).
fn preview(body: &str) -> String {
    let redacted = crate::wire::redact_loose(body);
    let trimmed = redacted.trim();
    if trimmed.is_empty() {
        return "(empty body)".into();
    }
    let cut: String = trimmed.chars().take(160).collect();
    if cut.len() < trimmed.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

fn looks_like_html(resp: &HttpResponse) -> bool {
    resp.content_type().contains("html") || resp.body.trim_start().starts_with('<')
}

fn not_json(resp: &HttpResponse) -> FlowError {
    if looks_like_html(resp) {
        FlowError::TokenHtml {
            status: resp.status,
        }
    } else {
        FlowError::TokenNotJson {
            status: resp.status,
            preview: preview(&resp.body),
        }
    }
}

/// Reads the error out of any of the shapes providers use: RFC 6749 §5.2
/// `{error, error_description}`, Make's `{error: {message, code}}`, or a bare `message`.
pub fn provider_said(body: &str) -> ProviderSaid {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return ProviderSaid::default();
    };
    let text = |v: Option<&serde_json::Value>| v.and_then(|d| d.as_str()).map(str::to_string);
    match value.get("error") {
        Some(serde_json::Value::String(code)) => ProviderSaid {
            code: Some(code.clone()),
            description: text(value.get("error_description")),
        },
        Some(serde_json::Value::Object(inner)) => ProviderSaid {
            code: inner
                .get("code")
                .map(|c| c.to_string().trim_matches('"').to_string()),
            description: text(inner.get("message")),
        },
        _ => ProviderSaid {
            code: None,
            description: text(value.get("message")),
        },
    }
}

fn token_error(resp: &HttpResponse) -> FlowError {
    let said = provider_said(&resp.body);
    if said.code.is_none() && said.description.is_none() {
        return FlowError::TokenHttp {
            status: resp.status,
            status_text: resp.status_text.clone(),
            html: looks_like_html(resp),
            preview: preview(&resp.body),
        };
    }
    FlowError::TokenRefused {
        status: resp.status,
        status_text: resp.status_text.clone(),
        code: said.code.unwrap_or_else(|| resp.status.to_string()),
        description: said.description,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AppConfig;
    use crate::providers::{presets, ExpiryUnit};

    fn academy() -> Provider {
        presets(&AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap()).remove(0)
    }

    fn answer(status: u16, content_type: &str, body: &str) -> HttpResponse {
        HttpResponse::new(
            status,
            vec![("content-type".into(), content_type.into())],
            body.into(),
        )
    }

    #[test]
    fn academy_token_request_is_json_with_secret_and_redirect_uri() {
        let id = ClientId::new("app");
        let secret = ClientSecret::new("s");
        let req = token_request(
            &academy(),
            &ClientAuth {
                client_id: &id,
                client_secret: Some(&secret),
            },
            &AuthCode::new("c0de"),
            "http://127.0.0.1:8080/callback",
            None,
        );
        assert_eq!(req.method, Method::Post);
        assert_eq!(req.url, "http://127.0.0.1:8090/api/v2/token");
        assert_eq!(req.header_value("content-type"), Some("application/json"));
        let body: serde_json::Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"code": "c0de", "client_id": "app", "client_secret": "s",
                "grant_type": "authorization_code", "redirect_uri": "http://127.0.0.1:8080/callback"})
        );
    }

    #[test]
    fn proxy_held_secret_is_left_out() {
        let id = ClientId::new("app");
        let req = token_request(
            &academy(),
            &ClientAuth {
                client_id: &id,
                client_secret: None,
            },
            &AuthCode::new("c"),
            "r",
            None,
        );
        assert!(!req.body.unwrap().contains("client_secret"));
    }

    #[test]
    fn query_and_form_dialects_place_parameters_where_they_belong() {
        let id = ClientId::new("app");
        let mut p = academy();
        p.token_body = BodyEncoding::Query;
        let req = token_request(
            &p,
            &ClientAuth {
                client_id: &id,
                client_secret: None,
            },
            &AuthCode::new("c"),
            "urn:x",
            None,
        );
        assert!(
            req.url.ends_with(
                "/token?code=c&client_id=app&grant_type=authorization_code&redirect_uri=urn%3Ax"
            ),
            "{}",
            req.url
        );
        assert_eq!(req.body, None);
        p.token_body = BodyEncoding::Form;
        p.sends_grant_type = false;
        p.sends_redirect_uri = false;
        let req = token_request(
            &p,
            &ClientAuth {
                client_id: &id,
                client_secret: None,
            },
            &AuthCode::new("c"),
            "r",
            Some(PkceVerifier::new("v")),
        );
        assert_eq!(
            req.body.as_deref(),
            Some("code=c&client_id=app&code_verifier=v")
        );
    }

    #[test]
    fn rfc6749_basic_credentials_are_form_encoded_before_base64() {
        use base64::Engine;
        let encoded = basic_credentials("client id", "client&secret");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(&encoded)
            .unwrap();
        assert_eq!(decoded, b"client+id:client%26secret");
    }

    #[test]
    fn client_authentication_goes_where_the_provider_says() {
        let id = ClientId::new("client id");
        let secret = ClientSecret::new("client&secret");
        let mut p = academy();
        p.token_body = BodyEncoding::Form;
        let with = |p: &Provider, secret: Option<&ClientSecret>| {
            token_request(
                p,
                &ClientAuth {
                    client_id: &id,
                    client_secret: secret,
                },
                &AuthCode::new("c"),
                "r",
                None,
            )
        };
        p.standards.client_auth = ClientAuthMethod::ClientSecretBasic;
        let basic = with(&p, Some(&secret));
        assert_eq!(
            basic.header_value("authorization"),
            Some("Basic Y2xpZW50K2lkOmNsaWVudCUyNnNlY3JldA==")
        );
        let body = basic.body.unwrap();
        assert!(
            !body.contains("client_id") && !body.contains("secret"),
            "{body}"
        );
        // The proxy holds the secret (or the client is public): client_id alone, in the body.
        let held = with(&p, None);
        assert_eq!(held.header_value("authorization"), None);
        assert!(held.body.unwrap().contains("client_id=client+id"));
        p.standards.client_auth = ClientAuthMethod::ClientSecretPost;
        let post = with(&p, Some(&secret));
        assert_eq!(post.header_value("authorization"), None);
        assert_eq!(
            post.body.as_deref(),
            Some("code=c&client_id=client+id&client_secret=client%26secret&grant_type=authorization_code&redirect_uri=r")
        );
        p.standards.client_auth = ClientAuthMethod::None;
        let public = with(&p, Some(&secret));
        assert!(!public.body.unwrap().contains("secret"));
    }

    #[test]
    fn academy_minutes_become_absolute_times() {
        let body =
            r#"{"access_token":"a","expires_in":5,"refresh_token":"r","refresh_expires_in":5}"#;
        let t = parse_token_response(
            &academy(),
            &answer(200, "application/json", body),
            1_000.0,
            None,
        )
        .unwrap();
        assert_eq!(t.expires_at, Some(1_000.0 + 300_000.0));
        assert_eq!(t.refresh_expires_at, Some(1_000.0 + 300_000.0));
        assert_eq!(t.token_type, None);
        let mut seconds = academy();
        seconds.expiry_unit = ExpiryUnit::Seconds;
        let body = r#"{"access_token":"a","token_type":"bearer","expires_in":"7200"}"#;
        let t = parse_token_response(&seconds, &answer(200, "application/json", body), 0.0, None)
            .unwrap();
        assert_eq!(t.expires_at, Some(7_200_000.0));
    }

    #[test]
    fn refresh_without_new_refresh_token_keeps_the_old_one() {
        let first =
            r#"{"access_token":"a","expires_in":5,"refresh_token":"r1","refresh_expires_in":60}"#;
        let first = parse_token_response(
            &academy(),
            &answer(200, "application/json", first),
            0.0,
            None,
        )
        .unwrap();
        let second = parse_token_response(
            &academy(),
            &answer(200, "application/json", r#"{"access_token":"b"}"#),
            10.0,
            Some(&first),
        )
        .unwrap();
        assert_eq!(second.refresh_token.unwrap().expose(), "r1");
        assert_eq!(second.refresh_expires_at, first.refresh_expires_at);
    }

    #[test]
    fn malformed_answers_fail_with_their_own_codes() {
        let p = academy();
        let cases = [
            (answer(200, "text/html", "<html>oops</html>"), "token_html"),
            (
                answer(200, "application/json", "{\"access_token\":"),
                "token_not_json",
            ),
            (answer(200, "application/json", "[1]"), "token_not_object"),
            (
                answer(200, "application/json", "{\"expires_in\":5}"),
                "token_missing_access_token",
            ),
            (
                answer(
                    200,
                    "application/json",
                    "{\"access_token\":\"a\",\"token_type\":\"mac\"}",
                ),
                "token_type_unsupported",
            ),
            (
                answer(
                    200,
                    "application/json",
                    "{\"access_token\":\"a\",\"expires_in\":-1}",
                ),
                "token_bad_expiry",
            ),
            (
                answer(502, "text/html", "<h1>Bad gateway</h1>"),
                "token_http_error:502",
            ),
            (answer(401, "text/plain", ""), "token_http_error:401"),
        ];
        for (resp, code) in cases {
            assert_eq!(
                parse_token_response(&p, &resp, 0.0, None)
                    .unwrap_err()
                    .code(),
                code
            );
        }
    }

    #[test]
    fn provider_error_shapes_are_all_understood() {
        let p = academy();
        let e = parse_token_response(
            &p,
            &answer(
                400,
                "application/json",
                r#"{"error":"invalid_grant","error_description":"code used"}"#,
            ),
            0.0,
            None,
        )
        .unwrap_err();
        assert_eq!(e.code(), "token_error:invalid_grant");
        assert!(e.detail().contains("code used") && e.detail().contains("Authorize again"));
        let e = parse_token_response(
            &p,
            &answer(
                400,
                "application/json",
                r#"{"error":{"message":"Invalid authorization code","code":400}}"#,
            ),
            0.0,
            None,
        )
        .unwrap_err();
        assert_eq!(e.code(), "token_error:400");
        assert!(e.detail().contains("Invalid authorization code"));
    }
}
