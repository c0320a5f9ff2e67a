// Step 4: keeping a session alive (RFC 6749 §6): when to refresh, and what a failed
// refresh means (sign in again, or try later).

use super::token::TokenSet;
use super::FlowError;

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

/// What to do after a refresh failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshFailure {
    /// The grant is gone (invalid_grant, revoked, expired refresh token): sign in again.
    Reauthorize,
    /// The provider or network failed; the session may still be good later.
    Transient,
}

/// Classifies a refresh error by its code (see `token::parse_token_response`).
pub fn classify(error: &FlowError) -> RefreshFailure {
    let code = error.code.as_str();
    let reauth = code == "refresh_expired"
        || code == "no_refresh_token"
        || code.starts_with("token_error:invalid_grant")
        || code.starts_with("token_error:invalid_token")
        || code == "token_error:400"
        || code == "token_error:401"
        || code == "token_http_error:400"
        || code == "token_http_error:401";
    if reauth {
        RefreshFailure::Reauthorize
    } else {
        RefreshFailure::Transient
    }
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
    fn failures_split_into_reauthorize_and_transient() {
        let e = |code: &str| FlowError::new(code, "", "");
        assert_eq!(
            classify(&e("token_error:invalid_grant")),
            RefreshFailure::Reauthorize
        );
        assert_eq!(classify(&e("token_error:401")), RefreshFailure::Reauthorize);
        assert_eq!(classify(&e("refresh_expired")), RefreshFailure::Reauthorize);
        assert_eq!(
            classify(&e("token_http_error:401")),
            RefreshFailure::Reauthorize
        );
        assert_eq!(
            classify(&e("token_http_error:502")),
            RefreshFailure::Transient
        );
        assert_eq!(classify(&e("token_network")), RefreshFailure::Transient);
        assert_eq!(
            classify(&e("token_error:server_error")),
            RefreshFailure::Transient
        );
    }
}
