// Requests that prove possession (RFC 9449): a fresh DPoP proof on each token, refresh and API
// request of a DPoP session, one retry with the server's nonce when it asks for one, and the
// nonces each server hands out kept for next time.

use super::{Clock, Controller, Crypto, Delivery, Transport};
use crate::oauth::dpop::{compact, next_nonce, nonce_requested, signing_input, Proof};
use crate::oauth::FlowError;
use crate::platform::KeyValue;
use crate::providers::Provider;
use crate::session::log::FlowStep;
use crate::types::AccessToken;
use crate::url::HttpUrl;
use crate::wire::{HttpRequest, HttpResponse, NetError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

fn origin(url: &str) -> String {
    HttpUrl::parse(url).map(|u| u.origin()).unwrap_or_default()
}

impl<S, C, R, T> Controller<S, C, R, T>
where
    S: KeyValue + 'static,
    C: Clock + 'static,
    R: Crypto + 'static,
    T: Transport + 'static,
{
    /// RFC 9449 §4: a proof for one request, signed by this tab's key.
    pub(super) async fn dpop_proof(
        &self,
        req: &HttpRequest,
        token: Option<&AccessToken>,
    ) -> Result<String, FlowError> {
        let jwk = self
            .crypto
            .dpop_public_key()
            .await
            .map_err(FlowError::DpopKey)?;
        let mut jti = [0u8; 16];
        self.crypto.fill(&mut jti);
        let jti = URL_SAFE_NO_PAD.encode(jti);
        let nonce = self.dpop_nonces.borrow().get(&origin(&req.url)).cloned();
        let method = req.method.to_string();
        let input = signing_input(
            &jwk,
            &Proof {
                jti: &jti,
                method: &method,
                url: &req.url,
                iat: (self.clock.now() / 1_000.0).floor() as u64,
                nonce: nonce.as_deref(),
                access_token: token,
            },
        );
        let signature = self
            .crypto
            .dpop_sign(input.as_bytes())
            .await
            .map_err(FlowError::DpopKey)?;
        Ok(compact(&input, &signature))
    }

    /// Sends `req` with a DPoP proof; when the server answers that it wants a nonce (RFC 9449
    /// §8, §9), once more with it. Returns the request as last sent and its answer.
    pub(super) async fn send_with_proof(
        &self,
        step: FlowStep,
        title: &str,
        req: &HttpRequest,
        provider: &Provider,
        token: Option<&AccessToken>,
    ) -> Result<(HttpRequest, Delivery<T::Body>), NetError> {
        let mut retried = false;
        loop {
            let proof = self
                .dpop_proof(req, token)
                .await
                .map_err(|e| NetError::Refused(format!("{} {}", e.title(), e.detail())))?;
            let sent = req.clone().header("DPoP", &proof);
            let title = if retried {
                format!("{title} (again, with the server's DPoP nonce)")
            } else {
                title.to_string()
            };
            let delivery = self.send_logged(step, &title, &sent, provider).await?;
            let asked = nonce_requested(&delivery.response);
            if let Some(nonce) = next_nonce(&delivery.response) {
                self.dpop_nonces
                    .borrow_mut()
                    .insert(origin(&req.url), nonce);
            }
            if asked.is_some() && !retried {
                retried = true;
                continue;
            }
            return Ok((sent, delivery));
        }
    }

    /// A request to the token endpoint (code, refresh, client credentials, device poll), with a
    /// DPoP proof when the session is bound to the key; the answer with its whole text.
    pub(super) async fn token_call(
        &self,
        step: FlowStep,
        title: &str,
        provider: &Provider,
        req: &HttpRequest,
        dpop: bool,
        refresh: bool,
    ) -> Result<HttpResponse, FlowError> {
        let result = if dpop {
            self.send_with_proof(step, title, req, provider, None)
                .await
                .map(|(_, d)| d)
        } else {
            self.send_logged(step, title, req, provider).await
        };
        let delivery = result.map_err(|error| FlowError::Network { refresh, error })?;
        Ok(self.with_text(delivery))
    }

    /// A token request that starts a session (a code exchange, client credentials): sent,
    /// and its answer read; a refusal is logged.
    pub(super) async fn grant(
        &self,
        provider: &Provider,
        title: &str,
        req: &HttpRequest,
        dpop: bool,
    ) -> Result<crate::oauth::token::TokenSet, FlowError> {
        let resp = self
            .token_call(FlowStep::Token, title, provider, req, dpop, false)
            .await?;
        crate::oauth::token::parse_token_response(provider, &resp, self.clock.now(), None)
            .inspect_err(|e| self.rejected(&provider.id, FlowStep::Token, e))
    }
}
