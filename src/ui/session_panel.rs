// The token panel: masked tokens, expiry countdowns in the provider's units, scopes, and the
// session's actions (info, refresh, revoke/invalidate, forget) with their answers.

use super::id_token::IdTokenView;
use super::state::{Client, InfoCall, Now, Outcome, Providers, Revoked};
use super::widgets::{plain_number, pretty_json, remaining, Answer};
use crate::oauth::token::TokenSet;
use crate::providers::{ExpiryUnit, Flow, Provider, RevokeStyle};
use crate::session::{FlowStep, StoredSession};
type Introspected = crate::session::Introspection<crate::http::JsText>;
use crate::types::ProviderId;
use leptos::prelude::*;

/// One token row: masked value (revealed on request) and its countdown.
#[component]
fn TokenRow(
    label: &'static str,
    id: &'static str,
    /// The answer's field that gave the lifetime (`expires_in`, `refresh_expires_in`).
    field: &'static str,
    value: String,
    masked: String,
    expires_at: Option<f64>,
    expires_in: Option<f64>,
    unit: ExpiryUnit,
) -> impl IntoView {
    let Now(now) = expect_context::<Now>();
    let shown = RwSignal::new(false);
    let lifetime = expires_in.map(|n| format!("{field}: {} ({})", plain_number(n), unit.label()));
    let total = expires_at.zip(expires_in).map(|(_, n)| unit.millis(n));
    let jwt = crate::oauth::jwt::decode(&value).map(|d| jwt_view(id, d));
    view! {
        <div class="token-row">
            <div class="token-label">{label}</div>
            <code class="token" id=id>{move || if shown.get() { value.clone() } else { masked.clone() }}</code>
            <button type="button" class="ghost small" on:click=move |_| shown.update(|s| *s = !*s)
                aria-pressed=move || shown.get().to_string() aria-controls=id>
                {move || if shown.get() { "Hide" } else { "Reveal" }}
            </button>
            <div class="token-expiry">
                {match expires_at {
                    Some(at) => view! {
                        <span class="countdown" id=format!("{id}-countdown") class:expired=move || at <= now.get()>
                            // The clock ticks once a second: never show more than the whole lifetime.
                            {move || remaining((at - now.get()).min(total.unwrap_or(f64::INFINITY)))}
                        </span>
                        {total.map(|total| view! {
                            <span class="bar" aria-hidden="true">
                                <span class="fill" style:width=move || format!("{}%", ((at - now.get()) / total * 100.0).clamp(0.0, 100.0) as u32)></span>
                            </span>
                        })}
                    }.into_any(),
                    None => view! { <span class="muted">"no expiry given"</span> }.into_any(),
                }}
                {lifetime.map(|l| view! { <span class="muted">" "{l}</span> })}
            </div>
            {jwt}
        </div>
    }
}

/// A JWT's header and claims, clearly marked as unverified.
fn jwt_view(id: &'static str, decoded: crate::oauth::jwt::Decoded) -> impl IntoView {
    let times = crate::oauth::jwt::time_claims(&decoded.claims)
        .into_iter()
        .map(|(name, secs)| {
            let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs * 1000.0));
            view! { <li><code>{name}</code>" "{String::from(date.to_iso_string())}</li> }
        })
        .collect_view();
    view! {
        <details class="jwt" id=format!("{id}-jwt")>
            <summary>"JWT: decoded, not verified"</summary>
            <p class="hint">"Handshake read these parts of the token but did not check its signature (it holds no keys). Use them to learn; never trust them for a decision."</p>
            <h3>"Header"</h3>
            <pre class="raw" tabindex="0">{pretty_json(&decoded.header)}</pre>
            <h3>"Claims"</h3>
            <pre class="raw" tabindex="0">{pretty_json(&decoded.claims)}</pre>
            <ul class="jwt-times">{times}</ul>
        </details>
    }
}

fn token_rows(session: &StoredSession, provider: &Provider) -> impl IntoView {
    let unit = provider.expiry_unit;
    let TokenSet {
        access_token,
        expires_at,
        expires_in,
        refresh_token,
        refresh_expires_at,
        refresh_expires_in,
        ..
    } = session.tokens.clone();
    let label = if provider.flow == Flow::ApiKey {
        "API key"
    } else {
        "Access token"
    };
    view! {
        <TokenRow label=label id="access-token" field="expires_in" value=access_token.expose().to_string()
            masked=access_token.masked() expires_at=expires_at expires_in=expires_in unit=unit/>
        {refresh_token.map(|t| view! {
            <TokenRow label="Refresh token" id="refresh-token" field="refresh_expires_in" value=t.expose().to_string()
                masked=t.masked() expires_at=refresh_expires_at expires_in=refresh_expires_in unit=unit/>
        })}
    }
}

/// RFC 6749 §3.3: the provider granted fewer scopes than asked; what that means.
fn scope_warning(session: &StoredSession) -> Option<impl IntoView> {
    let missing = session.missing_scopes();
    if missing.is_empty() {
        return None;
    }
    let names: Vec<String> = missing.iter().map(|s| s.to_string()).collect();
    let no_refresh =
        names.iter().any(|n| n == "offline_access") && session.tokens.refresh_token.is_none();
    Some(view! {
        <div class="banner warn-box" role="status" id="scope-diff">
            <strong>"Fewer scopes granted than asked: "</strong>
            {names.join(", ")}" was left out."
            {no_refresh.then_some(" There is no refresh token, so the session ends when the access token expires. Some providers grant offline_access only with prompt=consent (add it under Extra authorize parameters).")}
        </div>
    })
}

fn introspection(i: Introspected) -> impl IntoView {
    let reading = match i.reading {
        Ok(value) => {
            let active = value
                .get("active")
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            view! {
                <p id="introspection-active" data-active=active.to_string()>
                    {if active { "The provider says the token is active." } else { "The provider says the token is not active (expired, revoked, or unknown to it)." }}
                </p>
            }
            .into_any()
        }
        Err(why) => view! { <p class="banner error" role="alert">{why}</p> }.into_any(),
    };
    view! {
        <div id="introspection-result" class="answer">
            <h3>"Introspection (RFC 7662)"</h3>
            {reading}
            <Answer outcome=i.outcome/>
        </div>
    }
}

fn revocation(revoked: Revoked) -> impl IntoView {
    view! {
        <div id="revoke-result" class="answer">
            <h3>"Revocation"</h3>
            <p class="muted">{revoked.note}</p>
            {revoked.calls.into_iter().map(|o: Outcome| view! { <Answer outcome=o/> }).collect_view()}
        </div>
    }
}

/// What a session button asks for.
#[derive(Clone, Copy)]
enum Act {
    Info,
    Refresh,
    Revoke,
    /// RFC 7662, of the refresh token (`true`) or the access token.
    Introspect(bool),
    Forget,
}

/// The session's buttons: info, refresh, introspect, revoke or invalidate, forget.
fn actions(
    provider: &Provider,
    session: &StoredSession,
    busy: Memo<bool>,
    on: impl Fn(Act) + Copy + 'static,
) -> impl IntoView {
    let introspect = provider.standards.introspection.is_some();
    let has_refresh = session.tokens.refresh_token.is_some();
    let info_label = provider
        .userinfo
        .as_ref()
        .map(|e| format!("Call {}", e.url.rsplit('/').next().unwrap_or("info")));
    let can_refresh = session.tokens.refresh_token.is_some() && provider.refresh.is_some();
    let revoke_label = provider.revoke.as_ref().map(|r| match r.style {
        RevokeStyle::BearerCall => "Invalidate",
        RevokeStyle::TokenForm => "Revoke",
    });
    view! {
        <div class="actions">
            {info_label.map(|label| view! {
                <button id="call-info" type="button" class="primary" on:click=move |_| on(Act::Info)
                    disabled=move || busy.get()>{label}</button>
            })}
            {can_refresh.then(|| view! {
                <button id="refresh" type="button" on:click=move |_| on(Act::Refresh) disabled=move || busy.get()>"Refresh now"</button>
            })}
            {introspect.then(|| view! {
                <button id="introspect" type="button" on:click=move |_| on(Act::Introspect(false)) disabled=move || busy.get()>"Introspect the access token"</button>
            })}
            {(introspect && has_refresh).then(|| view! {
                <button id="introspect-refresh" type="button" class="ghost" on:click=move |_| on(Act::Introspect(true)) disabled=move || busy.get()>"Introspect the refresh token"</button>
            })}
            {revoke_label.map(|label| view! {
                <button id="revoke" type="button" on:click=move |_| on(Act::Revoke) disabled=move || busy.get()>{label}</button>
            })}
            <button id="forget" type="button" class="ghost" on:click=move |_| on(Act::Forget)>"Forget tokens"</button>
        </div>
    }
}

#[component]
pub fn SessionPanel() -> impl IntoView {
    let client = expect_context::<Client>();
    let providers = expect_context::<Providers>();
    let info = expect_context::<InfoCall>();
    let refresh = Action::new_local(move |id: &ProviderId| {
        let (ctl, provider) = (client.ctl(), providers.get(id));
        async move {
            if let Some(p) = provider {
                let _ = ctl.refresh(&p).await;
            }
        }
    });
    let revoke = Action::new_local(move |id: &ProviderId| {
        let (ctl, provider, id) = (client.ctl(), providers.get(id), id.clone());
        async move {
            match provider {
                Some(p) => Some((id, ctl.revoke(&p).await)),
                None => None,
            }
        }
    });
    let introspect = Action::new_local(move |(id, refresh): &(ProviderId, bool)| {
        let (ctl, provider, id, refresh) = (client.ctl(), providers.get(id), id.clone(), *refresh);
        async move {
            match provider {
                Some(p) => Some((id, ctl.introspect(&p, refresh).await)),
                None => None,
            }
        }
    });
    let busy = Memo::new(move |_| {
        refresh.pending().get()
            || revoke.pending().get()
            || info.0.pending().get()
            || introspect.pending().get()
    });
    let selected = providers.selected;
    let on = move |act: Act| {
        let id = selected.get_untracked();
        match act {
            Act::Info => info.run(id),
            Act::Refresh => {
                refresh.dispatch_local(id);
            }
            Act::Revoke => {
                revoke.dispatch_local(id);
            }
            Act::Introspect(of_refresh) => {
                introspect.dispatch_local((id, of_refresh));
            }
            Act::Forget => {
                let ctl = client.ctl();
                ctl.forget(&id);
                ctl.note(Some(&id), FlowStep::Forget, "Tokens forgotten", true, "The tokens were removed from this tab. The provider was not told: they stay valid there until they expire.");
            }
        }
    };

    let body = move || {
        let id = selected.get();
        let Some(session) = client.session(&id) else {
            return view! {
                <p class="muted" id="signed-out">"Not signed in. Authorize above: the tokens will appear here."</p>
            }
            .into_any();
        };
        let Some(provider) = providers.get(&session.provider_id) else {
            return view! { <p class="muted">"This session's provider is no longer configured."</p> }.into_any();
        };
        let scopes = session.scopes.clone();
        let token_type = session.tokens.token_type.clone();
        view! {
            <div class="session" data-testid="session">
                <p class="signed-in">
                    {if provider.flow == Flow::ApiKey { "Using an API key".to_string() } else { format!("Signed in with client {}", session.client_id) }}
                    {token_type.map(|t| view! { <span class="tag">{format!("token_type: {t}")}</span> })}
                </p>
                {token_rows(&session, &provider)}
                {session.tokens.id_token.clone().map(|t| view! { <IdTokenView token=t report=session.id_token.clone()/> })}
                {(!scopes.is_empty()).then(|| view! {
                    <div class="scopes-line">
                        <span class="token-label">"Scopes"</span>
                        {scopes.into_iter().map(|s| view! { <span class="chip">{s.to_string()}</span> }).collect_view()}
                    </div>
                })}
                {scope_warning(&session)}
                {actions(&provider, &session, busy, on)}
            </div>
        }
        .into_any()
    };

    let working = move || {
        if introspect.pending().get() {
            Some("Asking the provider about the token…")
        } else if refresh.pending().get() {
            Some("Refreshing the token…")
        } else if revoke.pending().get() {
            Some("Revoking…")
        } else if info.0.pending().get() {
            Some("Calling…")
        } else {
            None
        }
    };
    view! {
        <section class="card" aria-labelledby="session-title" aria-busy=move || busy.get().to_string()>
            <h2 id="session-title"><span class="step">"2"</span>"Session"</h2>
            {move || client.ended(&selected.get()).map(|why| view! {
                <div class="banner warn-box" role="alert" id="reauth">
                    <strong>"Your session ended. "</strong>{why}
                </div>
            })}
            {body}
            {move || working().map(|w| view! { <p class="busy" role="status">{w}</p> })}
            {move || {
                let id = selected.get();
                info.answer(&id).filter(|_| client.session(&id).is_some())
            }.map(|o| view! {
                <div id="info-result" class="answer"><Answer outcome=o/></div>
            })}
            {move || revoke.value().get().flatten()
                .filter(|(id, _)| *id == selected.get())
                .map(|(_, r)| revocation(r))}
            {move || introspect.value().get().flatten()
                .filter(|(id, _)| *id == selected.get())
                .map(|(_, i)| introspection(i))}
            <super::experiments::Experiments/>
            {move || {
                let session = client.session(&selected.get())?;
                let provider = providers.get(&session.provider_id)?;
                Some(view! { <super::make_export::MakeExport provider=provider session=session/> })
            }}
        </section>
    }
}
