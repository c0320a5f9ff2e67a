// The OAuth form: client id, the secret (or the note that the proxy holds it), redirect URI,
// scopes, the exact authorize URL that will be used, and Authorize.

use super::form::ConnectForm;
use super::options::{client_auth_line, protocol_switches, ExtraParams};
use crate::oauth::OOB_REDIRECT;
use crate::providers::{ClientAuthMethod, Group, Provider};
use crate::types::{ClientId, Scope};
use crate::ui::decoded::{DecodedAuthorize, Editable};
use crate::ui::state::Client;
use crate::ui::widgets::{CopyButton, ErrorBanner};
use leptos::html;
use leptos::prelude::*;

/// The secret field, or the note that the proxy holds the secret.
#[component]
fn SecretField(form: ConnectForm, held: Memo<bool>) -> impl IntoView {
    let shown = RwSignal::new(false);
    move || {
        if held.get() {
            return view! {
                <p class="banner info" id="secret-held">
                    <strong>"Secret held by the proxy. "</strong>
                    "handshake-proxy adds this client's secret to token requests, so this page never sees it."
                </p>
            }
            .into_any();
        }
        view! {
            <div class="input-row">
                <input id="client-secret" autocomplete="off" spellcheck="false"
                    type=move || if shown.get() { "text" } else { "password" }
                    prop:value=move || form.client_secret.get()
                    on:input=move |ev| form.client_secret.set(event_target_value(&ev))/>
                <button type="button" class="ghost"
                    on:click=move |_| shown.update(|s| *s = !*s)
                    aria-pressed=move || shown.get().to_string()
                    aria-controls="client-secret">
                    {move || if shown.get() { "Hide" } else { "Show" }}
                </button>
            </div>
            <p class="hint">"Kept in this tab; sent only to the token endpoint."</p>
        }
        .into_any()
    }
}

/// Client id and secret (or the note that the proxy holds it, or nothing for a public client),
/// and how the client authenticates.
#[component]
pub(super) fn ClientFields(provider: Provider, form: ConnectForm) -> impl IntoView {
    let client = expect_context::<Client>();
    let public = provider.standards.client_auth == ClientAuthMethod::None;
    let held = {
        let provider = provider.clone();
        Memo::new(move |_| {
            let id = ClientId::new(form.client_id.get());
            // The proxy's answer to the start-up probe may come after the first render.
            let _ = client.routes();
            client.ctl().secret_held(&provider, &id)
        })
    };
    let secret = (!public).then(|| {
        view! {
            <label for="client-secret">"Client secret"</label>
            <SecretField form=form held=held/>
        }
    });
    let standard = provider.group == Group::Custom;
    view! {
        <label for="client-id">"Client id"</label>
        <input id="client-id" type="text" autocomplete="off" spellcheck="false"
            prop:value=move || form.client_id.get()
            on:input=move |ev| form.client_id.set(event_target_value(&ev))/>
        {secret}
        {standard.then(|| client_auth_line(&provider))}
    }
}

/// A checkbox per scope the provider knows, with its meaning and whether it is required.
pub(super) fn scope_boxes(provider: &Provider, form: ConnectForm) -> impl IntoView {
    let required = provider.required_scopes.clone();
    provider
        .scopes
        .iter()
        .map(|s| {
            let name = s.name.clone();
            let checked = {
                let name = name.clone();
                move || form.scopes.with(|list| list.contains(&name))
            };
            let toggle = {
                let name = name.clone();
                move |_| form.toggle_scope(&name)
            };
            let badge = required
                .contains(&name)
                .then(|| view! { <span class="tag">"required"</span> });
            view! {
                <label class="chip-check">
                    <input type="checkbox" name="scope" value=name.to_string() prop:checked=checked on:change=toggle/>
                    <code>{name.to_string()}</code>
                    {badge}
                    <span class="muted">{s.meaning.clone()}</span>
                </label>
            }
        })
        .collect_view()
}

/// The authorize parameters the decoder lets the learner change: the form's own fields.
fn editable(form: ConnectForm, separator: &str) -> Vec<Editable> {
    let sep = separator.to_string();
    vec![
        Editable {
            name: "client_id",
            value: Signal::derive(move || form.client_id.get()),
            set: Callback::new(move |v: String| form.client_id.set(v)),
        },
        Editable {
            name: "redirect_uri",
            value: Signal::derive(move || form.redirect_uri.get()),
            set: Callback::new(move |v: String| form.redirect_uri.set(v)),
        },
        Editable {
            name: "scope",
            value: Signal::derive(move || {
                form.scopes
                    .get()
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(&sep)
            }),
            set: Callback::new(move |v: String| {
                let scopes = v
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|s| !s.is_empty())
                    .map(Scope::new)
                    .collect();
                form.scopes.set(scopes);
            }),
        },
    ]
}

#[component]
pub fn AuthorizeForm(
    provider: Provider,
    form: ConnectForm,
    app_callback: String,
    /// Whether the answer will come back elsewhere (a new tab, then paste).
    elsewhere: Memo<bool>,
    button: NodeRef<html::Button>,
    on_submit: impl Fn() + Copy + Send + Sync + 'static,
    /// The authorize request is on its way (a pushed request first, with PAR).
    leaving: RwSignal<bool>,
) -> impl IntoView {
    let client = expect_context::<Client>();
    let preview = {
        let provider = provider.clone();
        Memo::new(move |_| form.preview(&provider, &client.ctl()))
    };
    let is_oob = Memo::new(move |_| form.redirect_uri.get().trim() == OOB_REDIRECT);
    let near = {
        let own = app_callback.clone();
        Memo::new(move |_| crate::oauth::redirect::near_miss(&form.redirect_uri.get(), &own))
    };
    let near_note = {
        let own = app_callback.clone();
        move || {
            near.get().map(|how| {
                let own = own.clone();
                let shown = own.clone();
                view! {
                    <div class="banner warn-box" role="status" id="redirect-near-miss">
                        <p>"Almost Handshake's callback, but not exactly: "{how}". Providers compare redirect URIs exactly."</p>
                        <button type="button" class="ghost small" id="use-own-callback"
                            on:click=move |_| { form.redirect_uri.set(own.clone()); form.problem.set(None); }>
                            "Use "<code>{shown}</code>
                        </button>
                    </div>
                }
            })
        }
    };
    let oob = provider.supports_oob.then(|| {
        let callback = app_callback.clone();
        view! {
            <label class="chip-check">
                <input id="oob" type="checkbox" prop:checked=move || is_oob.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        form.redirect_uri.set(if on { OOB_REDIRECT.to_string() } else { callback.clone() });
                    }/>
                "Out-of-band: the provider shows the code instead of redirecting"
            </label>
        }
    });
    let scopes = (!provider.scopes.is_empty()).then(|| {
        view! {
            <fieldset class="scopes">
                <legend>"Scopes"</legend>
                {scope_boxes(&provider, form)}
            </fieldset>
        }
    });
    let elsewhere_note = move || {
        elsewhere.get().then(|| {
            let text = if is_oob.get() {
                "The provider will show a code in a new tab instead of coming back. Copy it and paste it below.".to_string()
            } else {
                format!(
                    "This redirect URI is not Handshake's callback, so after you allow access the provider sends the new tab to {}. That page may show an error: that is fine. Copy its whole address and paste it below.",
                    form.redirect_uri.get().trim()
                )
            };
            view! { <p class="banner info" id="elsewhere-note">{text}</p> }
        })
    };
    let pkce = provider.pkce.then_some(" and PKCE challenge");
    let nonce = move || form.value().asks_openid().then_some(" (and OpenID nonce)");
    let par_provider = provider.clone();
    let separator = provider.scope_separator.clone();
    view! {
        <form class="form" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); on_submit(); }>
            <ClientFields provider=provider.clone() form=form/>
            <label for="redirect-uri">"Redirect URI"</label>
            <input id="redirect-uri" type="url" spellcheck="false"
                prop:value=move || form.redirect_uri.get()
                on:input=move |ev| form.redirect_uri.set(event_target_value(&ev))/>
            {move || {
                let own = app_callback.clone();
                if form.redirect_uri.get() == own {
                    view! { <p class="hint">"Handshake's own callback; register it exactly so."</p> }.into_any()
                } else {
                    view! { <p class="hint">"Exactly as registered with the provider. Handshake's own: "<code>{own}</code></p> }.into_any()
                }
            }}
            {near_note}
            {oob}
            {scopes}
            {protocol_switches(&provider, form)}
            <ExtraParams form=form/>
            {elsewhere_note}
            <ErrorBanner message=form.problem/>
            <button id="authorize" type="submit" class="primary" node_ref=button disabled=move || leaving.get()>
                {move || if leaving.get() { "Pushing the request…" } else { "Authorize" }}
            </button>
            <super::setup::SetupCheck provider=provider.clone() form=form/>
            <div class="preview">
                <div class="preview-head">
                    <span>"What Authorize sends"</span>
                    <CopyButton text=Signal::derive(move || preview.get()) label="Copy URL"/>
                </div>
                <code id="authorize-url" class="url">{move || preview.get()}</code>
                <p class="hint">"This exact URL, with a fresh random state"{pkce}{nonce}", is where Authorize sends you."
                    {move || form.value().pushes(&par_provider).then_some(" With PAR, these parameters are pushed to the provider first and the browser goes to the authorize endpoint with only the client id and a request_uri.")}
                </p>
                <DecodedAuthorize text=Signal::derive(move || preview.get()) editable=editable(form, &separator)/>
            </div>
        </form>
    }
}
