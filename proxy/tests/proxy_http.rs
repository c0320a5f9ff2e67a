// The real handshake-proxy binary against a test upstream on loopback: the allowlist, the origin
// and header guard, CORS, caps on size and time, redirects, header stripping, secret injection,
// and logs that never hold a token.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::any;
use axum::Router;
use reqwest::{Client, Method};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ORIGIN: &str = "http://127.0.0.1:8080";
const SECRET: &str = "s3cr3t-from-the-proxy-environment";

/// What the upstream answers: the request it saw, or a special behaviour by path.
async fn upstream_handler(req: Request) -> Response<Body> {
    let path = req.uri().path().to_string();
    match path.as_str() {
        "/redirect" => Response::builder()
            .status(StatusCode::FOUND)
            .header(header::LOCATION, "http://evil.example/steal")
            .body(Body::empty())
            .unwrap(),
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Response::new(Body::from("late"))
        }
        "/big" => Response::new(Body::from(vec![b'x'; 200_000])),
        "/cookie" => Response::builder()
            .header(header::SET_COOKIE, "session=abc")
            .header("access-control-allow-origin", "*")
            .body(Body::from("{}"))
            .unwrap(),
        _ => {
            let (parts, body) = req.into_parts();
            let body = to_bytes(body, 1 << 20).await.unwrap();
            let headers: serde_json::Map<String, Value> = parts
                .headers
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), json!(v.to_str().unwrap_or(""))))
                .collect();
            let echo = json!({
                "method": parts.method.as_str(),
                "path": parts.uri.path(),
                "query": parts.uri.query(),
                "headers": headers,
                "body": String::from_utf8_lossy(&body),
            });
            Response::builder()
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(echo.to_string()))
                .unwrap()
        }
    }
}

async fn start_upstream() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, Router::new().fallback(any(upstream_handler)))
            .await
            .unwrap();
    });
    format!("http://{addr}")
}

/// A running proxy process; its stderr (the log) is collected, and it is killed on drop.
struct Proxy {
    child: Child,
    url: String,
    log: Arc<Mutex<String>>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proxy {
    fn start(args: &[&str]) -> Proxy {
        Self::start_with(args, true)
    }

    /// `read_logs = false` leaves stderr unread, as a wedged log collector would.
    fn start_with(args: &[&str], read_logs: bool) -> Proxy {
        let mut child = Command::new(env!("CARGO_BIN_EXE_handshake-proxy"))
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env("HANDSHAKE_TEST_SECRET", SECRET)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the proxy binary starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        let mut stderr = child.stderr.take().unwrap();
        if !read_logs {
            // Keep the pipe open and unread for the life of the test.
            std::mem::forget(stderr);
            return Proxy { child, url, log };
        }
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Proxy { child, url, log }
    }

    fn log(&self) -> String {
        std::thread::sleep(Duration::from_millis(100));
        self.log.lock().unwrap().clone()
    }
}

fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn standard(up: &str, extra: &[&str]) -> Proxy {
    let mut args = vec![
        "--upstream".to_string(),
        format!("up={up}"),
        "--allow-origin".into(),
        ORIGIN.into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    Proxy::start(&refs)
}

fn call(proxy: &Proxy, method: Method, path: &str) -> reqwest::RequestBuilder {
    client()
        .request(method, format!("{}{path}", proxy.url))
        .header("origin", ORIGIN)
        .header("x-handshake-proxy", "1")
}

#[tokio::test]
async fn only_allowlisted_upstreams_are_reached() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]).await;
    let resp = call(&proxy, Method::GET, "/proxy/elsewhere/anything")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let body: Value = resp.json().await.unwrap();
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("forwards only to: up"));
    let resp = call(&proxy, Method::GET, "/proxy/up/a/../../etc/passwd")
        .send()
        .await
        .unwrap();
    assert!(resp.status() == StatusCode::BAD_REQUEST || resp.status() == StatusCode::NOT_FOUND);
    let resp = call(&proxy, Method::GET, "/proxy/up/hello?x=1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let echo: Value = resp.json().await.unwrap();
    assert_eq!(
        (echo["path"].as_str(), echo["query"].as_str()),
        (Some("/hello"), Some("x=1"))
    );
}

#[tokio::test]
async fn the_custom_header_and_an_allowed_origin_are_required() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]).await;
    let url = format!("{}/proxy/up/x", proxy.url);
    let no_header = client()
        .get(&url)
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(no_header.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        no_header.headers()["access-control-allow-origin"],
        ORIGIN,
        "the browser may read why"
    );
    let foreign = client()
        .get(&url)
        .header("origin", "https://evil.example")
        .header("x-handshake-proxy", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert!(foreign
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let no_origin = client()
        .get(&url)
        .header("x-handshake-proxy", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(no_origin.status(), StatusCode::FORBIDDEN);
    let preflight_foreign = client()
        .request(Method::OPTIONS, &url)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight_foreign.status(), StatusCode::FORBIDDEN);

    let preflight = client()
        .request(Method::OPTIONS, &url)
        .header("origin", ORIGIN)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "x-handshake-proxy, content-type, authorization",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        ORIGIN,
        "the exact origin, never *"
    );
    assert!(preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("x-handshake-proxy"));
    let ok = call(&proxy, Method::GET, "/proxy/up/x")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(ok.headers()["vary"], "Origin");

    let open = standard(&up, &["--allow-no-origin"]).await;
    let cli = client()
        .get(format!("{}/proxy/up/x", open.url))
        .header("x-handshake-proxy", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        cli.status(),
        StatusCode::OK,
        "--allow-no-origin lets curl in"
    );
}

#[tokio::test]
async fn ambient_credentials_and_page_identity_are_stripped() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]).await;
    let echo: Value = call(&proxy, Method::POST, "/proxy/up/echo")
        .header("cookie", "session=abc")
        .header("referer", "http://127.0.0.1:8080/secret-page")
        .header("authorization", "Bearer tok")
        .header("content-type", "application/json")
        .body("{\"a\":1}")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let headers = echo["headers"].as_object().unwrap();
    for gone in ["cookie", "origin", "referer", "x-handshake-proxy"] {
        assert!(
            !headers.contains_key(gone),
            "{gone} was forwarded: {headers:?}"
        );
    }
    assert_eq!(
        headers["authorization"], "Bearer tok",
        "credentials meant for the API pass"
    );
    assert_eq!(echo["body"], "{\"a\":1}");
    let resp = call(&proxy, Method::GET, "/proxy/up/cookie")
        .send()
        .await
        .unwrap();
    assert!(
        resp.headers().get("set-cookie").is_none(),
        "cookies never reach the page"
    );
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        ORIGIN,
        "the upstream's CORS is replaced"
    );
}

#[tokio::test]
async fn bodies_and_answers_are_capped() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--max-body", "1000", "--max-response", "100000"]).await;
    let resp = call(&proxy, Method::POST, "/proxy/up/echo")
        .body(vec![b'a'; 2000])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let resp = call(&proxy, Method::GET, "/proxy/up/big")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_GATEWAY);
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("over the proxy's limit"));
}

#[tokio::test]
async fn a_slow_upstream_meets_the_time_limit() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--timeout", "1"]).await;
    let started = Instant::now();
    let resp = call(&proxy, Method::GET, "/proxy/up/slow")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::GATEWAY_TIMEOUT);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "gave up after the limit, not the upstream's 5 s"
    );
}

#[tokio::test]
async fn redirects_are_relayed_not_followed() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]).await;
    let resp = call(&proxy, Method::GET, "/proxy/up/redirect")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert!(
        resp.headers().get("location").is_none(),
        "a browser must not follow it either"
    );
    assert_eq!(
        resp.headers()["x-upstream-location"],
        "http://evil.example/steal"
    );
}

#[tokio::test]
async fn the_secret_is_injected_for_its_client_only_and_never_shown() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--secret", "up:client-1=HANDSHAKE_TEST_SECRET"]).await;
    let echo: Value = call(&proxy, Method::POST, "/proxy/up/token")
        .header("content-type", "application/json")
        .body(r#"{"client_id":"client-1","code":"c"}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sent: Value = serde_json::from_str(echo["body"].as_str().unwrap()).unwrap();
    assert_eq!(sent["client_secret"], SECRET);
    let echo: Value = call(&proxy, Method::POST, "/proxy/up/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("client_id=someone-else&code=c")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(echo["body"], "client_id=someone-else&code=c");
    let echo: Value = call(
        &proxy,
        Method::POST,
        "/proxy/up/oauth/token?client_id=client-1&code=c",
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert!(
        echo["query"].as_str().unwrap().contains("client_secret="),
        "query-string dialects get it too"
    );

    let info: Value = call(&proxy, Method::GET, "/proxy/_info")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        info,
        json!({"upstreams": ["up"], "secrets": [{"upstream": "up", "client_id": "client-1"}]})
    );
    assert!(!proxy.log().contains(SECRET));
}

#[tokio::test]
async fn logs_hold_method_path_and_status_but_no_token_query_or_body() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--secret", "up:client-1=HANDSHAKE_TEST_SECRET"]).await;
    call(
        &proxy,
        Method::GET,
        "/proxy/up/movies?access_token=LEAKED-IN-QUERY",
    )
    .header("authorization", "Bearer LEAKED-IN-HEADER")
    .send()
    .await
    .unwrap();
    call(&proxy, Method::POST, "/proxy/up/token")
        .header("content-type", "application/json")
        .body(r#"{"client_id":"client-1","refresh_token":"LEAKED-IN-BODY"}"#)
        .send()
        .await
        .unwrap();
    let log = proxy.log();
    assert!(log.contains("proxy GET up /movies -> 200"), "{log}");
    assert!(log.contains("proxy POST up /token -> 200"), "{log}");
    for leak in [
        "LEAKED-IN-QUERY",
        "LEAKED-IN-HEADER",
        "LEAKED-IN-BODY",
        SECRET,
        "access_token",
    ] {
        assert!(!log.contains(leak), "the log holds {leak}:\n{log}");
    }
}

#[tokio::test]
async fn a_stalled_log_reader_never_stalls_the_proxy() {
    let up = start_upstream().await;
    let args = [
        "--upstream".to_string(),
        format!("up={up}"),
        "--allow-origin".into(),
        ORIGIN.into(),
    ];
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let proxy = Proxy::start_with(&refs, false);
    let started = Instant::now();
    // Far more log lines than a pipe buffer (64 KiB) holds.
    for _ in 0..2500 {
        let resp = call(&proxy, Method::GET, "/proxy/up/echo")
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .expect("the proxy answers even though nobody reads its log");
        assert_eq!(resp.status(), StatusCode::OK);
    }
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// Resident memory of a process in KiB (Linux).
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn sustained_load_has_no_errors_and_no_memory_growth() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]).await;
    let pid = proxy.child.id();
    let round = |n: usize| {
        let url = format!("{}/proxy/up/echo", proxy.url);
        async move {
            let client = client();
            let mut tasks = Vec::new();
            for _ in 0..16 {
                let (client, url) = (client.clone(), url.clone());
                tasks.push(tokio::spawn(async move {
                    let mut errors = 0;
                    for _ in 0..n {
                        let ok = client
                            .get(&url)
                            .header("origin", ORIGIN)
                            .header("x-handshake-proxy", "1")
                            .send()
                            .await
                            .map(|r| r.status().is_success())
                            .unwrap_or(false);
                        errors += usize::from(!ok);
                    }
                    errors
                }));
            }
            let mut errors = 0;
            for t in tasks {
                errors += t.await.unwrap();
            }
            errors
        }
    };
    assert_eq!(round(100).await, 0, "warm-up");
    let warm = rss_kib(pid);
    assert_eq!(round(400).await, 0, "6,400 requests, no errors");
    let after = rss_kib(pid);
    assert!(
        after < warm + 16 * 1024,
        "memory grew from {warm} KiB to {after} KiB"
    );
}

#[test]
fn bad_configuration_stops_with_a_clear_message() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_handshake-proxy"))
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, err) = run(&["--upstream", "x=http://a"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--allow-origin"), "{err}");
    let (code, err) = run(&["--upstream", "_info=http://a", "--allow-no-origin"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("starts with a letter or digit"), "{err}");
    let (_, err) = run(&["--config", "/nonexistent/handshake.json"]);
    assert!(err.contains("cannot read it"), "{err}");
    let help = Command::new(env!("CARGO_BIN_EXE_handshake-proxy"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--secret UPSTREAM:CLIENT_ID=ENV_VAR"));
}
