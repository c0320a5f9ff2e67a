// The Sandbox inside the page: requests to `IN_PAGE_SANDBOX` are answered by the same
// transport-free core that `handshake-proxy --sandbox` serves, with no server and no network,
// so a static deployment (GitHub Pages) works end to end. The core is a second WebAssembly
// module (crate `local/`), loaded the first time it is needed, so the first load of the app
// does not carry it. Its state survives page loads (the authorize redirect is one) as a
// journal in sessionStorage: a random seed and every state-changing request, replayed in order.

use crate::wire::{HttpRequest, HttpResponse};
use serde::Deserialize;

/// Where the app draws the in-page Sandbox's consent screen, relative to the page base.
pub const CONSENT_PATH: &str = "sandbox-authorize";

/// The module Trunk builds from `local/` (a worker-type asset: not hashed, not auto-loaded).
const MODULE: &str = "handshake-local.js";
const MODULE_WASM: &str = "handshake-local_bg.wasm";

/// The Sandbox's answer, as the module returns it.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub delay_ms: u64,
    pub changed: bool,
}

/// A demo account offered on the consent screen.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Account {
    pub key: String,
    pub name: String,
    pub email: String,
}

/// A requested scope and what it lets the application do, in the provider's words.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ScopeLine {
    pub name: String,
    pub meaning: String,
}

/// What the authorize endpoint makes of a request, before the consent screen.
#[derive(Clone, Debug, PartialEq)]
pub enum ConsentCheck {
    Ask {
        client_id: String,
        scopes: Vec<ScopeLine>,
        accounts: Vec<Account>,
    },
    /// Back to the client with an error (the redirect URI is trusted).
    Redirect { to: String },
    /// Stop: the redirect URI cannot be trusted.
    Refuse { title: String, detail: String },
}

/// The module's JSON for a `ConsentCheck` (`{"kind": …}` and the variant's fields), read as a
/// plain struct: a tagged-enum reader would add kilobytes to the app's first load.
#[derive(Deserialize)]
struct ConsentJson {
    kind: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    scopes: Vec<ScopeLine>,
    #[serde(default)]
    accounts: Vec<Account>,
    #[serde(default)]
    to: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    detail: String,
}

impl ConsentCheck {
    pub fn from_json(text: &str) -> Result<ConsentCheck, String> {
        let j: ConsentJson = serde_json::from_str(text).map_err(|e| e.to_string())?;
        match j.kind.as_str() {
            "ask" => Ok(ConsentCheck::Ask {
                client_id: j.client_id,
                scopes: j.scopes,
                accounts: j.accounts,
            }),
            "redirect" => Ok(ConsentCheck::Redirect { to: j.to }),
            "refuse" => Ok(ConsentCheck::Refuse {
                title: j.title,
                detail: j.detail,
            }),
            other => Err(format!("unknown consent answer {other:?}")),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// The Sandbox's answer as the app's transport would have read it.
pub fn to_http(answer: Answer) -> HttpResponse {
    let mut response = HttpResponse::new(
        answer.status,
        answer
            .headers
            .into_iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v))
            .collect(),
        answer.body,
    );
    response.status_text = reason(answer.status).into();
    response
}

/// The page's one Sandbox (browser only).
mod browser {
    use super::*;
    use crate::platform::{random_bytes, session_storage, sleep_ms, KeyValue};
    use crate::session::keys;
    use futures::future::{FutureExt, LocalBoxFuture, Shared};
    use std::cell::RefCell;
    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen::{JsCast, JsValue};

    #[wasm_bindgen(
        inline_js = "export async function openLocalSandbox(js, wasm, journal, redirect) {
        const m = await import(js);
        await m.default({ module_or_path: wasm });
        return new m.LocalSandbox(journal, redirect);
    }"
    )]
    extern "C" {
        #[wasm_bindgen(catch, js_name = openLocalSandbox)]
        async fn open_local_sandbox(
            js: &str,
            wasm: &str,
            journal: &str,
            redirect: &str,
        ) -> Result<JsValue, JsValue>;

        type LocalSandbox;
        #[wasm_bindgen(method)]
        fn handle(
            this: &LocalSandbox,
            method: &str,
            target: &str,
            headers: &str,
            body: &str,
            now: f64,
        ) -> String;
        #[wasm_bindgen(method)]
        fn journal(this: &LocalSandbox) -> String;
        #[wasm_bindgen(method)]
        fn consent(this: &LocalSandbox, query: &str) -> String;
    }

    type Loading =
        Shared<LocalBoxFuture<'static, Result<send_wrapper::SendWrapper<JsValue>, String>>>;

    thread_local! {
        static PROBLEM: RefCell<Option<String>> = const { RefCell::new(None) };
        static LOADING: RefCell<Option<Loading>> = const { RefCell::new(None) };
        static PAGE: RefCell<(String, String)> = const { RefCell::new((String::new(), String::new())) };
    }

    fn key() -> String {
        keys::in_page_sandbox()
    }

    /// A storage failure the Sandbox met since it was last asked (said once).
    pub fn take_problem() -> Option<String> {
        PROBLEM.with(|p| p.borrow_mut().take())
    }

    /// Tells the Sandbox where the page lives (its base URL) and which callback it answers on.
    pub fn set_page(page_base: &str, redirect_uri: &str) {
        PAGE.with(|p| *p.borrow_mut() = (page_base.to_string(), redirect_uri.to_string()));
    }

    fn saved_journal() -> String {
        session_storage().get(&key()).unwrap_or_else(|| {
            let seed = u64::from_le_bytes(random_bytes::<8>());
            format!("{{\"seed\":{seed},\"entries\":[]}}")
        })
    }

    /// The Sandbox, loading its module and replaying the journal the first time.
    async fn sandbox() -> Result<LocalSandbox, String> {
        let loading = LOADING.with(|cell| {
            cell.borrow_mut()
                .get_or_insert_with(|| {
                    let (base, redirect) = PAGE.with(|p| p.borrow().clone());
                    async move {
                        let js = format!("{base}{MODULE}");
                        let wasm = format!("{base}{MODULE_WASM}");
                        open_local_sandbox(&js, &wasm, &saved_journal(), &redirect)
                            .await
                            .map(send_wrapper::SendWrapper::new)
                            .map_err(|e| {
                                format!(
                                    "The in-browser Sandbox could not start: {}",
                                    e.as_string().unwrap_or_else(|| format!("{e:?}"))
                                )
                            })
                    }
                    .boxed_local()
                    .shared()
                })
                .clone()
        });
        let result = loading.await;
        if result.is_err() {
            // Let a later call try again (e.g. after the network came back).
            LOADING.with(|cell| *cell.borrow_mut() = None);
        }
        result.map(|js| (*js).clone().unchecked_into())
    }

    /// Answers `req` (at `target`, its path and query) in the page, waiting as long as an
    /// injected fault asks. The journal is saved after each change.
    pub async fn send(
        req: &HttpRequest,
        target: &str,
    ) -> Result<HttpResponse, crate::wire::NetError> {
        let sandbox = sandbox().await.map_err(crate::wire::NetError::Network)?;
        let started = js_sys::Date::now();
        let headers = serde_json::to_string(&req.headers).unwrap_or_default();
        let text = sandbox.handle(
            req.method.as_str(),
            target,
            &headers,
            req.body.as_deref().unwrap_or(""),
            started,
        );
        let answer: Answer = serde_json::from_str(&text).map_err(|e| {
            crate::wire::NetError::Network(format!("the in-browser Sandbox answered badly: {e}"))
        })?;
        if answer.changed {
            if let Err(e) = session_storage().set(&key(), &sandbox.journal()) {
                PROBLEM.with(|p| {
                    *p.borrow_mut() = Some(format!(
                        "the in-browser Sandbox could not save its state ({}): its records live on in this page until a reload",
                        e.0
                    ))
                });
            }
        }
        if answer.delay_ms > 0 {
            sleep_ms(answer.delay_ms.min(60_000) as i32).await;
        }
        let mut http = to_http(answer);
        http.elapsed_ms = js_sys::Date::now() - started;
        Ok(http)
    }

    /// Checks an authorize query (without `?`) before drawing the consent screen.
    pub async fn consent(query: &str) -> Result<ConsentCheck, String> {
        let sandbox = sandbox().await?;
        ConsentCheck::from_json(&sandbox.consent(query))
    }
}

pub use browser::{consent, send, set_page, take_problem};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_convert_with_lower_case_headers() {
        let http = to_http(Answer {
            status: 404,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: r#"{"a":1}"#.into(),
            delay_ms: 0,
            changed: false,
        });
        assert_eq!(http.status, 404);
        assert_eq!(http.status_text, "Not Found");
        assert_eq!(http.header_value("content-type"), Some("application/json"));
        assert_eq!(http.body, r#"{"a":1}"#);
    }

    #[test]
    fn consent_checks_read_what_the_module_writes() {
        // The module's JSON (crate `local/`, serialising handshake_sandbox's ConsentCheck).
        let module = handshake_sandbox::academy::ConsentCheck::Redirect {
            to: "https://x/cb?error=e".into(),
        };
        let text = serde_json::to_string(&module).unwrap();
        assert_eq!(
            ConsentCheck::from_json(&text).unwrap(),
            ConsentCheck::Redirect {
                to: "https://x/cb?error=e".into(),
            }
        );
        let local = handshake_sandbox::journal::Journaled::replay(
            Default::default(),
            handshake_sandbox::journal::config_for("https://x/cb"),
        );
        let ask = serde_json::to_string(&local.consent(
            "client_id=academy-sandbox-client&redirect_uri=https%3A%2F%2Fx%2Fcb&response_type=code&scope=connect&state=s",
        ))
        .unwrap();
        match ConsentCheck::from_json(&ask).unwrap() {
            ConsentCheck::Ask {
                accounts, scopes, ..
            } => {
                assert_eq!(accounts[1].name, "Jane Black");
                assert_eq!(scopes[0].name, "connect");
                assert_eq!(
                    scopes[0].meaning,
                    "connect to your account and see who you are"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
