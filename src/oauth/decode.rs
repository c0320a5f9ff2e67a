// Decoders: an authorize URL, a callback, a request or an answer (as the flow log shows them,
// already redacted) taken apart into parameters, each with one line of what it means.

/// One decoded parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub name: String,
    pub value: String,
    /// What the parameter is for (empty when Handshake does not know the name).
    pub meaning: &'static str,
}

/// One line of meaning for the names OAuth 2, PKCE, OpenID Connect and their extensions use.
pub fn meaning(name: &str) -> &'static str {
    match name {
        "response_type" => {
            "What the app asks for: code means an authorization code (RFC 6749 §4.1)."
        }
        "client_id" => "Which registered application asks (public, not a secret).",
        "client_secret" => {
            "The application's password; only ever sent to the provider's token endpoint."
        }
        "redirect_uri" => {
            "Where the provider sends the user back; must equal the registered one exactly."
        }
        "scope" => "The permissions asked for (or granted), separated by spaces.",
        "state" => "A random value the app checks when the answer comes back (CSRF defence).",
        "code_challenge" => "PKCE: the SHA-256 of a secret only this tab knows (RFC 7636).",
        "code_challenge_method" => "PKCE: how the challenge was made (S256 = SHA-256).",
        "code_verifier" => "PKCE: the secret itself, proving the code belongs to this tab.",
        "nonce" => "OpenID Connect: a random value the ID token must carry back.",
        "prompt" => "Whether the provider must show login or consent again (login, consent, none).",
        "login_hint" => "Who is expected to sign in (an e-mail or user name).",
        "max_age" => "How old, in seconds, the user's last login may be.",
        "acr_values" => "The authentication strength asked for.",
        "resource" | "audience" => "Which API the token is meant for (RFC 8707).",
        "request_uri" => "PAR: a reference to the parameters pushed earlier (RFC 9126).",
        "response_mode" => "How the answer comes back (query, fragment, form_post).",
        "code" => "The one-time authorization code, exchanged for tokens within minutes.",
        "iss" => "Who sent the answer (RFC 9207): must be the provider this sign-in went to.",
        "error" => "Why the provider did not grant: an OAuth error code.",
        "error_description" | "error.message" | "message" => {
            "The provider's own words about the error."
        }
        "grant_type" => {
            "How the app proves its right to tokens (authorization_code, refresh_token…)."
        }
        "refresh_token" => "A long-lived token that buys new access tokens without the user.",
        "access_token" => "The credential API calls carry.",
        "token_type" => "How to send the access token (Bearer, or DPoP bound to a key).",
        "expires_in" => "How long the access token lives (seconds, or minutes at the Academy).",
        "refresh_expires_in" => "How long the refresh token lives.",
        "id_token" => "OpenID Connect: a signed statement of who signed in.",
        "device_code" => "Device grant: what the app polls with (RFC 8628).",
        "user_code" => "Device grant: the short code the user types on the provider's page.",
        "verification_uri" | "verification_uri_complete" => {
            "Device grant: where the user confirms the code."
        }
        "interval" => "Device grant: how many seconds to wait between polls.",
        "token" => "The token asked about (introspection) or to revoke (RFC 7009).",
        "token_type_hint" => "Which kind of token it is (access_token or refresh_token).",
        "active" => "Introspection: whether the token is still valid (RFC 7662).",
        "sub" => "The user the token is about.",
        "aud" => "Who the token is meant for.",
        "exp" => "When it expires (seconds since 1970).",
        "iat" => "When it was issued (seconds since 1970).",
        "client_assertion" | "client_assertion_type" => "A signed proof of the client's identity.",
        _ => "",
    }
}

fn rows(pairs: impl IntoIterator<Item = (String, String)>) -> Vec<Row> {
    pairs
        .into_iter()
        .map(|(name, value)| Row {
            meaning: meaning(&name),
            name,
            value,
        })
        .collect()
}

fn query_rows(url: &str) -> Vec<Row> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    let query = query.split('#').next().unwrap_or(query);
    rows(form_urlencoded::parse(query.as_bytes()).into_owned())
}

fn body_rows(body: &str) -> Vec<Row> {
    let body = body.trim();
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(body) {
        return rows(map.into_iter().map(|(k, v)| {
            let shown = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, shown)
        }));
    }
    if body.contains('=') && !body.contains(['\n', ' ', '{', '<']) {
        return rows(form_urlencoded::parse(body.as_bytes()).into_owned());
    }
    Vec::new()
}

/// The parameters of a URL, a raw request (`METHOD URL HTTP/1.1`, headers, body) or a raw
/// answer (`HTTP/1.1 …`, headers, a JSON or form body).
pub fn decode(text: &str) -> Vec<Row> {
    let text = text.trim();
    let first = text.lines().next().unwrap_or("");
    let body = text.split_once("\n\n").map(|(_, b)| b).unwrap_or("");
    if first.starts_with("HTTP/") {
        return body_rows(body);
    }
    let mut words = first.split_whitespace();
    match (words.next(), words.next()) {
        (Some(method), Some(url)) if method.chars().all(|c| c.is_ascii_uppercase()) => {
            let mut all = query_rows(url);
            all.extend(body_rows(body));
            all
        }
        _ => query_rows(first),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_authorize_url_comes_apart_with_meanings() {
        let rows = decode("https://id/authorize?scope=connect%20read&client_id=app&state=s1&prompt=consent&x-odd=1");
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["scope", "client_id", "state", "prompt", "x-odd"]);
        assert_eq!(rows[0].value, "connect read");
        assert!(rows[2].meaning.contains("CSRF"));
        assert_eq!(rows[4].meaning, "");
    }

    #[test]
    fn requests_and_answers_as_the_log_shows_them() {
        let req = "POST https://id/token HTTP/1.1\nContent-Type: application/x-www-form-urlencoded\n\ncode=••••1234&grant_type=authorization_code";
        let names: Vec<String> = decode(req).into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["code", "grant_type"]);
        let answer = "HTTP/1.1 200 OK\ncontent-type: application/json\n\n{\n  \"access_token\": \"••••abcd\",\n  \"expires_in\": 5\n}";
        let rows = decode(answer);
        assert_eq!(rows.len(), 2);
        assert!(rows
            .iter()
            .any(|r| r.name == "expires_in" && r.value == "5"));
        let callback = "GET http://127.0.0.1:8080/callback?code=••••wxyz&state=abc&iss=https%3A%2F%2Fop HTTP/1.1";
        let rows = decode(callback);
        assert_eq!(rows[2].value, "https://op");
        assert!(decode("HTTP/1.1 502 Bad Gateway\n\n<html>").is_empty());
    }
}
