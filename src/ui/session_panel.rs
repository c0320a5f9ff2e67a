// The token panel: masked tokens, expiry countdowns in the provider's units, scopes,
// the info call and its answer, and sign-out.

use super::widgets::{remaining, Outcome};
use super::AppState;
use crate::client;
use crate::oauth::token::TokenSet;
use crate::providers::ExpiryUnit;
use crate::session::StoredSession;
use leptos::prelude::*;

/// One token row: masked value (revealed on request), and its countdown.
#[component]
fn TokenRow(
    label: &'static str,
    id: &'static str,
    value: String,
    masked: String,
    expires_at: Option<f64>,
    expires_in: Option<f64>,
    unit: ExpiryUnit,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let shown = RwSignal::new(false);
    let lifetime = expires_in.map(|n| format!("expires_in {n} ({})", unit.label()));
    view! {
        <div class="token-row">
            <div class="token-label">{label}</div>
            <code class="token" id=id>{move || if shown.get() { value.clone() } else { masked.clone() }}</code>
            <button type="button" class="ghost small" on:click=move |_| shown.update(|s| *s = !*s)
                aria-pressed=move || shown.get().to_string()>
                {move || if shown.get() { "Hide" } else { "Reveal" }}
            </button>
            <div class="token-expiry">
                {match expires_at {
                    Some(at) => view! {
                        <span class="countdown" class:expired=move || at <= state.now.get()>
                            {move || remaining(at - state.now.get())}
                        </span>
                    }.into_any(),
                    None => view! { <span class="muted">"no expiry given"</span> }.into_any(),
                }}
                {lifetime.map(|l| view! { <span class="muted">" · "{l}</span> })}
            </div>
        </div>
    }
}

fn token_rows(session: &StoredSession, unit: ExpiryUnit) -> impl IntoView {
    let TokenSet {
        access_token,
        expires_at,
        expires_in,
        refresh_token,
        refresh_expires_at,
        refresh_expires_in,
        ..
    } = session.tokens.clone();
    view! {
        <TokenRow label="Access token" id="access-token" value=access_token.expose().to_string()
            masked=access_token.masked() expires_at=expires_at expires_in=expires_in unit=unit/>
        {refresh_token.map(|t| view! {
            <TokenRow label="Refresh token" id="refresh-token" value=t.expose().to_string()
                masked=t.masked() expires_at=refresh_expires_at expires_in=refresh_expires_in unit=unit/>
        })}
    }
}

#[component]
pub fn SessionPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let sign_out = {
        let state = state.clone();
        move |_| {
            let id = state.provider_id.get_untracked();
            client::store().clear_session(&id);
            state.session.set(None);
            state.info.set(None);
        }
    };
    let call_info = {
        let state = state.clone();
        move |_| state.refresh_info()
    };
    let body = {
        let state = state.clone();
        move || {
            let Some(session) = state.session.get() else {
                return view! {
                    <p class="muted">"Not signed in. Authorize above: the tokens will appear here."</p>
                }
                .into_any();
            };
            let provider = state.runtime.provider(&session.provider_id);
            let unit = provider
                .as_ref()
                .map(|p| p.expiry_unit)
                .unwrap_or(ExpiryUnit::Seconds);
            let info_label = provider
                .as_ref()
                .and_then(|p| p.userinfo.as_ref())
                .map(|e| format!("Call {}", e.url.rsplit('/').next().unwrap_or("info")));
            let scopes = session.scopes.clone();
            view! {
                <div class="session" data-testid="session">
                    <p class="signed-in">"Signed in with client "<code>{session.client_id.clone()}</code></p>
                    {token_rows(&session, unit)}
                    <div class="scopes-line">
                        <span class="token-label">"Scopes"</span>
                        {scopes.into_iter().map(|s| view! { <span class="chip">{s}</span> }).collect_view()}
                    </div>
                    <div class="actions">
                        {info_label.map(|label| view! {
                            <button id="call-info" type="button" class="primary" on:click=call_info.clone()
                                disabled=move || state.info_busy.get()>{label}</button>
                        })}
                        <button id="sign-out" type="button" class="ghost" on:click=sign_out>"Forget tokens"</button>
                    </div>
                </div>
            }
            .into_any()
        }
    };
    let info = move || {
        if state.info_busy.get() {
            return Some(view! { <p class="busy" role="status">"Calling…"</p> }.into_any());
        }
        state
            .info
            .get()
            .map(|o| view! { <div id="info-result"><Outcome outcome=o/></div> }.into_any())
    };
    view! {
        <section class="card" aria-labelledby="session-title">
            <h2 id="session-title"><span class="step">"2"</span>"Session"</h2>
            {body}
            {info}
        </section>
    }
}
