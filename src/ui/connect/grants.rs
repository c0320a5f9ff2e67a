// The grants without a redirect: a device code to confirm elsewhere (RFC 8628), shown with
// its verification link while Handshake polls, and a token for the client itself (RFC 6749
// §4.4). The controller does the protocol; this card collects and shows.

use super::authorize::{scope_boxes, ClientFields};
use super::form::{ConnectForm, GrantChoice};
use crate::oauth::FlowError;
use crate::platform::now_ms;
use crate::providers::Provider;
use crate::types::{ClientId, ClientSecret};
use crate::ui::state::{Client, InfoCall};
use crate::ui::widgets::CopyButton;
use leptos::prelude::*;

#[component]
pub fn GrantForm(provider: Provider, form: ConnectForm, grant: GrantChoice) -> impl IntoView {
    let client = expect_context::<Client>();
    let info = expect_context::<InfoCall>();
    let p = StoredValue::new(provider.clone());
    let device = grant == GrantChoice::Device;
    let run = Action::new_local(move |_: &()| {
        let ctl = client.ctl();
        let provider = p.get_value();
        let value = form.value();
        let id = ClientId::new(value.client_id.as_str().trim());
        let secret = ClientSecret::new(value.client_secret.expose());
        let scopes = value.scopes.clone();
        async move {
            if !device {
                return ctl
                    .client_credentials(&provider, &id, &secret, &scopes, value.use_dpop)
                    .await
                    .map(|_| provider.id.clone());
            }
            let (start, grant) = ctl.start_device(&provider, &id, &secret, &scopes).await?;
            form.device.set(Some(start));
            let result = ctl.poll_device(&provider, &id, &scopes, grant).await;
            form.device.set(None);
            result.map(|_| provider.id.clone())
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = run.value().get() {
            info.run(id);
        }
    });
    let error = move || {
        run.value()
            .get()
            .and_then(|r: Result<_, FlowError>| r.err())
            .filter(|e| !e.is_benign())
    };
    let pending = run.pending();
    let scopes = (!provider.scopes.is_empty()).then(|| {
        view! {
            <fieldset class="scopes">
                <legend>"Scopes"</legend>
                {scope_boxes(&provider, form)}
            </fieldset>
        }
    });
    let explain = if device {
        "For devices without a browser (a TV, a CLI): Handshake asks for a short code, you confirm it on the provider's page — on any device — and Handshake polls the token endpoint until you do."
    } else {
        "The client signs in as itself: no user, no consent, no refresh token. The secret must be typed here or held by the proxy (whose rule must allow grant=client_credentials)."
    };
    let waiting = move || {
        form.device.get().map(|d| {
            let link = d
                .verification_uri_complete
                .clone()
                .unwrap_or(d.verification_uri.clone());
            let code = d.user_code.clone();
            let minutes = ((d.expires_at - now_ms()) / 60_000.0).max(0.0).ceil();
            view! {
                <div class="banner info" id="device-code" role="status">
                    <p>"On any device, open "
                        <a id="device-link" href=link.clone() target="_blank" rel="noopener noreferrer">{d.verification_uri.clone()}</a>
                        " and enter:"</p>
                    <p class="user-code"><code id="user-code">{code.clone()}</code>
                        <CopyButton text=Signal::derive(move || code.clone()) label="Copy code"/></p>
                    <p class="hint">{format!("Waiting for you to confirm: polling every {:.0} s; the code expires in about {minutes:.0} min.", d.interval_s)}</p>
                    <button type="button" class="ghost" id="device-cancel"
                        on:click=move |_| { client.ctl().cancel_device(); form.device.set(None); }>"Cancel"</button>
                </div>
            }
        })
    };
    view! {
        <form class="form" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            run.dispatch_local(());
        }>
            <p class="hint">{explain}</p>
            <ClientFields provider=provider.clone() form=form/>
            {scopes}
            {waiting}
            {move || error().map(|e| view! {
                <div class="banner error" role="alert" data-code=e.code()>
                    <strong>{e.title()}</strong>" "{e.detail()}
                </div>
            })}
            <button id=if device { "device-start" } else { "client-token" } type="submit" class="primary"
                disabled=move || pending.get()>
                {move || match (device, pending.get()) {
                    (true, false) => "Get a device code",
                    (true, true) => "Waiting for confirmation…",
                    (false, false) => "Get a token as the client",
                    (false, true) => "Asking…",
                }}
            </button>
        </form>
    }
}
