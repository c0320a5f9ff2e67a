// Step 4: keeping a session alive (RFC 6749 §6): when to refresh. What a failed refresh
// means (sign in again, or try later) is `FlowError::ends_the_session`.

use super::token::TokenSet;

/// Refresh this long before expiry: a tenth of the lifetime, between 5 and 60 seconds.
pub fn refresh_margin_ms(tokens: &TokenSet) -> f64 {
    let lifetime = match tokens.expires_at {
        Some(at) => at - tokens.obtained_at,
        None => return 0.0,
    };
    (lifetime / 10.0).clamp(5_000.0, 60_000.0)
}

/// Whether the access token should be refreshed now (it expires within the margin, and a
/// refresh token that has not itself expired is there to do it).
pub fn needs_refresh(tokens: &TokenSet, now: f64) -> bool {
    let Some(expires_at) = tokens.expires_at else {
        return false;
    };
    can_refresh(tokens, now) && expires_at - now <= refresh_margin_ms(tokens)
}

/// A refresh token is present and not known to be expired.
pub fn can_refresh(tokens: &TokenSet, now: f64) -> bool {
    tokens.refresh_token.is_some() && tokens.refresh_expires_at.is_none_or(|at| at > now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{AccessToken, RefreshToken};

    fn tokens(
        expires_in_ms: Option<f64>,
        refresh: bool,
        refresh_expires_ms: Option<f64>,
    ) -> TokenSet {
        TokenSet {
            access_token: AccessToken::new("a"),
            token_type: None,
            expires_in: None,
            expires_at: expires_in_ms,
            refresh_token: refresh.then(|| RefreshToken::new("r")),
            refresh_expires_in: None,
            refresh_expires_at: refresh_expires_ms,
            scope: None,
            obtained_at: 0.0,
            id_token: None,
        }
    }

    #[test]
    fn refreshes_a_tenth_before_expiry_within_bounds() {
        let five_minutes = tokens(Some(300_000.0), true, Some(300_000.0));
        assert_eq!(refresh_margin_ms(&five_minutes), 30_000.0);
        assert!(!needs_refresh(&five_minutes, 269_000.0));
        assert!(needs_refresh(&five_minutes, 271_000.0));
        let two_hours = tokens(Some(7_200_000.0), true, None);
        assert_eq!(refresh_margin_ms(&two_hours), 60_000.0);
        let ten_seconds = tokens(Some(10_000.0), true, None);
        assert_eq!(refresh_margin_ms(&ten_seconds), 5_000.0);
    }

    #[test]
    fn no_refresh_without_a_usable_refresh_token_or_expiry() {
        assert!(!needs_refresh(&tokens(Some(1_000.0), false, None), 999.0));
        assert!(!needs_refresh(&tokens(None, true, None), 1e12));
        assert!(
            !needs_refresh(&tokens(Some(300_000.0), true, Some(280_000.0)), 290_000.0),
            "refresh token expired too"
        );
    }

    #[test]
    fn failures_split_into_sign_in_again_and_try_later() {
        use crate::oauth::FlowError;
        let refused = |code: &str| FlowError::TokenRefused {
            status: 400,
            status_text: String::new(),
            code: code.into(),
            description: None,
        };
        let http = |status: u16| FlowError::TokenHttp {
            status,
            status_text: String::new(),
            html: false,
            preview: String::new(),
        };
        for ended in [
            refused("invalid_grant"),
            refused("401"),
            http(401),
            FlowError::RefreshExpired,
        ] {
            assert!(ended.ends_the_session(), "{}", ended.code());
        }
        for transient in [
            http(502),
            refused("server_error"),
            FlowError::Network {
                refresh: true,
                error: crate::wire::NetError::Timeout(30),
            },
        ] {
            assert!(!transient.ends_the_session(), "{}", transient.code());
        }
    }
}
