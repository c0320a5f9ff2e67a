// The explorer's working state: the provider's endpoints, the draft being edited, what was
// sent and came back, the tab's history; and what the user can do with them (send, page,
// copy as curl, reopen). Sending is an `Action`; the controller attaches the credential.

use super::documents;
use super::model::{build_request, endpoint_of, needed_scope, settle};
use super::response::{parse_body, Sent};
use crate::catalog::{missing_scope, next_page, previous_page, Draft, Endpoint, Problem};
use crate::providers::Provider;
use crate::session::{authorize_request, FlowStep, HistoryEntry};
use crate::types::{ProviderId, Scope};
use crate::ui::json_tree;
use crate::ui::state::{Client, Providers};
use crate::ui::widgets::copy_text;
use crate::wire::{snippet, Lang};
use leptos::prelude::*;

/// What to send: the provider, the draft, its endpoint, and the scope the call needs.
type Request = (Provider, Draft, Option<Endpoint>, Option<String>);

/// Where the provider's API description stands.
#[derive(Clone, Debug, PartialEq)]
pub enum CatalogState {
    Ready,
    Loading,
    Failed(String),
}

#[derive(Clone, Copy)]
pub struct Workbench {
    client: Client,
    providers: Providers,
    pub provider: Memo<Option<Provider>>,
    pub endpoints: RwSignal<Vec<Endpoint>>,
    /// Loading until the provider's endpoints are known (the draft shown meanwhile is not kept).
    pub catalog: RwSignal<CatalogState>,
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
    pub scope_warning: Memo<Option<(String, String)>>,
    send: Action<Request, ()>,
}

impl Workbench {
    pub fn new(linked: Signal<Option<String>>) -> Self {
        let client = expect_context::<Client>();
        let providers = expect_context::<Providers>();
        let provider = Memo::new(move |_| providers.current());
        let endpoints = RwSignal::new(Vec::new());
        let draft = RwSignal::new(Draft::default());
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
            let needed = draft.with(|d| {
                endpoints.with(|list| needed_scope(&p, d, endpoint.get().as_ref(), list))
            })?;
            missing_scope(Some(&needed), &granted).map(|text| (text, needed))
        });
        let send = Action::new_local(move |(p, d, e, scope): &Request| {
            let (p, d, e, scope) = (p.clone(), d.clone(), e.clone(), scope.clone());
            async move {
                let Ok(req) = build_request(&p, &d, e.as_ref()) else {
                    return;
                };
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
            catalog: RwSignal::new(CatalogState::Loading),
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
        // Drawn with the page when the description is already read (preloaded before the
        // first draw); else the effect below fetches it.
        let first = provider
            .get_untracked()
            .filter(|p| documents::at_hand(p).is_some());
        if let Some(p) = &first {
            bench.show(p.clone(), linked);
        }
        bench.follow(linked, first.map(|p| p.id));
        bench
    }

    /// Shows `p`'s draft: at once when its endpoints are at hand, else the kept draft while its
    /// description is fetched, then the one `settle` picks.
    fn show(self, p: Provider, linked: Signal<Option<String>>) {
        let kept = self.client.ctl().store().draft(&p.id);
        match documents::at_hand(&p) {
            Some(result) => self.arrived(result, kept, linked, &p),
            None => {
                self.endpoints.set(Vec::new());
                self.catalog.set(CatalogState::Loading);
                if let Some(d) = &kept {
                    self.draft.set(d.clone());
                }
                leptos::task::spawn_local(async move {
                    let result = documents::fetch(&p).await;
                    if self.providers.selected.get_untracked() == p.id {
                        self.arrived(result, kept, linked, &p);
                    }
                });
            }
        }
    }

    /// The provider's endpoints are known: the draft `settle` picks. Or the description could
    /// not be had: said, the kept draft left as it is, or a custom request to start from.
    fn arrived(
        self,
        result: Result<Vec<Endpoint>, String>,
        kept: Option<Draft>,
        linked: Signal<Option<String>>,
        p: &Provider,
    ) {
        let (list, state, draft) = match result {
            Ok(list) => {
                let d = settle(kept, linked.get_untracked().as_deref(), &list, &p.api_base);
                (list, CatalogState::Ready, d)
            }
            Err(why) => (
                Vec::new(),
                CatalogState::Failed(why),
                kept.unwrap_or_else(|| Draft::custom(&p.api_base)),
            ),
        };
        self.endpoints.set(list);
        self.catalog.set(state);
        self.draft.set(draft);
    }

    /// Keeps the draft with the provider, the deep link and this tab's storage.
    fn follow(self, linked: Signal<Option<String>>, shown: Option<ProviderId>) {
        let Workbench {
            client,
            providers,
            provider,
            draft,
            ..
        } = self;
        // The provider shown, from the start and whenever it changes (a deep link selects its
        // provider after the explorer is built).
        Effect::new(move |before: Option<Option<ProviderId>>| {
            let id = providers.selected.get();
            let before = before.unwrap_or_else(|| shown.clone());
            if before.as_ref() != Some(&id) {
                if let Some(p) = provider.get_untracked() {
                    self.show(p, linked);
                }
                self.sent.set(None);
                self.problems.set(Vec::new());
                self.curl.set(None);
            }
            Some(id)
        });
        Effect::watch(
            move || linked.get(),
            move |id, _, _| {
                let Some(p) = provider.get_untracked() else {
                    return;
                };
                if p.catalog.is_none() {
                    return;
                }
                let Some(e) = id.as_deref().and_then(|id| {
                    self.endpoints
                        .with_untracked(|list| list.iter().find(|e| e.id == id).cloned())
                }) else {
                    return;
                };
                if draft.with_untracked(|d| d.endpoint_id() != Some(e.id.as_str())) {
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
        let catalog = self.catalog;
        Effect::new(move |_| {
            let d = draft.get();
            if catalog.with_untracked(|c| *c == CatalogState::Loading) {
                return;
            }
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
                let scope = self
                    .endpoints
                    .with_untracked(|list| needed_scope(&p, &d, e.as_ref(), list));
                self.send.dispatch_local((p, d, e, scope));
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
            next_page(&paging, &s.values, &s.outline)
        } else {
            previous_page(&paging, &s.values)
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
