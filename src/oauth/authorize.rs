// Step 1: the authorization request URL (RFC 6749 §4.1.1, RFC 7636 §4.3).

use crate::providers::Provider;
use crate::types::{ClientId, PkceChallenge, Scope, State};

pub struct AuthorizeParams<'a> {
    pub client_id: &'a ClientId,
    pub redirect_uri: &'a str,
    pub scopes: &'a [Scope],
    pub state: &'a State,
    pub challenge: Option<&'a PkceChallenge>,
}

/// RFC 6749 §4.1.1: the URL the browser is sent to; parameters in the order the Academy documents.
pub fn authorize_url(provider: &Provider, p: &AuthorizeParams) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if !p.scopes.is_empty() {
        query.append_pair("scope", &provider.scope_string(p.scopes));
    }
    query.append_pair("client_id", p.client_id.as_str());
    query.append_pair("redirect_uri", p.redirect_uri);
    query.append_pair("response_type", "code");
    query.append_pair("state", p.state.as_str());
    if let Some(challenge) = p.challenge {
        query.append_pair("code_challenge", challenge.as_str());
        query.append_pair("code_challenge_method", "S256");
    }
    let separator = if provider.authorize_url.contains('?') {
        '&'
    } else {
        '?'
    };
    // Spaces as %20 rather than '+': both are valid, %20 survives every provider's parser.
    format!(
        "{}{separator}{}",
        provider.authorize_url,
        query.finish().replace('+', "%20")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AppConfig;
    use crate::providers::presets;

    #[test]
    fn academy_url_carries_the_four_documented_parameters_and_state() {
        let config = AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap();
        let provider = &presets(&config)[0];
        let url = authorize_url(
            provider,
            &AuthorizeParams {
                client_id: &ClientId::new("my app"),
                redirect_uri: "http://127.0.0.1:8080/callback",
                scopes: &["connect".into(), "read".into()],
                state: &State::new("st/ate"),
                challenge: None,
            },
        );
        assert_eq!(
            url,
            "http://127.0.0.1:8090/api/v2/authorize?scope=connect%20read&client_id=my%20app\
&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback&response_type=code&state=st%2Fate"
        );
    }

    #[test]
    fn pkce_adds_challenge_and_s256() {
        let config = AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap();
        let url = authorize_url(
            &presets(&config)[0],
            &AuthorizeParams {
                client_id: &ClientId::new("c"),
                redirect_uri: "urn:ietf:wg:oauth:2.0:oob",
                scopes: &[],
                state: &State::new("s"),
                challenge: Some(&PkceChallenge::new("abc")),
            },
        );
        assert!(
            url.ends_with("&code_challenge=abc&code_challenge_method=S256"),
            "{url}"
        );
        assert!(!url.contains("scope="));
    }
}
