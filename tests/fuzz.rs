// Property tests ("fuzzing") of every parser that reads outside input: the callback and pasted
// answers, token answers, URLs, provider files, OpenAPI documents and the drafts built from
// them, and a standard provider's
// metadata, JWS, ID token claims, device, introspection, PAR and DPoP answers. None may panic,
// whatever arrives.

use handshake::catalog::import::propose;
use handshake::catalog::openapi::{check, example_of, parse};
use handshake::catalog::{
    build, build_custom, endpoints, fill_path, next_page, Draft, Endpoint, Paging, Target,
};
use handshake::config::{AppConfig, Overrides};
use handshake::oauth::authorize::parse_par_response;
use handshake::oauth::callback::{
    check_issuer, parse_callback, parse_pasted, validate_callback, FlowRecord, Lookup, StateRule,
};
use handshake::oauth::device::{parse_device_response, parse_poll};
use handshake::oauth::dpop::nonce_requested;
use handshake::oauth::id_token::{check_claims, Expected};
use handshake::oauth::introspect::parse_introspection;
use handshake::oauth::jws;
use handshake::oauth::token::{parse_token_response, provider_said};
use handshake::providers::custom::import_json;
use handshake::providers::discovery::{draft_from, parse_metadata};
use handshake::providers::presets;
use handshake::types::State;
use handshake::url::HttpUrl;
use handshake::wire::{HttpResponse, Method};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn academy_v2_text() -> String {
    let path = format!(
        "{}/public/openapi/academy-v2.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

fn academy_v2() -> Vec<Endpoint> {
    endpoints(&academy_v2_text()).unwrap()
}

/// Every JSON pointer of a document (objects' keys and arrays' indexes).
fn pointers(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, sub) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(sub, p, out);
            }
        }
        serde_json::Value::Array(l) => {
            for (i, sub) in l.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(sub, p, out);
            }
        }
        _ => {}
    }
}

fn record(state: &str) -> FlowRecord {
    FlowRecord {
        state: State::new(state),
        verifier: None,
        provider_id: "p".into(),
        client_id: "c".into(),
        redirect_uri: "http://127.0.0.1/callback".into(),
        scopes: vec![],
        created_at: 0.0,
        nonce: None,
        issuer: None,
        dpop: false,
    }
}

/// Text that looks like what the parsers see: query strings, JSON, URLs, and plain noise.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z_.\\[\\]]{0,12}=[^&#]{0,20}(&[a-z_.]{0,12}=[^&#]{0,20}){0,6}(#[^ ]{0,30})?",
        "\\{\"[a-z_]{1,14}\": ?(\"[^\"]{0,30}\"|-?[0-9]{1,12}(\\.[0-9]{1,4})?|null|true|\\[\\]|\\{\\})(, ?\"[a-z_]{1,14}\": ?\"[^\"]{0,20}\"){0,4}\\}",
        "(https?|ftp|javascript)://[a-zA-Z0-9.@:\\[\\]%_-]{0,30}(/[a-zA-Z0-9.%_?#=&-]{0,20}){0,4}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn callback_parsing_and_validation_never_panic(query in hostile(), fragment in hostile(), now in any::<f64>()) {
        let params = parse_callback(&query, &fragment);
        let _ = validate_callback(&params, Lookup::Pending(record("s")), now, StateRule::Required);
        let _ = validate_callback(&params, Lookup::Unknown, now, StateRule::IfPresent);
        let _ = check_issuer(params.issuer.as_deref(), None, false, "https://a.example/authorize");
        let _ = check_issuer(params.issuer.as_deref(), Some("https://a.example"), true, "");
    }

    #[test]
    fn pasted_answers_never_panic(text in hostile()) {
        if let Ok(params) = parse_pasted(&text) {
            let _ = validate_callback(&params, Lookup::Pending(record("s")), 0.0, StateRule::IfPresent);
        }
    }

    #[test]
    fn token_answers_never_panic(status in 0u16..700, body in hostile(), content_type in "(application/json|text/html|text/plain|)") {
        let config = AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap();
        let resp = HttpResponse::new(status, vec![("content-type".into(), content_type)], body.clone());
        for provider in presets(&config) {
            let _ = parse_token_response(&provider, &resp, 0.0, None);
        }
        let _ = provider_said(&body);
    }

    #[test]
    fn urls_never_panic_and_what_parses_round_trips(text in hostile()) {
        if let Ok(url) = HttpUrl::parse(&text) {
            let again = HttpUrl::parse(&url.to_string()).expect("a parsed URL prints as a parsable URL");
            prop_assert_eq!(again.origin(), url.origin());
            prop_assert!(url.is_under(&HttpUrl::parse(&url.origin()).unwrap()));
        }
    }

    #[test]
    fn config_and_provider_files_never_panic(text in hostile(), proxy in hostile()) {
        let _ = AppConfig::from_file_with(Some(&text), "http://127.0.0.1:8080/", &Overrides { proxy_base: Some(proxy), sandbox_url: None });
        let _ = import_json(&text);
    }

    #[test]
    fn catalog_paths_and_drafts_never_panic(value in any::<String>(), page in hostile(), body in hostile()) {
        let mut values = BTreeMap::new();
        values.insert("id".to_string(), value.clone());
        values.insert("movieId".to_string(), value.clone());
        if let Ok(path) = fill_path("/movies/{id}/x", &values) {
            prop_assert!(path.starts_with("/movies/") && path.ends_with("/x"));
            prop_assert_eq!(path.matches('/').count(), 3, "a value can never add a path segment");
        }
        values.insert("page".to_string(), page.clone());
        values.insert("q".to_string(), page.clone());
        for endpoint in academy_v2() {
            let draft = Draft { target: Target::Endpoint(endpoint.id.to_string()), values: values.clone(), body: body.clone(), ..Draft::default() };
            if let Ok(req) = build(&endpoint, &draft, "http://h/api/v2", "authorization") {
                prop_assert!(HttpUrl::parse(&req.url).is_ok(), "built URLs are valid: {}", req.url);
            }
        }
        for method in Method::ALL {
            let custom = Draft { method, url: value.clone(), headers: body.clone(), body: body.clone(), ..Draft::custom("http://h/api/v2") };
            if let Ok(req) = build_custom(&custom, "http://h/api/v2", "authorization") {
                prop_assert!(req.body.is_none() || method.sends_body() || method == Method::Delete, "no body with {method}");
                prop_assert!(HttpUrl::parse(&req.url).is_ok());
            }
        }
        let answer: serde_json::Value = serde_json::from_str(&page).unwrap_or_default();
        for paging in [Paging::Page { param: "page".into(), size: 5 }, Paging::Offset { offset: "offset".into(), limit: "limit".into(), size: 5 },
                       Paging::HasMore { param: "page".into(), flag: "hasMore".into() }, Paging::Envelope { param: "page".into() }] {
            let _ = next_page(&paging, &values, &answer);
        }
    }

    #[test]
    fn openapi_documents_never_panic(text in hostile(), at in any::<prop::sample::Index>(), replacement in hostile()) {
        if let Ok(api) = parse(&text) {
            let _ = propose(&api, Some("https://a.example/openapi.json"));
        }
        // A valid document with one place anywhere in it replaced by something else: read, or
        // refused with a place, never a crash; whatever is read builds requests without one.
        let mut doc: serde_json::Value = serde_json::from_str(&academy_v2_text()).unwrap();
        let mut places = Vec::new();
        pointers(&doc, String::new(), &mut places);
        let place = at.get(&places).clone();
        let value = serde_json::from_str(&replacement).unwrap_or(serde_json::Value::String(replacement.clone()));
        if let Some(slot) = doc.pointer_mut(&place) {
            *slot = value.clone();
        }
        match parse(&doc.to_string()) {
            Ok(api) => {
                let _ = propose(&api, None);
                for e in &api.endpoints {
                    let d = Draft::for_endpoint(e);
                    let _ = build(e, &d, "http://h/api", "x-api-key");
                    if let Some(schema) = &e.body_schema {
                        let _ = check(schema, &value, 8);
                        let _ = example_of(schema, 0);
                    }
                }
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn standard_provider_answers_never_panic(body in hostile(), status in 0u16..700, now in any::<f64>(), b64 in "[A-Za-z0-9_.=-]{0,80}") {
        if let Ok(meta) = parse_metadata(&body, "https://a.example") {
            let _ = draft_from(&meta, &body).to_provider();
        }
        for token in [body.as_str(), b64.as_str()] {
            if let Ok(parsed) = jws::parse(token) {
                let _ = jws::select_key(&serde_json::from_str(&body).unwrap_or_default(), &parsed);
            }
        }
        let claims: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let _ = check_claims(&claims, &Expected { issuer: Some("https://a.example"), client_id: "c", nonce: Some("n"), sub: Some("s"), now_s: now, access_token: Some((&b64, 256)) });
        let provider = presets(&AppConfig::from_file(None, "http://h/").unwrap()).remove(0);
        let resp = HttpResponse::new(status, vec![("dpop-nonce".into(), body.clone()), ("www-authenticate".into(), body.clone())], body.clone());
        let _ = parse_device_response(&resp, now);
        let _ = parse_poll(&provider, &resp, now);
        let _ = parse_introspection(&resp);
        let _ = parse_par_response(&resp);
        let _ = nonce_requested(&resp);
    }
}
