// Property tests of the Sandbox's parsers: the `q` expression, request bodies, fault headers,
// timestamps, and whole requests to every mount. Nothing a client sends may panic it.

use handshake_sandbox::academy::q;
use handshake_sandbox::faults::parse_header;
use handshake_sandbox::time::parse_rfc3339;
use handshake_sandbox::{Config, Request, Sandbox, SeededRandom};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn q_expressions_never_panic(text in prop_oneof![
        any::<String>(),
        "((contains|startsWith|endsWith|equals?|AND|OR|x) ?=? ?\"[^\"]{0,8}\"? ?){0,6}",
    ]) {
        if let Ok(conditions) = q::parse(&text) {
            prop_assert!(!conditions.is_empty());
            for c in conditions {
                let _ = c.matches("Robert Downey Jr.");
            }
        }
    }

    #[test]
    fn fault_headers_and_times_never_panic(text in any::<String>()) {
        let _ = parse_header(&text);
        let _ = parse_rfc3339(&text);
    }

    #[test]
    fn any_request_gets_an_answer(
        method in "(GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD|BREW)",
        path in prop_oneof![
            Just("/api/v1/movies".to_string()), Just("/api/v2/token".to_string()), Just("/api/v2/authorize".to_string()),
            Just("/metamaps/oauth/token".to_string()), Just("/metamaps/api/v2/maps/1".to_string()),
            Just("/php/api/token.php".to_string()), Just("/_sandbox/faults".to_string()), "/[a-z0-9/._-]{0,40}",
        ],
        query in "[a-z_.=&%0-9]{0,40}",
        content_type in "(application/json|application/x-www-form-urlencoded|text/plain|)",
        body in any::<Vec<u8>>(),
        auth in "(Bearer [a-z0-9]{0,10}|Basic [A-Za-z0-9+/=]{0,12}|)",
    ) {
        let mut sandbox = Sandbox::new(Config::default(), Box::new(SeededRandom::new(1)));
        let mut req = Request::new(&method, &format!("{path}?{query}"))
            .header("content-type", &content_type)
            .header("authorization", &auth)
            .header("x-api-key", "academy-sandbox-key");
        req.body = body;
        let resp = sandbox.handle(&req, 1_700_000_000_000);
        prop_assert!((100..600).contains(&resp.status));
    }
}
