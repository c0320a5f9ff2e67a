// Providers without OAuth (the Academy v1): the API key, sent in the provider's header.

use super::form::ConnectForm;
use crate::providers::Provider;
use crate::ui::state::{Client, InfoCall};
use crate::ui::widgets::ErrorBanner;
use leptos::prelude::*;

#[component]
pub fn ApiKeyForm(provider: Provider, form: ConnectForm) -> impl IntoView {
    let client = expect_context::<Client>();
    let info = expect_context::<InfoCall>();
    let shown = RwSignal::new(false);
    let header = provider.credential_header().to_string();
    let use_key = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match client
            .ctl()
            .sign_in_with_key(&provider, &form.api_key.get_untracked())
        {
            Ok(()) => {
                form.problem.set(None);
                info.run(provider.id.clone());
            }
            Err(why) => form.problem.set(Some(why)),
        }
    };
    view! {
        <form class="form" on:submit=use_key novalidate>
            <label for="api-key">"API key"</label>
            <div class="input-row">
                <input id="api-key" autocomplete="off" spellcheck="false"
                    type=move || if shown.get() { "text" } else { "password" }
                    prop:value=move || form.api_key.get()
                    on:input=move |ev| form.api_key.set(event_target_value(&ev))/>
                <button type="button" class="ghost" on:click=move |_| shown.update(|s| *s = !*s)
                    aria-pressed=move || shown.get().to_string() aria-controls="api-key">
                    {move || if shown.get() { "Hide" } else { "Show" }}
                </button>
            </div>
            <p class="hint">"Sent as the "<code>{header}</code>" header, only to this API. Kept in this tab's sessionStorage."</p>
            <ErrorBanner message=form.problem/>
            <button id="use-key" type="submit" class="primary">"Use this key"</button>
        </form>
    }
}
