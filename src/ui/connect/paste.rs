// "Landed somewhere else?": the address the provider sent the user to, or the bare code,
// pasted here and finished like a callback.

use crate::oauth::FlowError;
use crate::types::ProviderId;
use crate::ui::state::{Client, InfoCall};
use leptos::prelude::*;

#[component]
pub fn PasteBox(
    provider: ProviderId,
    open: Signal<bool>,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let client = expect_context::<Client>();
    let info = expect_context::<InfoCall>();
    let text = RwSignal::new(String::new());
    let finish = Action::new_local(move |(id, pasted): &(ProviderId, String)| {
        let (ctl, id, pasted) = (client.ctl(), id.clone(), pasted.clone());
        async move { ctl.complete_pasted(&id, &pasted).await.map(|_| id) }
    });
    Effect::new(move |_| {
        if let Some(Ok(id)) = finish.value().get() {
            text.set(String::new());
            on_done();
            info.run(id);
        }
    });
    let error = move || {
        finish
            .value()
            .get()
            .and_then(|r: Result<ProviderId, FlowError>| r.err())
    };
    let pending = finish.pending();
    view! {
        <details class="paste" open=move || open.get()>
            <summary>"Landed somewhere else? Paste the address or the code"</summary>
            <form class="form" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                finish.dispatch_local((provider.clone(), text.get_untracked()));
            }>
                <label for="paste">"The address you landed on, or the code"</label>
                <textarea id="paste" rows="3" spellcheck="false"
                    placeholder="https://…/callback?code=…&state=…"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                <p class="hint">"Handshake checks the state when the address has one, then exchanges the code with the redirect URI you registered."</p>
                {move || error().map(|e| view! {
                    <div class="banner error" role="alert" data-code=e.code()>
                        <strong>{e.title()}</strong>" "{e.detail()}
                    </div>
                })}
                <button id="paste-submit" type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Exchanging…" } else { "Continue with this answer" }}
                </button>
            </form>
        </details>
    }
}
