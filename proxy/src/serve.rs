// The HTTP side: binds the listener and serves the router for the chosen mode (forwarder or
// Sandbox) with a connection cap and a header-read timeout, which axum::serve does not offer;
// and adapts the transport-free Sandbox to axum (clock and CSPRNG supplied here).

use crate::config::{Config, Limits};
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, HeaderValue, Response, StatusCode};
use axum::Router;
use handshake_sandbox::{Random, Sandbox};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

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
    if !config.sandbox {
        return Ok(crate::forward::router(config.clone()));
    }
    let sandbox_config = match &config.sandbox_config {
        Some(path) => {
            let shown = path.display();
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--sandbox-config {shown}: cannot read it: {e}"))?;
            handshake_sandbox::Config::from_json(&text)
                .map_err(|e| format!("--sandbox-config {shown}: {e}"))?
        }
        None => handshake_sandbox::Config::default(),
    };
    Ok(sandbox_router(sandbox_config))
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
    let limits = fit_file_limit(&config.limits);
    println!("listening on http://{addr} ({mode})");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    serve(listener, router, &limits, shutdown()).await;
    Ok(())
}

/// Serves `router` until `signal`: at most `max_connections` at once (the rest wait in the
/// kernel's queue), each closed when a request head does not arrive within `header_timeout` of
/// the connection being ready for one (new, idle keep-alive and slow-header connections alike).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &Limits,
    signal: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let mut signal = std::pin::pin!(signal);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut signal => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors or a reset before accept: wait, then go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            });
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(5)) => {}
    }
}

/// Raises the soft limit on open files so the connection cap can be reached (each forwarded
/// connection also needs one upstream socket); lowers the cap when the hard limit is too low.
fn fit_file_limit(limits: &Limits) -> Limits {
    let mut limits = limits.clone();
    #[cfg(unix)]
    {
        let wanted = (limits.max_connections as u64) * 2 + 64;
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit only read and write the struct we pass.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                return limits;
            }
            if to_u64(lim.rlim_cur) < wanted {
                lim.rlim_cur = (wanted as libc::rlim_t).min(lim.rlim_max);
                libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
                libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
            }
        }
        let fits = (to_u64(lim.rlim_cur).saturating_sub(64) / 2) as usize;
        if fits < limits.max_connections {
            eprintln!(
                "handshake-proxy: the open-file limit ({}) allows {fits} connections, not {}",
                lim.rlim_cur, limits.max_connections
            );
            limits.max_connections = fits.max(1);
        }
    }
    limits
}

/// `rlim_t` is u64 on Linux and macOS, i64 elsewhere.
#[cfg(unix)]
#[allow(clippy::unnecessary_cast)]
fn to_u64(n: libc::rlim_t) -> u64 {
    n as u64
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

/// Headers a proxy adds (RFC 9110 §7.6.3 and the de-facto ones): an admin call carrying one
/// came through a proxy, even one running on this machine.
const PROXIED: [&str; 3] = ["via", "forwarded", "x-forwarded-for"];

/// The header every admin call must carry: a page on another site cannot send it without a
/// CORS preflight, which the Sandbox never grants for `/_sandbox/`.
pub const ADMIN_HEADER: &str = "x-sandbox-admin";

/// Why an admin call is refused, if it is: the admin surface answers loopback peers that call it
/// directly, on purpose (not through a proxy, not from a browser page on another site).
fn admin_refusal(parts: &axum::http::request::Parts, peer: SocketAddr) -> Option<&'static str> {
    let h = &parts.headers;
    if !peer.ip().is_loopback() {
        return Some("the Sandbox admin endpoints answer loopback clients only");
    }
    if PROXIED.iter().any(|name| h.contains_key(*name)) {
        return Some("the Sandbox admin endpoints are not reachable through a proxy");
    }
    let fetch_site = h.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if h.contains_key("origin") || fetch_site.is_some_and(|s| s != "none" && s != "same-origin") {
        return Some("the Sandbox admin endpoints do not answer web pages");
    }
    if !h.contains_key(ADMIN_HEADER) {
        return Some("send the header X-Sandbox-Admin: 1 with Sandbox admin calls");
    }
    None
}

async fn sandbox_handler(
    State(sandbox): State<SharedSandbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    if parts.uri.path().starts_with("/_sandbox/") {
        if let Some(why) = admin_refusal(&parts, peer) {
            return Response::builder()
                .status(StatusCode::FORBIDDEN)
                .body(Body::from(why))
                .expect("static response");
        }
    }
    let Ok(body) = to_bytes(body, 16 << 20).await else {
        return Response::builder()
            .status(StatusCode::PAYLOAD_TOO_LARGE)
            .body(Body::from("request body too large"))
            .expect("static response");
    };
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
        tokio::time::sleep(Duration::from_millis(answer.delay_ms)).await;
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
