// The Connect card: provider, client credentials (or API key), redirect URI, scopes, the exact
// authorize URL that will be used, Authorize, and the paste box for answers that land elsewhere.

use super::widgets::{CopyButton, ErrorBanner};
use super::AppState;
use crate::client::{self, preview_url, Attempt, ClientForm};
use crate::oauth::{FlowError, OOB_REDIRECT};
use crate::providers::{Flow, Group, Provider};
use crate::session::{load_prefs, local_storage, save_prefs, Prefs};
use leptos::prelude::*;

/// The form's signals, filled from saved preferences when the provider changes.
#[derive(Clone, Copy)]
struct Form {
    client_id: RwSignal<String>,
    client_secret: RwSignal<String>,
    redirect_uri: RwSignal<String>,
    scopes: RwSignal<Vec<String>>,
    api_key: RwSignal<String>,
    problem: RwSignal<Option<String>>,
    attempt: StoredValue<Attempt>,
    attempt_version: RwSignal<u32>,
    /// The provider the fields belong to (they are saved under its id as they are typed).
    filled_for: RwSignal<String>,
}

impl Form {
    fn new() -> Self {
        Form {
            client_id: RwSignal::new(String::new()),
            client_secret: RwSignal::new(String::new()),
            redirect_uri: RwSignal::new(String::new()),
            scopes: RwSignal::new(Vec::new()),
            api_key: RwSignal::new(String::new()),
            problem: RwSignal::new(None),
            attempt: StoredValue::new(Attempt::new(false)),
            attempt_version: RwSignal::new(0),
            filled_for: RwSignal::new(String::new()),
        }
    }

    fn fill(&self, provider: &Provider, app_callback: &str) {
        self.filled_for.set(provider.id.clone());
        let prefs = load_prefs(&local_storage(), &provider.id).unwrap_or_default();
        let or = |saved: String, fallback: String| if saved.is_empty() { fallback } else { saved };
        self.client_id
            .set(or(prefs.client_id, provider.default_client_id.clone()));
        self.redirect_uri
            .set(or(prefs.redirect_uri, app_callback.to_string()));
        self.scopes.set(if prefs.scopes.is_empty() {
            provider.default_scopes.clone()
        } else {
            prefs.scopes
        });
        let typed = client::store()
            .secret(&provider.id)
            .map(|s| s.expose().to_string());
        self.client_secret.set(
            typed
                .or(provider.demo_client_secret.clone())
                .unwrap_or_default(),
        );
        self.api_key
            .set(provider.demo_api_key.clone().unwrap_or_default());
        self.renew_attempt(provider);
        self.problem.set(None);
    }

    fn renew_attempt(&self, provider: &Provider) {
        self.attempt.set_value(Attempt::new(provider.pkce));
        self.attempt_version.update(|v| *v += 1);
    }

    fn value(&self) -> ClientForm {
        ClientForm {
            client_id: self.client_id.get(),
            client_secret: self.client_secret.get(),
            redirect_uri: self.redirect_uri.get(),
            scopes: self.scopes.get(),
        }
    }
}

fn open_in_new_tab(url: &str) -> bool {
    web_sys::window()
        .and_then(|w| {
            w.open_with_url_and_target_and_features(url, "_blank", "noopener")
                .ok()
        })
        .is_some()
}

fn provider_options(providers: Vec<Provider>, selected: RwSignal<String>) -> impl IntoView {
    let groups = [
        (Group::Sandbox, "Sandbox: no credentials needed"),
        (Group::Real, "Real APIs"),
        (Group::Custom, "Your providers"),
    ];
    groups
        .into_iter()
        .filter_map(|(group, label)| {
            let members: Vec<Provider> = providers
                .iter()
                .filter(|p| p.group == group)
                .cloned()
                .collect();
            (!members.is_empty()).then(|| {
                let options = members
                    .into_iter()
                    .map(|p| {
                        let id = p.id.clone();
                        let is_selected = move || selected.get() == id;
                        view! { <option value=p.id.clone() selected=is_selected>{p.name}</option> }
                    })
                    .collect_view();
                view! { <optgroup label=label>{options}</optgroup> }
            })
        })
        .collect_view()
}

#[component]
pub fn Connect() -> impl IntoView {
    let state = expect_context::<AppState>();
    let rt = state.runtime;
    let app_callback = state.boot.with_value(|b| b.default_redirect_uri());
    let form = Form::new();
    let show_secret = RwSignal::new(false);
    let paste_text = RwSignal::new(String::new());
    let paste_error = RwSignal::new(None::<FlowError>);
    let pasting = RwSignal::new(false);
    let left_for_provider = RwSignal::new(false);
    let provider = Memo::new(move |_| rt.current());
    if let Some(p) = provider.get_untracked() {
        form.fill(&p, &app_callback);
    }

    let secret_held = Memo::new(move |_| {
        let id = form.client_id.get();
        provider
            .get()
            .is_some_and(|p| rt.secret_held_by_proxy(&p, &id))
    });
    // What is typed survives a reload: client id, redirect URI and scopes as this browser's
    // preferences (`Prefs`), everything else in this tab's sessionStorage, both under the
    // provider the fields belong to.
    Effect::new(move |_| {
        let value = form.value();
        let id = form.filled_for.get_untracked();
        if id.is_empty() {
            return;
        }
        save_prefs(
            &local_storage(),
            &id,
            &Prefs {
                client_id: value.client_id.trim().into(),
                redirect_uri: value.redirect_uri.trim().into(),
                scopes: value.scopes,
            },
        );
        if !secret_held.get_untracked() {
            client::store().save_secret(
                &id,
                Some(&crate::types::ClientSecret::new(value.client_secret.trim())),
            );
        }
    });
    let client_form = Memo::new(move |_| {
        let mut value = form.value();
        if secret_held.get() {
            // The proxy adds it: the browser neither holds nor sends it.
            value.client_secret.clear();
        }
        value
    });
    let preview = Memo::new(move |_| {
        form.attempt_version.track();
        let provider = provider.get()?;
        Some(
            form.attempt
                .with_value(|a| preview_url(&provider, &client_form.get(), a)),
        )
    });
    let callback_for_memo = app_callback.clone();
    let elsewhere = Memo::new(move |_| form.redirect_uri.get().trim() != callback_for_memo);
    let is_oob = Memo::new(move |_| form.redirect_uri.get().trim() == OOB_REDIRECT);

    // Whoever switches the provider (this select, the custom-provider card), the form follows.
    let callback_for_change = app_callback.clone();
    Effect::watch(
        move || rt.provider_id.get(),
        move |id, _, _| {
            if let Some(p) = rt.provider(id) {
                form.fill(&p, &callback_for_change);
            }
            paste_error.set(None);
            left_for_provider.set(false);
        },
        false,
    );
    let on_provider = move |ev: leptos::ev::Event| state.select_provider(&event_target_value(&ev));
    // The explorer's fix for a scope warning: tick the scope, then take the user to Authorize.
    Effect::new(move |_| {
        let Some(scope) = state.want_scope.get() else {
            return;
        };
        form.scopes.update(|list| {
            if !list.contains(&scope) {
                list.push(scope.clone());
            }
        });
        state.want_scope.set(None);
        if let Some(button) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("authorize"))
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = button.focus();
            button.scroll_into_view();
        }
    });

    let authorize = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(provider) = provider.get_untracked() else {
            return;
        };
        let value = client_form.get_untracked();
        if let Err(why) = value.validate(&provider) {
            form.problem.set(Some(why));
            return;
        }
        form.problem.set(None);
        save_prefs(
            &local_storage(),
            &provider.id,
            &Prefs {
                client_id: value.client_id.trim().into(),
                redirect_uri: value.redirect_uri.trim().into(),
                scopes: value.scopes.clone(),
            },
        );
        let mut taken = Attempt::new(provider.pkce);
        form.attempt.update_value(|a| std::mem::swap(a, &mut taken));
        form.attempt_version.update(|v| *v += 1);
        let url = rt.begin(&provider, &value, taken);
        // The in-browser Sandbox's authorize page is drawn by this app, at its own address.
        let url = match url.split_once('?') {
            Some((_, query)) if crate::local::is_local(&url) => {
                let base = state.boot.with_value(|b| b.page_base.clone());
                format!("{base}{}?{query}", crate::local::CONSENT_PATH)
            }
            _ => url,
        };
        if elsewhere.get_untracked() {
            // The answer will not come back here: keep this tab for pasting it.
            if !open_in_new_tab(&url) {
                form.problem.set(Some("The browser blocked the new tab. Allow pop-ups for this page, or copy the URL above.".into()));
            }
            left_for_provider.set(true);
        } else if let Some(w) = web_sys::window() {
            let _ = w.location().set_href(&url);
        }
    };

    let submit_paste = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = rt.provider_id.get_untracked();
        let text = paste_text.get_untracked();
        pasting.set(true);
        paste_error.set(None);
        leptos::task::spawn_local(async move {
            match rt.complete_pasted(&id, &text).await {
                Ok(_) => {
                    paste_text.set(String::new());
                    left_for_provider.set(false);
                    state.refresh_info();
                }
                Err(e) => paste_error.set(Some(e)),
            }
            pasting.set(false);
        });
    };

    let use_key = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(provider) = provider.get_untracked() else {
            return;
        };
        match rt.sign_in_with_key(&provider, &form.api_key.get_untracked()) {
            Ok(()) => {
                form.problem.set(None);
                state.refresh_info();
            }
            Err(why) => form.problem.set(Some(why)),
        }
    };

    let scope_boxes = move || {
        provider.get().map(|p| {
            let required = p.required_scopes.clone();
            p.scopes
                .into_iter()
                .map(|s| {
                    let name = s.name.clone();
                    let checked = {
                        let name = name.clone();
                        move || form.scopes.get().contains(&name)
                    };
                    let toggle = {
                        let name = name.clone();
                        move |_| {
                            form.scopes.update(|list| {
                                if let Some(i) = list.iter().position(|x| *x == name) {
                                    list.remove(i);
                                } else {
                                    list.push(name.clone());
                                }
                            })
                        }
                    };
                    let badge = required.contains(&name).then(|| view! { <span class="tag">"required"</span> });
                    view! {
                        <label class="chip-check">
                            <input type="checkbox" name="scope" value=name.clone() prop:checked=checked on:change=toggle/>
                            <code>{name.clone()}</code>
                            {badge}
                            <span class="muted">{s.meaning}</span>
                        </label>
                    }
                })
                .collect_view()
        })
    };

    let callback_for_oob = app_callback.clone();
    let oauth_form = move || {
        let p = provider.get()?;
        (p.flow == Flow::AuthorizationCode).then(|| {
            let supports_oob = p.supports_oob;
            let has_scopes = !p.scopes.is_empty();
            let callback_for_oob = callback_for_oob.clone();
            view! {
                <form class="form" on:submit=authorize novalidate>
                    <label for="client-id">"Client id"</label>
                    <input id="client-id" type="text" autocomplete="off" spellcheck="false"
                        prop:value=move || form.client_id.get()
                        on:input=move |ev| form.client_id.set(event_target_value(&ev))/>

                    <label for="client-secret">"Client secret"</label>
                    {move || if secret_held.get() {
                        view! {
                            <p class="banner info" id="secret-held">
                                <strong>"Secret held by the proxy. "</strong>
                                "handshake-proxy adds this client's secret to token requests, so this page never sees it."
                            </p>
                        }.into_any()
                    } else {
                        view! {
                            <div class="input-row">
                                <input id="client-secret" autocomplete="off" spellcheck="false"
                                    type=move || if show_secret.get() { "text" } else { "password" }
                                    prop:value=move || form.client_secret.get()
                                    on:input=move |ev| form.client_secret.set(event_target_value(&ev))/>
                                <button type="button" class="ghost"
                                    on:click=move |_| show_secret.update(|s| *s = !*s)
                                    aria-pressed=move || show_secret.get().to_string()
                                    aria-controls="client-secret">
                                    {move || if show_secret.get() { "Hide" } else { "Show" }}
                                </button>
                            </div>
                            <p class="hint">"Kept in this tab's sessionStorage only and sent only to the token endpoint."</p>
                        }.into_any()
                    }}

                    <label for="redirect-uri">"Redirect URI"</label>
                    <input id="redirect-uri" type="url" spellcheck="false"
                        prop:value=move || form.redirect_uri.get()
                        on:input=move |ev| form.redirect_uri.set(event_target_value(&ev))/>
                    <p class="hint">"Must equal the redirect URI registered with the provider. Handshake's own: "<code>{callback_for_oob.clone()}</code></p>
                    {supports_oob.then(|| {
                        let callback = callback_for_oob.clone();
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
                    })}

                    {has_scopes.then(|| view! {
                        <fieldset class="scopes">
                            <legend>"Scopes"</legend>
                            {scope_boxes}
                        </fieldset>
                    })}

                    <div class="preview">
                        <div class="preview-head">
                            <span>"Authorization URL"</span>
                            <CopyButton text=Signal::derive(move || preview.get().unwrap_or_default()) label="Copy URL"/>
                        </div>
                        <code id="authorize-url" class="url">{move || preview.get().unwrap_or_default()}</code>
                        <p class="hint">"This exact URL, with a fresh random state"{p.pkce.then_some(" and PKCE challenge")}", is where Authorize sends you."</p>
                    </div>
                    {move || elsewhere.get().then(|| {
                        let text = if is_oob.get() {
                            "The provider will show a code in a new tab instead of coming back. Copy it and paste it below.".to_string()
                        } else {
                            format!(
                                "This redirect URI is not Handshake's callback, so after you allow access the provider sends the new tab to {}. That page may show an error: that is fine. Copy its whole address and paste it below.",
                                form.redirect_uri.get().trim()
                            )
                        };
                        view! { <p class="banner info" id="elsewhere-note">{text}</p> }
                    })}
                    <ErrorBanner message=form.problem/>
                    <button id="authorize" type="submit" class="primary">"Authorize"</button>
                </form>
            }
        })
    };

    let key_form = move || {
        let p = provider.get()?;
        (p.flow == Flow::ApiKey).then(|| {
            let header = match &p.auth {
                crate::providers::AuthStyle::ApiKeyHeader(h) => h.clone(),
                crate::providers::AuthStyle::Bearer => "Authorization".into(),
            };
            view! {
                <form class="form" on:submit=use_key novalidate>
                    <label for="api-key">"API key"</label>
                    <div class="input-row">
                        <input id="api-key" autocomplete="off" spellcheck="false"
                            type=move || if show_secret.get() { "text" } else { "password" }
                            prop:value=move || form.api_key.get()
                            on:input=move |ev| form.api_key.set(event_target_value(&ev))/>
                        <button type="button" class="ghost" on:click=move |_| show_secret.update(|s| *s = !*s)
                            aria-pressed=move || show_secret.get().to_string() aria-controls="api-key">
                            {move || if show_secret.get() { "Hide" } else { "Show" }}
                        </button>
                    </div>
                    <p class="hint">"Sent as the "<code>{header}</code>" header, only to this API. Kept in this tab's sessionStorage."</p>
                    <ErrorBanner message=form.problem/>
                    <button id="use-key" type="submit" class="primary">"Use this key"</button>
                </form>
            }
        })
    };

    let paste_box = move || {
        let p = provider.get()?;
        (p.flow == Flow::AuthorizationCode).then(|| {
            let open = elsewhere.get() || left_for_provider.get() || p.notes.is_some();
            view! {
                <details class="paste" open=open>
                    <summary>"Landed somewhere else? Paste the address or the code"</summary>
                    <form class="form" on:submit=submit_paste novalidate>
                        <label for="paste">"The address you landed on, or the code"</label>
                        <textarea id="paste" rows="3" spellcheck="false"
                            placeholder="https://…/callback?code=…&state=…"
                            prop:value=move || paste_text.get()
                            on:input=move |ev| paste_text.set(event_target_value(&ev))></textarea>
                        <p class="hint">"Handshake checks the state when the address has one, then exchanges the code with the redirect URI you registered."</p>
                        {move || paste_error.get().map(|e| view! {
                            <div class="banner error" role="alert" data-code=e.code.clone()>
                                <strong>{e.title.clone()}</strong>" "{e.detail.clone()}
                            </div>
                        })}
                        <button id="paste-submit" type="submit" class="primary" disabled=move || pasting.get()>
                            {move || if pasting.get() { "Exchanging…" } else { "Continue with this answer" }}
                        </button>
                    </form>
                </details>
            }
        })
    };

    view! {
        <section class="card" aria-labelledby="connect-title">
            <h2 id="connect-title"><span class="step">"1"</span>"Connect"</h2>
            <div class="form">
                <label for="provider">"Provider"</label>
                <select id="provider" on:change=on_provider>
                    {move || provider_options(rt.providers.get(), rt.provider_id)}
                </select>
                <p class="hint">{move || provider.get().map(|p| p.summary)}</p>
                {move || provider.get().and_then(|p| p.notes).map(|n| view! { <p class="banner info">{n}</p> })}
            </div>
            {oauth_form}
            {key_form}
            {paste_box}
        </section>
    }
}
