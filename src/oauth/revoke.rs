// Step 5: ending a grant. The Academy's `/invalidate` is a call with the access token;
// RFC 7009 providers (Doorkeeper) take `token=…` in a form, refresh token first.

use super::token::{client_request, ClientAuth, TokenSet};
use crate::providers::{BodyEncoding, Provider, RevokeStyle};
use crate::wire::HttpRequest;

/// The requests that end this grant, in order; empty when the provider has no revoke endpoint.
pub fn revoke_requests(
    provider: &Provider,
    client: &ClientAuth,
    tokens: &TokenSet,
) -> Vec<HttpRequest> {
    let Some(revoke) = &provider.revoke else {
        return Vec::new();
    };
    let endpoint = &revoke.endpoint;
    match revoke.style {
        RevokeStyle::BearerCall => vec![HttpRequest::new(endpoint.method, endpoint.url.clone())
            .header("Accept", "application/json")
            .header(
                "Authorization",
                &format!("Bearer {}", tokens.access_token.expose()),
            )],
        RevokeStyle::TokenForm => {
            // RFC 7009 §2.1: revoking the refresh token ends the whole grant, so it goes first.
            let mut tokens_to_revoke: Vec<(&str, &str)> = Vec::new();
            if let Some(r) = &tokens.refresh_token {
                tokens_to_revoke.push((r.expose(), "refresh_token"));
            }
            tokens_to_revoke.push((tokens.access_token.expose(), "access_token"));
            tokens_to_revoke
                .into_iter()
                .map(|(token, hint)| {
                    client_request(
                        provider,
                        client,
                        BodyEncoding::Form,
                        (endpoint.method, &endpoint.url),
                        &[("token", token), ("token_type_hint", hint)],
                    )
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AppConfig;
    use crate::providers::presets;
    use crate::types::{AccessToken, ClientId, RefreshToken};

    fn tokens() -> TokenSet {
        TokenSet {
            access_token: AccessToken::new("at-1"),
            token_type: None,
            expires_in: None,
            expires_at: None,
            refresh_token: Some(RefreshToken::new("rt-1")),
            refresh_expires_in: None,
            refresh_expires_at: None,
            scope: None,
            obtained_at: 0.0,
            id_token: None,
        }
    }

    fn preset(id: &str) -> Provider {
        presets(&AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap())
            .into_iter()
            .find(|p| p.id == id)
            .unwrap()
    }

    #[test]
    fn academy_invalidates_with_the_bearer_token() {
        let id = ClientId::new("c");
        let reqs = revoke_requests(
            &preset("sandbox-academy-v2"),
            &ClientAuth {
                client_id: &id,
                client_secret: None,
            },
            &tokens(),
        );
        assert_eq!(reqs.len(), 1);
        assert_eq!(
            (reqs[0].method.as_str(), reqs[0].url.as_str()),
            ("GET", "http://127.0.0.1:8090/api/v2/invalidate")
        );
        assert_eq!(reqs[0].header_value("authorization"), Some("Bearer at-1"));
    }

    #[test]
    fn doorkeeper_revokes_refresh_then_access_token_by_form() {
        let id = ClientId::new("c");
        let reqs = revoke_requests(
            &preset("sandbox-metamaps"),
            &ClientAuth {
                client_id: &id,
                client_secret: None,
            },
            &tokens(),
        );
        let bodies: Vec<&str> = reqs.iter().map(|r| r.body.as_deref().unwrap()).collect();
        assert_eq!(
            bodies,
            [
                "token=rt-1&client_id=c&token_type_hint=refresh_token",
                "token=at-1&client_id=c&token_type_hint=access_token"
            ]
        );
        assert!(reqs
            .iter()
            .all(|r| r.header_value("authorization").is_none()));
    }

    #[test]
    fn php_has_nothing_to_call() {
        let id = ClientId::new("c");
        assert!(revoke_requests(
            &preset("sandbox-php"),
            &ClientAuth {
                client_id: &id,
                client_secret: None
            },
            &tokens()
        )
        .is_empty());
    }
}
