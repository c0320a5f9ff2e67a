// Discovery: fetch the issuer's metadata (OpenID Connect's document, then RFC 8414's) through
// the network door, each attempt in the flow log, and hand back the checked document; and an
// API description (an OpenAPI document) fetched the same way.

use super::{Clock, Controller, Crypto, Transport};
use crate::platform::KeyValue;
use crate::providers::discovery::{metadata_urls, parse_metadata, DiscoveryError, Metadata};
use crate::session::log::{FlowStep, LogEntry};
use crate::url::HttpUrl;
use crate::wire::{render_request, render_response, HttpRequest, Method};

impl<S, C, R, T> Controller<S, C, R, T>
where
    S: KeyValue + 'static,
    C: Clock + 'static,
    R: Crypto + 'static,
    T: Transport + 'static,
{
    /// The metadata of `issuer`: the first well-known document that exists; its `issuer`
    /// must be the one entered (RFC 8414 §3.3). Returns it with the URL it came from.
    pub async fn discover(&self, issuer: &str) -> Result<(Metadata, String), String> {
        let entered = issuer.trim();
        let url = HttpUrl::parse(entered).map_err(|e| format!("The issuer is not a URL: {e}"))?;
        if url.query().is_some() {
            return Err("An issuer has no query string (RFC 8414 §2).".into());
        }
        let mut tried: Vec<String> = Vec::new();
        for doc in metadata_urls(&url) {
            let req =
                HttpRequest::new(Method::Get, doc.as_str()).header("Accept", "application/json");
            let result = self.transport.send(&req).await;
            let (ok, response, note) = match &result {
                Ok(d) => (
                    d.response.is_success(),
                    Some(render_response(&d.response)),
                    None,
                ),
                Err(e) => (false, None, Some(e.message())),
            };
            self.record(LogEntry {
                at: self.clock.now(),
                provider: None,
                step: FlowStep::Discover,
                title: "Fetched the issuer's metadata".into(),
                ok,
                request: Some(render_request(&req, None)),
                response,
                note,
            });
            let delivery = match result {
                Ok(d) => d,
                Err(e) => {
                    return Err(format!(
                        "{doc} could not be fetched: {} If the provider sends no CORS headers, add its host as a proxy upstream.",
                        e.message()
                    ))
                }
            };
            let resp = self.with_text(delivery);
            if !resp.is_success() {
                tried.push(format!("{doc} ({})", resp.status));
                continue;
            }
            return match parse_metadata(&resp.body, entered) {
                Ok(meta) => Ok((meta, doc)),
                Err(e @ DiscoveryError::IssuerMismatch { .. }) => Err(e.to_string()),
                Err(e) => Err(format!("{doc}: {e}")),
            };
        }
        Err(format!(
            "No metadata found for this issuer: tried {}. Check the issuer URL, or describe the provider by hand.",
            tried.join(" and ")
        ))
    }

    /// The text of an API description at `url` (an OpenAPI document), through the network door
    /// like any call: straight when the browser may read it, through the proxy when one of its
    /// upstreams is that host. No credential goes with it.
    pub async fn fetch_document(&self, url: &str) -> Result<String, String> {
        let url =
            HttpUrl::parse(url.trim()).map_err(|e| format!("The address is not a URL: {e}"))?;
        let req =
            HttpRequest::new(Method::Get, url.to_string()).header("Accept", "application/json");
        let result = self.transport.send(&req).await;
        let (ok, note) = match &result {
            Ok(d) => (d.response.is_success(), None),
            Err(e) => (false, Some(e.message())),
        };
        self.record(LogEntry {
            at: self.clock.now(),
            provider: None,
            step: FlowStep::Discover,
            title: "Fetched an OpenAPI document".into(),
            ok,
            request: Some(render_request(&req, None)),
            response: None,
            note,
        });
        let delivery = result.map_err(|e| {
            format!(
                "{url} could not be fetched: {} If its server sends no CORS headers, add its host as a proxy upstream, or download the file and choose it below.",
                e.message()
            )
        })?;
        let resp = self.with_text(delivery);
        if !resp.is_success() {
            return Err(format!(
                "{url} answered {} {}: not a document.",
                resp.status, resp.status_text
            ));
        }
        Ok(resp.body)
    }
}
