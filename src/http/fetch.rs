// The browser transport: routes a request through the proxy when an upstream covers its host,
// sends it with fetch (no redirects, no cookies, a time limit) and reads the whole answer.

use super::{HttpRequest, HttpResponse, JsText, NetError, LARGE_BODY, PROXY_HEADER};
use crate::config::AppConfig;
use crate::url::HttpUrl;
use send_wrapper::SendWrapper;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestCredentials, RequestInit, RequestRedirect};

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The browser's TextDecoder, returning a JS string (web-sys's copies it into Rust).
    #[wasm_bindgen(js_name = TextDecoder)]
    type Utf8Decoder;
    #[wasm_bindgen(constructor, js_class = "TextDecoder")]
    fn new() -> Utf8Decoder;
    #[wasm_bindgen(method, js_class = "TextDecoder")]
    fn decode(this: &Utf8Decoder, input: &js_sys::ArrayBuffer) -> js_sys::JsString;
}

/// Waits `ms` milliseconds without blocking the page (0: until the browser had its turn).
pub async fn sleep_ms(ms: i32) {
    let tick = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(tick).await;
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

fn js_error(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
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
    if crate::local::is_local(&req.url) {
        return crate::local::send(req).await;
    }
    let (url, via_proxy) = routed_url(req, config)?;
    let timeout = config.request_timeout_seconds;
    let window = web_sys::window().ok_or_else(|| NetError::Network("no window".into()))?;
    let controller = AbortController::new().map_err(|e| NetError::Network(js_error(e)))?;
    let headers = web_sys::Headers::new().map_err(|e| NetError::Network(js_error(e)))?;
    for (name, value) in &req.headers {
        headers
            .append(name, value)
            .map_err(|e| NetError::Refused(format!("header {name}: {}", js_error(e))))?;
    }
    if via_proxy {
        let _ = headers.append(PROXY_HEADER, "1");
    }
    let init = RequestInit::new();
    init.set_method(&req.method);
    init.set_headers(&headers);
    init.set_redirect(RequestRedirect::Manual);
    init.set_credentials(RequestCredentials::Omit);
    init.set_signal(Some(&controller.signal()));
    if let Some(body) = &req.body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = web_sys::Request::new_with_str_and_init(&url, &init)
        .map_err(|e| NetError::Refused(js_error(e)))?;

    let abort = controller.clone();
    let on_timeout = Closure::once(move || abort.abort());
    let timer = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            on_timeout.as_ref().unchecked_ref(),
            (timeout * 1000) as i32,
        )
        .ok();
    let started = now_ms();
    let result = read(JsFuture::from(window.fetch_with_request(&request))).await;
    if let Some(id) = timer {
        window.clear_timeout_with_handle(id);
    }
    drop(on_timeout);
    let mut response = result.map_err(|e| {
        if controller.signal().aborted() {
            NetError::Timeout(timeout)
        } else {
            e
        }
    })?;
    response.elapsed_ms = now_ms() - started;
    Ok(response)
}

async fn read(pending: JsFuture) -> Result<HttpResponse, NetError> {
    let answer: web_sys::Response = pending
        .await
        .map_err(|e| NetError::Network(js_error(e)))?
        .dyn_into()
        .map_err(|_| NetError::Network("fetch did not give a Response".into()))?;
    if answer.type_() == web_sys::ResponseType::Opaqueredirect {
        return Err(NetError::Refused(
            "The server answered with a redirect, which Handshake does not follow for API and token calls.".into(),
        ));
    }
    let mut headers = Vec::new();
    if let Ok(Some(entries)) = js_sys::try_iter(&answer.headers()) {
        for entry in entries.flatten() {
            let pair = js_sys::Array::from(&entry);
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                headers.push((k, v));
            }
        }
    }
    let buffer = answer
        .array_buffer()
        .map_err(|e| NetError::Network(js_error(e)))?;
    let buffer: js_sys::ArrayBuffer = JsFuture::from(buffer)
        .await
        .map_err(|e| NetError::Network(format!("the answer broke off: {}", js_error(e))))?
        .dyn_into()
        .map_err(|_| NetError::Network("the answer body could not be read".into()))?;
    let bytes = buffer.byte_length() as usize;
    let (body, large) = if bytes <= LARGE_BODY {
        let data = js_sys::Uint8Array::new(&buffer).to_vec();
        let text = String::from_utf8(data)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        (text, None)
    } else {
        let text = Utf8Decoder::new().decode(&buffer);
        let large = JsText {
            text: SendWrapper::new(text.into()),
            bytes,
        };
        (String::new(), Some(large))
    };
    Ok(HttpResponse {
        status: answer.status(),
        status_text: answer.status_text(),
        headers,
        body,
        large,
        elapsed_ms: 0.0,
    })
}

/// GETs a resource as text (config.json, the proxy's `_info`); `None` when it is missing,
/// unreachable or not a success.
pub async fn get_text(url: &str, headers: &[(&str, &str)]) -> Option<String> {
    let window = web_sys::window()?;
    let init = RequestInit::new();
    init.set_method("GET");
    init.set_credentials(RequestCredentials::Omit);
    let h = web_sys::Headers::new().ok()?;
    for (name, value) in headers {
        h.append(name, value).ok()?;
    }
    init.set_headers(&h);
    let request = web_sys::Request::new_with_str_and_init(url, &init).ok()?;
    let answer: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !answer.ok() {
        return None;
    }
    JsFuture::from(answer.text().ok()?).await.ok()?.as_string()
}
