// The real handshake-proxy binary against a test upstream on loopback that records every request
// it receives. Each finding of the proxy audit has a test here that fails without its defence:
// where the secret goes, paths as received, log lines, slow and idle clients, header hygiene,
// the Sandbox's admin and /proxy/_info. Raw sockets are used where an HTTP client would
// normalise the request before sending it.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::routing::any;
use axum::Router;
use base64::Engine;
use reqwest::{Client, Method};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ORIGIN: &str = "http://127.0.0.1:8080";
const SECRET: &str = "s3cr3t-from-the-proxy-environment";
/// Needs form-encoding before base64 (RFC 6749 §2.3.1).
const AWKWARD_SECRET: &str = "client&secret";

/// One request as the upstream received it: raw path and query, headers, body.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the secret appears anywhere in what the upstream got.
    fn holds(&self, secret: &str) -> bool {
        let text = format!("{:?} {:?} {:?}", self.query, self.headers, self.body);
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        text.contains(secret) || text.contains(&encoded)
    }
}

#[derive(Clone, Default)]
struct Upstream {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Upstream {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn last(&self) -> Seen {
        self.seen().pop().expect("the upstream received a request")
    }
}

/// Records the request, then answers by path: special behaviours, or `{"ok": true}`.
async fn upstream_handler(seen: Arc<Mutex<Vec<Seen>>>, req: Request) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let body = to_bytes(body, 1 << 20).await.unwrap_or_default();
    let body = String::from_utf8_lossy(&body).to_string();
    let path = parts.uri.path().to_string();
    seen.lock().unwrap().push(Seen {
        method: parts.method.to_string(),
        path: path.clone(),
        query: parts.uri.query().map(str::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
        body: body.clone(),
    });
    match path.trim_start_matches("/base") {
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
        "/big-chunked" => {
            let chunks = (0..20).map(|_| Ok::<_, std::io::Error>(vec![b'x'; 10_000]));
            Response::new(Body::from_stream(futures_util::stream::iter(chunks)))
        }
        "/drip" => {
            let stream = futures_util::stream::unfold(0, |n| async move {
                match n {
                    0 => Some((Ok::<_, std::io::Error>("first\n".to_string()), 1)),
                    1 => {
                        tokio::time::sleep(Duration::from_millis(1500)).await;
                        Some((Ok("last\n".to_string()), 2))
                    }
                    _ => None,
                }
            });
            Response::new(Body::from_stream(stream))
        }
        "/cookie" => Response::builder()
            .header(header::SET_COOKIE, "session=abc")
            .header("access-control-allow-origin", "*")
            .header(header::CONNECTION, "x-upstream-hop")
            .header("x-upstream-hop", "1")
            .body(Body::from("{}"))
            .unwrap(),
        // A careless token endpoint that echoes what it was sent.
        "/echo-token" => Response::new(Body::from(format!("{{\"echo\":{body:?}}}"))),
        _ => Response::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"ok":true}"#))
            .unwrap(),
    }
}

async fn start_upstream() -> Upstream {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let recorder = seen.clone();
    tokio::spawn(async move {
        let app = Router::new().fallback(any(move |req: Request| {
            upstream_handler(recorder.clone(), req)
        }));
        axum::serve(listener, app).await.unwrap();
    });
    Upstream {
        url: format!("http://{addr}"),
        seen,
    }
}

/// A running proxy process; its stderr (the log) is collected, and it is killed on drop.
struct Proxy {
    child: Child,
    url: String,
    addr: String,
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
            .env("HANDSHAKE_TEST_AWKWARD_SECRET", AWKWARD_SECRET)
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
        let addr = url.trim_start_matches("http://").to_string();
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        let mut stderr = child.stderr.take().unwrap();
        if !read_logs {
            // Keep the pipe open and unread for the life of the test.
            std::mem::forget(stderr);
            return Proxy {
                child,
                url,
                addr,
                log,
            };
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
        Proxy {
            child,
            url,
            addr,
            log,
        }
    }

    fn log(&self) -> String {
        std::thread::sleep(Duration::from_millis(200));
        self.log.lock().unwrap().clone()
    }

    /// Sends `request` as raw bytes and returns what came back before the proxy closed the
    /// connection or `wait` passed.
    fn raw(&self, request: &str, wait: Duration) -> String {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        stream.set_read_timeout(Some(wait)).unwrap();
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out);
        String::from_utf8_lossy(&out).to_string()
    }

    /// A raw GET with the headers the proxy requires.
    fn raw_get(&self, target: &str) -> String {
        self.raw(
            &format!(
                "GET {target} HTTP/1.1\r\nHost: x\r\nOrigin: {ORIGIN}\r\nX-Handshake-Proxy: 1\r\nConnection: close\r\n\r\n"
            ),
            Duration::from_secs(5),
        )
    }

    /// Open file descriptors of the process (Linux).
    fn open_files(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|d| d.count())
            .unwrap_or(0)
    }
}

fn status_of(raw: &str) -> u16 {
    raw.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A proxy in front of `up` (under its base path `/base`) for the test origin.
fn standard(up: &Upstream, extra: &[&str]) -> Proxy {
    let mut args = vec![
        "--upstream".to_string(),
        format!("up={}/base", up.url),
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

async fn error_code(resp: reqwest::Response) -> (u16, String) {
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    (status, body["code"].as_str().unwrap_or("").to_string())
}

const WITH_SECRET: &str = "up:client-1=HANDSHAKE_TEST_SECRET,path=/token,path=/refresh";

// ---- Finding 1: the secret goes only to declared token requests, in the declared placement.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secret_reaches_only_posts_to_declared_token_paths() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--secret", WITH_SECRET]);
    // The authorize page (the Sandbox's consent page echoed it in a hidden field).
    call(
        &proxy,
        Method::GET,
        "/proxy/up/authorize?client_id=client-1&response_type=code",
    )
    .send()
    .await
    .unwrap();
    // An API GET and an API POST naming the client.
    call(
        &proxy,
        Method::GET,
        "/proxy/up/api/things?client_id=client-1",
    )
    .send()
    .await
    .unwrap();
    call(&proxy, Method::POST, "/proxy/up/api/things")
        .header("content-type", "application/json")
        .body(r#"{"client_id":"client-1","grant_type":"authorization_code","code":"c"}"#)
        .send()
        .await
        .unwrap();
    // Near misses of the token path, and a GET to it.
    for path in ["/proxy/up/token/", "/proxy/up/%74oken", "/proxy/up/tokens"] {
        call(&proxy, Method::POST, path)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("client_id=client-1&grant_type=authorization_code&code=c")
            .send()
            .await
            .unwrap();
    }
    call(
        &proxy,
        Method::GET,
        "/proxy/up/token?client_id=client-1&grant_type=authorization_code&code=c",
    )
    .send()
    .await
    .unwrap();
    let before = up.seen().len();
    assert_eq!(before, 7);
    assert!(
        up.seen().iter().all(|s| !s.holds(SECRET)),
        "no request so far gets the secret: {:#?}",
        up.seen()
    );
    // The real token request.
    let resp = call(&proxy, Method::POST, "/proxy/up/token")
        .header("content-type", "application/json")
        .body(r#"{"client_id":"client-1","code":"c","grant_type":"authorization_code"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let token = up.last();
    let sent: Value = serde_json::from_str(&token.body).unwrap();
    assert_eq!(sent["client_secret"], SECRET);
    assert!(proxy.log().contains("secret=client_secret_post"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_credentials_gets_the_secret_only_when_the_rule_names_it() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--secret", WITH_SECRET]);
    let grant = "client_id=client-1&grant_type=client_credentials";
    let resp = call(&proxy, Method::POST, "/proxy/up/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(grant)
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (403, "grant_not_allowed".into()));
    assert!(up.seen().is_empty(), "refused before the upstream");

    let allowing = standard(
        &up,
        &[
            "--secret",
            "up:client-1=HANDSHAKE_TEST_SECRET,path=/token,grant=client_credentials",
        ],
    );
    call(&allowing, Method::POST, "/proxy/up/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(grant)
        .send()
        .await
        .unwrap();
    assert!(up.last().body.ends_with(&format!("client_secret={SECRET}")));
    // That rule names client_credentials only: a code exchange is now refused.
    let resp = call(&allowing, Method::POST, "/proxy/up/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("client_id=client-1&grant_type=authorization_code&code=c")
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(resp).await, (403, "grant_not_allowed".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auth_path_gets_the_secret_but_never_grants_a_token() {
    let up = start_upstream().await;
    let proxy = standard(
        &up,
        &[
            "--secret",
            "up:client-1=HANDSHAKE_TEST_SECRET,path=/token,auth_path=/request,auth=basic",
        ],
    );
    // A pushed authorization request (RFC 9126) authenticates the client like a token call.
    let resp = call(&proxy, Method::POST, "/proxy/up/request")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("client_id=client-1&response_type=code&scope=openid")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let pushed = up.last();
    // RFC 9126 §2.1: client_id stays among a pushed request's parameters.
    assert_eq!(
        pushed.body,
        "client_id=client-1&response_type=code&scope=openid"
    );
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("client-1:{SECRET}"));
    assert_eq!(
        pushed.header("authorization"),
        Some(format!("Basic {expected}").as_str())
    );
    // A grant sent there would skip the grant check (client_credentials is not allowed).
    let before = up.seen().len();
    for grant in ["client_credentials", "authorization_code"] {
        let resp = call(&proxy, Method::POST, "/proxy/up/request")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("client_id=client-1&grant_type={grant}"))
            .send()
            .await
            .unwrap();
        assert_eq!(error_code(resp).await, (403, "grant_at_auth_path".into()));
    }
    assert_eq!(up.seen().len(), before, "refused before the upstream");
    let info: Value = call(&proxy, Method::GET, "/proxy/_info")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        info["secrets"][0]["auth_paths"],
        serde_json::json!(["/request"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secret_is_placed_as_the_provider_expects() {
    let up = start_upstream().await;
    let proxy = standard(
        &up,
        &[
            "--secret",
            WITH_SECRET,
            "--secret",
            "up:client id=HANDSHAKE_TEST_AWKWARD_SECRET,path=/oauth2/token,auth=basic",
        ],
    );
    // The Academy: JSON body.
    call(&proxy, Method::POST, "/proxy/up/refresh")
        .header("content-type", "application/json")
        .body(r#"{"refresh_token":"r","client_id":"client-1","grant_type":"refresh_token"}"#)
        .send()
        .await
        .unwrap();
    let sent: Value = serde_json::from_str(&up.last().body).unwrap();
    assert_eq!(
        sent,
        json!({"refresh_token":"r","client_id":"client-1","grant_type":"refresh_token","client_secret":SECRET})
    );
    // Metamaps (Doorkeeper 4): everything in the query string of a POST.
    call(
        &proxy,
        Method::POST,
        "/proxy/up/token?client_id=client-1&code=c&grant_type=authorization_code",
    )
    .send()
    .await
    .unwrap();
    let secret_pair: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_secret", SECRET)
        .finish();
    assert_eq!(
        up.last().query.unwrap(),
        format!("client_id=client-1&code=c&grant_type=authorization_code&{secret_pair}")
    );
    // The PHP-style API: a form body without grant_type.
    call(&proxy, Method::POST, "/proxy/up/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("code=c&client_id=client-1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        up.last().body,
        format!("code=c&client_id=client-1&{secret_pair}")
    );
    // A standard provider with client_secret_basic: the client leaves the body for the header.
    call(&proxy, Method::POST, "/proxy/up/oauth2/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=authorization_code&code=c&client_id=client+id")
        .send()
        .await
        .unwrap();
    let basic = up.last();
    assert_eq!(basic.body, "grant_type=authorization_code&code=c");
    let expected = base64::engine::general_purpose::STANDARD.encode("client+id:client%26secret");
    assert_eq!(
        basic.header("authorization"),
        Some(format!("Basic {expected}").as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_naming_its_client_twice_is_refused() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--secret", WITH_SECRET]);
    let basic = base64::engine::general_purpose::STANDARD.encode("client-1:");
    let cases: Vec<(&str, &str, &str, Option<String>)> = vec![
        (
            "/proxy/up/token",
            "application/x-www-form-urlencoded",
            "client_id=client-1&client_id=evil&code=c",
            None,
        ),
        (
            "/proxy/up/token?client_id=evil",
            "application/x-www-form-urlencoded",
            "client_id=client-1&code=c",
            None,
        ),
        (
            "/proxy/up/token",
            "application/json",
            r#"{"client_id":"evil","client_id":"client-1","code":"c"}"#,
            None,
        ),
        (
            "/proxy/up/token",
            "application/x-www-form-urlencoded",
            "client_id=client-1&code=c",
            Some(format!("Basic {basic}")),
        ),
    ];
    for (path, content_type, body, authorization) in cases {
        let mut req = call(&proxy, Method::POST, path)
            .header("content-type", content_type)
            .body(body);
        if let Some(a) = authorization {
            req = req.header("authorization", a);
        }
        let (status, code) = error_code(req.send().await.unwrap()).await;
        assert_eq!(status, 400, "{path} {body}");
        assert!(
            code == "client_id_twice" || code == "unreadable_token_request",
            "{code}"
        );
    }
    assert!(
        up.seen().is_empty(),
        "nothing ambiguous reached the upstream"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_holds_the_secret_is_not_relayed() {
    let up = start_upstream().await;
    let proxy = standard(
        &up,
        &[
            "--secret",
            "up:client-1=HANDSHAKE_TEST_SECRET,path=/echo-token",
        ],
    );
    let resp = call(&proxy, Method::POST, "/proxy/up/echo-token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("client_id=client-1&code=c&grant_type=authorization_code")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_GATEWAY);
    let text = resp.text().await.unwrap();
    assert!(text.contains("secret_in_answer"), "{text}");
    assert!(!text.contains(SECRET));
    assert!(up.last().body.contains(SECRET), "the upstream did get it");
}

// ---- Findings 2 and 3: paths go as received and never leave the upstream's base.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dot_segments_in_any_encoding_never_leave_the_base() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]);
    for target in [
        "/proxy/up/%252e%252e/admin/secret",
        "/proxy/up/%2e%2e/admin/secret",
        "/proxy/up/..%2Fadmin/secret",
        "/proxy/up/a/../../admin/secret",
        "/proxy/up/./admin",
    ] {
        let answer = proxy.raw_get(target);
        assert_eq!(status_of(&answer), 400, "{target}: {answer}");
        assert!(answer.contains("bad_path"), "{answer}");
    }
    assert!(
        up.seen().is_empty(),
        "nothing reached the upstream: {:?}",
        up.seen()
    );
    assert_eq!(status_of(&proxy.raw_get("/proxy/up/ok")), 200);
    assert_eq!(up.last().path, "/base/ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_path_is_forwarded_exactly_as_received() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]);
    let answer = proxy.raw_get("/proxy/up/a%2Fb%3Fc%23d/%7E?x=1&y=%26");
    assert_eq!(status_of(&answer), 200, "{answer}");
    let seen = up.last();
    assert_eq!(seen.path, "/base/a%2Fb%3Fc%23d/%7E");
    assert_eq!(seen.query.as_deref(), Some("x=1&y=%26"));
    // What the URL parser would rewrite on the way is refused instead.
    let answer = proxy.raw_get("/proxy/up/a\\b");
    assert_eq!(status_of(&answer), 400, "{answer}");
    assert_eq!(up.seen().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_allowlisted_upstreams_are_reached() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]);
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
    assert_eq!(status_of(&proxy.raw_get("/proxy/../admin")), 404);
    assert_eq!(status_of(&proxy.raw_get("/admin")), 404);
    assert!(up.seen().is_empty());
}

// ---- Finding 4: nothing in a request can forge a log line.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_never_forge_log_lines() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]);
    call(
        &proxy,
        Method::GET,
        "/proxy/up/x%0AFORGED%20proxy%20GET%20up%20/admin%0D%0A",
    )
    .send()
    .await
    .unwrap();
    call(&proxy, Method::GET, "/proxy/x%0aFORGED/y")
        .send()
        .await
        .unwrap();
    let log = proxy.log();
    assert!(log.contains("answered"), "{log}");
    for line in log.lines() {
        assert!(!line.starts_with("FORGED"), "a forged line:\n{log}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_hold_method_path_and_status_but_no_token_query_or_body() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--secret", WITH_SECRET]);
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
    assert!(log.contains("method=GET path=/proxy/up/movies"), "{log}");
    assert!(log.contains("status=200"), "{log}");
    assert!(
        log.contains("method=POST path=/proxy/up/token secret=client_secret_post"),
        "{log}"
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_log_reader_never_stalls_the_proxy() {
    let up = start_upstream().await;
    let args = [
        "--upstream".to_string(),
        format!("up={}", up.url),
        "--allow-origin".into(),
        ORIGIN.into(),
    ];
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let proxy = Proxy::start_with(&refs, false);
    let started = Instant::now();
    // The pipe (64 KiB, some 500 lines) and the log queue (1,024 lines) hold far fewer lines
    // than this: a writer that waited for stderr would stop answering part of the way.
    let client = client();
    for _ in 0..6000 {
        let resp = client
            .get(format!("{}/proxy/up/echo", proxy.url))
            .header("origin", ORIGIN)
            .header("x-handshake-proxy", "1")
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .expect("the proxy answers even though nobody reads its log");
        assert_eq!(resp.status(), StatusCode::OK);
    }
    assert!(started.elapsed() < Duration::from_secs(60));
}

// ---- Finding 5: slow and idle clients, connection cap, streamed answers.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_and_idle_sockets_are_closed() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--header-timeout", "1"]);
    let started = Instant::now();
    let answer = proxy.raw(
        "GET /proxy/up/x HTTP/1.1\r\nHost: x\r\nX-Slow: ",
        Duration::from_secs(6),
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "closed after {:?}: {answer}",
        started.elapsed()
    );
    let started = Instant::now();
    let answer = proxy.raw("", Duration::from_secs(6));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "idle socket closed after {:?}: {answer}",
        started.elapsed()
    );
    // A keep-alive connection idle after its first answer is closed too.
    let started = Instant::now();
    let answer = proxy.raw(
        &format!("GET /proxy/up/x HTTP/1.1\r\nHost: x\r\nOrigin: {ORIGIN}\r\nX-Handshake-Proxy: 1\r\n\r\n"),
        Duration::from_secs(6),
    );
    assert_eq!(status_of(&answer), 200);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "kept open {:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dripping_body_meets_the_body_time_limit() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--body-timeout", "1"]);
    let mut stream = TcpStream::connect(&proxy.addr).unwrap();
    stream
        .write_all(
            format!(
                "POST /proxy/up/x HTTP/1.1\r\nHost: x\r\nOrigin: {ORIGIN}\r\nX-Handshake-Proxy: 1\r\nContent-Length: 100\r\n\r\n"
            )
            .as_bytes(),
        )
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    std::thread::spawn(move || {
        for _ in 0..100 {
            if writer.write_all(b"a").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_secs(8)))
        .unwrap();
    let mut head = [0u8; 64];
    let n = stream.read(&mut head).unwrap_or(0);
    let answer = String::from_utf8_lossy(&head[..n]).to_string();
    assert_eq!(status_of(&answer), 408, "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(up.seen().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_wait_outside() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--max-connections", "20"]);
    let baseline = proxy.open_files();
    let sockets: Vec<TcpStream> = (0..60)
        .map(|_| TcpStream::connect(&proxy.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let held = proxy.open_files() - baseline;
    assert!(held <= 20, "the proxy holds {held} connections (cap 20)");
    drop(sockets);
    // Slots free up as those clients leave; normal requests are served again.
    let resp = call(&proxy, Method::GET, "/proxy/up/x")
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_streamed_not_held_whole() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]);
    let started = Instant::now();
    let mut resp = call(&proxy, Method::GET, "/proxy/up/drip")
        .send()
        .await
        .unwrap();
    let first = resp.chunk().await.unwrap().unwrap();
    let first_after = started.elapsed();
    assert_eq!(&first[..], b"first\n");
    assert!(
        first_after < Duration::from_millis(1000),
        "first bytes after {first_after:?}"
    );
    let rest = resp.chunk().await.unwrap().unwrap();
    assert_eq!(&rest[..], b"last\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_and_answers_are_capped() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--max-body", "1000", "--max-response", "100000"]);
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
    // Announced by no length: streamed, then cut off at the cap.
    let resp = call(&proxy, Method::GET, "/proxy/up/big-chunked")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.bytes().await.is_err(),
        "the body is cut off, not completed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_upstream_meets_the_time_limit() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--timeout", "1"]);
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

// ---- Finding 6: header hygiene and methods.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hop_by_hop_and_forwarding_headers_never_reach_the_upstream() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]);
    let answer = proxy.raw(
        &format!(
            "GET /proxy/up/x HTTP/1.1\r\nHost: x\r\nOrigin: {ORIGIN}\r\nX-Handshake-Proxy: 1\r\n\
             Connection: close, X-Hop-Secret\r\nX-Hop-Secret: 1\r\nX-Forwarded-Host: evil.example\r\n\
             X-Forwarded-For: 10.0.0.1\r\nX-Original-URL: /admin\r\nX-Rewrite-URL: /admin\r\n\
             Forwarded: host=evil.example\r\nX-HTTP-Method-Override: DELETE\r\nVia: 1.1 elsewhere\r\n\
             Accept: application/json\r\n\r\n"
        ),
        Duration::from_secs(5),
    );
    assert_eq!(status_of(&answer), 200, "{answer}");
    let seen = up.last();
    for gone in [
        "x-hop-secret",
        "x-forwarded-host",
        "x-forwarded-for",
        "x-original-url",
        "x-rewrite-url",
        "forwarded",
        "x-http-method-override",
    ] {
        assert!(
            seen.header(gone).is_none(),
            "{gone} reached the upstream: {:?}",
            seen.headers
        );
    }
    assert_eq!(seen.header("via"), Some("1.1 handshake-proxy"));
    assert_eq!(seen.header("accept"), Some("application/json"));
    // And back: the upstream's own hop-by-hop headers stay with the proxy.
    let resp = call(&proxy, Method::GET, "/proxy/up/cookie")
        .send()
        .await
        .unwrap();
    assert!(resp.headers().get("x-upstream-hop").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_connect_and_unknown_methods_are_refused() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]);
    let head =
        format!("Host: x\r\nOrigin: {ORIGIN}\r\nX-Handshake-Proxy: 1\r\nConnection: close\r\n\r\n");
    let wait = Duration::from_secs(5);
    assert_eq!(
        status_of(&proxy.raw(&format!("TRACE /proxy/up/x HTTP/1.1\r\n{head}"), wait)),
        405
    );
    assert_eq!(
        status_of(&proxy.raw(&format!("PROPFIND /proxy/up/x HTTP/1.1\r\n{head}"), wait)),
        405
    );
    let connect = proxy.raw(&format!("CONNECT /proxy/up/x HTTP/1.1\r\n{head}"), wait);
    assert!(matches!(status_of(&connect), 400 | 405), "{connect}");
    assert!(up.seen().is_empty(), "{:?}", up.seen());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ambient_credentials_and_page_identity_are_stripped() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]);
    call(&proxy, Method::POST, "/proxy/up/echo")
        .header("cookie", "session=abc")
        .header("referer", "http://127.0.0.1:8080/secret-page")
        .header("authorization", "Bearer tok")
        .header("content-type", "application/json")
        .body("{\"a\":1}")
        .send()
        .await
        .unwrap();
    let seen = up.last();
    for gone in ["cookie", "origin", "referer", "x-handshake-proxy"] {
        assert!(
            seen.header(gone).is_none(),
            "{gone} was forwarded: {:?}",
            seen.headers
        );
    }
    assert_eq!(
        seen.header("authorization"),
        Some("Bearer tok"),
        "credentials meant for the API pass"
    );
    assert_eq!(seen.body, "{\"a\":1}");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_relayed_not_followed() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]);
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
    assert_eq!(up.seen().len(), 1);
    assert_eq!(up.last().method, "GET");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_custom_header_and_an_allowed_origin_are_required() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]);
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
        .header("access-control-request-method", "POST")
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
    assert!(preflight.status().is_success());
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
    assert!(ok.headers()["vary"].to_str().unwrap().contains("origin"));
    assert_eq!(up.seen().len(), 1, "only the allowed request went on");

    let open = standard(&up, &["--allow-no-origin"]);
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

// ---- Finding 8: /proxy/_info answers allowed origins only.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn info_answers_allowed_origins_only() {
    let up = start_upstream().await;
    let proxy = standard(&up, &["--allow-no-origin", "--secret", WITH_SECRET]);
    let info = |origin: Option<&'static str>| {
        let mut req = client()
            .get(format!("{}/proxy/_info", proxy.url))
            .header("x-handshake-proxy", "1");
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        req.send()
    };
    assert_eq!(
        info(Some("https://evil.example")).await.unwrap().status(),
        403
    );
    let (status, code) = error_code(info(None).await.unwrap()).await;
    assert_eq!((status, code.as_str()), (403, "info_needs_origin"));
    // A same-origin page's GET carries no Origin; Fetch Metadata and the Host say where it is from.
    let same_origin = |host: &str| {
        proxy.raw(
            &format!("GET /proxy/_info HTTP/1.1\r\nHost: {host}\r\nSec-Fetch-Site: same-origin\r\nX-Handshake-Proxy: 1\r\nConnection: close\r\n\r\n"),
            Duration::from_secs(5),
        )
    };
    assert_eq!(status_of(&same_origin("127.0.0.1:8080")), 200);
    assert_eq!(status_of(&same_origin("evil.example")), 403);
    let body: Value = info(Some(ORIGIN)).await.unwrap().json().await.unwrap();
    assert_eq!(
        body,
        json!({"upstreams": ["up"], "secrets": [{
            "upstream": "up", "client_id": "client-1", "token_paths": ["/token", "/refresh"],
            "auth_paths": [], "auth": "client_secret_post", "grants": ["authorization_code", "refresh_token"],
        }]})
    );
    assert!(!proxy.log().contains(SECRET));
}

// ---- Finding 7: the Sandbox's admin surface, through the proxy and from web pages.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_admin_is_reachable_only_directly_and_on_purpose() {
    let sandbox = Proxy::start(&["--sandbox"]);
    let admin = |base: &str, extra: &[(&str, &str)]| {
        let mut req = client()
            .post(format!("{base}/_sandbox/reset"))
            .header("content-type", "application/json")
            .body("{}");
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        req.send()
    };
    // Directly, with its header: allowed (tests and the harness do this).
    let ok = admin(&sandbox.url, &[("x-sandbox-admin", "1")])
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    // Without the header (a cross-site form post), or from a page on another site: refused.
    assert_eq!(admin(&sandbox.url, &[]).await.unwrap().status(), 403);
    let page = admin(
        &sandbox.url,
        &[("x-sandbox-admin", "1"), ("origin", "https://evil.example")],
    );
    assert_eq!(page.await.unwrap().status(), 403);
    let preflight = client()
        .request(Method::OPTIONS, format!("{}/_sandbox/reset", sandbox.url))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "x-sandbox-admin")
        .send()
        .await
        .unwrap();
    assert!(preflight
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    // Through handshake-proxy (which runs on loopback too): refused.
    let proxy = Proxy::start(&[
        "--upstream",
        &format!("sb={}", sandbox.url),
        "--allow-origin",
        ORIGIN,
    ]);
    let through = call(&proxy, Method::POST, "/proxy/sb/_sandbox/reset")
        .header("x-sandbox-admin", "1")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(through.status(), StatusCode::FORBIDDEN);
    assert!(through.text().await.unwrap().contains("through a proxy"));
}

// ---- Load and configuration.

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sustained_load_has_no_errors_and_no_memory_growth() {
    let up = start_upstream().await;
    let proxy = standard(&up, &[]);
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
    let (code, err) = run(&[
        "--upstream",
        "x=http://a",
        "--allow-no-origin",
        "--secret",
        "x:c=HOME",
    ]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no token path"), "{err}");
    let (_, err) = run(&["--config", "/nonexistent/handshake.json"]);
    assert!(err.contains("cannot read it"), "{err}");
    let help = Command::new(env!("CARGO_BIN_EXE_handshake-proxy"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("--secret <UPSTREAM:CLIENT_ID=ENV_VAR,path=PATH>"),
        "{help}"
    );
}
