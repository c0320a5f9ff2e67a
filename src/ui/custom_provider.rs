// The custom-provider card: describe any OAuth2 provider field by field (starting from a
// preset if you like), save it, and export or import it as JSON without secrets.

use super::explorer::documents;
use super::openapi_import::OpenApiImport;
use super::state::{Client, Providers};
use super::widgets::CopyButton;
use crate::providers::custom::{export_json, import_json, CustomDraft, FieldError};
use crate::providers::discovery::{draft_from, summary};
use crate::providers::{
    BodyEncoding, CatalogId, ClientAuthMethod, ExpiryUnit, Flow, Group, Provider, RevokeStyle,
};
use crate::types::ProviderId;
use leptos::prelude::*;

type Getter = fn(&CustomDraft) -> String;
type Setter = fn(&mut CustomDraft, String);

fn field_error(errors: RwSignal<Vec<FieldError>>, field: &'static str) -> impl IntoView {
    move || {
        errors
            .with(|list| {
                list.iter()
                    .find(|e| e.field == field)
                    .map(|e| e.message.clone())
            })
            .map(|m| {
                view! { <p class="field-error" id=format!("custom-{field}-error")>{m}</p> }
            })
    }
}

fn text_field(
    draft: RwSignal<CustomDraft>,
    errors: RwSignal<Vec<FieldError>>,
    field: &'static str,
    label: &'static str,
    placeholder: &'static str,
    get: Getter,
    set: Setter,
) -> impl IntoView {
    let id = format!("custom-{field}");
    view! {
        <label for=id.clone()>{label}</label>
        <input id=id type="text" spellcheck="false" placeholder=placeholder
            prop:value=move || draft.with(get)
            on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| set(d, v)); }/>
        {field_error(errors, field)}
    }
}

fn switch(
    draft: RwSignal<CustomDraft>,
    id: &'static str,
    label: &'static str,
    get: fn(&CustomDraft) -> bool,
    set: fn(&mut CustomDraft, bool),
) -> impl IntoView {
    view! {
        <label class="chip-check">
            <input id=id type="checkbox" prop:checked=move || draft.with(get)
                on:change=move |ev| { let v = event_target_checked(&ev); draft.update(|d| set(d, v)); }/>
            {label}
        </label>
    }
}

/// Every field of a provider's description.
fn description_fields(
    draft: RwSignal<CustomDraft>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    view! {
                    {text_field(draft, errors, "name", "Name", "My API", |d| d.name.clone(), |d, v| d.name = v)}
                    <label for="custom-flow">"How a user gets a credential"</label>
                    <select id="custom-flow" on:change=move |ev| {
                        let v = if event_target_value(&ev) == "api_key" { Flow::ApiKey } else { Flow::AuthorizationCode };
                        draft.update(|d| d.flow = v);
                    }>
                        <option value="oauth" selected=move || draft.with(|d| d.flow == Flow::AuthorizationCode)>"OAuth 2 / OpenID Connect"</option>
                        <option value="api_key" selected=move || draft.with(|d| d.flow == Flow::ApiKey)>"An API key the user types"</option>
                    </select>
                    {text_field(draft, errors, "authorize_url", "Authorize URL", "https://id.example.com/oauth/authorize", |d| d.authorize_url.clone(), |d, v| d.authorize_url = v)}
                    {text_field(draft, errors, "token_url", "Token URL", "https://id.example.com/oauth/token", |d| d.token_url.clone(), |d, v| d.token_url = v)}
                    {text_field(draft, errors, "token_method", "Token method", "POST", |d| d.token_method.clone(), |d, v| d.token_method = v)}
                    <label for="custom-token_body">"Token parameters go in"</label>
                    <select id="custom-token_body" on:change=move |ev| {
                        let v = match event_target_value(&ev).as_str() { "json" => BodyEncoding::Json, "query" => BodyEncoding::Query, _ => BodyEncoding::Form };
                        draft.update(|d| d.token_body = v);
                    }>
                        <option value="form" selected=move || draft.with(|d| d.token_body == BodyEncoding::Form)>"a form body (application/x-www-form-urlencoded)"</option>
                        <option value="json" selected=move || draft.with(|d| d.token_body == BodyEncoding::Json)>"a JSON body"</option>
                        <option value="query" selected=move || draft.with(|d| d.token_body == BodyEncoding::Query)>"the query string of the POST"</option>
                    </select>
                    {switch(draft, "custom-grant-type", "Send grant_type", |d| d.sends_grant_type, |d, v| d.sends_grant_type = v)}
                    {switch(draft, "custom-redirect-in-token", "Send redirect_uri in the token request", |d| d.sends_redirect_uri, |d, v| d.sends_redirect_uri = v)}
                    {switch(draft, "custom-pkce", "Use PKCE (S256)", |d| d.pkce, |d, v| d.pkce = v)}
                    {switch(draft, "custom-oob", "Offer the out-of-band redirect URI", |d| d.supports_oob, |d, v| d.supports_oob = v)}
                    <label for="custom-expiry">"expires_in is in"</label>
                    <select id="custom-expiry" on:change=move |ev| {
                        let v = if event_target_value(&ev) == "minutes" { ExpiryUnit::Minutes } else { ExpiryUnit::Seconds };
                        draft.update(|d| d.expiry_unit = v);
                    }>
                        <option value="seconds" selected=move || draft.with(|d| d.expiry_unit == ExpiryUnit::Seconds)>"seconds (RFC 6749)"</option>
                        <option value="minutes" selected=move || draft.with(|d| d.expiry_unit == ExpiryUnit::Minutes)>"minutes (like the Academy)"</option>
                    </select>
                    {text_field(draft, errors, "scopes", "Scopes it knows, separated by spaces", "read write", |d| d.scopes.clone(), |d, v| d.scopes = v)}
                    {text_field(draft, errors, "default_scopes", "Scopes to ask for by default", "read", |d| d.default_scopes.clone(), |d, v| d.default_scopes = v)}
                    {text_field(draft, errors, "scope_separator", "Scope separator (a space or a comma)", " ", |d| d.scope_separator.clone(), |d, v| d.scope_separator = v)}
                    {text_field(draft, errors, "api_base", "API base URL (tokens are sent only below it)", "https://api.example.com/v1", |d| d.api_base.clone(), |d, v| d.api_base = v)}
                    {text_field(draft, errors, "auth_header", "Token header (empty = Authorization: Bearer)", "x-api-key", |d| d.auth_header.clone(), |d, v| d.auth_header = v)}
                    {text_field(draft, errors, "userinfo_url", "User-info URL (optional)", "https://api.example.com/v1/me", |d| d.userinfo_url.clone(), |d, v| d.userinfo_url = v)}
                    {text_field(draft, errors, "refresh_url", "Refresh URL (optional)", "https://id.example.com/oauth/token", |d| d.refresh_url.clone(), |d, v| d.refresh_url = v)}
                    {text_field(draft, errors, "refresh_method", "Refresh method", "POST", |d| d.refresh_method.clone(), |d, v| d.refresh_method = v)}
                    {text_field(draft, errors, "revoke_url", "Revoke URL (optional)", "https://id.example.com/oauth/revoke", |d| d.revoke_url.clone(), |d, v| d.revoke_url = v)}
                    {text_field(draft, errors, "revoke_method", "Revoke method", "POST", |d| d.revoke_method.clone(), |d, v| d.revoke_method = v)}
                    <label for="custom-revoke-style">"Revoke by"</label>
                    <select id="custom-revoke-style" on:change=move |ev| {
                        let v = if event_target_value(&ev) == "bearer" { RevokeStyle::BearerCall } else { RevokeStyle::TokenForm };
                        draft.update(|d| d.revoke_style = v);
                    }>
                        <option value="form" selected=move || draft.with(|d| d.revoke_style == RevokeStyle::TokenForm)>"posting token=… (RFC 7009)"</option>
                        <option value="bearer" selected=move || draft.with(|d| d.revoke_style == RevokeStyle::BearerCall)>"calling it with the Bearer token"</option>
                    </select>
                    {text_field(draft, errors, "upstream", "Proxy upstream name (optional)", "myapi", |d| d.upstream.clone(), |d, v| d.upstream = v)}
                    {text_field(draft, errors, "client_id", "Default client id (optional)", "", |d| d.client_id.clone(), |d, v| d.client_id = v)}
    }
}

/// Issuer URL → metadata → the form filled, with what it switched on.
#[component]
fn Discover(draft: RwSignal<CustomDraft>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let client = expect_context::<Client>();
    let issuer = RwSignal::new(String::new());
    let found = RwSignal::new(None::<(String, Vec<String>)>);
    let discover = Action::new_local(move |issuer: &String| {
        let ctl = client.ctl();
        let issuer = issuer.clone();
        async move { ctl.discover(&issuer).await }
    });
    Effect::new(move |_| match discover.value().get() {
        Some(Ok((meta, url))) => {
            let name = draft.with_untracked(|d| d.name.clone());
            let mut filled = draft_from(&meta, &name);
            filled.upstream = draft.with_untracked(|d| d.upstream.clone());
            filled.client_id = draft.with_untracked(|d| d.client_id.clone());
            draft.set(filled);
            errors.set(Vec::new());
            found.set(Some((url, summary(&meta))));
        }
        Some(Err(_)) => found.set(None),
        None => {}
    });
    let error = move || discover.value().get().and_then(|r| r.err());
    let pending = discover.pending();
    view! {
        <form class="form" id="discover" novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            discover.dispatch_local(issuer.get_untracked());
        }>
            <label for="discover-issuer">"Issuer URL"</label>
            <div class="input-row">
                <input id="discover-issuer" type="url" spellcheck="false" placeholder="https://id.example.com/realms/dev"
                    prop:value=move || issuer.get()
                    on:input=move |ev| issuer.set(event_target_value(&ev))/>
                <button id="discover-button" type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Discovering…" } else { "Discover" }}
                </button>
            </div>
            <p class="hint">"Reads /.well-known/openid-configuration (OpenID Connect) or /.well-known/oauth-authorization-server (RFC 8414). The issuer in the document must be exactly the one entered."</p>
            {move || error().map(|e| view! { <p class="banner error" role="alert" id="discover-error">{e}</p> })}
            {move || found.get().map(|(url, lines)| view! {
                <div class="banner info" role="status" id="discover-found">
                    <p><strong>"Found "</strong><code>{url}</code>". The form below is filled: review it, then Save and use."</p>
                    <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                </div>
            })}
        </form>
    }
}

/// The standards part of a description (filled by discovery), folded away until needed.
fn standard_fields(
    draft: RwSignal<CustomDraft>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let auth_options = ClientAuthMethod::ALL
        .iter()
        .map(|m| {
            let m = *m;
            view! { <option value=m.name() selected=move || draft.with(|d| d.client_auth == m)>{m.name()}</option> }
        })
        .collect_view();
    view! {
        <label for="custom-client-auth">"Client authentication"</label>
        <select id="custom-client-auth" on:change=move |ev| {
            if let Some(m) = ClientAuthMethod::parse(&event_target_value(&ev)) { draft.update(|d| d.client_auth = m); }
        }>{auth_options}</select>
        <details class="standard-fields" open=move || draft.with(|d| !d.issuer.is_empty())>
            <summary>"OpenID Connect and OAuth extensions"</summary>
            {text_field(draft, errors, "issuer", "Issuer (checked against iss and the ID token)", "https://id.example.com", |d| d.issuer.clone(), |d, v| d.issuer = v)}
            {switch(draft, "custom-iss-required", "The provider always sends iss with its answer (RFC 9207)", |d| d.iss_required, |d, v| d.iss_required = v)}
            {text_field(draft, errors, "jwks_uri", "JWKS URI (ID token signing keys)", "https://id.example.com/jwks", |d| d.jwks_uri.clone(), |d, v| d.jwks_uri = v)}
            {text_field(draft, errors, "id_token_algs", "ID token algorithms, separated by spaces", "RS256 ES256", |d| d.id_token_algs.clone(), |d, v| d.id_token_algs = v)}
            {text_field(draft, errors, "introspection_url", "Introspection URL (RFC 7662)", "https://id.example.com/introspect", |d| d.introspection_url.clone(), |d, v| d.introspection_url = v)}
            {text_field(draft, errors, "par_url", "Pushed authorization request URL (RFC 9126)", "https://id.example.com/par", |d| d.par_url.clone(), |d, v| d.par_url = v)}
            {switch(draft, "custom-par-required", "The provider requires PAR", |d| d.par_required, |d, v| d.par_required = v)}
            {text_field(draft, errors, "device_url", "Device authorization URL (RFC 8628)", "https://id.example.com/device", |d| d.device_url.clone(), |d, v| d.device_url = v)}
            {text_field(draft, errors, "dpop_algs", "DPoP algorithms (RFC 9449), separated by spaces", "ES256", |d| d.dpop_algs.clone(), |d, v| d.dpop_algs = v)}
            {text_field(draft, errors, "grant_types", "Grant types it offers, separated by spaces", "authorization_code refresh_token", |d| d.grant_types.clone(), |d, v| d.grant_types = v)}
        </details>
    }
}

/// The selected custom provider as a file to copy, and a way to delete it.
#[component]
fn ExportBox(
    current: Memo<Option<Provider>>,
    on_delete: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = Signal::derive(move || current.get().map(|p| export_json(&p)).unwrap_or_default());
    move || {
        match current.get() {
        Some(_) => view! {
            <div class="form">
                <label for="custom-export">"This provider as a file (no secrets)"</label>
                <textarea id="custom-export" rows="6" readonly>{move || text.get()}</textarea>
                <div class="actions">
                    <CopyButton text=text label="Copy JSON"/>
                    <button id="custom-delete" type="button" class="ghost" on:click=move |_| on_delete()>"Delete this provider"</button>
                </div>
            </div>
        }
        .into_any(),
        None => view! { <p class="muted">"Select one of your providers above to export it."</p> }.into_any(),
    }
    }
}

/// A provider file pasted in, checked, and used.
#[component]
fn ImportBox(on_import: impl Fn(Provider) + Copy + Send + Sync + 'static) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let import = move |_| match import_json(&text.get_untracked()) {
        Ok(provider) => {
            on_import(provider);
            error.set(None);
            text.set(String::new());
        }
        Err(why) => error.set(Some(why)),
    };
    view! {
        <div class="form">
            <label for="custom-import">"A provider file exported from Handshake"</label>
            <textarea id="custom-import" rows="4" spellcheck="false"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            {move || error.get().map(|e| view! { <p class="banner error" role="alert" id="import-error">{e}</p> })}
            <button id="custom-import-button" type="button" on:click=import>"Import"</button>
        </div>
    }
}

#[component]
pub fn CustomProvider() -> impl IntoView {
    let client = expect_context::<Client>();
    let providers = expect_context::<Providers>();
    let draft = RwSignal::new(CustomDraft::default());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let saved = RwSignal::new(None::<String>);
    let refused = RwSignal::new(None::<String>);
    // An OpenAPI document read but not yet kept: it is kept with the provider on Save.
    let document = RwSignal::new(None::<String>);
    let adopt = move |provider: Provider, message: String| {
        let id = provider.id.clone();
        if provider.catalog == Some(CatalogId::Imported) {
            if let Some(text) = document.get_untracked() {
                if let Err(why) = documents::keep(&id, &text) {
                    saved.set(None);
                    refused.set(Some(format!(
                        "The OpenAPI document could not be kept in this browser ({why}), so nothing was saved."
                    )));
                    return;
                }
            }
        }
        match providers.save_custom(client, provider) {
            Ok(()) => {
                providers.select(client, &id);
                refused.set(None);
                saved.set(Some(message));
            }
            Err(why) => {
                saved.set(None);
                refused.set(Some(why));
            }
        }
    };
    let start_from = move |ev: leptos::ev::Event| {
        if let Some(p) = providers.get(&ProviderId::new(event_target_value(&ev))) {
            let mut d = CustomDraft::from_provider(&p);
            d.name = format!("{} (copy)", p.name);
            // A preset's built-in description does not come along; an imported one would
            // need its document, read again.
            d.openapi = false;
            document.set(None);
            draft.set(d);
            errors.set(Vec::new());
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match draft.get_untracked().to_provider() {
            Ok(provider) => {
                let message = format!(
                    "Saved \u{201c}{}\u{201d} and selected it above.",
                    provider.name
                );
                adopt(provider, message);
                errors.set(Vec::new());
            }
            Err(list) => {
                errors.set(list);
                saved.set(None);
            }
        }
    };
    let import = move |provider: Provider| {
        draft.set(CustomDraft::from_provider(&provider));
        adopt(provider, "Imported and selected above.".into());
    };
    let current = Memo::new(move |_| providers.current().filter(|p| p.group == Group::Custom));
    let delete = move || {
        if let Some(p) = current.get_untracked() {
            providers.remove_custom(client, &p.id);
            documents::forget(&p.id);
            let first = providers.list.with_untracked(|ps| ps[0].id.clone());
            providers.select(client, &first);
            saved.set(Some(format!("Deleted \u{201c}{}\u{201d}.", p.name)));
        }
    };
    let presets = move || {
        providers
            .list
            .get()
            .into_iter()
            .filter(|p| p.group != Group::Custom)
            .map(|p| view! { <option value=p.id.to_string()>{p.name}</option> })
            .collect_view()
    };

    view! {
        <section class="card" aria-labelledby="custom-title">
            <details id="custom-provider">
                <summary><h2 id="custom-title">"Describe another provider"</h2></summary>
                <p class="hint">"Any OAuth 2 or OpenID Connect provider, or an API that takes a key: paste its issuer to fill everything from its metadata, or describe it field by field. Saved in this browser without secrets."</p>
                <Discover draft=draft errors=errors/>
                <details class="openapi-box">
                    <summary>"From an OpenAPI document"</summary>
                    <OpenApiImport draft=draft errors=errors document=document/>
                </details>
                <div class="form">
                    <label for="custom-start">"Start from"</label>
                    <select id="custom-start" on:change=start_from>
                        <option value="">"an empty form"</option>
                        {presets}
                    </select>
                </div>
                <form class="form" on:submit=save novalidate>
                    {description_fields(draft, errors)}
                    {standard_fields(draft, errors)}
                    {move || (!errors.with(Vec::is_empty)).then(|| view! {
                        <p class="banner error" role="alert">"Some fields need attention: see the messages under them."</p>
                    })}
                    {move || saved.get().map(|m| view! { <p class="banner info" role="status">{m}</p> })}
                    {move || refused.get().map(|m| view! { <p class="banner error" role="alert" id="custom-refused">{m}</p> })}
                    <button id="custom-save" type="submit" class="primary">"Save and use"</button>
                </form>
                <h3>"Export"</h3>
                <ExportBox current=current on_delete=delete/>
                <h3>"Import"</h3>
                <ImportBox on_import=import/>
            </details>
        </section>
    }
}
