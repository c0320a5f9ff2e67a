// The Connect card: the provider, then its sign-in form (OAuth or API key) and the paste box
// for answers that land elsewhere. The controller decides and stores; this card collects what
// the user types and goes where the controller says.

mod api_key;
mod authorize;
mod form;
mod grants;
mod options;
mod paste;
mod setup;

use super::state::{BootInfo, Client, Providers, ScopeRequest};
use crate::platform::{assign, open_new_tab};
use crate::providers::{Flow, Group, Provider};
use crate::types::ProviderId;
use api_key::ApiKeyForm;
use authorize::AuthorizeForm;
use form::{ConnectForm, GrantChoice};
use grants::GrantForm;
use leptos::html;
use leptos::prelude::*;
use paste::PasteBox;

fn provider_options(
    providers: Vec<Provider>,
    selected: RwSignal<ProviderId>,
    routes: &crate::http::route::Routes,
) -> impl IntoView {
    let groups = [
        (Group::Sandbox, "Sandbox: no credentials needed"),
        (Group::Real, "Real APIs"),
        (Group::Custom, "Your providers"),
    ];
    groups
        .into_iter()
        .filter_map(|(group, label)| {
            let members: Vec<Provider> = providers.iter().filter(|p| p.group == group).cloned().collect();
            (!members.is_empty()).then(|| {
                let options = members
                    .into_iter()
                    .map(|p| {
                        let id = p.id.clone();
                        let is_selected = move || selected.get() == id;
                        // What cannot work here says so in its name (the card says why).
                        let label = match routes.unavailable(&p) {
                            Some(why) if why.starts_with("no Sandbox") => format!("{} (unavailable here: no Sandbox server)", p.name),
                            Some(_) => format!("{} (needs a proxy)", p.name),
                            None => p.name.clone(),
                        };
                        view! { <option value=p.id.to_string() selected=is_selected>{label}</option> }
                    })
                    .collect_view();
                view! { <optgroup label=label>{options}</optgroup> }
            })
        })
        .collect_view()
}

#[component]
pub fn Connect() -> impl IntoView {
    let client = expect_context::<Client>();
    let providers = expect_context::<Providers>();
    let ScopeRequest(wanted) = expect_context::<ScopeRequest>();
    let app_callback = expect_context::<BootInfo>()
        .0
        .with_value(|b| b.default_redirect_uri());
    let form = ConnectForm::new();
    let left_for_provider = RwSignal::new(false);
    let authorize_button = NodeRef::<html::Button>::new();
    let provider = Memo::new(move |_| providers.current());

    // Whoever switches the provider (this select, a deep link, the custom-provider card), the
    // form follows.
    let callback = app_callback.clone();
    Effect::new(move |_| {
        if let Some(p) = provider.get() {
            form.fill(&p, &callback, &client.ctl());
        }
        left_for_provider.set(false);
    });
    // What is typed survives a reload (preferences, and the secret where the controller keeps it).
    Effect::new(move |_| {
        form.value();
        let id = form.filled_for.get_untracked();
        if let Some(p) = providers.get(&id) {
            if let Err(why) = form.keep(&p, &client.ctl()) {
                client.storage_problem.set(Some(why));
            }
        }
    });
    // Forget tokens drops the typed secret: the field lets go of it too.
    Effect::new(move |_| {
        let Some(id) = client.forgotten.get() else {
            return;
        };
        if id == form.filled_for.get_untracked() {
            let demo = providers.get(&id).and_then(|p| p.demo_client_secret);
            form.client_secret.set(demo.unwrap_or_default());
        }
    });
    // The explorer's fix for a scope warning: tick the scope, then take the user to Authorize.
    Effect::new(move |_| {
        let Some(scope) = wanted.get() else { return };
        form.add_scope(scope);
        wanted.set(None);
        if let Some(button) = authorize_button.get() {
            let _ = button.focus();
            button.scroll_into_view();
        }
    });

    let callback = app_callback.clone();
    let elsewhere = Memo::new(move |_| form.redirect_uri.get().trim() != callback);
    let leaving = RwSignal::new(false);
    // A near-miss of the app's callback goes only after a second, deliberate click.
    let near_confirmed = RwSignal::new(None::<String>);
    let own_callback = StoredValue::new(app_callback.clone());
    let authorize = move || {
        let Some(provider) = provider.get_untracked() else {
            return;
        };
        let typed = form.redirect_uri.get_untracked().trim().to_string();
        if let Some(how) =
            own_callback.with_value(|own| crate::oauth::redirect::near_miss(&typed, own))
        {
            if near_confirmed.get_untracked().as_deref() != Some(typed.as_str()) {
                near_confirmed.set(Some(typed));
                form.problem.set(Some(format!(
                    "This redirect URI differs from Handshake's callback only by {how}. Providers compare redirect URIs character by character, so unless you registered exactly this one the sign-in ends at the provider with \u{201c}redirect_uri does not match\u{201d}. Use Handshake's callback, or press Authorize again to go with this one."
                )));
                return;
            }
        }
        let ctl = client.ctl();
        let attempt = form.take_attempt(&provider, &ctl);
        let value = form.value();
        leaving.set(true);
        leptos::task::spawn_local(async move {
            let result = ctl.begin(&provider, &value, attempt).await;
            leaving.set(false);
            match result {
                Ok(departure) if departure.new_tab => {
                    // The answer will not come back here: keep this tab for pasting it.
                    if !open_new_tab(&departure.url) {
                        form.problem.set(Some("The browser blocked the new tab. Allow pop-ups for this page, or copy the URL above.".into()));
                    }
                    left_for_provider.set(true);
                }
                Ok(departure) => assign(&departure.url),
                Err(why) => form.problem.set(Some(why)),
            }
        });
    };

    let on_provider = move |ev: leptos::ev::Event| {
        providers.select(client, &ProviderId::new(event_target_value(&ev)))
    };
    let sign_in = move || {
        let p = provider.get()?;
        if p.flow == Flow::ApiKey {
            return Some(view! { <ApiKeyForm provider=p form=form/> }.into_any());
        }
        let offered = GrantChoice::offered(&p);
        let chooser = (offered.len() > 1).then(|| {
            let buttons = offered
                .iter()
                .map(|g| {
                    let g = *g;
                    view! {
                        <label class="chip-check">
                            <input type="radio" name="grant" id=format!("grant-{}", g.key())
                                prop:checked=move || form.grant.get() == g
                                on:change=move |_| { client.ctl().cancel_device(); form.device.set(None); form.grant.set(g) }/>
                            {g.label()}
                        </label>
                    }
                })
                .collect_view();
            view! { <fieldset class="scopes grant-choice"><legend>"Grant"</legend>{buttons}</fieldset> }
        });
        let app_callback = app_callback.clone();
        let form_for_grant = move || match form.grant.get() {
            GrantChoice::Code => {
                let open = Signal::derive({
                    let has_notes = p.notes.is_some();
                    move || elsewhere.get() || left_for_provider.get() || has_notes
                });
                view! {
                    <AuthorizeForm provider=p.clone() form=form app_callback=app_callback.clone()
                        elsewhere=elsewhere button=authorize_button on_submit=authorize leaving=leaving/>
                    <PasteBox provider=p.id.clone() open=open on_done=move || left_for_provider.set(false)/>
                }
                .into_any()
            }
            grant => view! { <GrantForm provider=p.clone() form=form grant=grant/> }.into_any(),
        };
        Some(view! { {chooser} {form_for_grant} }.into_any())
    };

    view! {
        <section class="card" aria-labelledby="connect-title">
            <h2 id="connect-title"><span class="step">"1"</span>"Connect"</h2>
            <div class="form">
                <label for="provider">"Provider"</label>
                <select id="provider" on:change=on_provider>
                    {move || provider_options(providers.list.get(), providers.selected, &client.routes())}
                </select>
                <p class="hint">{move || provider.get().map(|p| p.summary)}</p>
                {move || provider.get().and_then(|p| p.notes).map(|n| view! { <p class="banner info">{n}</p> })}
                {move || provider.get().and_then(|p| client.routes().unavailable(&p)).map(|why| view! {
                    <p class="banner warn-box" role="status" id="unavailable">
                        <strong>"Not usable here yet: "</strong>{why}"."
                    </p>
                })}
            </div>
            {sign_in}
        </section>
    }
}
