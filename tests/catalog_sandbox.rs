// Every endpoint of the built-in OpenAPI documents (public/openapi/), its example request built
// exactly as the explorer builds it, is accepted by the Sandbox: the examples are valid for
// their endpoints, not just valid JSON (and pass the document's own schema checks on the way).

use handshake::catalog::{build, endpoints, Draft, Endpoint};
use handshake::providers::CatalogId;
use handshake::wire::{HttpRequest, Method};
use handshake_sandbox::http::query_param;
use handshake_sandbox::{Config, Request, Response, Sandbox, SeededRandom};
use std::collections::BTreeMap;

const BASE: &str = "http://sandbox.test";

/// A built-in document, read as the app reads it.
fn catalog(id: CatalogId) -> Vec<Endpoint> {
    let path = format!(
        "{}/public/{}",
        env!("CARGO_MANIFEST_DIR"),
        id.document().unwrap()
    );
    endpoints(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn sandbox() -> Sandbox {
    Sandbox::new(Config::default(), Box::new(SeededRandom::new(42)))
}

/// Sends a built request to the in-process Sandbox (the URL's path below BASE is its path).
fn send(sb: &mut Sandbox, req: &HttpRequest, credential: (&str, &str)) -> Response {
    let path_and_query = req.url.strip_prefix(BASE).expect("built under the base");
    let mut r = Request::new(req.method.as_str(), path_and_query);
    r.headers = req.headers.clone();
    r.headers
        .push((credential.0.to_string(), credential.1.to_string()));
    if let Some(body) = &req.body {
        r.body = body.clone().into_bytes();
    }
    sb.handle(&r, 1_700_000_000_000)
}

/// Sends a consent or login form and returns the code from the redirect it answers with.
fn redirect_code(sb: &mut Sandbox, form: &Request) -> String {
    let resp = sb.handle(form, 1_700_000_000_000);
    let location = resp.header_value("location").unwrap_or_default();
    query_param(location, "code").unwrap_or_else(|| panic!("no code in {location:?}"))
}

fn form(pairs: &[(&str, &str)]) -> Request {
    Request::new("POST", "/").form_body(pairs)
}

/// An Academy v2 token with every scope, through the real consent and token endpoints.
fn academy_token(sb: &mut Sandbox) -> String {
    let mut consent = form(&[
        ("scope", "connect read write delete"),
        ("client_id", "academy-sandbox-client"),
        ("redirect_uri", "http://127.0.0.1/callback"),
        ("response_type", "code"),
        ("account", "jane"),
        ("decision", "allow"),
    ]);
    consent.path = "/api/v2/authorize".into();
    let code = redirect_code(sb, &consent);
    let token = Request::new("POST", "/api/v2/token").json_body(&serde_json::json!({
        "code": code, "client_id": "academy-sandbox-client", "client_secret": "academy-sandbox-secret",
        "grant_type": "authorization_code", "redirect_uri": "http://127.0.0.1/callback"}));
    sb.handle(&token, 1_700_000_000_000).body_json()["access_token"]
        .as_str()
        .unwrap()
        .to_string()
}

fn metamaps_token(sb: &mut Sandbox) -> String {
    let mut consent = form(&[
        ("client_id", "metamaps-sandbox-client"),
        ("redirect_uri", "http://127.0.0.1/callback"),
        ("response_type", "code"),
        ("decision", "allow"),
    ]);
    consent.path = "/metamaps/oauth/authorize".into();
    let code = redirect_code(sb, &consent);
    let mut token = form(&[
        ("client_id", "metamaps-sandbox-client"),
        ("client_secret", "metamaps-sandbox-secret"),
        ("code", &code),
        ("grant_type", "authorization_code"),
        ("redirect_uri", "http://127.0.0.1/callback"),
    ]);
    token.path = "/metamaps/oauth/token".into();
    sb.handle(&token, 1_700_000_000_000).body_json()["access_token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Runs every endpoint of a catalog in an order where each finds what it needs: the records
/// to change are the ones the create call made, the webhook to detach the one attached.
fn run_all(id: CatalogId, base: &str, credential: (&str, &str), sb: &mut Sandbox) {
    let endpoints = catalog(id);
    let mut created: BTreeMap<&str, String> = BTreeMap::new();
    let order = |e: &Endpoint| match e.method {
        Method::Post => 0,
        Method::Get | Method::Put | Method::Patch => 1,
        _ => 2,
    };
    let mut list: Vec<&Endpoint> = endpoints.iter().filter(|e| e.id != "invalidate").collect();
    list.sort_by_key(|e| order(e));
    for endpoint in list {
        let mut draft = Draft::for_endpoint(endpoint);
        let resource = endpoint.id.split('.').next().unwrap();
        if let Some(id) = created.get(resource) {
            if endpoint.method != Method::Get || resource == "webhooks" {
                draft.values.insert("id".into(), id.clone());
            }
        }
        let req = build(endpoint, &draft, base, credential.0)
            .unwrap_or_else(|p| panic!("{}: {p:?}", endpoint.id));
        let resp = send(sb, &req, credential);
        assert!(
            (200..300).contains(&resp.status),
            "{:?} {} ({} {}) answered {}: {}",
            id,
            endpoint.id,
            req.method,
            req.url,
            resp.status,
            resp.body_text()
        );
        if endpoint.method == Method::Post {
            let body = resp.body_json();
            let new_id = body["id"]
                .as_str()
                .map(str::to_string)
                .or_else(|| body["data"]["id"].as_u64().map(|n| n.to_string()));
            if let Some(new_id) = new_id {
                created.insert(resource, new_id);
            }
        }
    }
}

#[test]
fn academy_v1_examples_are_accepted() {
    let mut sb = sandbox();
    run_all(
        CatalogId::AcademyV1,
        &format!("{BASE}/api/v1"),
        ("x-api-key", "academy-sandbox-key"),
        &mut sb,
    );
}

#[test]
fn academy_v2_examples_are_accepted_with_the_scopes_they_declare() {
    let mut sb = sandbox();
    let token = academy_token(&mut sb);
    run_all(
        CatalogId::AcademyV2,
        &format!("{BASE}/api/v2"),
        ("authorization", &format!("Bearer {token}")),
        &mut sb,
    );
    let invalidate = catalog(CatalogId::AcademyV2)
        .into_iter()
        .find(|e| e.id == "invalidate")
        .unwrap();
    let req = build(
        &invalidate,
        &Draft::for_endpoint(&invalidate),
        &format!("{BASE}/api/v2"),
        "authorization",
    )
    .unwrap();
    assert_eq!(
        send(&mut sb, &req, ("authorization", &format!("Bearer {token}"))).status,
        200
    );
}

#[test]
fn metamaps_examples_are_accepted() {
    let mut sb = sandbox();
    let token = metamaps_token(&mut sb);
    run_all(
        CatalogId::Metamaps,
        &format!("{BASE}/metamaps/api/v2"),
        ("authorization", &format!("Bearer {token}")),
        &mut sb,
    );
}

#[test]
fn php_userinfo_is_accepted() {
    let mut sb = sandbox();
    let mut login = form(&[
        ("client_id", "php-sandbox-client"),
        ("redirect_uri", "http://127.0.0.1/callback"),
        ("response_type", "code"),
        ("username", "johndoe"),
        ("password", "sandbox"),
        ("decision", "grant"),
    ]);
    login.path = "/php/api/authorize.php".into();
    let code = redirect_code(&mut sb, &login);
    let mut token = form(&[
        ("code", &code),
        ("client_id", "php-sandbox-client"),
        ("client_secret", "php-sandbox-secret"),
    ]);
    token.path = "/php/api/token.php".into();
    let access = sb.handle(&token, 1_700_000_000_000).body_json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let sb_ref = &mut sb;
    run_all(
        CatalogId::Php,
        &format!("{BASE}/php/api"),
        ("authorization", &format!("Bearer {access}")),
        sb_ref,
    );
}
