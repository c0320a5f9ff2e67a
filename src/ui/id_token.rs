// The ID token in the session panel: what was verified (each claim check and the signature,
// with the key it used), then the decoded header and claims. Text nodes only.

use crate::oauth::id_token::{IdTokenReport, Verdict};
use crate::types::IdToken;
use leptos::prelude::*;

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Passed => "passed",
        Verdict::Failed => "failed",
        Verdict::Skipped => "not checked",
    }
}

#[component]
pub fn IdTokenView(token: IdToken, report: Option<IdTokenReport>) -> impl IntoView {
    let decoded = crate::oauth::jwt::decode(token.expose());
    let shown = RwSignal::new(false);
    let masked = token.masked();
    let value = token.expose().to_string();
    let summary = match &report {
        Some(r) if r.checks.iter().all(|c| c.verdict == Verdict::Passed) => {
            format!("ID token verified: signature ({}) and claims", r.alg)
        }
        Some(r) if r.failure().is_none() => {
            "ID token accepted, but some checks could not be made (see below)".into()
        }
        Some(_) => "ID token failed a check".into(),
        None => "ID token (not verified)".into(),
    };
    let checks = report.map(|r| {
        let items = r
            .checks
            .into_iter()
            .map(|c| {
                let word = verdict_word(c.verdict);
                let name = c.name.clone();
                view! {
                    <li data-check=name data-verdict=word class=format!("check {}", word.replace(' ', "-"))>
                        <code>{c.name}</code>" "<strong>{word}</strong>": "{c.detail}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="checks" id="id-token-checks">{items}</ul> }
    });
    let parts = decoded.map(|d| {
        let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
        view! {
            <h3>"Header"</h3>
            <pre class="raw" tabindex="0">{pretty(&d.header)}</pre>
            <h3>"Claims"</h3>
            <pre class="raw" tabindex="0" id="id-token-claims">{pretty(&d.claims)}</pre>
        }
    });
    view! {
        <div class="token-row">
            <div class="token-label">"ID token"</div>
            <code class="token" id="id-token">{move || if shown.get() { value.clone() } else { masked.clone() }}</code>
            <button type="button" class="ghost small" on:click=move |_| shown.update(|s| *s = !*s)
                aria-pressed=move || shown.get().to_string() aria-controls="id-token">
                {move || if shown.get() { "Hide" } else { "Reveal" }}
            </button>
            <details class="jwt" id="id-token-report" open>
                <summary>{summary}</summary>
                {checks}
                {parts}
            </details>
        </div>
    }
}
