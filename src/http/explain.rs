// Plain words for an HTTP answer: what the status means, and for the ones people get stuck on
// (400, 401, 403, 404, 429, 5xx) what usually causes it and what to do next.

use crate::oauth::token::provider_said;
use crate::types::Scope;
use crate::wire::HttpResponse;

/// A short meaning of the status code.
pub fn status_meaning(status: u16) -> &'static str {
    match status {
        200 => "OK: the call worked",
        201 => "Created",
        204 => "No Content: done, nothing to show",
        301 | 302 | 303 | 307 | 308 => "A redirect (not followed)",
        400 => "Bad Request: the provider refused what was sent",
        401 => "Unauthorized: the credential was not accepted",
        403 => "Forbidden: the credential is valid but not allowed to do this",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        410 => "Gone: this address was retired",
        415 => "Unsupported Media Type",
        422 => "Unprocessable: the body was understood but is not acceptable",
        429 => "Too Many Requests: slow down",
        500 => "Internal Server Error: the provider failed",
        501 => "Not Implemented",
        502 => "Bad Gateway: something between you and the provider failed",
        503 => "Service Unavailable",
        504 => "Gateway Timeout: the provider did not answer in time",
        s if (200..300).contains(&s) => "Success",
        s if (400..500).contains(&s) => "The request was refused",
        s if s >= 500 => "The server failed",
        _ => "",
    }
}

/// Seconds to wait, from `Retry-After` (seconds) or `X-RateLimit-Reset` (epoch seconds).
fn retry_after(resp: &HttpResponse, now_seconds: f64) -> Option<u64> {
    if let Some(v) = resp
        .header_value("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return Some(v);
    }
    let reset = resp
        .header_value("x-ratelimit-reset")?
        .trim()
        .parse::<f64>()
        .ok()?;
    Some((reset - now_seconds).max(0.0).ceil() as u64)
}

/// An explanation for answers that need one; `scope` is the scope the call needed, if known.
pub fn explain(
    resp: &HttpResponse,
    scope: Option<&str>,
    granted: &[Scope],
    now_seconds: f64,
) -> Option<String> {
    if !matches!(resp.status, 400..=599) {
        return None;
    }
    let said = provider_said(&resp.body);
    let (code, message) = (said.code, said.description);
    let said = message
        .or(code.filter(|c| c.parse::<u16>().is_err()))
        .map(|m| format!("The provider said: \u{201c}{m}\u{201d}. "))
        .unwrap_or_default();
    let text = match resp.status {
        400 => format!("{said}Check the parameters and the body against the endpoint's description."),
        401 => format!(
            "{said}The access token (or API key) is missing, wrong, expired or revoked. Handshake refreshes once when it can; \
             if this persists, authorize again."
        ),
        403 => match scope.filter(|s| !granted.iter().any(|g| g == s)) {
            Some(needed) => format!(
                "{said}This token lacks {needed}: it has {}. Tick {needed} under Scopes and authorize again.",
                if granted.is_empty() {
                    "no scopes".to_string()
                } else {
                    granted.iter().map(Scope::as_str).collect::<Vec<_>>().join(", ")
                }
            ),
            None => format!("{said}The credential is valid, but this account may not do this (not your record, or a missing permission)."),
        },
        404 => format!("{said}Nothing at this address: check the id in the path, or whether the record was deleted."),
        405 => format!("{said}This endpoint does not accept this method."),
        410 => format!("{said}The API retired this address; use the newer version it names."),
        429 => match retry_after(resp, now_seconds) {
            Some(s) => format!("{said}Too many requests: retry after {s} s."),
            None => format!("{said}Too many requests: wait a little before retrying."),
        },
        s if s >= 500 => format!("{said}The provider (or a proxy in front of it) failed; trying again later usually helps."),
        _ => return None,
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse::new(
            status,
            headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body.into(),
        )
    }

    #[test]
    fn a_missing_scope_is_named_with_the_fix() {
        let r = resp(
            403,
            &[],
            r#"{"error":{"message":"Missing Scope: POST needs the write scope","code":403}}"#,
        );
        let text = explain(&r, Some("write"), &["connect".into(), "read".into()], 0.0).unwrap();
        assert!(
            text.contains("This token lacks write: it has connect, read"),
            "{text}"
        );
        assert!(text.contains("Missing Scope"));
    }

    #[test]
    fn rate_limits_say_how_long_to_wait() {
        let r = resp(429, &[("Retry-After", "30")], "{}");
        assert!(explain(&r, None, &[], 0.0)
            .unwrap()
            .contains("retry after 30 s"));
        let r = resp(429, &[("X-RateLimit-Reset", "1000")], "{}");
        assert!(explain(&r, None, &[], 990.2)
            .unwrap()
            .contains("retry after 10 s"));
    }

    #[test]
    fn other_statuses_get_words_and_success_needs_none() {
        assert!(explain(
            &resp(
                404,
                &[],
                r#"{"error":{"message":"Record not found","code":404}}"#
            ),
            None,
            &[],
            0.0
        )
        .unwrap()
        .contains("Record not found"));
        assert!(explain(&resp(401, &[], ""), None, &[], 0.0)
            .unwrap()
            .contains("authorize again"));
        assert!(explain(&resp(502, &[], "<html>"), None, &[], 0.0)
            .unwrap()
            .contains("failed"));
        assert_eq!(explain(&resp(200, &[], "{}"), None, &[], 0.0), None);
        assert_eq!(status_meaning(418), "The request was refused");
    }
}
