// The grants without a browser redirect: client credentials (RFC 6749 §4.4; the client signs
// in as itself, its secret typed or held by the proxy) and the device authorization grant
// (RFC 8628; show a code, poll at the provider's pace until someone confirms it elsewhere).

use super::signin::Granted;
use super::{Clock, Controller, Crypto, Transport};
use crate::oauth::device::{
    device_request, device_token_request, parse_device_response, parse_poll, DeviceGrant, Poll,
    SLOW_DOWN_S,
};
use crate::oauth::token::client_credentials_request;
use crate::oauth::FlowError;
use crate::platform::KeyValue;
use crate::providers::Provider;
use crate::session::log::FlowStep;
use crate::session::store::StoredSession;
use crate::types::{ClientId, ClientSecret, Scope};
use std::rc::Rc;

/// A device sign-in waiting for the user: what to show them (the device code stays inside).
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceStart {
    pub user_code: String,
    pub verification_uri: String,
    pub verification_uri_complete: Option<String>,
    pub expires_at: f64,
    pub interval_s: f64,
}

/// What a grant that cannot go from here fails with (its proxy is missing, no secret).
fn refused(why: String) -> FlowError {
    FlowError::Network {
        refresh: false,
        error: crate::wire::NetError::Refused(why),
    }
}

impl<S, C, R, T> Controller<S, C, R, T>
where
    S: KeyValue + 'static,
    C: Clock + 'static,
    R: Crypto + 'static,
    T: Transport + 'static,
{
    /// RFC 6749 §4.4: a token for the client itself (no user, no refresh token).
    pub async fn client_credentials(
        &self,
        provider: &Provider,
        client_id: &ClientId,
        secret: &ClientSecret,
        scopes: &[Scope],
        dpop: bool,
    ) -> Result<StoredSession, FlowError> {
        let client_id = ClientId::new(client_id.as_str().trim());
        self.ready(provider, &client_id, secret).map_err(refused)?;
        self.keep_typed_secret(provider, &client_id, secret);
        let req = self.as_client(provider, &client_id, &provider.token.url, |client| {
            client_credentials_request(provider, client, &provider.scope_string(scopes))
        });
        let tokens = self
            .grant(
                provider,
                "Asked for a token as the client (client credentials)",
                &req,
                dpop,
            )
            .await?;
        self.accept(
            provider,
            Granted {
                client_id,
                redirect_uri: String::new(),
                asked: scopes.to_vec(),
                nonce: None,
                dpop,
            },
            tokens,
        )
        .await
    }

    /// RFC 8628 §3.1: asks for a user code. The device code stays with the caller's grant.
    pub async fn start_device(
        &self,
        provider: &Provider,
        client_id: &ClientId,
        secret: &ClientSecret,
        scopes: &[Scope],
    ) -> Result<(DeviceStart, DeviceGrant), FlowError> {
        let url = provider
            .standards
            .device_authorization
            .clone()
            .ok_or(FlowError::NoEndpoint("device authorization"))?;
        let client_id = ClientId::new(client_id.as_str().trim());
        self.transport.reach(&url).map_err(refused)?;
        self.keep_typed_secret(provider, &client_id, secret);
        let req = self.as_client(provider, &client_id, &url, |client| {
            device_request(provider, client, &url, &provider.scope_string(scopes))
        });
        let delivery = self
            .send_logged(FlowStep::Device, "Asked for a device code", &req, provider)
            .await
            .map_err(|error| FlowError::Network {
                refresh: false,
                error,
            })?;
        let resp = self.with_text(delivery);
        let grant = parse_device_response(&resp, self.clock.now())
            .inspect_err(|e| self.rejected(&provider.id, FlowStep::Device, e))?;
        self.device_turn.set(self.device_turn.get() + 1);
        Ok((
            DeviceStart {
                user_code: grant.user_code.clone(),
                verification_uri: grant.verification_uri.clone(),
                verification_uri_complete: grant.verification_uri_complete.clone(),
                expires_at: grant.expires_at,
                interval_s: grant.interval_s,
            },
            grant,
        ))
    }

    /// Stops any device sign-in that is polling.
    pub fn cancel_device(&self) {
        self.device_turn.set(self.device_turn.get() + 1);
    }

    /// RFC 8628 §3.4–3.5: polls until the user confirms, denies, or the code expires; waits
    /// the advertised interval between polls and 5 s more after each `slow_down`.
    pub async fn poll_device(
        self: &Rc<Self>,
        provider: &Provider,
        client_id: &ClientId,
        scopes: &[Scope],
        grant: DeviceGrant,
    ) -> Result<StoredSession, FlowError> {
        let turn = self.device_turn.get();
        let client_id = ClientId::new(client_id.as_str().trim());
        let mut interval = grant.interval_s;
        let mut polls = 0u32;
        loop {
            self.clock.sleep(interval * 1_000.0).await;
            if self.device_turn.get() != turn {
                return Err(FlowError::NothingToComplete);
            }
            if self.clock.now() >= grant.expires_at {
                let e = FlowError::DeviceExpired;
                self.rejected(&provider.id, FlowStep::Device, &e);
                return Err(e);
            }
            polls += 1;
            let req = self.as_client(provider, &client_id, &provider.token.url, |client| {
                device_token_request(provider, client, &grant.device_code)
            });
            let resp = self
                .token_call(
                    FlowStep::Device,
                    &format!("Polled the token endpoint (poll {polls})"),
                    provider,
                    &req,
                    false,
                    false,
                )
                .await?;
            match parse_poll(provider, &resp, self.clock.now()) {
                Ok(Poll::Pending) => {}
                Ok(Poll::SlowDown) => {
                    interval += SLOW_DOWN_S;
                    self.note(
                        Some(&provider.id),
                        FlowStep::Device,
                        "The provider asked to slow down",
                        true,
                        format!(
                            "slow_down (RFC 8628 §3.5): polling every {interval:.0} s from now on."
                        ),
                    );
                }
                Ok(Poll::Granted(tokens)) => {
                    return self
                        .accept(
                            provider,
                            Granted {
                                client_id,
                                redirect_uri: String::new(),
                                asked: scopes.to_vec(),
                                nonce: None,
                                dpop: false,
                            },
                            *tokens,
                        )
                        .await
                }
                Err(e) => {
                    self.rejected(&provider.id, FlowStep::Device, &e);
                    return Err(e);
                }
            }
        }
    }
}
