// Token experiments under the session: expire the access token now, try the token a refresh
// or Invalidate retired, and use a token obtained elsewhere. The controller does the work.

use super::state::{Client, Outcome, Providers};
use super::widgets::Answer;
use crate::platform::local_storage;
use crate::session::load_prefs;
use crate::types::ProviderId;
use leptos::prelude::*;

/// The Connect form's client id for the provider (what a refresh of a pasted token uses).
fn form_client_id(id: &ProviderId, default: &str) -> String {
    load_prefs(&local_storage(), id)
        .map(|p| p.client_id.to_string())
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
}

#[component]
pub fn Experiments() -> impl IntoView {
    let client = expect_context::<Client>();
    let providers = expect_context::<Providers>();
    let selected = providers.selected;
    // Feedback of the last experiment: (worked, words), for the provider it was about.
    let said = RwSignal::new(None::<(ProviderId, bool, String)>);
    let try_old = Action::new_local(move |id: &ProviderId| {
        let (ctl, provider, id) = (client.ctl(), providers.get(id), id.clone());
        async move {
            match provider {
                Some(p) => ctl.try_retired(&p).await.map(|o| (id, o)),
                None => None,
            }
        }
    });
    let access = RwSignal::new(String::new());
    let refresh = RwSignal::new(String::new());
    let client_id = RwSignal::new(String::new());
    // The Connect form's client id, once per provider (not again on every session change,
    // which would undo what the user typed).
    Effect::new(move |_| {
        let id = selected.get();
        let default = providers
            .get(&id)
            .map(|p| p.default_client_id)
            .unwrap_or_default();
        client_id.set(form_client_id(&id, &default));
    });

    let expire = move |_| {
        let id = selected.get_untracked();
        let result = client.ctl().expire_now(&id);
        said.set(Some(match result {
            Ok(()) => (id, true, "Expired in this tab: the next call (Call info, or any in the explorer) refreshes first. Watch the flow log.".into()),
            Err(why) => (id, false, why),
        }));
    };
    let use_pasted = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = selected.get_untracked();
        let Some(provider) = providers.get(&id) else {
            return;
        };
        let result = client.ctl().use_token(
            &provider,
            &client_id.get_untracked(),
            &access.get_untracked(),
            &refresh.get_untracked(),
        );
        said.set(Some(match result {
            Ok(_) => {
                access.set(String::new());
                refresh.set(String::new());
                (
                    id,
                    true,
                    "Now using your token. Call info to see whether the provider accepts it."
                        .into(),
                )
            }
            Err(why) => (id, false, why),
        }));
    };

    let body = move || {
        let id = selected.get();
        let provider = providers.get(&id).filter(|p| p.is_oauth())?;
        let session = client.session(&id);
        let retired = client.ctl().retired(&id);
        let can_expire = session
            .as_ref()
            .is_some_and(|s| s.tokens.refresh_token.is_some())
            && provider.refresh.is_some();
        let has_refresh = provider.refresh.is_some();
        Some(view! {
            <div class="experiments" id="experiments">
                <h3>"Token experiments"</h3>
                {can_expire.then(|| view! {
                    <p class="experiment">
                        <button type="button" id="expire-now" class="ghost small" on:click=expire>"Expire the access token now"</button>
                        <span class="hint">" See the next call refresh it first."</span>
                    </p>
                })}
                {retired.map(|r| view! {
                    <p class="experiment" id="old-token">
                        <button type="button" id="try-old" class="ghost small"
                            on:click=move |_| { said.set(None); try_old.dispatch_local(selected.get_untracked()); }
                            disabled=move || try_old.pending().get()>"Try the old token"</button>
                        <span class="hint">{format!(" The previous access token ({}, {}) is kept in this tab's memory only.", r.session.tokens.access_token.masked(), r.why)}</span>
                    </p>
                })}
                <details id="use-token">
                    <summary>"Use a token I already have"</summary>
                    <form class="form" novalidate on:submit=use_pasted>
                        <p class="hint">"From another tool or an earlier run. Handshake did not obtain it, so it knows neither its scopes nor its expiry; it is sent only to this provider's API."</p>
                        <label for="pasted-access">"Access token"</label>
                        <input id="pasted-access" type="password" autocomplete="off" spellcheck="false"
                            prop:value=move || access.get() on:input=move |ev| access.set(event_target_value(&ev))/>
                        {has_refresh.then(|| view! {
                            <label for="pasted-refresh">"Refresh token (optional)"</label>
                            <input id="pasted-refresh" type="password" autocomplete="off" spellcheck="false"
                                prop:value=move || refresh.get() on:input=move |ev| refresh.set(event_target_value(&ev))/>
                            <label for="pasted-client">"Client id (a refresh needs it)"</label>
                            <input id="pasted-client" type="text" spellcheck="false"
                                prop:value=move || client_id.get() on:input=move |ev| client_id.set(event_target_value(&ev))/>
                        })}
                        <button type="submit" id="use-pasted">"Use this token"</button>
                    </form>
                </details>
            </div>
        })
    };
    let feedback = move || {
        said.get()
            .filter(|(id, _, _)| *id == selected.get())
            .map(|(_, ok, words)| {
                let class = if ok { "banner info" } else { "banner error" };
                view! { <p class=class id="experiment-said" role="status">{words}</p> }
            })
    };
    let old_answer = move || {
        try_old
            .value()
            .get()
            .flatten()
            .filter(|(id, _)| *id == selected.get())
            .map(|(_, o): (ProviderId, Outcome)| view! {
                <div id="old-token-result" class="answer"><h3>"The old token"</h3><Answer outcome=o/></div>
            })
    };
    view! { {body} {feedback} {old_answer} }
}
