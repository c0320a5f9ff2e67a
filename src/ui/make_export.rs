// "Export as Make connection": the provider just verified, as the tabs of a Make custom-app
// connection (providers::make), to copy tab by tab or download whole. Never a token.

use super::state::{InfoCall, Providers};
use super::widgets::{copy_text, pretty_json};
use crate::providers::make::{self, Connection, Run};
use crate::providers::{ExpiryUnit, Provider};
use crate::session::StoredSession;
use leptos::prelude::*;

/// The connection for this session, from what the run showed.
fn export(
    provider: &Provider,
    all: &[Provider],
    session: &StoredSession,
    info: Option<&serde_json::Value>,
) -> Connection {
    let tokens = &session.tokens;
    make::connection(
        provider,
        make::public_twin(provider, all),
        &Run {
            redirect_uri: &session.redirect_uri,
            granted: &session.scopes,
            expires_in: tokens.expires_in,
            refresh_expires_in: tokens.refresh_expires_in,
            info,
        },
    )
}

/// What the run saw of the lifetimes, so the learner knows what Make will do (spec §5 Q11).
fn lifetimes(provider: &Provider, session: &StoredSession) -> Option<String> {
    let unit = provider.expiry_unit;
    let show = |n: f64| match unit {
        ExpiryUnit::Minutes => format!("{n} min"),
        ExpiryUnit::Seconds => format!("{n} s"),
    };
    let access = session.tokens.expires_in?;
    let margin = make::refresh_margin(unit, access);
    let mut line = format!(
        "This run's access token lived {}: Make refreshes it when less than {margin} min is left.",
        show(access)
    );
    if let Some(refresh) = session.tokens.refresh_expires_in {
        line.push_str(&format!(
            " The refresh token lived {}: a connection unused that long must be reauthorized in Make.",
            show(refresh)
        ));
    }
    Some(line)
}

#[component]
pub fn MakeExport(provider: Provider, session: StoredSession) -> impl IntoView {
    let providers = expect_context::<Providers>();
    let info = expect_context::<InfoCall>();
    let id = provider.id.clone();
    let lifetime = lifetimes(&provider, &session);
    let connection = Memo::new(move |_| {
        let answer = info.answer(&id).and_then(|o| o.result.ok()).and_then(|r| {
            let ok = (200..300).contains(&r.response.status);
            ok.then(|| serde_json::from_str::<serde_json::Value>(&r.response.body).ok())
                .flatten()
        });
        export(&provider, &providers.list.get(), &session, answer.as_ref())
    });
    let document = Memo::new(move |_| pretty_json(&connection.get().document()));
    let file = move || {
        let label = connection.with(|c| c.label.clone());
        let slug: String = label
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!(
            "{}.make-connection.json",
            slug.split('-')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        )
    };
    let href = move || {
        format!(
            "data:application/json;charset=utf-8,{}",
            String::from(js_sys::encode_uri_component(&document.get()))
        )
    };
    let tabs = move || {
        connection.with(|c| {
            c.tabs()
                .into_iter()
                .map(|(tab, suffix, value)| {
                    let text = pretty_json(value);
                    let copy = text.clone();
                    view! {
                        <details class="make-tab" data-tab=tab>
                            <summary><code>{tab}</code></summary>
                            <p class="hint">"In VS Code local development: "<code>{format!("<id>.{suffix}")}</code></p>
                            <button type="button" class="ghost small" on:click=move |_| copy_text(copy.clone(), "Copied")>
                                {format!("Copy {tab}")}
                            </button>
                            <pre class="raw" tabindex="0">{text}</pre>
                        </details>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <details class="make-export" id="make-export">
            <summary>"Export as Make connection"</summary>
            <p class="hint">
                {move || connection.with(|c| format!("A Make custom-app connection of type {} for what you just ran: ", c.kind.name()))}
                "paste each part into its tab in Make. No token is in it; the client secret is a placeholder for Make's common data."
            </p>
            {lifetime.map(|l| view! { <p class="hint" id="make-lifetimes">{l}</p> })}
            <ul class="make-notes" id="make-notes">
                {move || connection.with(|c| c.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view())}
            </ul>
            <div class="actions">
                <button type="button" id="make-copy" on:click=move |_| copy_text(document.get_untracked(), "Connection copied")>"Copy all"</button>
                <a class="button" id="make-download" href=href download=file>"Download JSON"</a>
            </div>
            {tabs}
        </details>
    }
}
