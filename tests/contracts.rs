// What the app assumes of the crates beside it, checked: the in-browser Sandbox's answers parse
// as the app reads them, and the presets' demo credentials are the ones the Sandbox registers.

use handshake::config::AppConfig;
use handshake::http::inpage::{to_http, Answer};
use handshake::providers::presets;
use handshake_local::LocalSandbox;
use handshake_sandbox::config::{
    ACADEMY_API_KEY, ACADEMY_CLIENT_ID, ACADEMY_CLIENT_SECRET, METAMAPS_CLIENT_ID,
    METAMAPS_CLIENT_SECRET, PHP_CLIENT_ID, PHP_CLIENT_SECRET,
};

#[test]
fn the_in_browser_sandbox_answers_as_the_app_reads_them() {
    let mut sandbox = LocalSandbox::new("{}", "https://app.test/callback");
    let headers = serde_json::to_string(&[("x-api-key", ACADEMY_API_KEY)]).unwrap();
    let text = sandbox.handle("GET", "/api/v1/about", &headers, "", 1_700_000_000_000.0);
    let answer: Answer = serde_json::from_str(&text).expect("the app reads the module's answer");
    let http = to_http(answer);
    assert_eq!(http.status, 200);
    assert_eq!(http.header_value("content-type"), Some("application/json"));
    assert!(http.body.contains("John Doe"), "{}", http.body);
    let refused = sandbox.handle("GET", "/api/v1/about", "[]", "", 1_700_000_000_000.0);
    let refused: Answer = serde_json::from_str(&refused).unwrap();
    assert_eq!(refused.status, 401);
}

#[test]
fn the_presets_demo_credentials_are_the_sandboxes() {
    let config = AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap();
    let find = |id: &str| presets(&config).into_iter().find(|p| p.id == id).unwrap();
    for (id, client, secret) in [
        (
            "sandbox-academy-v2",
            ACADEMY_CLIENT_ID,
            ACADEMY_CLIENT_SECRET,
        ),
        (
            "browser-academy-v2",
            ACADEMY_CLIENT_ID,
            ACADEMY_CLIENT_SECRET,
        ),
        (
            "sandbox-metamaps",
            METAMAPS_CLIENT_ID,
            METAMAPS_CLIENT_SECRET,
        ),
        ("sandbox-php", PHP_CLIENT_ID, PHP_CLIENT_SECRET),
    ] {
        let p = find(id);
        assert_eq!(p.default_client_id, client, "{id}");
        assert_eq!(p.demo_client_secret.as_deref(), Some(secret), "{id}");
    }
    for id in ["sandbox-academy-v1", "browser-academy-v1"] {
        assert_eq!(
            find(id).demo_api_key.as_deref(),
            Some(ACADEMY_API_KEY),
            "{id}"
        );
    }
}
