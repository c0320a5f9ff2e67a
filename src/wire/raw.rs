// Requests and responses as raw HTTP text for the flow log, with every secret redacted:
// secrets become [redacted], tokens and codes keep only their last four characters.

use super::{HttpRequest, HttpResponse};
use crate::types::mask;

/// Headers that always carry a credential; a provider may name one more (its API-key header).
const CREDENTIAL_HEADERS: [&str; 5] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
];

/// Whether `name` carries a credential: one of the usual headers, or `provider_header`.
pub fn is_credential_header(name: &str, provider_header: Option<&str>) -> bool {
    CREDENTIAL_HEADERS
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
        || provider_header.is_some_and(|p| name.eq_ignore_ascii_case(p))
}

/// Parameter names whose values are secrets (never shown) or tokens (shown masked).
const SECRET_KEYS: &[&str] = &["client_secret", "password", "code_verifier"];
const TOKEN_KEYS: &[&str] = &[
    "access_token",
    "refresh_token",
    "code",
    "token",
    "id_token",
    "api_key",
    "device_code",
];

fn redact_value(key: &str, value: &str) -> Option<String> {
    let key = key.to_ascii_lowercase();
    if SECRET_KEYS.contains(&key.as_str()) {
        Some("[redacted]".into())
    } else if TOKEN_KEYS.contains(&key.as_str()) {
        Some(mask(value))
    } else {
        None
    }
}

fn redact_header(name: &str, value: &str, provider_header: Option<&str>) -> String {
    if !is_credential_header(name, provider_header) {
        return value.to_string();
    }
    match value.split_once(' ') {
        Some((scheme, token)) if name.eq_ignore_ascii_case("authorization") => {
            format!("{scheme} {}", mask(token))
        }
        _ => mask(value),
    }
}

fn redact_form(text: &str) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(text.as_bytes()) {
        let shown = redact_value(&k, &v).unwrap_or_else(|| v.into_owned());
        out.append_pair(&k, &shown);
    }
    // Masks are easier to read unescaped in a log.
    out.finish()
        .replace("%E2%80%A2", "•")
        .replace("%5Bredacted%5D", "[redacted]")
}

fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(s) => {
                        if let Some(shown) = redact_value(k, s) {
                            *s = shown;
                        }
                    }
                    other => redact_json(other),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

/// Redacts a body by its shape: JSON objects by key, forms by parameter name.
pub fn redact_text(body: &str, content_type: &str) -> String {
    let trimmed = body.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(body) {
            redact_json(&mut value);
            return serde_json::to_string_pretty(&value).unwrap_or_default();
        }
    }
    if content_type.contains("x-www-form-urlencoded") {
        return redact_form(body);
    }
    body.to_string()
}

/// A URL with the secrets in its query redacted (tokens masked, secrets hidden).
pub fn redact_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, query)) => format!("{base}?{}", redact_form(query)),
        None => url.to_string(),
    }
}

/// `METHOD URL HTTP/1.1`, headers, blank line, body: as a learner would read it on the wire.
/// `provider_header` is the provider's own credential header, masked too.
pub fn render_request(req: &HttpRequest, provider_header: Option<&str>) -> String {
    let mut text = format!("{} {} HTTP/1.1\n", req.method, redact_url(&req.url));
    for (name, value) in &req.headers {
        text.push_str(&format!(
            "{name}: {}\n",
            redact_header(name, value, provider_header)
        ));
    }
    if let Some(body) = &req.body {
        text.push('\n');
        text.push_str(&redact_text(
            body,
            req.header_value("content-type").unwrap_or(""),
        ));
    }
    text
}

/// Bodies larger than this are not copied into the flow log.
pub const LOG_BODY_LIMIT: usize = 64 * 1024;

pub fn render_response(resp: &HttpResponse) -> String {
    let mut text = format!("HTTP/1.1 {} {}\n", resp.status, resp.status_text);
    for (name, value) in &resp.headers {
        text.push_str(&format!("{name}: {}\n", redact_header(name, value, None)));
    }
    if resp.size > LOG_BODY_LIMIT {
        // Parsing a large answer only to redact the log would stall the page;
        // the response viewer shows it instead.
        text.push_str(&format!(
            "\n[{} bytes of body, shown in the response viewer, not kept in the log]",
            resp.size
        ));
    } else if !resp.body.is_empty() {
        text.push('\n');
        let body = redact_text(&resp.body, resp.content_type());
        const SHOWN: usize = 4_000;
        if body.len() > SHOWN {
            let cut = (0..=SHOWN)
                .rev()
                .find(|i| body.is_char_boundary(*i))
                .unwrap_or(0);
            text.push_str(&body[..cut]);
            text.push_str(&format!("\n… ({} more bytes)", body.len() - cut));
        } else {
            text.push_str(&body);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_secrets_are_redacted_in_url_headers_and_bodies() {
        let req = HttpRequest::new(
            super::super::Method::Post,
            "https://h/oauth/token?client_secret=shh&code=abcdefgh12345678",
        )
        .header("Authorization", "Bearer tok_0123456789abcdef")
        .body(
            "application/json",
            r#"{"client_id":"app","client_secret":"topsecret","code":"code_0123456789"}"#.into(),
        );
        let raw = render_request(&req, None);
        for leaked in [
            "shh",
            "topsecret",
            "code_0123456789",
            "tok_0123456789abcdef",
            "abcdefgh12345678",
        ] {
            assert!(!raw.contains(leaked), "{leaked} leaked into:\n{raw}");
        }
        assert!(raw.contains("\"client_id\": \"app\""));
        assert!(raw.contains("Bearer ••••••••cdef"));
        assert!(raw.contains("client_secret=[redacted]"));
    }

    #[test]
    fn large_bodies_stay_out_of_the_log() {
        let resp = HttpResponse::new(
            200,
            vec![],
            format!(
                "{{\"access_token\":\"secret-in-a-big-body\",\"pad\":\"{}\"}}",
                "x".repeat(LOG_BODY_LIMIT)
            ),
        );
        let raw = render_response(&resp);
        assert!(raw.contains("not kept in the log") && !raw.contains("secret-in-a-big-body"));
    }

    #[test]
    fn form_bodies_and_token_answers_are_redacted() {
        let form = redact_text(
            "code=xyz12345678&client_secret=s&client_id=c",
            "application/x-www-form-urlencoded",
        );
        assert_eq!(
            form,
            "code=••••••••5678&client_secret=[redacted]&client_id=c"
        );
        let resp = HttpResponse::new(
            200,
            vec![("content-type".into(), "application/json".into())],
            r#"{"access_token":"at_secret_value_1","expires_in":5}"#.into(),
        );
        let raw = render_response(&resp);
        assert!(!raw.contains("at_secret_value_1"));
        assert!(raw.contains("\"expires_in\": 5"));
    }

    #[test]
    fn a_providers_own_credential_header_is_masked_too() {
        let req = HttpRequest::new(super::super::Method::Get, "https://h/x")
            .header("X-Auth-Token", "custom-token-0123456789");
        assert!(render_request(&req, None).contains("custom-token-0123456789"));
        let raw = render_request(&req, Some("x-auth-token"));
        assert!(!raw.contains("custom-token-0123456789"), "{raw}");
        assert!(raw.contains("••••••••6789"));
    }
}
