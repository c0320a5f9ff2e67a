// The Connect card: provider, client credentials, redirect URI, scopes, the exact authorize
// URL that will be used, and the Authorize button.

use super::widgets::CopyButton;
use super::AppState;
use crate::client::{self, Attempt, ClientForm};
use crate::providers::Provider;
use crate::session::{load_prefs, local_storage, save_prefs, Prefs};
use leptos::prelude::*;

#[component]
pub fn Connect() -> impl IntoView {
    let state = expect_context::<AppState>();
    let providers = state.runtime.providers.get_value();
    let client_id = RwSignal::new(String::new());
    let client_secret = RwSignal::new(String::new());
    let redirect_uri = RwSignal::new(String::new());
    let scopes = RwSignal::new(Vec::<String>::new());
    let show_secret = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let attempt = StoredValue::new(Attempt::new(false));
    let attempt_version = RwSignal::new(0u32);

    let fill_form = {
        let state = state.clone();
        move |provider: &Provider| {
            let prefs = load_prefs(&local_storage(), &provider.id).unwrap_or_default();
            let or =
                |saved: String, fallback: String| if saved.is_empty() { fallback } else { saved };
            client_id.set(or(prefs.client_id, provider.default_client_id.clone()));
            redirect_uri.set(or(
                prefs.redirect_uri,
                state.boot.with_value(|b| b.default_redirect_uri()),
            ));
            scopes.set(if prefs.scopes.is_empty() {
                provider.default_scopes.clone()
            } else {
                prefs.scopes
            });
            let typed = client::store()
                .secret(&provider.id)
                .map(|s| s.expose().to_string());
            client_secret.set(
                typed
                    .or(provider.demo_client_secret.clone())
                    .unwrap_or_default(),
            );
            attempt.set_value(Attempt::new(provider.pkce));
            attempt_version.update(|v| *v += 1);
            problem.set(None);
        }
    };
    if let Some(p) = state.provider() {
        fill_form(&p);
    }

    let form = Memo::new(move |_| ClientForm {
        client_id: client_id.get(),
        client_secret: client_secret.get(),
        redirect_uri: redirect_uri.get(),
        scopes: scopes.get(),
    });
    let provider = {
        let state = state.clone();
        Memo::new(move |_| state.provider())
    };
    let preview = Memo::new(move |_| {
        attempt_version.track();
        let provider = provider.get()?;
        Some(attempt.with_value(|a| client::preview_url(&provider, &form.get(), a)))
    });

    let on_provider = {
        let state = state.clone();
        move |ev: leptos::ev::Event| {
            let id = event_target_value(&ev);
            state.select_provider(&id);
            if let Some(p) = state.provider() {
                fill_form(&p);
            }
        }
    };

    let authorize = {
        let state = state.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(provider) = state.provider() else {
                return;
            };
            let form = form.get_untracked();
            if let Err(why) = form.validate(&provider) {
                problem.set(Some(why));
                return;
            }
            save_prefs(
                &local_storage(),
                &provider.id,
                &Prefs {
                    client_id: form.client_id.trim().into(),
                    redirect_uri: form.redirect_uri.trim().into(),
                    scopes: form.scopes.clone(),
                },
            );
            let mut taken = Attempt::new(provider.pkce);
            attempt.update_value(|a| std::mem::swap(a, &mut taken));
            let url = client::begin(&state.runtime, &provider, &form, taken);
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_href(&url);
            }
        }
    };

    let provider_id = state.provider_id;
    let provider_options = providers
        .iter()
        .map(|p| {
            let id = p.id.clone();
            let selected = {
                let id = id.clone();
                move || provider_id.get() == id
            };
            view! { <option value=id selected=selected>{p.name.clone()}</option> }
        })
        .collect_view();

    let scope_boxes = move || {
        provider.get().map(|p| {
            p.scopes
                .into_iter()
                .map(|s| {
                    let name = s.name.clone();
                    let checked = {
                        let name = name.clone();
                        move || scopes.get().contains(&name)
                    };
                    let toggle = {
                        let name = name.clone();
                        move |_| {
                            scopes.update(|list| {
                                if let Some(i) = list.iter().position(|x| *x == name) {
                                    list.remove(i);
                                } else {
                                    list.push(name.clone());
                                }
                            })
                        }
                    };
                    view! {
                        <label class="chip-check">
                            <input type="checkbox" prop:checked=checked on:change=toggle/>
                            <code>{name.clone()}</code>
                            <span class="muted">{s.meaning}</span>
                        </label>
                    }
                })
                .collect_view()
        })
    };

    view! {
        <section class="card" aria-labelledby="connect-title">
            <h2 id="connect-title"><span class="step">"1"</span>"Connect"</h2>
            <form class="form" on:submit=authorize novalidate>
                <label for="provider">"Provider"</label>
                <select id="provider" on:change=on_provider>{provider_options}</select>
                <p class="hint">{move || provider.get().map(|p| p.summary)}</p>

                <label for="client-id">"Client id"</label>
                <input id="client-id" type="text" autocomplete="off" spellcheck="false"
                    prop:value=move || client_id.get()
                    on:input=move |ev| client_id.set(event_target_value(&ev))/>

                <label for="client-secret">"Client secret"</label>
                <div class="input-row">
                    <input id="client-secret" autocomplete="off" spellcheck="false"
                        type=move || if show_secret.get() { "text" } else { "password" }
                        prop:value=move || client_secret.get()
                        on:input=move |ev| client_secret.set(event_target_value(&ev))/>
                    <button type="button" class="ghost"
                        on:click=move |_| show_secret.update(|s| *s = !*s)
                        aria-pressed=move || show_secret.get().to_string()>
                        {move || if show_secret.get() { "Hide" } else { "Show" }}
                    </button>
                </div>
                <p class="hint">"Kept in this tab's sessionStorage only, and sent only to the token endpoint."</p>

                <label for="redirect-uri">"Redirect URI"</label>
                <input id="redirect-uri" type="url" spellcheck="false"
                    prop:value=move || redirect_uri.get()
                    on:input=move |ev| redirect_uri.set(event_target_value(&ev))/>
                <p class="hint">"Must equal the redirect URI registered with the provider."</p>

                <fieldset class="scopes">
                    <legend>"Scopes"</legend>
                    {scope_boxes}
                </fieldset>

                <div class="preview">
                    <div class="preview-head">
                        <span>"Authorization URL"</span>
                        <CopyButton text=Signal::derive(move || preview.get().unwrap_or_default()) label="Copy URL"/>
                    </div>
                    <code id="authorize-url" class="url">{move || preview.get().unwrap_or_default()}</code>
                    <p class="hint">"This exact URL, with a fresh random state, is where Authorize sends you."</p>
                </div>

                {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
                <button id="authorize" type="submit" class="primary">"Authorize"</button>
            </form>
        </section>
    }
}
