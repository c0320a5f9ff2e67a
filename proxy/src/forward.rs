// Forwarding /proxy/<upstream>/<path> to allowlisted upstreams: the guard (origin + required
// header + CORS) is one middleware layer; the handler strips, injects, relays and logs.

use crate::config::{Config, SecretRule, Upstream, REQUIRED_HEADER};
use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode};
use axum::middleware::{self, Next};
use axum::routing::any;
use axum::Router;
use std::sync::Arc;
use std::time::Instant;

pub struct Forwarder {
    config: Config,
    client: reqwest::Client,
}

/// Request headers never passed on: hop-by-hop, ambient credentials, and what identifies the page.
const STRIP_REQUEST: &[&str] = &[
    "host",
    "cookie",
    "origin",
    "referer",
    "connection",
    "keep-alive",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "accept-encoding",
    REQUIRED_HEADER,
];

/// Response headers never relayed (Location is renamed so the browser does not follow it).
const STRIP_RESPONSE: &[&str] = &[
    "set-cookie",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "location",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "vary",
];

impl Forwarder {
    pub fn new(config: Config) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .build()
            .expect("the HTTP client builds with static settings");
        Forwarder { config, client }
    }

    fn upstream(&self, name: &str) -> Option<&Upstream> {
        self.config.upstreams.iter().find(|u| u.name == name)
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        self.config.allowed_origins.iter().any(|o| o == origin)
    }
}

pub fn router(forwarder: Arc<Forwarder>) -> Router {
    Router::new()
        .route("/proxy/_info", axum::routing::get(info))
        .route("/proxy/{upstream}/{*path}", any(forward))
        .route("/proxy/{upstream}/", any(forward_root))
        .layer(middleware::from_fn_with_state(forwarder.clone(), guard))
        .with_state(forwarder)
}

fn json_error(status: StatusCode, message: &str) -> Response<Body> {
    let body = serde_json::json!({ "error": "proxy", "error_description": message }).to_string();
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .expect("static response parts are valid")
}

/// Origin allowlist, the required custom header, CORS answers and preflights.
async fn guard(State(fwd): State<Arc<Forwarder>>, req: Request, next: Next) -> Response<Body> {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    match &origin {
        Some(o) if fwd.origin_allowed(o) => {}
        Some(o) => {
            log_line(req.method(), "-", "(origin refused)", 403, 0);
            return json_error(
                StatusCode::FORBIDDEN,
                &format!("origin {o} is not allowed to use this proxy (see --allow-origin)"),
            );
        }
        None if fwd.config.allow_no_origin => {}
        None => {
            return json_error(
                StatusCode::FORBIDDEN,
                "requests without an Origin header are refused (see --allow-no-origin)",
            )
        }
    }
    if req.method() == Method::OPTIONS {
        let mut resp = Response::new(Body::empty());
        *resp.status_mut() = StatusCode::NO_CONTENT;
        let h = resp.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, PUT, PATCH, DELETE, HEAD"),
        );
        if let Some(asked) = req.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
            h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked.clone());
        }
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        add_cors(h, origin.as_deref());
        return resp;
    }
    if req.headers().get(REQUIRED_HEADER).is_none() {
        let mut resp = json_error(
            StatusCode::FORBIDDEN,
            "the X-Handshake-Proxy header is missing: this proxy only serves Handshake",
        );
        add_cors(resp.headers_mut(), origin.as_deref());
        return resp;
    }
    let mut resp = next.run(req).await;
    add_cors(resp.headers_mut(), origin.as_deref());
    resp
}

fn add_cors(h: &mut HeaderMap, origin: Option<&str>) {
    if let Some(value) = origin.and_then(|o| HeaderValue::from_str(o).ok()) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        h.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("*"),
        );
        h.append(header::VARY, HeaderValue::from_static("Origin"));
    }
}

/// What the app may know about this proxy: the upstream names, and for which clients it holds
/// the secret (never the secret itself).
async fn info(State(fwd): State<Arc<Forwarder>>) -> Response<Body> {
    let body = serde_json::json!({
        "upstreams": fwd.config.upstreams.iter().map(|u| &u.name).collect::<Vec<_>>(),
        "secrets": fwd.config.secrets.iter()
            .map(|r| serde_json::json!({"upstream": r.upstream, "client_id": r.client_id}))
            .collect::<Vec<_>>(),
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(body.to_string()))
        .expect("static response parts are valid")
}

async fn forward_root(
    State(fwd): State<Arc<Forwarder>>,
    Path(upstream): Path<String>,
    req: Request,
) -> Response<Body> {
    relay(fwd, upstream, String::new(), req).await
}

async fn forward(
    State(fwd): State<Arc<Forwarder>>,
    Path((upstream, path)): Path<(String, String)>,
    req: Request,
) -> Response<Body> {
    relay(fwd, upstream, path, req).await
}

async fn relay(fwd: Arc<Forwarder>, name: String, path: String, req: Request) -> Response<Body> {
    let started = Instant::now();
    let method = req.method().clone();
    let Some(upstream) = fwd.upstream(&name).cloned() else {
        let allowed: Vec<&str> = fwd
            .config
            .upstreams
            .iter()
            .map(|u| u.name.as_str())
            .collect();
        log_line(&method, &name, "(unknown upstream)", 404, 0);
        return json_error(
            StatusCode::NOT_FOUND,
            &format!(
                "unknown upstream {name:?}; this proxy forwards only to: {}",
                allowed.join(", ")
            ),
        );
    };
    if path.split('/').any(|seg| seg == ".." || seg == ".") || path.contains('\\') {
        return json_error(
            StatusCode::BAD_REQUEST,
            "dot segments are not allowed in proxied paths",
        );
    }
    let query = req.uri().query().map(str::to_string);
    let (parts, body) = req.into_parts();
    let body = match to_bytes(body, fwd.config.max_body).await {
        Ok(b) => b,
        Err(_) => {
            log_line(&method, &name, &path, 413, started.elapsed().as_millis());
            return json_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!(
                    "request body over the proxy's limit of {} bytes",
                    fwd.config.max_body
                ),
            );
        }
    };
    let rules: Vec<&SecretRule> = fwd
        .config
        .secrets
        .iter()
        .filter(|r| r.upstream == name)
        .collect();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let (query, body) = crate::secrets::inject(&rules, &content_type, query, body);

    let mut url = format!("{}/{}", upstream.base, path);
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        url.push('?');
        url.push_str(&q);
    }
    let mut outgoing = fwd.client.request(method.clone(), &url);
    for (key, value) in parts.headers.iter() {
        let lower = key.as_str();
        if STRIP_REQUEST.contains(&lower)
            || lower.starts_with("sec-")
            || lower.starts_with("access-control-")
        {
            continue;
        }
        outgoing = outgoing.header(key, value);
    }
    if !body.is_empty() {
        outgoing = outgoing.body(body);
    }
    let answer = match outgoing.send().await {
        Ok(a) => a,
        Err(e) => {
            let (status, why) = if e.is_timeout() {
                (
                    StatusCode::GATEWAY_TIMEOUT,
                    format!(
                        "upstream {name} did not answer within {} s",
                        fwd.config.timeout.as_secs()
                    ),
                )
            } else {
                (
                    StatusCode::BAD_GATEWAY,
                    format!("upstream {name} could not be reached ({})", short_error(&e)),
                )
            };
            log_line(
                &method,
                &name,
                &path,
                status.as_u16(),
                started.elapsed().as_millis(),
            );
            return json_error(status, &why);
        }
    };
    let status = answer.status();
    let headers = answer.headers().clone();
    let body = match read_capped(answer, fwd.config.max_response).await {
        Ok(b) => b,
        Err(why) => {
            log_line(&method, &name, &path, 502, started.elapsed().as_millis());
            return json_error(StatusCode::BAD_GATEWAY, &why);
        }
    };
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    let out = resp.headers_mut();
    for (key, value) in headers.iter() {
        if !STRIP_RESPONSE.contains(&key.as_str()) {
            out.append(key, value.clone());
        }
    }
    if let Some(location) = headers.get(header::LOCATION) {
        out.insert(
            HeaderName::from_static("x-upstream-location"),
            location.clone(),
        );
    }
    log_line(
        &method,
        &name,
        &path,
        status.as_u16(),
        started.elapsed().as_millis(),
    );
    resp
}

async fn read_capped(mut answer: reqwest::Response, cap: usize) -> Result<Bytes, String> {
    let mut buf = Vec::new();
    loop {
        match answer.chunk().await {
            Ok(Some(chunk)) => {
                if buf.len() + chunk.len() > cap {
                    return Err(format!(
                        "upstream answer over the proxy's limit of {cap} bytes"
                    ));
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(Bytes::from(buf)),
            Err(e) if e.is_timeout() => return Err("upstream answer timed out".into()),
            Err(e) => return Err(format!("upstream answer broke off ({})", short_error(&e))),
        }
    }
}

fn short_error(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut source: Option<&dyn Error> = e.source();
    let mut last = e.to_string();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

/// One line per request: never the query string, headers or body (they may hold tokens).
fn log_line(method: &Method, upstream: &str, path: &str, status: u16, ms: u128) {
    crate::log::line(format!(
        "proxy {method} {upstream} /{path} -> {status} ({ms} ms)"
    ));
}
