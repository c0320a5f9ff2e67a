// The device authorization grant (RFC 8628): ask for a user code, show it, and poll the token
// endpoint at the provider's pace (`authorization_pending`, `slow_down`, `expired_token`).

use super::token::{
    client_request, parse_token_response, provider_said, to_token_endpoint, ClientAuth, TokenSet,
};
use super::FlowError;
use crate::providers::{BodyEncoding, Provider};
use crate::types::DeviceCode;
use crate::wire::{HttpRequest, HttpResponse, Method};

/// RFC 8628 §3.5: poll every 5 s unless the provider says otherwise; `slow_down` adds 5 s.
pub const DEFAULT_INTERVAL_S: f64 = 5.0;
pub const SLOW_DOWN_S: f64 = 5.0;

/// RFC 8628 §3.1: the device authorization request.
pub fn device_request(
    provider: &Provider,
    client: &ClientAuth,
    url: &str,
    scope: &str,
) -> HttpRequest {
    let params: Vec<(&str, &str)> = if scope.is_empty() {
        Vec::new()
    } else {
        vec![("scope", scope)]
    };
    client_request(
        provider,
        client,
        BodyEncoding::Form,
        (Method::Post, url),
        &params,
    )
}

/// RFC 8628 §3.2: what the user needs, and what the client polls with.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceGrant {
    pub device_code: DeviceCode,
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    /// Milliseconds since the epoch.
    pub expires_at: f64,
    pub interval_s: f64,
}

pub fn parse_device_response(resp: &HttpResponse, now: f64) -> Result<DeviceGrant, FlowError> {
    let refused = || {
        let said = provider_said(&resp.body);
        FlowError::TokenRefused {
            status: resp.status,
            status_text: resp.status_text.clone(),
            code: said.code.unwrap_or_else(|| resp.status.to_string()),
            description: said.description,
        }
    };
    if !(200..300).contains(&resp.status) {
        return Err(refused());
    }
    let value: serde_json::Value = serde_json::from_str(&resp.body).map_err(|_| refused())?;
    let text = |k: &str| {
        value
            .get(k)
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let (Some(device_code), Some(user_code)) = (text("device_code"), text("user_code")) else {
        return Err(FlowError::TokenMissingAccessToken {
            status: resp.status,
            preview: "the answer has no device_code or user_code".into(),
        });
    };
    let verification_uri = text("verification_uri")
        .or_else(|| text("verification_url"))
        .filter(|u| crate::url::HttpUrl::parse(u).is_ok())
        .ok_or(FlowError::TokenMissingAccessToken {
            status: resp.status,
            preview: "the answer has no usable verification_uri".into(),
        })?;
    let seconds = |k: &str| value.get(k).and_then(|v| v.as_f64()).filter(|n| *n > 0.0);
    Ok(DeviceGrant {
        device_code: DeviceCode::new(device_code),
        user_code,
        verification_uri,
        verification_uri_complete: text("verification_uri_complete")
            .filter(|u| crate::url::HttpUrl::parse(u).is_ok()),
        expires_at: now + seconds("expires_in").unwrap_or(600.0) * 1_000.0,
        interval_s: seconds("interval").unwrap_or(DEFAULT_INTERVAL_S),
    })
}

/// RFC 8628 §3.4: one poll of the token endpoint.
pub fn device_token_request(
    provider: &Provider,
    client: &ClientAuth,
    device_code: &DeviceCode,
) -> HttpRequest {
    to_token_endpoint(
        provider,
        client,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device_code.expose()),
        ],
    )
}

/// What one poll says.
#[derive(Debug, PartialEq)]
pub enum Poll {
    /// RFC 8628 §3.5 `authorization_pending`: ask again after the interval.
    Pending,
    /// `slow_down`: ask again, 5 s later than before.
    SlowDown,
    Granted(Box<TokenSet>),
}

pub fn parse_poll(provider: &Provider, resp: &HttpResponse, now: f64) -> Result<Poll, FlowError> {
    if !(200..300).contains(&resp.status) {
        match provider_said(&resp.body).code.as_deref() {
            Some("authorization_pending") => return Ok(Poll::Pending),
            Some("slow_down") => return Ok(Poll::SlowDown),
            Some("expired_token") => return Err(FlowError::DeviceExpired),
            Some("access_denied") => {
                return Err(FlowError::ProviderRefused {
                    code: "access_denied".into(),
                    description: provider_said(&resp.body).description,
                })
            }
            _ => {}
        }
    }
    parse_token_response(provider, resp, now, None).map(|t| Poll::Granted(Box::new(t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AppConfig;
    use crate::providers::presets;
    use crate::types::ClientId;

    fn provider() -> Provider {
        let mut p =
            presets(&AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap()).remove(0);
        p.token_body = BodyEncoding::Form;
        p.expiry_unit = crate::providers::ExpiryUnit::Seconds;
        p
    }

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, vec![], body.into())
    }

    #[test]
    fn the_grant_asks_then_polls_with_the_device_code() {
        let id = ClientId::new("tv");
        let client = ClientAuth {
            client_id: &id,
            client_secret: None,
        };
        let ask = device_request(&provider(), &client, "https://id/device", "openid");
        assert_eq!(ask.body.as_deref(), Some("scope=openid&client_id=tv"));
        let grant = parse_device_response(
            &answer(200, r#"{"device_code":"dc","user_code":"WDJB-MJHT","verification_uri":"https://id/device","verification_uri_complete":"https://id/device?user_code=WDJB-MJHT","expires_in":1800,"interval":7}"#),
            1_000.0,
        )
        .unwrap();
        assert_eq!(grant.user_code, "WDJB-MJHT");
        assert_eq!(grant.expires_at, 1_000.0 + 1_800_000.0);
        assert_eq!(grant.interval_s, 7.0);
        let poll = device_token_request(&provider(), &client, &grant.device_code);
        assert_eq!(
            poll.body.as_deref(),
            Some("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=tv&device_code=dc")
        );
        let no_interval = parse_device_response(
            &answer(
                200,
                r#"{"device_code":"dc","user_code":"U","verification_uri":"https://id/d"}"#,
            ),
            0.0,
        )
        .unwrap();
        assert_eq!(no_interval.interval_s, DEFAULT_INTERVAL_S);
        assert!(parse_device_response(
            &answer(
                200,
                r#"{"device_code":"dc","user_code":"U","verification_uri":"javascript:x"}"#
            ),
            0.0
        )
        .is_err());
    }

    #[test]
    fn polls_read_pending_slow_down_expiry_denial_and_tokens() {
        let p = provider();
        let said = |code: &str| answer(400, &format!(r#"{{"error":"{code}"}}"#));
        assert_eq!(
            parse_poll(&p, &said("authorization_pending"), 0.0),
            Ok(Poll::Pending)
        );
        assert_eq!(parse_poll(&p, &said("slow_down"), 0.0), Ok(Poll::SlowDown));
        assert_eq!(
            parse_poll(&p, &said("expired_token"), 0.0),
            Err(FlowError::DeviceExpired)
        );
        assert_eq!(
            parse_poll(&p, &said("access_denied"), 0.0)
                .unwrap_err()
                .code(),
            "provider_error:access_denied"
        );
        assert_eq!(
            parse_poll(&p, &said("invalid_client"), 0.0)
                .unwrap_err()
                .code(),
            "token_error:invalid_client"
        );
        let granted = parse_poll(
            &p,
            &answer(
                200,
                r#"{"access_token":"a","token_type":"Bearer","expires_in":60}"#,
            ),
            5.0,
        )
        .unwrap();
        assert!(matches!(granted, Poll::Granted(t) if t.expires_at == Some(60_005.0)));
    }
}
