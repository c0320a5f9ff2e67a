// The HTTP side: binds the listener, builds the router for the chosen mode, and adapts
// the transport-free Sandbox to axum (clock and CSPRNG supplied here).

use crate::config::Config;
use crate::forward::{self, Forwarder};
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, Response, StatusCode};
use axum::Router;
use handshake_sandbox::{Random, Sandbox};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;

/// The OS CSPRNG behind the Sandbox's token and code generation.
struct OsRandom;

impl Random for OsRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        use rand::TryRngCore;
        rand::rngs::OsRng
            .try_fill_bytes(buf)
            .expect("the OS random source works");
    }
}

pub type SharedSandbox = Arc<Mutex<Sandbox>>;

pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Builds the router for `config` (Sandbox or forwarder).
pub fn app(config: &Config) -> Result<Router, String> {
    if config.sandbox {
        let sandbox_config = match &config.sandbox_config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("--sandbox-config {path}: cannot read it: {e}"))?;
                handshake_sandbox::Config::from_json(&text)
                    .map_err(|e| format!("--sandbox-config {path}: {e}"))?
            }
            None => handshake_sandbox::Config::default(),
        };
        let sandbox: SharedSandbox =
            Arc::new(Mutex::new(Sandbox::new(sandbox_config, Box::new(OsRandom))));
        Ok(Router::new().fallback(sandbox_handler).with_state(sandbox))
    } else {
        Ok(forward::router(Arc::new(Forwarder::new(config.clone()))))
    }
}

/// The Sandbox over HTTP: every request goes to the transport-free core.
pub fn sandbox_router(config: handshake_sandbox::Config) -> Router {
    let sandbox: SharedSandbox = Arc::new(Mutex::new(Sandbox::new(config, Box::new(OsRandom))));
    Router::new().fallback(sandbox_handler).with_state(sandbox)
}

/// Binds, prints `listening on http://ADDR` (tests read it), and serves until Ctrl-C/SIGTERM.
pub async fn run(config: Config) -> Result<(), String> {
    let router = app(&config)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let mode = if config.sandbox { "sandbox" } else { "proxy" };
    println!("listening on http://{addr} ({mode})");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .map_err(|e| e.to_string())
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("SIGTERM handler installs");
        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

async fn sandbox_handler(
    State(sandbox): State<SharedSandbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let Ok(body) = to_bytes(body, 16 << 20).await else {
        return Response::builder()
            .status(StatusCode::PAYLOAD_TOO_LARGE)
            .body(Body::from("request body too large"))
            .expect("static response");
    };
    // The admin surface answers loopback peers only.
    if parts.uri.path().starts_with("/_sandbox/") && !peer.ip().is_loopback() {
        return Response::builder()
            .status(StatusCode::FORBIDDEN)
            .body(Body::from(
                "the Sandbox admin endpoints answer loopback clients only",
            ))
            .expect("static response");
    }
    let request = handshake_sandbox::Request {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        headers: parts
            .headers
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect(),
        body: body.to_vec(),
    };
    let answer = sandbox
        .lock()
        .map(|mut s| s.handle(&request, now_millis()))
        .unwrap_or_else(|_| handshake_sandbox::Response::new(500));
    if answer.delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(answer.delay_ms)).await;
    }
    let mut resp = Response::new(Body::from(answer.body));
    *resp.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in answer.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(k), HeaderValue::try_from(v)) {
            resp.headers_mut().append(name, value);
        }
    }
    resp
}
