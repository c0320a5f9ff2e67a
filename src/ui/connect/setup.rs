// "Check my setup": the controller's findings for the provider and the form as they are now,
// each with its fix.

use super::form::ConnectForm;
use crate::providers::Provider;
use crate::session::{Check, Verdict};
use crate::ui::state::Client;
use leptos::prelude::*;

fn label(v: Verdict) -> &'static str {
    match v {
        Verdict::Good => "OK",
        Verdict::Note => "Note",
        Verdict::Problem => "Fix needed",
        Verdict::Unknown => "Cannot tell",
    }
}

fn finding(c: Check) -> impl IntoView {
    view! {
        <li class=format!("check {}", c.verdict.name()) data-check=c.id.clone() data-verdict=c.verdict.name()>
            <p class="check-head"><strong>{c.title}</strong>" "<span class="check-verdict">{label(c.verdict)}</span></p>
            <p class="check-found">{c.found}</p>
            {c.fix.map(|f| view! { <p class="check-fix"><strong>"Fix: "</strong>{f}</p> })}
        </li>
    }
}

#[component]
pub fn SetupCheck(provider: Provider, form: ConnectForm) -> impl IntoView {
    let client = expect_context::<Client>();
    let run = Action::new_local(move |_: &()| {
        let (ctl, provider, form) = (client.ctl(), provider.clone(), form.value());
        async move { ctl.check_setup(&provider, &form).await }
    });
    view! {
        <div class="setup-check">
            <button type="button" id="check-setup" class="ghost small"
                on:click=move |_| { run.dispatch_local(()); } disabled=move || run.pending().get()>
                {move || if run.pending().get() { "Checking…" } else { "Check my setup" }}
            </button>
            <span class="hint">" Proxy, secret, client id, redirect URI and CORS, before you leave for the provider."</span>
            {move || run.value().get().map(|checks| view! {
                <ul id="setup-checks" class="checks" aria-live="polite">
                    {checks.into_iter().map(finding).collect_view()}
                </ul>
            })}
        </div>
    }
}
