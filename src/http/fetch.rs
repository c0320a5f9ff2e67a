// The browser's fetch through gloo-net: no redirects followed, no cookies, a time limit, and
// the whole answer read. A body over `LARGE_BODY` stays a browser string (decoded by
// TextDecoder, never copied into Rust) and comes back beside the answer.

use super::{JsText, LARGE_BODY};
use crate::platform::elapsed_ms;
use crate::wire::{is_header_name, is_header_value, HttpRequest, HttpResponse, NetError};
use gloo_net::http::{Request, RequestBuilder};
use send_wrapper::SendWrapper;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestCredentials, RequestRedirect};

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

fn js_error(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

fn gloo_error(e: gloo_net::Error) -> String {
    match e {
        gloo_net::Error::JsError(js) => js.message,
        other => other.to_string(),
    }
}

/// Aborts a request after `seconds` unless dropped first.
struct Deadline {
    controller: AbortController,
    timer: Option<i32>,
    _on_timeout: Closure<dyn FnMut()>,
}

impl Deadline {
    fn new(seconds: u32) -> Result<Deadline, NetError> {
        let controller = AbortController::new().map_err(|e| NetError::Network(js_error(e)))?;
        let abort = controller.clone();
        let on_timeout = Closure::<dyn FnMut()>::new(move || abort.abort());
        let timer = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                on_timeout.as_ref().unchecked_ref(),
                (seconds.min(600) * 1000) as i32,
            )
            .ok()
        });
        Ok(Deadline {
            controller,
            timer,
            _on_timeout: on_timeout,
        })
    }

    fn expired(&self) -> bool {
        self.controller.signal().aborted()
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let (Some(w), Some(id)) = (web_sys::window(), self.timer) {
            w.clear_timeout_with_handle(id);
        }
    }
}

/// Checks what the browser would otherwise throw on: header names and values.
fn checked_headers(req: &HttpRequest) -> Result<(), NetError> {
    for (name, value) in &req.headers {
        if !is_header_name(name) {
            return Err(NetError::Refused(format!(
                "{name:?} is not a valid header name (letters, digits and -, no spaces)."
            )));
        }
        if !is_header_value(value) {
            return Err(NetError::Refused(format!(
                "The value of {name} holds a line break or another control character."
            )));
        }
    }
    if req.body.is_some() && !req.method.sends_body() && req.method != crate::wire::Method::Delete {
        return Err(NetError::Refused(format!(
            "A {} request cannot carry a body in a browser; remove the body or use POST, PUT or PATCH.",
            req.method
        )));
    }
    Ok(())
}

/// Sends `req` to `url` (the routed address, which may be the proxy's); `extra` headers are
/// added (the proxy's required one). An answer of any status is `Ok`.
pub async fn send(
    req: &HttpRequest,
    url: &str,
    extra: &[(&str, &str)],
    timeout_seconds: u32,
) -> Result<(HttpResponse, Option<JsText>), NetError> {
    checked_headers(req)?;
    let deadline = Deadline::new(timeout_seconds)?;
    let mut builder = RequestBuilder::new(url)
        .method(to_http(req.method))
        .redirect(RequestRedirect::Manual)
        .credentials(RequestCredentials::Omit)
        .abort_signal(Some(&deadline.controller.signal()));
    for (name, value) in req
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .chain(extra.iter().copied())
    {
        builder = builder.header(name, value);
    }
    let request: Request = match &req.body {
        Some(body) => builder.body(body.as_str()),
        None => builder.build(),
    }
    .map_err(|e| NetError::Refused(gloo_error(e)))?;
    let started = elapsed_ms();
    let result = async {
        let answer = request
            .send()
            .await
            .map_err(|e| NetError::Network(gloo_error(e)))?;
        read(answer.into()).await
    }
    .await;
    let (mut response, large) = result.map_err(|e| {
        if deadline.expired() {
            NetError::Timeout(timeout_seconds)
        } else {
            e
        }
    })?;
    response.elapsed_ms = elapsed_ms() - started;
    Ok((response, large))
}

fn to_http(method: crate::wire::Method) -> gloo_net::http::Method {
    use crate::wire::Method as M;
    use gloo_net::http::Method as G;
    match method {
        M::Get => G::GET,
        M::Post => G::POST,
        M::Put => G::PUT,
        M::Patch => G::PATCH,
        M::Delete => G::DELETE,
        M::Head => G::HEAD,
        M::Options => G::OPTIONS,
    }
}

async fn read(answer: web_sys::Response) -> Result<(HttpResponse, Option<JsText>), NetError> {
    if answer.type_() == web_sys::ResponseType::Opaqueredirect {
        return Err(NetError::Refused(
            "The server answered with a redirect, which Handshake does not follow for API and token calls.".into(),
        ));
    }
    let headers: Vec<(String, String)> = gloo_net::http::Headers::from_raw(answer.headers())
        .entries()
        .collect();
    let buffer = answer
        .array_buffer()
        .map_err(|e| NetError::Network(js_error(e)))?;
    let buffer: js_sys::ArrayBuffer = JsFuture::from(buffer)
        .await
        .map_err(|e| NetError::Network(format!("the answer broke off: {}", js_error(e))))?
        .dyn_into()
        .map_err(|_| NetError::Network("the answer body could not be read".into()))?;
    let size = buffer.byte_length() as usize;
    let (body, large) = if size <= LARGE_BODY {
        let data = js_sys::Uint8Array::new(&buffer).to_vec();
        let text = String::from_utf8(data)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        (text, None)
    } else {
        let text = Utf8Decoder::new().decode(&buffer);
        let large = JsText {
            text: SendWrapper::new(text.into()),
            bytes: size,
        };
        (String::new(), Some(large))
    };
    let response = HttpResponse {
        status: answer.status(),
        status_text: answer.status_text(),
        headers,
        body,
        size,
        elapsed_ms: 0.0,
    };
    Ok((response, large))
}

/// GETs a small resource as text (config.json, the proxy's `_info`) within `seconds`; `None`
/// when it is missing, unreachable, too slow or not a success.
pub async fn get_text(url: &str, headers: &[(&str, &str)], seconds: u32) -> Option<String> {
    let deadline = Deadline::new(seconds).ok()?;
    let mut builder = RequestBuilder::new(url)
        .credentials(RequestCredentials::Omit)
        .abort_signal(Some(&deadline.controller.signal()));
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let answer = builder.send().await.ok()?;
    if !answer.ok() {
        return None;
    }
    answer.text().await.ok()
}

/// Whether anything answers at `url` within `seconds` (a `no-cors` GET: the answer itself
/// stays unreadable, only that one came matters). For a server the page cannot read, like the
/// Sandbox's own origin.
pub async fn answers(url: &str, seconds: u32) -> bool {
    let Ok(deadline) = Deadline::new(seconds) else {
        return false;
    };
    // (`no-cors` requires the default redirect mode, `follow`.)
    RequestBuilder::new(url)
        .mode(web_sys::RequestMode::NoCors)
        .credentials(RequestCredentials::Omit)
        .abort_signal(Some(&deadline.controller.signal()))
        .send()
        .await
        .is_ok()
}

/// GETs `url` within `seconds`: the status and text of any answer, `None` when none came.
pub async fn get_answer(
    url: &str,
    headers: &[(&str, &str)],
    seconds: u32,
) -> Option<(u16, String)> {
    let deadline = Deadline::new(seconds).ok()?;
    let mut builder = RequestBuilder::new(url)
        .credentials(RequestCredentials::Omit)
        .redirect(RequestRedirect::Manual)
        .abort_signal(Some(&deadline.controller.signal()));
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let answer = builder.send().await.ok()?;
    let status = answer.status();
    Some((status, answer.text().await.unwrap_or_default()))
}

/// Whether the browser may read an answer to `req` sent straight to its URL (CORS, preflight
/// included), no credentials, within `seconds`; `None` when the time ran out.
pub async fn readable(req: &HttpRequest, seconds: u32) -> Option<bool> {
    let deadline = Deadline::new(seconds).ok()?;
    let mut builder = RequestBuilder::new(&req.url)
        .method(to_http(req.method))
        .credentials(RequestCredentials::Omit)
        .redirect(RequestRedirect::Manual)
        .abort_signal(Some(&deadline.controller.signal()));
    for (name, value) in &req.headers {
        builder = builder.header(name, value);
    }
    let request = match &req.body {
        Some(body) => builder.body(body.as_str()),
        None => builder.build(),
    }
    .ok()?;
    match request.send().await {
        Ok(answer) if answer.type_() == web_sys::ResponseType::Opaqueredirect => None,
        Ok(_) => Some(true),
        Err(_) if deadline.expired() => None,
        Err(_) => Some(false),
    }
}
