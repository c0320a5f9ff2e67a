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

/// Words that make a header name look like it carries a credential (`X-Auth-Token`,
/// `X-Api-Key`, `X-Session-Id`…): masked too, whoever named it.
const CREDENTIAL_WORDS: [&str; 8] = [
    "auth",
    "token",
    "secret",
    "key",
    "session",
    "password",
    "cookie",
    "credential",
];

/// Whether `name` carries a credential: one of the usual headers, a name that says so, or
/// `provider_header`.
pub fn is_credential_header(name: &str, provider_header: Option<&str>) -> bool {
    let lower = name.to_ascii_lowercase();
    CREDENTIAL_HEADERS.iter().any(|h| lower == *h)
        || CREDENTIAL_WORDS.iter().any(|w| lower.contains(w))
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

/// Redacts a body by its shape: JSON objects by key, forms by parameter name, and anything
/// else (broken JSON, text) by looking for the same names followed by a value.
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
    redact_loose(body)
}

/// Text that is neither JSON nor a form (a truncated answer, an HTML page quoting the
/// request): every `name": "value`, `name=value` or `name: value` whose name is a secret or
/// a token has its value masked.
pub fn redact_loose(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut cuts: Vec<(usize, usize, String)> = Vec::new();
    for key in SECRET_KEYS.iter().chain(TOKEN_KEYS) {
        let mut from = 0;
        while let Some(found) = lower[from..].find(key) {
            let start = from + found;
            from = start + key.len();
            // A whole name: not the end of a longer one (`auth_code` is not `code`).
            let before = lower[..start].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &text[from..];
            let skipped = rest.len()
                - rest
                    .trim_start_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())
                    .len();
            let after_quote = &rest[skipped..];
            let Some(sep) = after_quote
                .chars()
                .next()
                .filter(|c| matches!(c, ':' | '='))
            else {
                continue;
            };
            let value_part = &after_quote[sep.len_utf8()..];
            let lead = value_part.len()
                - value_part
                    .trim_start_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())
                    .len();
            let value_start = from + skipped + sep.len_utf8() + lead;
            let value: String = text[value_start..]
                .chars()
                .take_while(|c| {
                    !matches!(c, '"' | '\'' | '&' | ',' | '}' | '<' | ';') && !c.is_whitespace()
                })
                .collect();
            if value.is_empty() {
                continue;
            }
            let shown = redact_value(key, &value).unwrap_or_else(|| mask(&value));
            cuts.push((value_start, value_start + value.len(), shown));
        }
    }
    cuts.sort_by_key(|c| c.0);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, shown) in cuts {
        if start < at {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&shown);
        at = end;
    }
    out.push_str(&text[at..]);
    out
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
            .header("X-Auth-Token", "custom-token-0123456789")
            .header("X-Tenant", "t-0123456789")
            .header("Odd", "odd-0123456789");
        // A name that says it carries a credential is masked whoever named it.
        let raw = render_request(&req, None);
        assert!(!raw.contains("custom-token-0123456789"), "{raw}");
        assert!(raw.contains("••••••••6789") && raw.contains("t-0123456789"));
        let raw = render_request(&req, Some("odd"));
        assert!(!raw.contains("odd-0123456789"), "{raw}");
    }

    #[test]
    fn broken_answers_are_redacted_by_name() {
        let cut = r#"{"access_token": "4f1c0e9a8b7c", "expires_in": 5, "refresh_tok"#;
        let shown = redact_text(cut, "application/json");
        assert!(!shown.contains("4f1c0e9a8b7c"), "{shown}");
        assert!(shown.contains("\"expires_in\": 5"));
        let html = "<p>access_token=abc123def456&amp;client_secret: hush</p> auth_code=keep";
        let shown = redact_loose(html);
        assert!(
            !shown.contains("abc123def456") && !shown.contains("hush"),
            "{shown}"
        );
        assert!(
            shown.contains("auth_code=keep"),
            "a longer name is not the secret's: {shown}"
        );
        assert_eq!(
            redact_loose("é code: ü-1234567890 ü"),
            "é code: ••••••••7890 ü"
        );
    }
}
