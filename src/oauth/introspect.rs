// Token introspection (RFC 7662): ask the provider what it knows about a token — active or
// not, its scope, client, user and lifetime — with the client authenticated as at the token
// endpoint.

use super::token::{client_request, provider_said, ClientAuth};
use crate::providers::{BodyEncoding, Provider};
use crate::wire::{HttpRequest, HttpResponse, Method};

/// RFC 7662 §2.1: the introspection request, with a `token_type_hint`.
pub fn introspection_request(
    provider: &Provider,
    client: &ClientAuth,
    url: &str,
    token: &str,
    hint: &str,
) -> HttpRequest {
    client_request(
        provider,
        client,
        BodyEncoding::Form,
        (Method::Post, url),
        &[("token", token), ("token_type_hint", hint)],
    )
}

/// RFC 7662 §2.2: the answer's members, `active` first; an error says what the provider said.
pub fn parse_introspection(resp: &HttpResponse) -> Result<serde_json::Value, String> {
    if !(200..300).contains(&resp.status) {
        let said = provider_said(&resp.body);
        return Err(format!(
            "The provider refused the introspection ({}{}).",
            said.code.unwrap_or_else(|| resp.status.to_string()),
            said.description
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        ));
    }
    let value: serde_json::Value = serde_json::from_str(&resp.body)
        .map_err(|_| "The introspection answer is not JSON.".to_string())?;
    match value.get("active") {
        Some(serde_json::Value::Bool(_)) => Ok(value),
        _ => Err("The introspection answer has no boolean \"active\" (RFC 7662 §2.2).".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AppConfig;
    use crate::providers::{presets, ClientAuthMethod};
    use crate::types::{ClientId, ClientSecret};

    #[test]
    fn introspection_authenticates_the_client_and_reads_active() {
        let mut p =
            presets(&AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap()).remove(0);
        p.standards.client_auth = ClientAuthMethod::ClientSecretBasic;
        let id = ClientId::new("app");
        let secret = ClientSecret::new("s");
        let req = introspection_request(
            &p,
            &ClientAuth {
                client_id: &id,
                client_secret: Some(&secret),
            },
            "https://id/introspect",
            "tok",
            "access_token",
        );
        assert_eq!(
            req.body.as_deref(),
            Some("token=tok&token_type_hint=access_token")
        );
        assert!(req
            .header_value("authorization")
            .unwrap()
            .starts_with("Basic "));
        let ok = HttpResponse::new(200, vec![], r#"{"active":true,"scope":"openid"}"#.into());
        assert_eq!(parse_introspection(&ok).unwrap()["scope"], "openid");
        let inactive = HttpResponse::new(200, vec![], r#"{"active":false}"#.into());
        assert_eq!(parse_introspection(&inactive).unwrap()["active"], false);
        let odd = HttpResponse::new(200, vec![], r#"{"scope":"x"}"#.into());
        assert!(parse_introspection(&odd).unwrap_err().contains("active"));
        let refused = HttpResponse::new(401, vec![], r#"{"error":"invalid_client"}"#.into());
        assert!(parse_introspection(&refused)
            .unwrap_err()
            .contains("invalid_client"));
    }
}
