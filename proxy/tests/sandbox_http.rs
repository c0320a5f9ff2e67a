// The Sandbox through real HTTP on loopback: every simulated endpoint and rule, failure cases
// first-class (wrong redirect_uri, reused code, expiry via the clock, scopes, limits, faults, 429).

use handshake_sandbox::config::{
    ACADEMY_API_KEY, ACADEMY_CLIENT_ID, ACADEMY_CLIENT_SECRET, METAMAPS_CLIENT_ID,
    METAMAPS_CLIENT_SECRET, PHP_CLIENT_ID, PHP_CLIENT_SECRET,
};
use reqwest::{header, Client, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;

const REDIRECT: &str = "http://127.0.0.1:8080/callback";

struct Sb {
    base: String,
    http: Client,
}

async fn start_with(config: handshake_sandbox::Config) -> Sb {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = handshake_proxy::serve::sandbox_router(config);
    tokio::spawn(async move {
        let limits = handshake_proxy::config::Limits::default();
        handshake_proxy::serve::serve(listener, router, &limits, std::future::pending()).await;
    });
    Sb {
        base: format!("http://{addr}"),
        http: Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    }
}

async fn start() -> Sb {
    start_with(handshake_sandbox::Config::default()).await
}

fn query_of(location: &str) -> HashMap<String, String> {
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or("");
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

impl Sb {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        auth: Option<(&str, &str)>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(path));
        if let Some((name, value)) = auth {
            req = req.header(name, value);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn admin(&self, what: &str, body: Value) -> Value {
        self.http
            .post(self.url(&format!("/_sandbox/{what}")))
            .header("x-sandbox-admin", "1")
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Consent on the Academy for `account` with `scope`; returns the redirect's query.
    async fn academy_consent(
        &self,
        client_id: &str,
        redirect: &str,
        scope: &str,
        account: &str,
    ) -> HashMap<String, String> {
        let form = [
            ("scope", scope),
            ("client_id", client_id),
            ("redirect_uri", redirect),
            ("response_type", "code"),
            ("state", "st"),
            ("account", account),
            ("decision", "allow"),
        ];
        let resp = self
            .http
            .post(self.url("/api/v2/authorize"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FOUND);
        query_of(resp.headers()[header::LOCATION].to_str().unwrap())
    }

    async fn academy_exchange(&self, code: &str) -> (StatusCode, Value) {
        let body = json!({"code": code, "client_id": ACADEMY_CLIENT_ID, "client_secret": ACADEMY_CLIENT_SECRET,
            "grant_type": "authorization_code", "redirect_uri": REDIRECT});
        self.call(Method::POST, "/api/v2/token", None, Some(body))
            .await
    }

    /// A v2 access token for `account` with `scope`.
    async fn academy_token(&self, scope: &str, account: &str) -> Value {
        let q = self
            .academy_consent(ACADEMY_CLIENT_ID, REDIRECT, scope, account)
            .await;
        let (status, body) = self.academy_exchange(&q["code"]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

fn bearer(token: &Value) -> String {
    format!("Bearer {}", token["access_token"].as_str().unwrap())
}

fn movie(name: &str) -> Value {
    json!({"name": name, "directorId": "f841a38b77be", "releaseDate": "2008", "length": 126,
           "genres": [{"id": "1"}], "topCast": [{"role": "Tony Stark", "castId": "5bfb3056c5e4"}],
           "boxOffice": {"budget": 140, "grossProfit": 585.8},
           "premieres": {"czechPremiere": "2008-04-30T22:00:00+00:00", "originalPremiere": "2008-05-01T22:00:00+00:00"}})
}

const KEY: (&str, &str) = ("x-api-key", ACADEMY_API_KEY);

// ---------------------------------------------------------------- Academy v2 OAuth

#[tokio::test]
async fn academy_authorize_page_and_wrong_redirect_uri() {
    let sb = start().await;
    let q = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("scope", "connect read"),
            ("client_id", ACADEMY_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("state", "s1"),
        ])
        .finish();
    let page = sb
        .http
        .get(sb.url(&format!("/api/v2/authorize?{q}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    let html = page.text().await.unwrap();
    assert!(html.contains("John Doe") && html.contains("Jane Black"));

    let wrong = q.replace("8080%2Fcallback", "8080%2Fevil");
    let resp = sb
        .http
        .get(sb.url(&format!("/api/v2/authorize?{wrong}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(
        resp.headers().get(header::LOCATION).is_none(),
        "an untrusted redirect URI is never followed"
    );
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("redirect_uri does not match"));
}

#[tokio::test]
async fn academy_code_is_single_use_and_token_answers_minutes() {
    let sb = start().await;
    let q = sb
        .academy_consent(ACADEMY_CLIENT_ID, REDIRECT, "connect read", "jane")
        .await;
    assert_eq!(q["state"], "st");
    let (status, tokens) = sb.academy_exchange(&q["code"]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            tokens["expires_in"].as_u64(),
            tokens["refresh_expires_in"].as_u64()
        ),
        (Some(5), Some(5))
    );
    let (status, again) = sb.academy_exchange(&q["code"]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(again["error"]["code"], 400);
    assert!(again["error"]["message"]
        .as_str()
        .unwrap()
        .contains("already used"));
}

#[tokio::test]
async fn academy_token_accepts_form_bodies_and_checks_the_secret() {
    let sb = start().await;
    let q = sb
        .academy_consent(ACADEMY_CLIENT_ID, REDIRECT, "connect", "john")
        .await;
    let form = [
        ("code", q["code"].as_str()),
        ("client_id", ACADEMY_CLIENT_ID),
        ("client_secret", "wrong"),
        ("grant_type", "authorization_code"),
        ("redirect_uri", REDIRECT),
    ];
    let resp = sb
        .http
        .post(sb.url("/api/v2/token"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let q = sb
        .academy_consent(ACADEMY_CLIENT_ID, REDIRECT, "connect", "john")
        .await;
    let form = [
        ("code", q["code"].as_str()),
        ("client_id", ACADEMY_CLIENT_ID),
        ("client_secret", ACADEMY_CLIENT_SECRET),
        ("grant_type", "authorization_code"),
        ("redirect_uri", REDIRECT),
    ];
    let resp = sb
        .http
        .post(sb.url("/api/v2/token"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()[header::CACHE_CONTROL], "no-store");
}

#[tokio::test]
async fn academy_expiry_follows_the_clock_and_refresh_rotates() {
    let sb = start().await;
    let tokens = sb.academy_token("connect read", "john").await;
    let auth = bearer(&tokens);
    let (status, info) = sb
        .call(
            Method::GET,
            "/api/v2/info",
            Some(("authorization", &auth)),
            None,
        )
        .await;
    assert_eq!(
        (status, info["user"].as_str()),
        (StatusCode::OK, Some("John Doe"))
    );
    sb.admin("clock", json!({"advance_seconds": 301})).await;
    let (status, body) = sb
        .call(
            Method::GET,
            "/api/v2/info",
            Some(("authorization", &auth)),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));

    sb.admin("clock", json!({"advance_seconds": 0})).await;
    // The refresh token also lives 5 minutes: expired as well.
    let refresh = json!({"refresh_token": tokens["refresh_token"], "client_id": ACADEMY_CLIENT_ID,
        "client_secret": ACADEMY_CLIENT_SECRET, "grant_type": "refresh_token"});
    let (status, _) = sb
        .call(Method::POST, "/api/v2/refresh", None, Some(refresh))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let fresh = sb.academy_token("connect read", "john").await;
    let refresh = json!({"refresh_token": fresh["refresh_token"], "client_id": ACADEMY_CLIENT_ID,
        "client_secret": ACADEMY_CLIENT_SECRET});
    let (status, rotated) = sb
        .call(Method::POST, "/api/v2/refresh", None, Some(refresh.clone()))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(rotated["refresh_token"], fresh["refresh_token"]);
    let (status, _) = sb
        .call(Method::POST, "/api/v2/refresh", None, Some(refresh))
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a used refresh token is gone"
    );
    let stats: Value = sb
        .http
        .get(sb.url("/_sandbox/stats"))
        .header("x-sandbox-admin", "1")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["academy"]["refresh_requests"], 3);
}

#[tokio::test]
async fn academy_missing_scope_is_403_and_bad_token_401() {
    let sb = start().await;
    let tokens = sb.academy_token("connect read", "jane").await;
    let auth = bearer(&tokens);
    let (status, list) = sb
        .call(
            Method::GET,
            "/api/v2/movies",
            Some(("authorization", &auth)),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 5);
    let (status, body) = sb
        .call(
            Method::POST,
            "/api/v2/movies",
            Some(("authorization", &auth)),
            Some(movie("X")),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Missing Scope"));
    let (status, _) = sb
        .call(
            Method::DELETE,
            "/api/v2/movies/0c841ade9610",
            Some(("authorization", &auth)),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = sb
        .call(
            Method::GET,
            "/api/v2/movies",
            Some(("authorization", "Bearer nope")),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let writer = sb.academy_token("connect read write", "jane").await;
    let (status, created) = sb
        .call(
            Method::POST,
            "/api/v2/movies",
            Some(("authorization", &bearer(&writer))),
            Some(movie("Mine")),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(created["director"]["directorName"], "Jon Favreau");
}

#[tokio::test]
async fn academy_invalidate_and_one_connection_per_user() {
    let sb = start().await;
    let first = sb.academy_token("connect", "john").await;
    let second = sb.academy_token("connect", "john").await;
    let (status, _) = sb
        .call(
            Method::GET,
            "/api/v2/info",
            Some(("authorization", &bearer(&first))),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a new connection replaces the old"
    );
    let (status, _) = sb
        .call(
            Method::GET,
            "/api/v2/invalidate",
            Some(("authorization", &bearer(&second))),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = sb
        .call(
            Method::GET,
            "/api/v2/info",
            Some(("authorization", &bearer(&second))),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

// ---------------------------------------------------------------- Academy resources (v1)

#[tokio::test]
async fn v1_needs_a_valid_api_key_and_about_has_the_documented_shape() {
    let sb = start().await;
    let (status, _) = sb.call(Method::GET, "/api/v1/about", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = sb
        .call(
            Method::GET,
            "/api/v1/about",
            Some(("x-api-key", "wrong")),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, about) = sb.call(Method::GET, "/api/v1/about", Some(KEY), None).await;
    assert_eq!(status, StatusCode::OK);
    let me = &about[0];
    assert_eq!(me["name"], "John Doe");
    for key in ["email", "webhook", "webhook-watched-items", "redirect-URI"] {
        assert!(me.get(key).is_some(), "about has {key}");
    }
}

#[tokio::test]
async fn movies_paginate_by_page_and_enforce_6_14_20() {
    let sb = start().await;
    let page = |n: u32| format!("/api/v1/movies?page={n}");
    assert_eq!(
        sb.call(Method::GET, &page(1), Some(KEY), None)
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        sb.call(Method::GET, &page(2), Some(KEY), None)
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        1
    );
    for i in 0..14 {
        let (status, body) = sb
            .call(
                Method::POST,
                "/api/v1/movies",
                Some(KEY),
                Some(movie(&format!("Mine {i}"))),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["id"].as_str().unwrap().len(), 12);
    }
    let (status, body) = sb
        .call(
            Method::POST,
            "/api/v1/movies",
            Some(KEY),
            Some(movie("Fifteenth")),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Record limit reached"),
        "{body}"
    );
    assert_eq!(
        sb.call(Method::GET, &page(4), Some(KEY), None)
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(
        sb.call(Method::GET, &page(5), Some(KEY), None)
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // The other demo account is untouched.
    let jane = ("x-api-key", "academy-sandbox-key-jane");
    assert_eq!(
        sb.call(Method::GET, &page(2), Some(jane), None)
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn movies_sort_filter_and_reject_bad_parameters() {
    let sb = start().await;
    let (_, by_name) = sb
        .call(
            Method::GET,
            "/api/v1/movies?orderBy=name&order=desc",
            Some(KEY),
            None,
        )
        .await;
    assert_eq!(by_name[0]["name"], "The Matrix");
    let (_, since) = sb
        .call(
            Method::GET,
            "/api/v1/movies?since=2023-04-13T17:07:00Z",
            Some(KEY),
            None,
        )
        .await;
    assert_eq!(since.as_array().unwrap().len(), 3);
    for bad in [
        "order=up",
        "orderBy=length",
        "since=yesterday",
        "page=0",
        "page=x",
    ] {
        let (status, body) = sb
            .call(
                Method::GET,
                &format!("/api/v1/movies?{bad}"),
                Some(KEY),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
}

#[tokio::test]
async fn only_own_movies_change_put_replaces_patch_merges() {
    let sb = start().await;
    let (status, body) = sb
        .call(
            Method::PATCH,
            "/api/v1/movies/0c841ade9610",
            Some(KEY),
            Some(json!({"length": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("read-only"));
    let (status, _) = sb
        .call(
            Method::DELETE,
            "/api/v1/movies/0c841ade9610",
            Some(KEY),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (_, created) = sb
        .call(
            Method::POST,
            "/api/v1/movies",
            Some(KEY),
            Some(movie("Draft")),
        )
        .await;
    let path = format!("/api/v1/movies/{}", created["id"].as_str().unwrap());
    let (status, patched) = sb
        .call(
            Method::PATCH,
            &path,
            Some(KEY),
            Some(json!({"name": "Renamed"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (patched["name"].as_str(), patched["length"].as_u64()),
        (Some("Renamed"), Some(126))
    );
    let (status, body) = sb
        .call(
            Method::PUT,
            &path,
            Some(KEY),
            Some(json!({"name": "Only a name"})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "PUT replaces everything, so the required fields are needed"
    );
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("directorId is required"));
    let (status, replaced) = sb.call(Method::PUT, &path, Some(KEY),
        Some(json!({"name": "Replaced", "directorId": "5d5a3f7b2c44", "releaseDate": "2010", "length": 148}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        replaced["topCast"],
        json!([]),
        "PUT dropped the cast it was not given"
    );
    let (status, body) = sb
        .call(
            Method::POST,
            "/api/v1/movies",
            Some(KEY),
            Some(json!({"name": "", "length": -1})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("length must be"));
    let (status, _) = sb.call(Method::DELETE, &path, Some(KEY), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = sb.call(Method::GET, &path, Some(KEY), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Record not found"));
}

#[tokio::test]
async fn people_search_with_q_and_offset_paging() {
    let sb = start().await;
    let q = form_urlencoded::byte_serialize(
        br#"contains= "Rob" AND startsWith = "Rob" AND endsWith = "Jr.""#,
    )
    .collect::<String>();
    let (status, found) = sb
        .call(
            Method::GET,
            &format!("/api/v1/people?q={q}"),
            Some(KEY),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        found,
        json!([{"id": "5bfb3056c5e4", "name": "Robert Downey Jr."}])
    );
    let (_, first) = sb
        .call(
            Method::GET,
            "/api/v1/people?offset=0&limit=5",
            Some(KEY),
            None,
        )
        .await;
    let (_, second) = sb
        .call(
            Method::GET,
            "/api/v1/people?offset=5&limit=5",
            Some(KEY),
            None,
        )
        .await;
    assert_eq!(
        (
            first.as_array().unwrap().len(),
            second.as_array().unwrap().len()
        ),
        (5, 5)
    );
    assert_ne!(first[0], second[0]);
    let (_, past_limit) = sb
        .call(Method::GET, "/api/v1/people?offset=20", Some(KEY), None)
        .await;
    assert_eq!(
        past_limit,
        json!([]),
        "no more than 20 records are ever retrievable"
    );
    let bad = form_urlencoded::byte_serialize(br#"contains "Rob""#).collect::<String>();
    let (status, body) = sb
        .call(
            Method::GET,
            &format!("/api/v1/people?q={bad}"),
            Some(KEY),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("character 10"),
        "{body}"
    );
}

#[tokio::test]
async fn organizations_have_more_genres_awards_files_and_custom_fields() {
    let sb = start().await;
    let (_, p1) = sb
        .call(Method::GET, "/api/v1/organizations", Some(KEY), None)
        .await;
    assert_eq!(
        (
            p1["organizations"].as_array().unwrap().len(),
            p1["hasMore"].as_bool()
        ),
        (5, Some(true))
    );
    let (_, p3) = sb
        .call(Method::GET, "/api/v1/organizations?page=3", Some(KEY), None)
        .await;
    assert_eq!(
        (
            p3["organizations"].as_array().unwrap().len(),
            p3["hasMore"].as_bool()
        ),
        (2, Some(false))
    );
    let (_, genres) = sb
        .call(Method::GET, "/api/v1/genres?page=3", Some(KEY), None)
        .await;
    assert_eq!(genres.as_array().unwrap().len(), 2);
    let (_, awards) = sb
        .call(Method::GET, "/api/v1/awards/1d952bef0a21", Some(KEY), None)
        .await;
    assert_eq!(awards.as_array().unwrap().len(), 2);
    let (status, _) = sb
        .call(Method::GET, "/api/v1/awards/000000000000", Some(KEY), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, files) = sb.call(Method::GET, "/api/v1/files", Some(KEY), None).await;
    let id = files[0]["id"].as_str().unwrap();
    let export = sb
        .http
        .get(sb.url(&format!("/api/v1/files/{id}/export")))
        .header("x-api-key", ACADEMY_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(
        export.headers()[header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    assert!(export
        .text()
        .await
        .unwrap()
        .starts_with("name,releaseDate,length"));
    let (status, _) = sb
        .call(
            Method::POST,
            "/api/v1/files/import",
            Some(KEY),
            Some(json!({"name": "x.csv"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = sb.call(Method::GET, "/api/v1/files", Some(KEY), None).await;
    assert_eq!(after, files, "imported files are never stored");
    let (_, fields) = sb
        .call(Method::GET, "/api/v1/custom-fields", Some(KEY), None)
        .await;
    assert!(fields
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "rating"));
}

#[tokio::test]
async fn one_webhook_per_user() {
    let sb = start().await;
    let hook =
        json!({"url": "https://hook.eu1.make.com/abc", "watchedItems": ["create", "update"]});
    let (status, first) = sb
        .call(
            Method::POST,
            "/api/v1/webhooks",
            Some(KEY),
            Some(hook.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = sb
        .call(Method::POST, "/api/v1/webhooks", Some(KEY), Some(hook))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Only one webhook"));
    let (_, about) = sb.call(Method::GET, "/api/v1/about", Some(KEY), None).await;
    assert_eq!(about[0]["webhook"], "https://hook.eu1.make.com/abc");
    assert_eq!(about[0]["webhook-watched-items"], "create, update");
    let path = format!("/api/v1/webhooks/{}", first["id"].as_str().unwrap());
    assert_eq!(
        sb.call(Method::DELETE, &path, Some(KEY), None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        sb.call(Method::DELETE, &path, Some(KEY), None).await.0,
        StatusCode::NOT_FOUND
    );
}

// ---------------------------------------------------------------- Metamaps (Doorkeeper)

async fn metamaps_code(sb: &Sb, redirect: &str, extra: &[(&str, &str)]) -> reqwest::Response {
    let mut form = vec![
        ("client_id", METAMAPS_CLIENT_ID),
        ("redirect_uri", redirect),
        ("response_type", "code"),
        ("state", "mm"),
        ("decision", "allow"),
    ];
    form.extend_from_slice(extra);
    sb.http
        .post(sb.url("/metamaps/oauth/authorize"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

/// The documented Metamaps style: every token parameter in the query string of a POST.
async fn metamaps_token(
    sb: &Sb,
    code: &str,
    redirect: &str,
    verifier: Option<&str>,
) -> (StatusCode, Value) {
    let mut pairs = vec![
        ("client_id", METAMAPS_CLIENT_ID),
        ("client_secret", METAMAPS_CLIENT_SECRET),
        ("code", code),
        ("grant_type", "authorization_code"),
        ("redirect_uri", redirect),
    ];
    if let Some(v) = verifier {
        pairs.push(("code_verifier", v));
    }
    let q = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    sb.call(
        Method::POST,
        &format!("/metamaps/oauth/token?{q}"),
        None,
        None,
    )
    .await
}

#[tokio::test]
async fn metamaps_flow_with_query_string_token_request_refresh_and_revoke() {
    let sb = start().await;
    let consent = sb.http.get(sb.url(&format!(
        "/metamaps/oauth/authorize?client_id={METAMAPS_CLIENT_ID}&redirect_uri={}&response_type=code",
        form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>()
    ))).send().await.unwrap();
    assert_eq!(consent.status(), StatusCode::OK);
    assert!(
        consent
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "/oauth has no CORS"
    );
    let resp = metamaps_code(&sb, REDIRECT, &[]).await;
    let q = query_of(resp.headers()[header::LOCATION].to_str().unwrap());
    assert_eq!(q["state"], "mm");
    let (status, tokens) = metamaps_token(&sb, &q["code"], REDIRECT, None).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(
        (tokens["token_type"].as_str(), tokens["expires_in"].as_u64()),
        (Some("bearer"), Some(7200))
    );
    let auth = bearer(&tokens);
    let (status, me) = sb
        .call(
            Method::GET,
            "/metamaps/api/v2/users/current",
            Some(("authorization", &auth)),
            None,
        )
        .await;
    assert_eq!(
        (status, me["data"]["name"].as_str()),
        (StatusCode::OK, Some("Jane Black"))
    );
    let (status, info) = sb
        .call(
            Method::GET,
            "/metamaps/oauth/token/info",
            Some(("authorization", &auth)),
            None,
        )
        .await;
    assert_eq!(
        (status, info["application"]["uid"].as_str()),
        (StatusCode::OK, Some(METAMAPS_CLIENT_ID))
    );

    let (status, replay) = metamaps_token(&sb, &q["code"], REDIRECT, None).await;
    assert_eq!(
        (status, replay["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_grant")),
        "4.2.6 answers 401"
    );

    let form = [
        ("client_id", METAMAPS_CLIENT_ID),
        ("client_secret", METAMAPS_CLIENT_SECRET),
        ("grant_type", "refresh_token"),
        ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
    ];
    let refreshed: Value = sb
        .http
        .post(sb.url("/metamaps/oauth/token"))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(refreshed["access_token"], tokens["access_token"]);
    let (status, _) = sb
        .call(
            Method::GET,
            "/metamaps/api/v2/users/current",
            Some(("authorization", &auth)),
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the old access token went with its refresh token"
    );

    let new_auth = bearer(&refreshed);
    let revoke = sb
        .http
        .post(sb.url("/metamaps/oauth/revoke"))
        .form(&[("token", refreshed["access_token"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), StatusCode::OK);
    assert_eq!(revoke.json::<Value>().await.unwrap(), json!({}));
    let unknown = sb
        .http
        .post(sb.url("/metamaps/oauth/revoke"))
        .form(&[("token", "nonsense")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        unknown.status(),
        StatusCode::OK,
        "revoke answers 200 even for unknown tokens"
    );
    let resp = sb
        .http
        .get(sb.url("/metamaps/api/v2/users/current"))
        .header("authorization", &new_auth)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    assert_eq!(
        resp.text().await.unwrap(),
        "",
        "Doorkeeper's 401 has an empty body"
    );
}

#[tokio::test]
async fn metamaps_out_of_band_shows_the_code_on_a_page() {
    let sb = start().await;
    let resp = metamaps_code(&sb, "urn:ietf:wg:oauth:2.0:oob", &[]).await;
    let location = resp.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        location.starts_with("/metamaps/oauth/authorize/"),
        "{location}"
    );
    let page = sb
        .http
        .get(sb.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let code = location.rsplit('/').next().unwrap();
    assert!(page.contains(code));
    let (status, tokens) = metamaps_token(&sb, code, "urn:ietf:wg:oauth:2.0:oob", None).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
}

#[tokio::test]
async fn metamaps_pkce_is_verified_when_a_challenge_was_sent() {
    let sb = start().await;
    // RFC 7636 Appendix B.
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let extra = [
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    let q = query_of(
        metamaps_code(&sb, REDIRECT, &extra).await.headers()[header::LOCATION]
            .to_str()
            .unwrap(),
    );
    let (status, body) = metamaps_token(
        &sb,
        &q["code"],
        REDIRECT,
        Some("wrong-verifier-wrong-verifier-wrong-verifier"),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_grant"))
    );
    let q = query_of(
        metamaps_code(&sb, REDIRECT, &extra).await.headers()[header::LOCATION]
            .to_str()
            .unwrap(),
    );
    let (status, _) = metamaps_token(&sb, &q["code"], REDIRECT, None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a verifier is required once a challenge was sent"
    );
    let q = query_of(
        metamaps_code(&sb, REDIRECT, &extra).await.headers()[header::LOCATION]
            .to_str()
            .unwrap(),
    );
    let (status, _) = metamaps_token(&sb, &q["code"], REDIRECT, Some(verifier)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn metamaps_api_envelope_pagination_cors_and_ownership() {
    let sb = start().await;
    let resp = sb
        .http
        .get(sb.url("/metamaps/api/v2/maps?per=2&page=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    assert_eq!(
        resp.headers()["x-total-count"],
        "6",
        "the private map is hidden from anonymous readers"
    );
    assert!(resp.headers()["link"]
        .to_str()
        .unwrap()
        .contains("rel=\"next\""));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body["page"],
        json!({"current_page": 2, "next_page": 3, "prev_page": 1, "total_pages": 3, "total_count": 6, "per": 2})
    );
    let preflight = sb
        .http
        .request(Method::OPTIONS, sb.url("/metamaps/api/v2/maps"))
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    assert!(
        !preflight.headers()["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("PATCH"),
        "Metamaps' CORS omits PATCH"
    );

    let q = query_of(
        metamaps_code(&sb, REDIRECT, &[]).await.headers()[header::LOCATION]
            .to_str()
            .unwrap(),
    );
    let auth = bearer(&metamaps_token(&sb, &q["code"], REDIRECT, None).await.1);
    let (status, created) = sb
        .call(
            Method::POST,
            "/metamaps/api/v2/maps",
            Some(("authorization", &auth)),
            Some(json!({"name": "Handshake", "desc": "made in a test", "permission": "public"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let path = format!("/metamaps/api/v2/maps/{}", created["data"]["id"]);
    let (status, updated) = sb
        .call(
            Method::PUT,
            &path,
            Some(("authorization", &auth)),
            Some(json!({"desc": "changed"})),
        )
        .await;
    assert_eq!(
        (status, updated["data"]["desc"].as_str()),
        (StatusCode::OK, Some("changed"))
    );
    let (status, _) = sb
        .call(
            Method::PUT,
            "/metamaps/api/v2/maps/4",
            Some(("authorization", &auth)),
            Some(json!({"desc": "x"})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "map 4 belongs to someone else"
    );
    let (status, _) = sb
        .call(
            Method::POST,
            "/metamaps/api/v2/maps",
            None,
            Some(json!({"name": "anon"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        sb.call(Method::DELETE, &path, Some(("authorization", &auth)), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    let (status, gone) = sb
        .call(Method::GET, "/metamaps/api/v1/maps", None, None)
        .await;
    assert_eq!(
        (status, gone["error"].as_str()),
        (
            StatusCode::GONE,
            Some("/api/v1 has been deprecated! Please use /api/v2 instead.")
        )
    );
    let (status, missing) = sb
        .call(Method::GET, "/metamaps/api/v2/nothing", None, None)
        .await;
    assert_eq!(
        (status, missing["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("404 Not found"))
    );
    let (_, topics) = sb
        .call(Method::GET, "/metamaps/api/v2/topics?q=pkce", None, None)
        .await;
    assert_eq!(topics["data"][0]["name"], "PKCE");
}

// ---------------------------------------------------------------- PHP-style API

async fn php_code(sb: &Sb, password: &str) -> reqwest::Response {
    let form = [
        ("client_id", PHP_CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("state", "ph"),
        ("username", "johndoe"),
        ("password", password),
        ("decision", "grant"),
    ];
    sb.http
        .post(sb.url("/php/api/authorize.php"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn php_flow_form_token_without_grant_type_and_its_error_codes() {
    let sb = start().await;
    assert_eq!(
        php_code(&sb, "wrong").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let q = query_of(
        php_code(&sb, "sandbox").await.headers()[header::LOCATION]
            .to_str()
            .unwrap(),
    );
    assert_eq!(q["state"], "ph");

    let json_body = sb.http.post(sb.url("/php/api/token.php"))
        .json(&json!({"code": q["code"], "client_id": PHP_CLIENT_ID, "client_secret": PHP_CLIENT_SECRET})).send().await.unwrap();
    assert_eq!(json_body.status(), StatusCode::BAD_REQUEST);
    let missing = sb
        .http
        .post(sb.url("/php/api/token.php"))
        .form(&[("code", q["code"].as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        missing.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
    let bad_client = sb
        .http
        .post(sb.url("/php/api/token.php"))
        .form(&[
            ("code", q["code"].as_str()),
            ("client_id", PHP_CLIENT_ID),
            ("client_secret", "nope"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad_client.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        bad_client.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );

    let form = [
        ("code", q["code"].as_str()),
        ("client_id", PHP_CLIENT_ID),
        ("client_secret", PHP_CLIENT_SECRET),
    ];
    let tokens: Value = sb
        .http
        .post(sb.url("/php/api/token.php"))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (tokens["token_type"].as_str(), tokens["expires_in"].as_u64()),
        (Some("Bearer"), Some(3600))
    );
    assert!(tokens.get("refresh_token").is_none());
    let reused = sb
        .http
        .post(sb.url("/php/api/token.php"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        reused.json::<Value>().await.unwrap()["error"],
        "invalid_code"
    );

    let (status, me) = sb
        .call(
            Method::GET,
            "/php/api/userinfo.php",
            Some(("authorization", &bearer(&tokens))),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        me,
        json!({"username": "johndoe", "email": "john@example.com", "full_name": "John Doe"})
    );
    let (status, bad) = sb
        .call(
            Method::GET,
            "/php/api/userinfo.php",
            Some(("authorization", "Bearer nope")),
            None,
        )
        .await;
    assert_eq!(
        (status, bad["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token"))
    );
}

#[tokio::test]
async fn php_rate_limit_answers_429_with_retry_after() {
    let sb = start_with(handshake_sandbox::Config {
        php_rate_limit_per_minute: 3,
        ..Default::default()
    })
    .await;
    let call = || {
        sb.http
            .get(sb.url("/php/api/userinfo.php"))
            .header("authorization", "Bearer same-token")
            .send()
    };
    for remaining in ["2", "1", "0"] {
        let resp = call().await.unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(resp.headers()["x-ratelimit-remaining"], remaining);
    }
    let resp = call().await.unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(resp.headers()["x-ratelimit-limit"], "3");
    assert!(resp.headers().get("x-ratelimit-reset").is_some());
}

// ---------------------------------------------------------------- faults and admin

#[tokio::test]
async fn header_faults_break_one_call_each() {
    let sb = start().await;
    let get = |fault: &'static str| {
        sb.http
            .get(sb.url("/api/v1/about"))
            .header("x-api-key", ACADEMY_API_KEY)
            .header("x-sandbox-fault", fault)
            .send()
    };
    assert_eq!(
        get("status=503").await.unwrap().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    let broken = get("malformed-json").await.unwrap();
    assert_eq!(broken.status(), StatusCode::OK);
    assert!(serde_json::from_str::<Value>(&broken.text().await.unwrap()).is_err());
    let html = get("html").await.unwrap();
    assert_eq!(html.status(), StatusCode::BAD_GATEWAY);
    assert!(html
        .text()
        .await
        .unwrap()
        .contains("<h1>502 Bad Gateway</h1>"));
    let limited = get("rate-limit=30").await.unwrap();
    assert_eq!(
        (
            limited.status(),
            limited.headers()["retry-after"].to_str().unwrap()
        ),
        (StatusCode::TOO_MANY_REQUESTS, "30")
    );
    let started = std::time::Instant::now();
    assert_eq!(get("slow=300").await.unwrap().status(), StatusCode::OK);
    assert!(started.elapsed().as_millis() >= 300);
    assert_eq!(
        get("explode").await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn queued_faults_hit_matching_paths_n_times_then_stop() {
    let sb = start().await;
    sb.admin(
        "faults",
        json!({"kind": "status", "status": 500, "count": 2, "path": "/api/v2/token"}),
    )
    .await;
    let (status, _) = sb.call(Method::GET, "/api/v1/about", Some(KEY), None).await;
    assert_eq!(status, StatusCode::OK, "other paths are unaffected");
    let q = sb
        .academy_consent(ACADEMY_CLIENT_ID, REDIRECT, "connect", "john")
        .await;
    assert_eq!(
        sb.academy_exchange(&q["code"]).await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        sb.academy_exchange(&q["code"]).await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        sb.academy_exchange(&q["code"]).await.0,
        StatusCode::OK,
        "the faults ran out; the code was never consumed"
    );
    let bad = sb.admin("faults", json!({"kind": "nope"})).await;
    assert!(bad["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("fault:"));
}

#[tokio::test]
async fn expire_tokens_now_and_reset() {
    let sb = start().await;
    let tokens = sb.academy_token("connect read", "jane").await;
    sb.admin("expire-tokens", json!({})).await;
    let (status, _) = sb
        .call(
            Method::GET,
            "/api/v2/info",
            Some(("authorization", &bearer(&tokens))),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let refresh = json!({"refresh_token": tokens["refresh_token"], "client_id": ACADEMY_CLIENT_ID, "client_secret": ACADEMY_CLIENT_SECRET});
    assert_eq!(
        sb.call(Method::POST, "/api/v2/refresh", None, Some(refresh))
            .await
            .0,
        StatusCode::OK,
        "refresh tokens survive unless asked"
    );
    sb.admin("reset", json!({})).await;
    let stats: Value = sb
        .http
        .get(sb.url("/_sandbox/stats"))
        .header("x-sandbox-admin", "1")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["academy"]["token_requests"], 0);
}
