// The explorer's working state: the provider's endpoints, the draft being edited, what was
// sent and came back, the tab's history; and what the user can do with them (send, page,
// copy as curl, reopen). Sending is an `Action`; the controller attaches the credential.

use super::model::{build_request, default_draft, endpoint_of, needed_scope};
use super::response::{parse_body, Sent};
use crate::catalog::{catalog, missing_scope, next_page, previous_page, Draft, Endpoint, Problem};
use crate::providers::Provider;
use crate::session::{authorize_request, FlowStep, HistoryEntry};
use crate::types::Scope;
use crate::ui::json_tree;
use crate::ui::state::{Client, Providers};
use crate::ui::widgets::copy_text;
use crate::wire::{snippet, Lang};
use leptos::prelude::*;

type Request = (Provider, Draft, Option<Endpoint>);

fn catalog_endpoint(p: &Provider, id: &str) -> Option<Endpoint> {
    catalog(p.catalog?).into_iter().find(|e| e.id == id)
}

#[derive(Clone, Copy)]
pub struct Workbench {
    client: Client,
    providers: Providers,
    pub provider: Memo<Option<Provider>>,
    pub endpoints: Memo<Vec<Endpoint>>,
    pub draft: RwSignal<Draft>,
    /// The catalog endpoint the draft is for (none for a custom request).
    pub endpoint: Memo<Option<Endpoint>>,
    pub problems: RwSignal<Vec<Problem>>,
    pub sent: RwSignal<Option<Sent>>,
    pub history: RwSignal<Vec<HistoryEntry>>,
    pub reveal: RwSignal<bool>,
    /// The language "Copy as" writes the request in.
    pub lang: RwSignal<Lang>,
    pub curl: RwSignal<Option<String>>,
    /// The session's scopes, `None` when signed out.
    pub scopes: Memo<Option<Vec<Scope>>>,
    /// The warning, and the scope to add, when the session lacks the one the draft needs.
    pub scope_warning: Memo<Option<(String, &'static str)>>,
    send: Action<Request, ()>,
}

impl Workbench {
    pub fn new(linked: Signal<Option<String>>) -> Self {
        let client = expect_context::<Client>();
        let providers = expect_context::<Providers>();
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
            let kept = client.ctl().store().draft(&p.id);
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
        let scopes = Memo::new(move |_| {
            provider.with(|p| {
                p.as_ref()
                    .and_then(|p| client.session(&p.id))
                    .map(|s| s.scopes)
            })
        });
        let endpoint =
            Memo::new(move |_| draft.with(|d| endpoints.with(|list| endpoint_of(d, list))));
        let sent = RwSignal::new(None);
        let history = RwSignal::new(client.ctl().store().history());
        let scope_warning = Memo::new(move |_| {
            let p = provider.get().filter(|p| !p.scopes.is_empty())?;
            let granted = scopes.get()?;
            let needed = draft.with(|d| needed_scope(&p, d, endpoint.get().as_ref()));
            missing_scope(needed, &granted).zip(needed)
        });
        let send = Action::new_local(move |(p, d, e): &Request| {
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
                    body_dropped: None,
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
        let bench = Workbench {
            client,
            providers,
            provider,
            endpoints,
            draft,
            endpoint,
            sent,
            history,
            scopes,
            scope_warning,
            send,
            problems: RwSignal::new(Vec::new()),
            reveal: RwSignal::new(false),
            lang: RwSignal::new(Lang::Curl),
            curl: RwSignal::new(None),
        };
        bench.follow(linked);
        bench
    }

    /// Keeps the draft with the provider, the deep link and this tab's storage.
    fn follow(self, linked: Signal<Option<String>>) {
        let Workbench {
            client,
            providers,
            provider,
            draft,
            ..
        } = self;
        Effect::watch(
            move || providers.selected.get(),
            move |_, _, _| {
                let Some(p) = provider.get_untracked() else {
                    return;
                };
                draft.set(
                    client
                        .ctl()
                        .store()
                        .draft(&p.id)
                        .unwrap_or_else(|| default_draft(&p)),
                );
                self.sent.set(None);
                self.problems.set(Vec::new());
                self.curl.set(None);
            },
            false,
        );
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
        // Another endpoint (or a custom request) chosen: the last answer was not its own.
        let sent = self.sent;
        let target = Memo::new(move |_| draft.with(|d| d.target.clone()));
        Effect::watch(move || target.get(), move |_, _, _| sent.set(None), false);
        // Every keystroke of the draft is kept for this tab: it survives a sign-in round trip.
        Effect::new(move |_| {
            let d = draft.get();
            if let Err(e) = client
                .ctl()
                .store()
                .save_draft(&providers.selected.get_untracked(), &d)
            {
                client.storage_problem.set(Some(e.0));
            }
        });
    }

    pub fn sending(&self) -> Memo<bool> {
        self.send.pending()
    }

    /// Checks the draft and sends it, or marks the fields that are wrong.
    pub fn submit(&self) {
        let Some(p) = self.provider.get_untracked() else {
            return;
        };
        let (d, e) = (self.draft.get_untracked(), self.endpoint.get_untracked());
        match build_request(&p, &d, e.as_ref()) {
            Ok(_) => {
                self.problems.set(Vec::new());
                self.send.dispatch_local((p, d, e));
            }
            Err(list) => self.problems.set(list),
        }
    }

    /// The request as code in the chosen language (credentials redacted unless revealed),
    /// copied and shown.
    pub fn copy_curl(&self) {
        let Some(p) = self.provider.get_untracked() else {
            return;
        };
        match build_request(
            &p,
            &self.draft.get_untracked(),
            self.endpoint.get_untracked().as_ref(),
        ) {
            Ok(req) => {
                let req = match self.client.ctl().session(&p.id) {
                    Some(s) => authorize_request(&p, &s, req.clone()).unwrap_or(req),
                    None => req,
                };
                let lang = self.lang.get_untracked();
                let text = snippet(
                    lang,
                    &req,
                    p.credential_header(),
                    self.reveal.get_untracked(),
                );
                copy_text(text.clone(), "Request copied");
                self.curl.set(Some(text));
                self.problems.set(Vec::new());
            }
            Err(list) => self.problems.set(list),
        }
    }

    /// Sends the next (or previous) page of the last answer.
    pub fn page(&self, forward: bool) {
        let Some(s) = self.sent.get_untracked() else {
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
            self.draft.update(|d| d.values = values);
            self.submit();
        }
    }

    /// Reopens a history entry (and sends it again when asked).
    pub fn open(&self, h: HistoryEntry, again: bool) {
        if self.providers.selected.get_untracked() != h.provider_id {
            self.providers.select(self.client, &h.provider_id);
        }
        self.draft.set(h.draft);
        if again {
            self.submit();
        }
    }

    pub fn clear_history(&self) {
        self.client.ctl().store().clear_history();
        self.history.set(Vec::new());
    }
}
