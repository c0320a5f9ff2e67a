// Guided mode: the OAuth2 authorization-code flow as seven numbered steps. Each says what
// happens and why, shows the raw request and response of that step as it went over the wire
// (from the flow log, already redacted), links to the log entry, and lists what goes wrong.

use super::flow_log::entry_id;
use super::AppState;
use crate::providers::{ExpiryUnit, Flow, Provider, RevokeStyle};
use crate::session::{KeyValue, LogEntry};
use leptos::prelude::*;

const GUIDED_KEY: &str = "handshake.v1.guided";

/// Whether guided mode is on (the default) for this browser.
pub fn saved_guided() -> bool {
    crate::session::local_storage().get(GUIDED_KEY).as_deref() != Some("off")
}

pub fn save_guided(on: bool) {
    let store = crate::session::local_storage();
    if on {
        store.remove(GUIDED_KEY);
    } else {
        store.set(GUIDED_KEY, "off");
    }
}

/// One step of the flow as the guide tells it.
struct Step {
    key: &'static str,
    title: &'static str,
    /// Flow-log steps that show this one happening.
    logged_as: &'static [&'static str],
    explain: String,
    wrong: &'static [&'static str],
}

fn unit_words(unit: ExpiryUnit) -> &'static str {
    match unit {
        ExpiryUnit::Minutes => {
            "in minutes (the Academy's own choice; most providers count seconds)"
        }
        ExpiryUnit::Seconds => "in seconds, as RFC 6749 says",
    }
}

fn steps(p: &Provider, redirect_uri: &str) -> Vec<Step> {
    let pkce = if p.pkce {
        " Handshake also sends a PKCE code challenge (RFC 7636): only this tab knows the verifier that proves the code is its own."
    } else {
        " This provider does not support PKCE, so the state value and the client secret carry the protection."
    };
    let refresh = match &p.refresh {
        Some(e) => format!(
            "When the access token runs out, the app trades the refresh token at {} for a new pair, without asking the user again. Lifetimes are given {}.",
            e.url,
            unit_words(p.expiry_unit)
        ),
        None => "This provider issues no refresh token: when the access token expires, the user authorizes again.".into(),
    };
    let revoke = match &p.revoke {
        Some(r) if r.style == RevokeStyle::BearerCall => format!(
            "Signing out properly means telling the provider: {} {} with the access token ends the grant, so the tokens stop working everywhere, not only in this tab.",
            r.endpoint.method, r.endpoint.url
        ),
        Some(r) => format!(
            "Signing out properly means telling the provider: a form POST to {} revokes a token (RFC 7009), refresh token first.",
            r.endpoint.url
        ),
        None => "This provider has no revocation endpoint: forgetting the tokens here leaves them valid until they expire.".into(),
    };
    vec![
        Step {
            key: "register",
            title: "Register the application",
            logged_as: &["authorize"],
            explain: format!(
                "Before any OAuth flow, the application is registered with the provider, which hands out a client id (public) and a client secret (kept on a server, never in a page). The registration names the exact redirect URI the provider may send users back to: for this page that is {redirect_uri}. {}",
                if p.demo_client_secret.is_some() { "The Sandbox has a client registered already." } else { "" }
            ),
            wrong: &[
                "The redirect URI registered differs from the one sent (even by a trailing slash or http/https): the provider stops on its own page.",
                "The secret pasted into a page, a repository or a URL is no longer secret: rotate it.",
            ],
        },
        Step {
            key: "authorize",
            title: "Send the user to the provider",
            logged_as: &["authorize"],
            explain: format!(
                "The browser goes to {} with the client id, the redirect URI, response_type=code, the scopes asked for and a random state value kept in this tab.{pkce} The user signs in there and consents; the app never sees the password.",
                p.authorize_url
            ),
            wrong: &[
                "A scope the provider does not know, or a required one missing (the Academy requires connect): the provider answers with an error.",
                "The user presses Deny: the callback receives error=access_denied.",
            ],
        },
        Step {
            key: "callback",
            title: "Come back with a code",
            logged_as: &["callback"],
            explain: "The provider redirects to the callback with ?code=…&state=…. The app first checks that state is the value it stored for this attempt (otherwise someone else started this flow: CSRF), removes code and state from the address bar and history, and uses the flow record once.".into(),
            wrong: &[
                "state missing or different: Handshake stops and sends nothing (RFC 9700 §4.7).",
                "The page reloaded on the callback: the code was used already and cannot be exchanged twice.",
                "An access_token in the address (implicit flow leftovers): refused, tokens never travel in URLs.",
            ],
        },
        Step {
            key: "token",
            title: "Exchange the code for tokens",
            logged_as: &["token"],
            explain: format!(
                "The app sends the code, the client id, the redirect URI again and the client secret to {} {}. {} The answer holds the access token, its lifetime {} and usually a refresh token.",
                p.token.method,
                p.token.url,
                if crate::local::is_local(&p.token.url) {
                    "Here the Sandbox inside this page answers; with a real provider a browser cannot keep a secret, so this call goes through the proxy, which can add the secret itself."
                } else {
                    "Browsers cannot keep a secret, so this call goes through the proxy, which can add the secret itself."
                },
                unit_words(p.expiry_unit)
            ),
            wrong: &[
                "The code expired (codes live for minutes) or was used already: invalid_grant.",
                "A wrong client secret: invalid_client, 401.",
                "A redirect URI different from the one in step 2: invalid_grant.",
            ],
        },
        Step {
            key: "call",
            title: "Call the API",
            logged_as: &["info", "api"],
            explain: format!(
                "Every API call carries the access token, as Authorization: Bearer … for OAuth providers, and only to the provider's API base {} (never to another host). Try any endpoint in the explorer: the answer's status, headers and body are shown as they came.",
                p.api_base
            ),
            wrong: &[
                "401: the token expired or was revoked; refresh, or authorize again.",
                "403: the token lacks the scope this call needs (read, write, delete): authorize again with it.",
                "429: too many requests; wait as long as Retry-After says.",
            ],
        },
        Step {
            key: "refresh",
            title: "Refresh the access token",
            logged_as: &["refresh"],
            explain: refresh,
            wrong: &[
                "The refresh token expired too (the Academy's lives 5 minutes): authorize again.",
                "Two tabs refresh at once with a rotating refresh token: the second one's is already spent.",
            ],
        },
        Step {
            key: "invalidate",
            title: "Invalidate the tokens",
            logged_as: &["revoke"],
            explain: revoke,
            wrong: &[
                "Only deleting the tokens locally: they keep working for anyone who copied them, until they expire.",
            ],
        },
    ]
}

/// Scrolls to the element `id`, opens its `<details>` when asked, and moves the focus there.
fn reveal(id: &str, open_details: bool) {
    let Some(item) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    else {
        return;
    };
    if open_details {
        if let Ok(Some(details)) = item.query_selector("details") {
            let _ = details.set_attribute("open", "");
        }
    }
    item.scroll_into_view();
    if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(item) {
        let _ = el.focus();
    }
}

/// Scrolls to a flow-log entry, opens it and moves the focus there.
fn show_log_entry(index: usize) {
    reveal(&entry_id(index), true);
}

/// The guide step a flow-log step belongs to, for links from the log.
pub fn guide_step_for(log_step: &str) -> Option<(&'static str, usize)> {
    match log_step {
        "authorize" => Some(("authorize", 2)),
        "callback" => Some(("callback", 3)),
        "token" => Some(("token", 4)),
        "info" | "api" => Some(("call", 5)),
        "refresh" => Some(("refresh", 6)),
        "revoke" => Some(("invalidate", 7)),
        _ => None,
    }
}

/// One step, with the flow-log entry (index, entry) that shows it happening, if any.
fn step_view(
    number: usize,
    step: &Step,
    found: Option<(usize, LogEntry)>,
    current: bool,
) -> impl IntoView {
    let done = found.is_some();
    let (class, status) = match (done, current) {
        (true, _) => ("guide-step done", "done"),
        (false, true) => ("guide-step current", "next"),
        (false, false) => ("guide-step", "to do"),
    };
    let raw = found.filter(|_| step.key != "register").map(|(index, entry)| {
        let failed = (!entry.ok).then(|| view! { <p class="banner error">"This step failed: "{entry.title.clone()}</p> });
        view! {
            {failed}
            <details class="guide-raw">
                <summary>"What went over the wire"</summary>
                {entry.request.clone().map(|r| view! { <h4>"Request"</h4><pre class="raw" tabindex="0">{r}</pre> })}
                {entry.response.clone().map(|r| view! { <h4>"Response"</h4><pre class="raw" tabindex="0">{r}</pre> })}
                {entry.note.clone().map(|n| view! { <p class="log-note">{n}</p> })}
            </details>
            <button type="button" class="ghost small" on:click=move |_| show_log_entry(index)>
                {format!("Show it in the flow log (entry {})", index + 1)}
            </button>
        }
    });
    let wrong = step
        .wrong
        .iter()
        .map(|w| view! { <li>{*w}</li> })
        .collect_view();
    let explain = step.explain.clone();
    view! {
        <li class=class id=format!("guide-{}", step.key) data-step=step.key tabindex="-1"
            aria-current=current.then_some("step")>
            <h3><span class="step" aria-hidden="true">{number}</span>{step.title}
                <span class="tag guide-status">{status}</span></h3>
            <p>{explain}</p>
            {raw}
            <details class="guide-wrong">
                <summary>"What can go wrong"</summary>
                <ul>{wrong}</ul>
            </details>
        </li>
    }
}

/// Moves to a guide step (from a flow-log entry).
pub fn show_guide_step(key: &str) {
    reveal(&format!("guide-{key}"), false);
}

#[component]
pub fn Guide() -> impl IntoView {
    let state = expect_context::<AppState>();
    let rt = state.runtime;
    let redirect_uri = state.boot.with_value(|b| b.default_redirect_uri());
    let body = move || {
        let provider = rt.current()?;
        if provider.flow == Flow::ApiKey {
            return Some(view! {
                <p class="muted">"This provider uses an API key, not OAuth2: press “Use this key”, then call any endpoint in the explorer. Pick a v2 (OAuth2) provider to follow the whole flow step by step."</p>
            }.into_any());
        }
        let list = steps(&provider, &redirect_uri);
        // Each step follows only its own latest log entry: a new API call redraws one step,
        // not the whole guide (the log holds whole raw requests and answers).
        let found: Vec<Memo<Option<(usize, u64)>>> = list
            .iter()
            .map(|s| {
                let names = s.logged_as;
                Memo::new(move |_| {
                    rt.log.with(|log| {
                        log.iter()
                            .rposition(|e| names.contains(&e.step.as_str()))
                            .map(|i| (i, log[i].at.to_bits()))
                    })
                })
            })
            .collect();
        let first_open = {
            let found = found.clone();
            Memo::new(move |_| found.iter().position(|m| m.get().is_none()))
        };
        let items = list
            .into_iter()
            .zip(found)
            .enumerate()
            .map(|(i, (s, at))| {
                move || {
                    let entry = at.get().and_then(|(n, _)| {
                        rt.log.with_untracked(|l| l.get(n).cloned()).map(|e| (n, e))
                    });
                    step_view(i + 1, &s, entry, first_open.get() == Some(i))
                }
            })
            .collect_view();
        Some(view! { <ol class="guide">{items}</ol> }.into_any())
    };
    view! {
        <section class="card guide-card" id="guide" aria-labelledby="guide-title">
            <div class="card-head">
                <h2 id="guide-title">"Guided mode: the flow step by step"</h2>
                <button type="button" class="ghost small" id="guide-off"
                    on:click=move |_| { save_guided(false); state.guided.set(false); }>"Hide the guide"</button>
            </div>
            <p class="hint">"Each step fills in as you go: what it does, the raw HTTP of that step (secrets redacted) and what typically goes wrong."</p>
            {body}
        </section>
    }
}
