use super::*;
use crate::config::AppConfig;
use crate::providers::{presets, Group};

fn all() -> Vec<Provider> {
    presets(&AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap())
}

fn preset(id: &str) -> Provider {
    all().into_iter().find(|p| p.id == id).unwrap()
}

fn scopes(names: &[&str]) -> Vec<Scope> {
    names.iter().map(|n| Scope::new(*n)).collect()
}

/// The Academy v2 run of spec §3: Make's callback registered, connect and read granted,
/// 5-minute tokens, `/info` answered.
fn academy_v2(redirect: &str) -> Connection {
    let sandbox = preset("sandbox-academy-v2");
    let every = all();
    let info = json!({ "id": "5d41402abc4b2a76b9719d911017c592", "user": "John Doe" });
    let granted = scopes(&["connect", "read"]);
    connection(
        &sandbox,
        public_twin(&sandbox, &every),
        &Run {
            redirect_uri: redirect,
            granted: &granted,
            expires_in: Some(5.0),
            refresh_expires_in: Some(5.0),
            info: Some(&info),
        },
    )
}

#[test]
fn academy_v2_is_the_spec_example_on_the_real_host() {
    let c = academy_v2(MAKE_CALLBACK);
    let api = &c.communication;
    assert_eq!(c.kind, Kind::Oauth);
    // R2: absolute URLs on the real host, whatever the Sandbox's address was.
    assert_eq!(
        api["authorize"]["url"],
        "https://app-academy.make.com/api/v2/authorize"
    );
    assert_eq!(
        api["token"]["url"],
        "https://app-academy.make.com/api/v2/token"
    );
    assert_eq!(
        api["info"]["url"],
        "https://app-academy.make.com/api/v2/info"
    );
    assert_eq!(
        api["refresh"]["url"],
        "https://app-academy.make.com/api/v2/refresh"
    );
    assert_eq!(
        api["invalidate"],
        json!({
            "url": "https://app-academy.make.com/api/v2/invalidate",
            "method": "GET",
            "headers": { "authorization": "Bearer {{connection.accessToken}}" },
            "log": { "sanitize": ["request.headers.authorization"] },
        })
    );
    // R3: the same variable in authorize and token.
    assert_eq!(
        api["authorize"]["qs"]["redirect_uri"],
        "{{oauth.localRedirectUri}}"
    );
    assert_eq!(
        api["token"]["body"]["redirect_uri"],
        "{{oauth.localRedirectUri}}"
    );
    assert_eq!(
        api["authorize"]["qs"]["scope"],
        "{{join(oauth.scope, ' ')}}"
    );
    assert_eq!(
        api["authorize"]["response"]["temp"]["authCode"],
        "{{query.code}}"
    );
    // R4, R5: JSON body with the client's fields from parameters or common data.
    assert_eq!(
        api["token"]["body"],
        json!({
            "grant_type": "authorization_code",
            "code": "{{temp.authCode}}",
            "redirect_uri": "{{oauth.localRedirectUri}}",
            "client_id": "{{ifempty(parameters.clientId, common.clientId)}}",
            "client_secret": "{{ifempty(parameters.clientSecret, common.clientSecret)}}",
        })
    );
    assert_eq!(api["token"]["type"], "json");
    // R6, R8: minutes, and the refresh token's lifetime in both token and refresh.
    assert_eq!(
        api["token"]["response"]["data"],
        json!({
            "accessToken": "{{body.access_token}}",
            "refreshToken": "{{body.refresh_token}}",
            "expires": "{{addMinutes(now, body.expires_in)}}",
        })
    );
    assert_eq!(
        api["token"]["response"]["expires"],
        "{{addMinutes(now, body.refresh_expires_in)}}"
    );
    assert_eq!(
        api["refresh"]["response"]["expires"],
        "{{addMinutes(now, body.refresh_expires_in)}}"
    );
    // R7: a 5-minute token gets a 1-minute margin; R9: the old refresh token is kept.
    assert_eq!(
        api["refresh"]["condition"],
        "{{data.expires < addMinutes(now, 1)}}"
    );
    assert_eq!(
        api["refresh"]["response"]["data"]["refreshToken"],
        "{{ifempty(body.refresh_token, data.refreshToken)}}"
    );
    assert_eq!(
        api["refresh"]["body"]["refresh_token"],
        "{{data.refreshToken}}"
    );
    // R11 from the /info answer the run saw.
    assert_eq!(api["info"]["response"]["uid"], "{{body.id}}");
    assert_eq!(
        api["info"]["response"]["metadata"],
        json!({ "type": "text", "value": "{{body.user}}" })
    );
    // R12: the Academy's error path, prefixed with the status.
    assert!(api["info"]["response"]["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("[{{statusCode}}] {{ifempty(body.error.message, '"));
    // R14.
    assert_eq!(
        api["token"]["log"]["sanitize"],
        json!([
            "request.body.code",
            "request.body.client_secret",
            "response.body.access_token",
            "response.body.refresh_token"
        ])
    );
    // R10: the granted scopes; every scope described.
    assert_eq!(c.scope, Some(json!(["connect", "read"])));
    let list = c.scopes.as_ref().unwrap().as_object().unwrap();
    assert_eq!(
        list.keys().collect::<Vec<_>>(),
        ["connect", "read", "write", "delete"]
    );
    assert_eq!(c.base["baseUrl"], "https://app-academy.make.com/api/v2");
    assert!(c
        .notes
        .iter()
        .any(|n| n.contains("https://app-academy.make.com")));
}

#[test]
fn the_oauth_communication_has_only_the_keys_make_allows() {
    // Spec §1.1: additionalProperties false.
    let c = academy_v2(MAKE_CALLBACK);
    let allowed = [
        "preauthorize",
        "authorize",
        "token",
        "info",
        "refresh",
        "invalidate",
    ];
    for key in c.communication.as_object().unwrap().keys() {
        assert!(allowed.contains(&key.as_str()), "{key}");
    }
    // The VS Code lint: a POST has a url and a body.
    for section in ["token", "refresh"] {
        let s = &c.communication[section];
        assert_eq!(s["method"], "POST");
        assert!(s["url"].is_string() && s["body"].is_object(), "{section}");
    }
}

#[test]
fn no_token_and_no_secret_reaches_the_export() {
    let c = academy_v2(MAKE_CALLBACK);
    let text = serde_json::to_string(&c.document()).unwrap();
    for secret in [
        "academy-sandbox-secret",
        "academy-sandbox-client",
        "5d41402abc4b",
    ] {
        assert!(!text.contains(secret), "{secret}");
    }
    assert_eq!(
        c.common,
        json!({ "clientId": "PASTE-YOUR-CLIENT-ID", "clientSecret": "PASTE-YOUR-CLIENT-SECRET" })
    );
}

#[test]
fn the_registered_callback_picks_the_redirect_variable() {
    assert_eq!(
        redirect_variable("https://www.make.com/oauth/cb/app"),
        Some("{{oauth.localRedirectUri}}")
    );
    assert_eq!(
        redirect_variable("https://www.integromat.com/oauth/cb/app"),
        Some("{{oauth.redirectUri}}")
    );
    assert_eq!(redirect_variable("http://127.0.0.1:8080/callback"), None);
    let legacy = academy_v2(LEGACY_CALLBACK);
    assert_eq!(
        legacy.communication["token"]["body"]["redirect_uri"],
        "{{oauth.redirectUri}}"
    );
    let own = academy_v2("http://127.0.0.1:8080/callback");
    assert!(own
        .notes
        .iter()
        .any(|n| n.contains("Register https://www.make.com/oauth/cb/app")));
}

#[test]
fn academy_v1_is_a_basic_connection_that_validates_the_key() {
    let sandbox = preset("sandbox-academy-v1");
    let every = all();
    let about =
        json!([{ "name": "John Doe", "email": "john@example.com", "redirect-URI": MAKE_CALLBACK }]);
    let c = connection(
        &sandbox,
        public_twin(&sandbox, &every),
        &Run {
            info: Some(&about),
            ..Run::default()
        },
    );
    assert_eq!(c.kind, Kind::Basic);
    assert_eq!(
        c.communication,
        json!({
            "url": "https://app-academy.make.com/api/v1/about",
            "method": "GET",
            "headers": { "x-api-key": "{{parameters.apiKey}}" },
            "response": {
                "valid": {
                    "condition": "{{body[1].name}}",
                    "message": "Make App Academy v1 accepted the key but returned no account.",
                },
                "metadata": { "type": "text", "value": "{{body[1].name}}" },
                "error": {
                    "message": "[{{statusCode}}] {{ifempty(body.error.message, 'Make App Academy v1 could not check the API key.')}}",
                    "401": { "message": "[401] Make App Academy v1 rejected the API key. Check the x-api-key value." },
                },
            },
            "log": { "sanitize": ["request.headers.`x-api-key`"] },
        })
    );
    assert_eq!(c.parameters[0]["name"], "apiKey");
    assert_eq!(c.parameters[0]["type"], "password");
    assert_eq!((c.scope.as_ref(), c.scopes.as_ref()), (None, None));
    assert_eq!(c.common, json!({}));
    assert_eq!(c.base["headers"]["x-api-key"], "{{connection.apiKey}}");
}

#[test]
fn doorkeeper_seconds_query_style_pkce_and_a_revoke_form() {
    let sandbox = preset("sandbox-metamaps");
    let every = all();
    let me = json!({ "id": 7, "name": "John Doe" });
    let c = connection(
        &sandbox,
        public_twin(&sandbox, &every),
        &Run {
            redirect_uri: MAKE_CALLBACK,
            expires_in: Some(7200.0),
            info: Some(&me),
            ..Run::default()
        },
    );
    let api = &c.communication;
    assert_eq!(api["token"]["url"], "https://metamaps.cc/oauth/token");
    // R4: Doorkeeper 4.2.6 takes the parameters in the query string of a POST.
    assert_eq!(api["token"]["method"], "POST");
    assert_eq!(api["token"]["qs"]["code"], "{{temp.authCode}}");
    assert_eq!(api["token"]["log"]["sanitize"][0], "request.qs.code");
    // R6, R7: seconds; a two-hour token gets the doc's 15 minutes.
    assert_eq!(
        api["token"]["response"]["data"]["expires"],
        "{{addSeconds(now, body.expires_in)}}"
    );
    assert_eq!(
        api["refresh"]["condition"],
        "{{data.expires < addMinutes(now, 15)}}"
    );
    // R8: no refresh lifetime seen, no connection expiry.
    assert!(api["token"]["response"].get("expires").is_none());
    // R15: the Sandbox's Doorkeeper checks PKCE.
    assert_eq!(api["authorize"]["qs"]["code_challenge_method"], "S256");
    assert_eq!(api["token"]["qs"]["code_verifier"], "{{temp.codeVerifier}}");
    assert_eq!(api["invalidate"]["type"], "urlencoded");
    assert_eq!(
        api["invalidate"]["body"]["token"],
        "{{connection.accessToken}}"
    );
    assert_eq!(api["info"]["response"]["uid"], "{{body.id}}");
    // R12: RFC 6749 errors.
    assert!(api["token"]["response"]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("ifempty(body.error_description, body.error)"));
}

#[test]
fn a_provider_without_grant_type_refresh_or_twin_says_so() {
    let php = preset("sandbox-php");
    let c = connection(
        &php,
        public_twin(&php, &all()),
        &Run {
            redirect_uri: MAKE_CALLBACK,
            expires_in: Some(3600.0),
            ..Run::default()
        },
    );
    let token = &c.communication["token"];
    assert_eq!(token["type"], "urlencoded");
    assert!(token["body"].get("grant_type").is_none());
    assert!(token["body"].get("redirect_uri").is_none());
    assert!(c.communication.get("refresh").is_none());
    assert!(token["response"]["data"].get("refreshToken").is_none());
    assert!(c.notes.iter().any(|n| n.contains("Make cannot reach")));
    assert!(c.notes.iter().any(|n| n.contains("Call userinfo.php once")));
}

#[test]
fn client_secret_basic_goes_in_a_header_never_the_body() {
    let mut p = preset("academy-v2");
    p.standards.client_auth = ClientAuthMethod::ClientSecretBasic;
    p.token_body = BodyEncoding::Form;
    let c = connection(
        &p,
        None,
        &Run {
            redirect_uri: MAKE_CALLBACK,
            expires_in: Some(60.0),
            ..Run::default()
        },
    );
    for section in ["token", "refresh"] {
        let s = &c.communication[section];
        assert_eq!(
            s["headers"]["authorization"],
            "Basic {{base64(ifempty(parameters.clientId, common.clientId) + ':' + ifempty(parameters.clientSecret, common.clientSecret))}}"
        );
        assert!(s["body"].get("client_secret").is_none(), "{section}");
        assert!(s["body"].get("client_id").is_none(), "{section}");
    }
}

#[test]
fn refresh_margin_is_a_fifth_of_the_lifetime_within_1_and_15_minutes() {
    assert_eq!(refresh_margin(ExpiryUnit::Minutes, 5.0), 1);
    assert_eq!(refresh_margin(ExpiryUnit::Minutes, 30.0), 6);
    assert_eq!(refresh_margin(ExpiryUnit::Seconds, 7200.0), 15);
    assert_eq!(refresh_margin(ExpiryUnit::Seconds, 1.0), 1);
}

#[test]
fn a_real_provider_has_no_twin_and_a_sandbox_one_stands_in_for_the_real() {
    let every = all();
    let real = preset("academy-v2");
    assert_eq!(public_twin(&real, &every), None);
    let inpage = preset("browser-academy-v2");
    assert_eq!(
        public_twin(&inpage, &every).map(|p| p.id.as_str()),
        Some("academy-v2")
    );
    assert!(every.iter().any(
        |p| p.group == Group::Real && p.api_base.starts_with(crate::providers::SWAGGERHUB_BASE)
    ));
}

#[test]
fn the_document_holds_every_tab_in_strict_json() {
    let c = academy_v2(MAKE_CALLBACK);
    let doc = c.document();
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "type",
            "label",
            "communication",
            "parameters",
            "scope",
            "scopes",
            "common",
            "base"
        ]
    );
    assert_eq!(doc["type"], "oauth");
    let files: Vec<&str> = c.tabs().iter().map(|(_, f, _)| *f).collect();
    assert_eq!(files[0], "oauth-communication.iml.json");
    let text = serde_json::to_string_pretty(&doc).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), doc);
}
