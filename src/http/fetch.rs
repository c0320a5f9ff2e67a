// The browser transport: routes a request through the proxy when an upstream
// covers its host, sends it with fetch (no redirects, no cookies, time limit) and reads the answer.

use super::{HttpRequest, HttpResponse, NetError, PROXY_HEADER};
use crate::config::AppConfig;
use crate::url::HttpUrl;
use gloo_net::http::{Method, RequestBuilder};
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{AbortController, RequestCredentials, RequestRedirect};

const TIMEOUT_SECONDS: u32 = 30;

fn method(name: &str) -> Result<Method, NetError> {
    Method::from_bytes(name.as_bytes())
        .map_err(|_| NetError::Refused(format!("{name:?} is not an HTTP method")))
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Where a request actually goes: the proxy URL when an upstream covers the target.
pub fn routed_url(req: &HttpRequest, config: &AppConfig) -> Result<(String, bool), NetError> {
    let target = HttpUrl::parse(&req.url).map_err(|e| NetError::Refused(e.to_string()))?;
    Ok(match config.proxied(&target) {
        Some(url) => (url, true),
        None => (target.to_string(), false),
    })
}

/// Sends `req`; an HTTP answer of any status is `Ok`, only a missing answer is `Err`.
pub async fn send(req: &HttpRequest, config: &AppConfig) -> Result<HttpResponse, NetError> {
    let (url, via_proxy) = routed_url(req, config)?;
    let controller = AbortController::new()
        .map_err(|_| NetError::Network("AbortController unavailable".into()))?;
    let mut builder = RequestBuilder::new(&url)
        .method(method(&req.method)?)
        .redirect(RequestRedirect::Manual)
        .credentials(RequestCredentials::Omit)
        .abort_signal(Some(&controller.signal()));
    for (name, value) in &req.headers {
        builder = builder.header(name, value);
    }
    if via_proxy {
        builder = builder.header(PROXY_HEADER, "1");
    }
    let request = match &req.body {
        Some(body) => builder.body(body.as_str()),
        None => builder.build(),
    }
    .map_err(|e| NetError::Refused(e.to_string()))?;

    let abort = controller.clone();
    let on_timeout = Closure::once(move || abort.abort());
    let timer = web_sys::window().and_then(|w| {
        w.set_timeout_with_callback_and_timeout_and_arguments_0(
            on_timeout.as_ref().unchecked_ref(),
            (TIMEOUT_SECONDS * 1000) as i32,
        )
        .ok()
    });
    let started = now_ms();
    let result = read(request).await;
    if let (Some(id), Some(w)) = (timer, web_sys::window()) {
        w.clear_timeout_with_handle(id);
    }
    drop(on_timeout);
    let mut response = result.map_err(|e| {
        if controller.signal().aborted() {
            NetError::Timeout(TIMEOUT_SECONDS)
        } else {
            e
        }
    })?;
    response.elapsed_ms = now_ms() - started;
    Ok(response)
}

async fn read(request: gloo_net::http::Request) -> Result<HttpResponse, NetError> {
    let answer = request
        .send()
        .await
        .map_err(|e| NetError::Network(e.to_string()))?;
    if answer.type_() == web_sys::ResponseType::Opaqueredirect {
        return Err(NetError::Refused(
            "The server answered with a redirect, which Handshake does not follow for API and token calls.".into(),
        ));
    }
    let headers: Vec<(String, String)> = answer.headers().entries().collect();
    let body = answer
        .text()
        .await
        .map_err(|e| NetError::Network(format!("the answer broke off: {e}")))?;
    Ok(HttpResponse {
        status: answer.status(),
        status_text: answer.status_text(),
        headers,
        body,
        elapsed_ms: 0.0,
    })
}
