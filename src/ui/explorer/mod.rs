// The API explorer: a searchable endpoint list, a request builder with validation before
// sending, scope warnings, pagination, copy-as-curl, the response viewer and the tab's
// history. Sending is an `Action`; the controller attaches the credential and refreshes.

mod builder;
mod endpoints;
mod history;
mod model;
mod pager;
mod response;

use super::json_tree;
use super::routes::explore_path;
use super::state::{Client, Now, Providers, ScopeRequest};
use super::widgets::copy_text;
use crate::catalog::{catalog, missing_scope, next_page, previous_page, Draft, Endpoint, Problem};
use crate::providers::Provider;
use crate::session::{authorize_request, FlowStep, HistoryEntry};
use crate::types::Scope;
use crate::wire::to_curl;
use builder::{builder_fields, builder_head};
use endpoints::EndpointList;
use history::History;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use model::{build_request, default_draft, endpoint_of, needed_scope};
use pager::Pager;
use response::{parse_body, ResponseView, Sent};

fn catalog_endpoint(p: &Provider, id: &str) -> Option<Endpoint> {
    catalog(p.catalog?).into_iter().find(|e| e.id == id)
}

#[component]
pub fn Explorer(
    /// The endpoint a deep link names, if any.
    linked: Signal<Option<String>>,
) -> impl IntoView {
    let client = expect_context::<Client>();
    let providers = expect_context::<Providers>();
    let Now(now) = expect_context::<Now>();
    let ScopeRequest(want_scope) = expect_context::<ScopeRequest>();
    let store = move || client.ctl();
    let provider = Memo::new(move |_| providers.current());
    let endpoints = Memo::new(move |_| {
        provider
            .get()
            .and_then(|p| p.catalog)
            .map(catalog)
            .unwrap_or_default()
    });
    // The provider's draft kept in this tab, or its first endpoint; a deep link to another
    // endpoint opens that one.
    let first = provider.get_untracked().map(|p| {
        let kept = store().store().draft(&p.id);
        let linked = linked
            .get_untracked()
            .and_then(|id| catalog_endpoint(&p, &id));
        match (kept, linked) {
            (Some(d), Some(e)) if d.endpoint_id() == Some(e.id) => d,
            (_, Some(e)) => Draft::for_endpoint(&e),
            (Some(d), None) => d,
            (None, None) => default_draft(&p),
        }
    });
    let draft = RwSignal::new(first.unwrap_or_default());
    let problems = RwSignal::new(Vec::<Problem>::new());
    let sent = RwSignal::new(None::<Sent>);
    let history = RwSignal::new(store().store().history());
    let reveal = RwSignal::new(false);
    let curl = RwSignal::new(None::<String>);
    let endpoint = Memo::new(move |_| draft.with(|d| endpoints.with(|list| endpoint_of(d, list))));

    // On a switch of provider: its own draft (kept in this tab), or its first endpoint.
    Effect::watch(
        move || providers.selected.get(),
        move |_, _, _| {
            let Some(p) = provider.get_untracked() else {
                return;
            };
            draft.set(
                store()
                    .store()
                    .draft(&p.id)
                    .unwrap_or_else(|| default_draft(&p)),
            );
            sent.set(None);
            problems.set(Vec::new());
            curl.set(None);
        },
        false,
    );
    // A deep link opens its endpoint.
    Effect::watch(
        move || linked.get(),
        move |id, _, _| {
            let Some(p) = provider.get_untracked() else {
                return;
            };
            let Some(e) = id.as_deref().and_then(|id| catalog_endpoint(&p, id)) else {
                return;
            };
            if draft.with_untracked(|d| d.endpoint_id() != Some(e.id)) {
                draft.set(Draft::for_endpoint(&e));
            }
        },
        false,
    );
    // Every keystroke of the draft is kept for this tab: it survives a sign-in round trip.
    Effect::new(move |_| {
        let d = draft.get();
        if let Err(e) = store()
            .store()
            .save_draft(&providers.selected.get_untracked(), &d)
        {
            client.storage_problem.set(Some(e.0));
        }
    });

    let session_scopes = move || {
        provider.with(|p| {
            p.as_ref()
                .and_then(|p| client.session(&p.id))
                .map(|s| s.scopes)
        })
    };
    let granted = Memo::new(move |_| session_scopes().unwrap_or_default());
    let scope_warning = Memo::new(move |_| {
        let p = provider.get().filter(|p| !p.scopes.is_empty())?;
        session_scopes()?;
        let needed = draft.with(|d| needed_scope(&p, d, endpoint.get().as_ref()));
        missing_scope(needed, &granted.get()).zip(needed)
    });

    let send = Action::new_local(move |(p, d, e): &(Provider, Draft, Option<Endpoint>)| {
        let (p, d, e) = (p.clone(), d.clone(), *e);
        async move {
            let Ok(req) = build_request(&p, &d, e.as_ref()) else {
                return;
            };
            let scope = needed_scope(&p, &d, e.as_ref());
            let ctl = client.ctl();
            let title = format!("{} {}", req.method, req.url);
            let outcome = ctl.call(&p, req.clone(), FlowStep::Api, &title).await;
            let (status, elapsed) = match &outcome.result {
                Ok(r) => (Some(r.response.status), Some(r.response.elapsed_ms)),
                Err(_) => (None, None),
            };
            let entry = HistoryEntry {
                at: ctl.now(),
                provider_id: p.id.clone(),
                method: req.method,
                url: req.url.clone(),
                status,
                elapsed_ms: elapsed,
                draft: d.clone(),
            };
            let (list, saved) = ctl.store().push_history(entry);
            history.set(list);
            if let Err(e) = saved {
                client.storage_problem.set(Some(e.0));
            }
            let parsed = parse_body(&outcome).await;
            let outline = parsed
                .as_ref()
                .map(|p| json_tree::outline(&p.0))
                .unwrap_or_default();
            sent.set(Some(Sent {
                outcome,
                parsed,
                outline,
                endpoint: e,
                values: d.values,
                scope,
            }));
        }
    });
    let sending = send.pending();
    let submit = move || {
        let Some(p) = provider.get_untracked() else {
            return;
        };
        let (d, e) = (draft.get_untracked(), endpoint.get_untracked());
        match build_request(&p, &d, e.as_ref()) {
            Ok(_) => {
                problems.set(Vec::new());
                send.dispatch_local((p, d, e));
            }
            Err(list) => problems.set(list),
        }
    };
    let copy_curl = move |_| {
        let Some(p) = provider.get_untracked() else {
            return;
        };
        match build_request(
            &p,
            &draft.get_untracked(),
            endpoint.get_untracked().as_ref(),
        ) {
            Ok(req) => {
                let req = match client.ctl().session(&p.id) {
                    Some(s) => authorize_request(&p, &s, req.clone()).unwrap_or(req),
                    None => req,
                };
                let text = to_curl(&req, p.credential_header(), reveal.get_untracked());
                copy_text(text.clone(), "curl command copied");
                curl.set(Some(text));
                problems.set(Vec::new());
            }
            Err(list) => problems.set(list),
        }
    };
    let page_to = move |forward: bool| {
        let Some(s) = sent.get_untracked() else {
            return;
        };
        let Some(paging) = s.endpoint.and_then(|e| e.paging) else {
            return;
        };
        let values = if forward {
            next_page(paging, &s.values, &s.outline)
        } else {
            previous_page(paging, &s.values)
        };
        if let Some(values) = values {
            draft.update(|d| d.values = values);
            submit();
        }
    };
    let open_history = move |h: HistoryEntry, again: bool| {
        if providers.selected.get_untracked() != h.provider_id {
            providers.select(client, &h.provider_id);
        }
        draft.set(h.draft);
        if again {
            submit();
        }
    };
    let navigate = StoredValue::new_local(use_navigate());
    let on_pick = move |id: &'static str| {
        let path = explore_path(&providers.selected.get_untracked(), id);
        let options = NavigateOptions {
            replace: true,
            scroll: false,
            ..Default::default()
        };
        navigate.with_value(|go| go(&path, options));
    };
    let api_base = Signal::derive(move || provider.get().map(|p| p.api_base).unwrap_or_default());

    let builder = move || {
        let p = provider.get()?;
        let e = endpoint.get().filter(|_| !draft.with(|d| d.is_custom()));
        Some(view! {
            <form class="builder" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); submit(); } novalidate>
                {builder_head(&p, e)}
                {builder_fields(e, draft, problems)}
                {move || scope_warning.get().map(|(text, needed)| view! {
                    <div class="banner warn-box" role="alert" id="scope-warning">
                        <p>{text}</p>
                        <button type="button" class="small" on:click=move |_| want_scope.set(Some(Scope::new(needed)))>
                            {format!("Add {needed} to the scopes above")}
                        </button>
                    </div>
                })}
                {move || (!problems.with(Vec::is_empty)).then(|| view! {
                    <p class="banner error" role="alert" id="request-problems">"Not sent: fix the fields marked below each."</p>
                })}
                {move || session_scopes().is_none().then(|| view! {
                    <p class="banner info">"Not signed in: requests go out without credentials. Authorize (or enter your API key) first."</p>
                })}
                <div class="actions">
                    <button id="send" type="submit" class="primary" disabled=move || sending.get()>
                        {move || if sending.get() { "Sending…" } else if scope_warning.with(Option::is_some) { "Send anyway" } else { "Send" }}
                    </button>
                    <button id="copy-curl" type="button" on:click=copy_curl>"Copy as curl"</button>
                    <label class="chip-check">
                        <input id="curl-reveal" type="checkbox" prop:checked=move || reveal.get()
                            on:change=move |ev| reveal.set(event_target_checked(&ev))/>
                        "include credentials"
                    </label>
                </div>
                {move || curl.get().map(|c| view! { <pre class="raw" id="curl" tabindex="0">{c}</pre> })}
            </form>
        })
    };

    view! {
        <section class="card explorer" aria-labelledby="explorer-title">
            <h2 id="explorer-title"><span class="step">"3"</span>"Explore the API"</h2>
            <div class="explorer-grid">
                <EndpointList endpoints=endpoints draft=draft api_base=api_base on_pick=on_pick/>
                <div class="builder-column">
                    {builder}
                    {move || sent.get().map(|s| view! { <Pager sent=s on_page=page_to/> })}
                    <div aria-live="polite">
                        {move || sending.get().then(|| view! { <p class="busy" role="status">"Waiting for the answer…"</p> })}
                        {move || sent.get().map(|s| view! { <ResponseView sent=s granted=granted.get() now=now.get_untracked()/> })}
                    </div>
                </div>
            </div>
            <details class="history-box">
                <summary>{move || format!("History of this tab ({})", history.with(Vec::len))}</summary>
                <History history=history on_open=open_history on_clear=move || { client.ctl().store().clear_history(); history.set(Vec::new()); }/>
            </details>
        </section>
    }
}
