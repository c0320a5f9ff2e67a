// Forwarding /proxy/<upstream>/<path> to allowlisted upstreams. The layers (trace, origin,
// CORS, required header, time and size limits) are set up once in `router`; `relay` reads like
// the steps: find the upstream, check the path, read the body, add a secret where a rule says
// so, send, and stream the answer back with its headers cleaned.

use crate::config::{Config, Limits, Upstream};
use crate::error::ProxyError;
use crate::guard::{self, FromAllowedOrigin, OriginPolicy, FORWARDED_METHODS};
use crate::secrets::{self, TokenCall};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Response, StatusCode};
use axum::middleware;
use axum::routing::{any, get};
use axum::{Extension, Router};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tracing::field::Empty;

pub struct Forwarder {
    config: Config,
    client: reqwest::Client,
}

/// Request headers never passed on: hop-by-hop, ambient credentials, what identifies the page,
/// and what could make an upstream or a server behind it see another URL, host or method.
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
    "forwarded",
    "via",
    "x-real-ip",
    "x-original-url",
    "x-rewrite-url",
    "x-http-method-override",
    "x-http-method",
    "x-method-override",
    crate::config::REQUIRED_HEADER,
];
const STRIP_REQUEST_PREFIXES: &[&str] = &["sec-", "access-control-", "x-forwarded-"];

/// Response headers never relayed (Location is renamed so the browser does not follow it).
const STRIP_RESPONSE: &[&str] = &[
    "set-cookie",
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "location",
];

/// Answers to requests that received a secret are read whole (to check them) up to this size.
const INJECTED_ANSWER_MAX: usize = 1 << 20;

/// What the proxy adds to every forwarded request (RFC 9110 §7.6.3); the Sandbox's admin
/// endpoints refuse requests that carry it.
const VIA: &str = "1.1 handshake-proxy";

impl Forwarder {
    pub fn new(config: Config) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.limits.upstream_timeout)
            .build()
            .expect("the HTTP client builds with static settings");
        Forwarder { config, client }
    }

    fn upstream(&self, name: &str) -> Result<&Upstream, ProxyError> {
        self.config
            .upstreams
            .iter()
            .find(|u| u.name == name)
            .ok_or_else(|| ProxyError::UnknownUpstream {
                name: name.to_string(),
                allowed: self
                    .config
                    .upstreams
                    .iter()
                    .map(|u| u.name.clone())
                    .collect(),
            })
    }
}

pub fn router(config: Config) -> Router {
    let limits = config.limits.clone();
    let policy = Arc::new(OriginPolicy {
        allowed: config.allowed_origins.clone(),
        allow_no_origin: config.allow_no_origin,
    });
    let cors = guard::cors(&config.allowed_origins);
    let forwarder = Arc::new(Forwarder::new(config));
    Router::new()
        .route("/proxy/_info", get(info))
        .route("/proxy/{upstream}/", any(relay))
        .route("/proxy/{upstream}/{*rest}", any(relay))
        .fallback(|| async { ProxyError::NotFound })
        .layer(RequestBodyLimitLayer::new(limits.max_body))
        .layer(
            ServiceBuilder::new()
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_request(())
                        .on_response(log_answer)
                        .on_body_chunk(())
                        .on_eos(())
                        .on_failure(()),
                )
                .layer(middleware::from_fn_with_state(policy, guard::origin_gate))
                .layer(cors)
                .layer(middleware::from_fn(guard::require_header))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::GATEWAY_TIMEOUT,
                    limits.body_timeout + limits.upstream_timeout + Duration::from_secs(1),
                )),
        )
        .with_state(forwarder)
}

/// One log line per request: method, path (escaped; never the query), status, time, and
/// whether a secret was added or why the proxy refused. Never headers or bodies.
fn request_span(req: &Request) -> tracing::Span {
    tracing::info_span!(
        "proxy",
        method = %req.method(),
        path = %crate::log::escape(req.uri().path()),
        secret = Empty,
        refused = Empty,
    )
}

fn log_answer(resp: &Response<Body>, latency: Duration, _: &tracing::Span) {
    tracing::info!(
        status = resp.status().as_u16(),
        ms = latency.as_millis() as u64,
        "answered"
    )
}

/// What the app may know about this proxy: the upstream names, and which clients' secrets it
/// holds and where it adds them (never the secret itself). Allowed browser origins only.
async fn info(
    State(fwd): State<Arc<Forwarder>>,
    from: Option<Extension<FromAllowedOrigin>>,
) -> Result<Response<Body>, ProxyError> {
    if from.is_none() {
        return Err(ProxyError::InfoNeedsOrigin);
    }
    let body = serde_json::json!({
        "upstreams": fwd.config.upstreams.iter().map(|u| &u.name).collect::<Vec<_>>(),
        "secrets": fwd.config.secrets.iter().map(|r| r.describe()).collect::<Vec<_>>(),
    });
    Ok(Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(body.to_string()))
        .expect("static response parts are valid"))
}

async fn relay(
    State(fwd): State<Arc<Forwarder>>,
    req: Request,
) -> Result<Response<Body>, ProxyError> {
    let (parts, body) = req.into_parts();
    let limits = &fwd.config.limits;
    // The raw path, not axum's decoded one: it is forwarded exactly as it came.
    let after = parts
        .uri
        .path()
        .strip_prefix("/proxy/")
        .ok_or(ProxyError::NotFound)?;
    let (name, rest) = after.split_at(after.find('/').ok_or(ProxyError::NotFound)?);
    let upstream = fwd.upstream(name)?;
    if !FORWARDED_METHODS.contains(&parts.method) {
        return Err(ProxyError::MethodNotAllowed(parts.method));
    }
    let mut url = crate::target::upstream_url(upstream, rest, parts.uri.query())?;
    let mut body = read_body(body, limits).await?;

    let injection = secrets::inject(
        &fwd.config.secrets,
        &TokenCall {
            method: &parts.method,
            upstream: name,
            path: rest,
            query: parts.uri.query(),
            headers: &parts.headers,
            body: &body,
        },
    )?;
    let mut headers = forwarded_headers(&parts.headers);
    if let Some(injection) = &injection {
        tracing::Span::current().record(
            "secret",
            tracing::field::display(injection.rule.auth.name()),
        );
        url.set_query(injection.query.as_deref());
        body = injection.body.clone();
        if let Some(value) = &injection.authorization {
            let value = HeaderValue::from_str(value).expect("base64 is a valid header value");
            headers.insert(header::AUTHORIZATION, value);
        }
    }
    headers.insert(header::VIA, HeaderValue::from_static(VIA));

    let mut outgoing = fwd.client.request(parts.method, url).headers(headers);
    if !body.is_empty() {
        outgoing = outgoing.body(body);
    }
    let answer = outgoing
        .send()
        .await
        .map_err(|e| upstream_error(name, limits, &e))?;

    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = answer.status();
    *resp.headers_mut() = relayed_headers(answer.headers());
    *resp.body_mut() = match injection {
        // Small, read whole and checked: an upstream that echoes the secret is not relayed.
        Some(injection) => {
            let bytes = read_capped(answer, limits.max_response.min(INJECTED_ANSWER_MAX)).await?;
            let in_headers = resp
                .headers()
                .iter()
                .any(|(_, v)| injection.rule.leaks_into(v.as_bytes()));
            if in_headers || injection.rule.leaks_into(&bytes) {
                return Err(ProxyError::SecretInAnswer);
            }
            Body::from(bytes)
        }
        None => stream_capped(answer, limits.max_response)?,
    };
    Ok(resp)
}

async fn read_body(body: Body, limits: &Limits) -> Result<Bytes, ProxyError> {
    match tokio::time::timeout(
        limits.body_timeout,
        axum::body::to_bytes(body, limits.max_body),
    )
    .await
    {
        Err(_) => Err(ProxyError::BodyTimeout(limits.body_timeout)),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) if is_length_limit(&e) => Err(ProxyError::BodyTooLarge(limits.max_body)),
        Ok(Err(e)) => Err(ProxyError::UnreadableTokenRequest(format!(
            "the request body broke off ({e})"
        ))),
    }
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// The request's headers minus those the proxy never passes on, including any named in its
/// `Connection` header (RFC 9110 §7.6.1).
fn forwarded_headers(incoming: &HeaderMap) -> HeaderMap {
    let named = connection_named(incoming);
    let mut out = HeaderMap::new();
    for (name, value) in incoming {
        let n = name.as_str();
        let stripped = STRIP_REQUEST.contains(&n)
            || STRIP_REQUEST_PREFIXES.iter().any(|p| n.starts_with(p))
            || named.iter().any(|c| c == n);
        if !stripped {
            out.append(name, value.clone());
        }
    }
    out
}

fn relayed_headers(upstream: &reqwest::header::HeaderMap) -> HeaderMap {
    let named = connection_named(upstream);
    let mut out = HeaderMap::new();
    for (name, value) in upstream {
        let n = name.as_str();
        if STRIP_RESPONSE.contains(&n)
            || n.starts_with("access-control-")
            || named.iter().any(|c| c == n)
        {
            continue;
        }
        out.append(name, value.clone());
    }
    if let Some(location) = upstream.get(header::LOCATION) {
        out.insert(
            HeaderName::from_static("x-upstream-location"),
            location.clone(),
        );
    }
    out
}

fn connection_named(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect()
}

fn upstream_error(name: &str, limits: &Limits, e: &reqwest::Error) -> ProxyError {
    if e.is_timeout() {
        ProxyError::UpstreamTimeout {
            name: name.to_string(),
            after: limits.upstream_timeout,
        }
    } else {
        ProxyError::UpstreamUnreachable {
            name: name.to_string(),
            why: innermost(e),
        }
    }
}

async fn read_capped(mut answer: reqwest::Response, cap: usize) -> Result<Bytes, ProxyError> {
    let mut buf = Vec::new();
    loop {
        match answer.chunk().await {
            Ok(Some(chunk)) if buf.len() + chunk.len() > cap => {
                return Err(ProxyError::AnswerTooLarge(cap))
            }
            Ok(Some(chunk)) => buf.extend_from_slice(&chunk),
            Ok(None) => return Ok(Bytes::from(buf)),
            Err(e) => return Err(ProxyError::AnswerBrokeOff(innermost(&e))),
        }
    }
}

/// The answer as a stream, so no answer is held whole in memory. One announced over `cap` is
/// refused; one that grows over it on the way is cut off (the browser sees a broken body).
fn stream_capped(answer: reqwest::Response, cap: usize) -> Result<Body, ProxyError> {
    if answer.content_length().is_some_and(|n| n > cap as u64) {
        return Err(ProxyError::AnswerTooLarge(cap));
    }
    let mut sent = 0usize;
    let stream = answer.bytes_stream().map(move |chunk| {
        let chunk = chunk.map_err(|e| std::io::Error::other(innermost(&e)))?;
        sent += chunk.len();
        if sent > cap {
            tracing::warn!(cap, "answer cut off at the size limit");
            return Err(std::io::Error::other(
                ProxyError::AnswerTooLarge(cap).message(),
            ));
        }
        Ok(chunk)
    });
    Ok(Body::from_stream(stream))
}

fn innermost(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut source: Option<&dyn Error> = e.source();
    let mut last = e.to_string();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}
