// Who may use the proxy: allowlisted browser origins (or, if allowed, no Origin at all), and only
// requests carrying X-Handshake-Proxy. CORS answers come from tower-http for those origins only.

use crate::config::REQUIRED_HEADER;
use crate::error::ProxyError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer, ExposeHeaders};

/// The methods the proxy forwards; TRACE, CONNECT and the rest are refused.
pub const FORWARDED_METHODS: [Method; 6] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

pub struct OriginPolicy {
    pub allowed: Vec<String>,
    pub allow_no_origin: bool,
}

impl OriginPolicy {
    fn allows(&self, origin: &[u8]) -> bool {
        self.allowed.iter().any(|o| o.as_bytes() == origin)
    }

    /// A browser's same-origin GET carries no Origin, but says `Sec-Fetch-Site: same-origin`
    /// (a header pages cannot set); it counts when its Host is an allowed origin's.
    fn same_origin(&self, req: &Request) -> bool {
        let h = req.headers();
        let same = h.get("sec-fetch-site").is_some_and(|v| v == "same-origin");
        let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
        same && host.is_some_and(|host| {
            self.allowed.iter().any(|o| {
                o.split_once("://")
                    .is_some_and(|(_, authority)| authority == host)
            })
        })
    }
}

/// Marks a request from an allowed browser origin (not merely one let in by --allow-no-origin).
#[derive(Clone, Copy, Debug)]
pub struct FromAllowedOrigin;

/// Refuses unknown origins before anything else runs (no CORS headers: the page learns nothing).
pub async fn origin_gate(
    State(policy): State<Arc<OriginPolicy>>,
    mut req: Request,
    next: Next,
) -> Result<Response, ProxyError> {
    match req.headers().get(header::ORIGIN) {
        Some(origin) if policy.allows(origin.as_bytes()) => {
            req.extensions_mut().insert(FromAllowedOrigin);
        }
        Some(origin) => {
            return Err(ProxyError::OriginRefused(
                String::from_utf8_lossy(origin.as_bytes()).into_owned(),
            ))
        }
        None if policy.same_origin(&req) => {
            req.extensions_mut().insert(FromAllowedOrigin);
        }
        None if policy.allow_no_origin => {}
        None => return Err(ProxyError::NoOrigin),
    }
    Ok(next.run(req).await)
}

/// Requires the custom header, which no form post or simple cross-site request can carry.
pub async fn require_header(req: Request, next: Next) -> Result<Response, ProxyError> {
    if req.headers().contains_key(REQUIRED_HEADER) {
        Ok(next.run(req).await)
    } else {
        Err(ProxyError::MissingHeader)
    }
}

/// CORS for the allowed origins: preflights answered here, answers readable by the page.
pub fn cors(allowed: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = allowed
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods(FORWARDED_METHODS.to_vec())
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(ExposeHeaders::any())
        .max_age(Duration::from_secs(600))
}
