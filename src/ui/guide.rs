// Guided mode: the OAuth2 authorization-code flow as a compact stepper of seven numbered
// steps, one line each; the current one is open and says what happens and why, shows the raw
// request and response of that step as it went over the wire (from the flow log, already
// redacted), links to the log entry, and lists what goes wrong.

use super::decoded::Decoded;
use super::state::{BootInfo, Client, Guided, Providers};
use super::widgets::{guide_step_id, log_entry_id, reveal};
use crate::http::route::is_in_page;
use crate::providers::{ExpiryUnit, Flow, Provider, RevokeStyle};
use crate::session::{GuideStep, LogEntry};
use leptos::prelude::*;

/// One step of the flow as the guide tells it.
struct Step {
    step: GuideStep,
    title: &'static str,
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
            step: GuideStep::Register,
            title: "Register the application",
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
            step: GuideStep::Authorize,
            title: "Send the user to the provider",
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
            step: GuideStep::Callback,
            title: "Come back with a code",
            explain: "The provider redirects to the callback with ?code=…&state=…. The app first checks that state is the value it stored for this attempt (otherwise someone else started this flow: CSRF), removes code and state from the address bar and history, and uses the flow record once.".into(),
            wrong: &[
                "state missing or different: Handshake stops and sends nothing (RFC 9700 §4.7).",
                "The page reloaded on the callback: the code was used already and cannot be exchanged twice.",
                "An access_token in the address (implicit flow leftovers): refused, tokens never travel in URLs.",
            ],
        },
        Step {
            step: GuideStep::Token,
            title: "Exchange the code for tokens",
            explain: format!(
                "The app sends the code, the client id, the redirect URI again and the client secret to {} {}. {} The answer holds the access token, its lifetime {} and usually a refresh token.",
                p.token.method,
                p.token.url,
                if is_in_page(&p.token.url) {
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
            step: GuideStep::Call,
            title: "Call the API",
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
            step: GuideStep::Refresh,
            title: "Refresh the access token",
            explain: refresh,
            wrong: &[
                "The refresh token expired too (the Academy's lives 5 minutes): authorize again.",
                "Two tabs refresh at once with a rotating refresh token: the second one's is already spent.",
            ],
        },
        Step {
            step: GuideStep::Invalidate,
            title: "Invalidate the tokens",
            explain: revoke,
            wrong: &[
                "Only deleting the tokens locally: they keep working for anyone who copied them, until they expire.",
            ],
        },
    ]
}

/// One step, with the flow-log entry (index, entry) that shows it happening, if any.
/// `unavailable`: why this step cannot happen in the current session (no refresh token).
fn step_view(
    number: usize,
    step: &Step,
    found: Option<(usize, LogEntry)>,
    current: bool,
    unavailable: Option<&'static str>,
) -> impl IntoView {
    let done = found.is_some();
    let (class, status) = match (done, current, unavailable) {
        (true, _, _) => ("guide-step done", "done"),
        (false, _, Some(_)) => ("guide-step unavailable", "not possible now"),
        (false, true, None) => ("guide-step current", "next"),
        (false, false, None) => ("guide-step", "to do"),
    };
    let why = unavailable
        .filter(|_| !done)
        .map(|w| view! { <p class="banner warn-box">{w}</p> });
    let raw = found.filter(|_| step.step != GuideStep::Register).map(|(index, entry)| {
        let failed = (!entry.ok).then(|| view! { <p class="banner error">"This step failed: "{entry.title.clone()}</p> });
        view! {
            {failed}
            <details class="guide-raw">
                <summary>"What went over the wire"</summary>
                {entry.request.clone().map(|r| view! {
                    <h4>"Request"</h4><pre class="raw" tabindex="0">{r.clone()}</pre>
                    <Decoded text=Signal::stored(r) id=format!("{}-request-decoded", guide_step_id(step.step))/>
                })}
                {entry.response.clone().map(|r| view! {
                    <h4>"Response"</h4><pre class="raw" tabindex="0">{r.clone()}</pre>
                    <Decoded text=Signal::stored(r) id=format!("{}-response-decoded", guide_step_id(step.step))/>
                })}
                {entry.note.clone().map(|n| view! { <p class="log-note">{n}</p> })}
            </details>
            <button type="button" class="ghost small" on:click=move |_| reveal(&log_entry_id(index), true)>
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
    // One line per step; only the current one (or one the user opens) shows its prose.
    view! {
        <li class=class id=guide_step_id(step.step) data-step=step.step.key() tabindex="-1"
            aria-current=current.then_some("step")>
            <details open=current>
                <summary>
                    <span class="step" aria-hidden="true">{number}</span>
                    <span class="guide-title">{step.title}</span>
                    <span class="tag guide-status">{status}</span>
                </summary>
                <p>{explain}</p>
                {why}
                {raw}
                <details class="guide-wrong">
                    <summary>"What can go wrong"</summary>
                    <ul>{wrong}</ul>
                </details>
            </details>
        </li>
    }
}

#[component]
pub fn Guide() -> impl IntoView {
    let client = expect_context::<Client>();
    let providers = expect_context::<Providers>();
    let guided = expect_context::<Guided>();
    let log = client.log;
    let redirect_uri = expect_context::<BootInfo>()
        .0
        .with_value(|b| b.default_redirect_uri());
    let body = move || {
        let provider = providers.current()?;
        if provider.flow == Flow::ApiKey {
            return Some(view! {
                <p class="muted">"This provider uses an API key, not OAuth2: press “Use this key”, then call any endpoint in the explorer. Pick a v2 (OAuth2) provider to follow the whole flow step by step."</p>
            }.into_any());
        }
        let list = steps(&provider, &redirect_uri);
        // Signed in without a refresh token (e.g. offline_access not granted): refresh cannot
        // be the next step.
        let no_refresh = client
            .session(&provider.id)
            .is_some_and(|s| s.tokens.refresh_token.is_none());
        let unavailable = move |step: GuideStep| {
            (no_refresh && step == GuideStep::Refresh).then_some(
                "This session has no refresh token (the provider gave none, or left out offline_access), so it cannot be refreshed: when the access token expires, authorize again.",
            )
        };
        // Each step follows only its own latest log entry: a new API call redraws one step,
        // not the whole guide (the log holds whole raw requests and answers).
        // Progress belongs to the selected provider: only its own entries count.
        let found: Vec<Memo<Option<(usize, u64)>>> = list
            .iter()
            .map(|s| {
                let step = s.step;
                let id = provider.id.clone();
                Memo::new(move |_| {
                    log.with(|log| {
                        log.iter()
                            .rposition(|e| {
                                step.shown_by(e.step) && e.provider.as_ref() == Some(&id)
                            })
                            .map(|i| (i, log[i].at.to_bits()))
                    })
                })
            })
            .collect();
        let first_open = {
            let found = found.clone();
            let order: Vec<GuideStep> = list.iter().map(|s| s.step).collect();
            Memo::new(move |_| {
                found
                    .iter()
                    .zip(&order)
                    .position(|(m, step)| m.get().is_none() && unavailable(*step).is_none())
            })
        };
        let items = list
            .into_iter()
            .zip(found)
            .enumerate()
            .map(|(i, (s, at))| {
                move || {
                    let entry = at.get().and_then(|(n, _)| {
                        log.with_untracked(|l| l.get(n).cloned()).map(|e| (n, e))
                    });
                    step_view(
                        i + 1,
                        &s,
                        entry,
                        first_open.get() == Some(i),
                        unavailable(s.step),
                    )
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
                    on:click=move |_| guided.set(false)>"Hide the guide"</button>
            </div>
            <p class="hint">"The next step is open; open any other to read it, with the raw HTTP of that step (secrets redacted) and what typically goes wrong."</p>
            {body}
        </section>
    }
}
