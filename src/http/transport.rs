// The browser's transport for the session controller: each request is routed once (in-page
// Sandbox, proxy, or direct) and carried by the matching transport.

use super::inpage::{self, CONSENT_PATH};
use super::route::{is_in_page, Routes, Target};
use super::{fetch, JsText, PROXY_HEADER};
use crate::session::{Delivery, Route, Transport};
use crate::types::ClientId;
use crate::wire::{HttpRequest, NetError};
use std::cell::RefCell;

pub struct BrowserTransport {
    routes: RefCell<Routes>,
    /// The page's base URL, for the in-page Sandbox's consent page.
    page_base: String,
}

impl BrowserTransport {
    pub fn new(routes: Routes, page_base: &str) -> Self {
        BrowserTransport {
            routes: RefCell::new(routes),
            page_base: page_base.to_string(),
        }
    }

    pub fn routes(&self) -> Routes {
        self.routes.borrow().clone()
    }

    pub fn set_routes(&self, routes: Routes) {
        *self.routes.borrow_mut() = routes;
    }
}

impl Transport for BrowserTransport {
    type Body = JsText;

    async fn send(&self, req: &HttpRequest) -> Result<Delivery<JsText>, NetError> {
        let routes = self.routes();
        let timeout = routes.config().request_timeout_seconds;
        match routes.route(&req.url)? {
            Target::InPage(target) => Ok(Delivery {
                response: inpage::send(req, &target).await?,
                large: None,
                route: Route::InPage,
            }),
            Target::Proxy(url) => {
                let (response, large) =
                    fetch::send(req, &url, &[(PROXY_HEADER, "1")], timeout).await?;
                Ok(Delivery {
                    response,
                    large,
                    route: Route::Proxy(url),
                })
            }
            Target::Direct(url) => {
                let (response, large) = fetch::send(req, &url, &[], timeout).await?;
                Ok(Delivery {
                    response,
                    large,
                    route: Route::Direct,
                })
            }
        }
    }

    fn text(&self, body: &JsText) -> String {
        body.text.as_string().unwrap_or_default()
    }

    fn secret_held(&self, token_url: &str, client_id: &ClientId) -> bool {
        self.routes.borrow().secret_held(token_url, client_id)
    }

    fn reach(&self, url: &str) -> Result<(), String> {
        self.routes.borrow().reach(url)
    }

    fn unavailable(&self, provider: &crate::providers::Provider) -> Option<String> {
        self.routes.borrow().unavailable(provider)
    }

    fn proxy_known(&self) -> bool {
        !matches!(
            self.routes.borrow().proxy(),
            crate::http::route::ProxyState::Checking
        )
    }

    fn via_proxy(&self, url: &str) -> bool {
        matches!(self.routes().route(url), Ok(Target::Proxy(_)))
    }

    async fn direct_allowed(&self, req: &HttpRequest) -> Option<bool> {
        if is_in_page(&req.url) {
            return None;
        }
        fetch::readable(req, 5).await
    }

    fn departure(&self, authorize_url: &str) -> String {
        match authorize_url.split_once('?') {
            Some((_, query)) if is_in_page(authorize_url) => {
                format!("{}{CONSENT_PATH}?{query}", self.page_base)
            }
            _ => authorize_url.to_string(),
        }
    }
}
