// The in-browser Sandbox's authorize page. A real provider draws this screen on its own site;
// here the app draws it for the Sandbox that runs inside the page, then follows the Sandbox's
// redirect back to the callback exactly as a browser would follow a provider's.

use super::state::{BootInfo, Client};
use crate::config::IN_PAGE_SANDBOX;
use crate::http::inpage::{self, Account, ConsentCheck};
use crate::platform::{assign as go, location_search};
use crate::session::Transport;
use crate::wire::{HttpRequest, Method};
use leptos::prelude::*;

/// Sends the consent form to the Sandbox, through the network door like any request, and
/// follows its redirect.
async fn decide(client: Client, query: String, account: String, allow: bool) -> Result<(), String> {
    let mut form = form_urlencoded::Serializer::new(query);
    form.append_pair("account", &account);
    form.append_pair("decision", if allow { "allow" } else { "deny" });
    let req = HttpRequest::new(Method::Post, format!("{IN_PAGE_SANDBOX}/api/v2/authorize"))
        .body("application/x-www-form-urlencoded", form.finish());
    let ctl = client.ctl();
    let resp = ctl
        .transport()
        .send(&req)
        .await
        .map_err(|e| e.message())?
        .response;
    match resp.header_value("location") {
        Some(to) if resp.status == 302 => {
            go(to);
            Ok(())
        }
        _ => Err(format!(
            "The Sandbox answered {} instead of sending you back.",
            resp.status
        )),
    }
}

#[component]
pub fn Consent() -> impl IntoView {
    let client = expect_context::<Client>();
    let search = location_search();
    let query = search.trim_start_matches('?').to_string();
    let home = expect_context::<BootInfo>()
        .0
        .with_value(|b| b.page_base.clone());
    let check = LocalResource::new({
        let query = query.clone();
        move || {
            let query = query.clone();
            async move { inpage::consent(&query).await }
        }
    });
    move || match check.get() {
        None => view! {
            <section class="card narrow" aria-busy="true">
                <h2>"Opening the Sandbox…"</h2>
                <p class="busy" role="status">"Starting the simulated provider in this page."</p>
            </section>
        }
        .into_any(),
        Some(Err(e)) => view! {
            <section class="card narrow" data-testid="consent-failed">
                <h2>"The in-browser Sandbox did not start"</h2>
                <p class="banner error" role="alert">{e}</p>
                <a class="button primary" href=home.clone()>"Back to Handshake"</a>
            </section>
        }
        .into_any(),
        Some(Ok(check)) => consent_view(client, check, query.clone(), home.clone()),
    }
}

fn consent_view(client: Client, check: ConsentCheck, query: String, home: String) -> AnyView {
    match check {
        ConsentCheck::Redirect { to } => {
            go(&to);
            view! {
                <section class="card narrow" aria-busy="true">
                    <h2>"Returning to the application…"</h2>
                    <p class="busy" role="status">"The Sandbox refused the request and sends you back with an error."</p>
                </section>
            }
            .into_any()
        }
        ConsentCheck::Refuse { title, detail } => view! {
            <section class="card narrow consent" data-testid="consent-refused">
                <p class="provider-badge">"Make App Academy · simulated in this browser"</p>
                <h2 id="consent-title">{title}</h2>
                <p class="banner error" role="alert">{detail}</p>
                <p class="muted">"A provider stops here and does not send you back to the application, because it cannot trust where it would send you."</p>
                <a class="button primary" href=home>"Back to Handshake"</a>
            </section>
        }
        .into_any(),
        ConsentCheck::Ask {
            client_id,
            scopes,
            accounts,
        } => {
            let first = accounts.first().map(|a| a.key.clone()).unwrap_or_default();
            let account = RwSignal::new(first);
            let working = RwSignal::new(false);
            let problem = RwSignal::new(None::<String>);
            let query = StoredValue::new(query);
            let submit = move |allow: bool| {
                working.set(true);
                problem.set(None);
                let q = query.get_value();
                let a = account.get_untracked();
                leptos::task::spawn_local(async move {
                    if let Err(e) = decide(client, q, a, allow).await {
                        problem.set(Some(e));
                        working.set(false);
                    }
                });
            };
            let accounts = accounts
                .into_iter()
                .map(|Account { key, name, email }| {
                    let mine = key.clone();
                    let chosen = key.clone();
                    view! {
                        <label class="account">
                            <input type="radio" name="account" value=key
                                prop:checked=move || account.with(|a| *a == mine)
                                on:change=move |_| account.set(chosen.clone())/>
                            <span><strong>{name}</strong><br/><small class="muted">{email}</small></span>
                        </label>
                    }
                })
                .collect_view();
            let scope_items = scopes
                .into_iter()
                .map(|s| view! { <li><code>{s.name}</code>": "{s.meaning}</li> })
                .collect_view();
            view! {
                <section class="card narrow consent" aria-labelledby="consent-title" data-testid="consent">
                    <p class="provider-badge">"Make App Academy · simulated in this browser"</p>
                    <h2 id="consent-title">"Sign in and authorize"</h2>
                    <p>"The application "<code>{client_id}</code>" asks to:"</p>
                    <ul>{scope_items}</ul>
                    <fieldset>
                        <legend>"Continue as"</legend>
                        {accounts}
                    </fieldset>
                    <p class="hint">"This page stands in for the provider's own. On the real Academy you sign in on app-academy.make.com; Handshake never sees your password."</p>
                    {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
                    <div class="actions">
                        <button type="button" class="primary" id="consent-allow" disabled=working
                            on:click=move |_| submit(true)>"Allow"</button>
                        <button type="button" class="ghost" id="consent-deny" disabled=working
                            on:click=move |_| submit(false)>"Deny"</button>
                        {move || working.get().then(|| view! { <span class="busy" role="status">"Sending you back…"</span> })}
                    </div>
                </section>
            }
            .into_any()
        }
    }
}
