// The controller with fakes: a map for storage, a settable clock, counting entropy, and a
// scripted network whose every send yields once, so that concurrent calls really interleave.

use super::*;
use crate::config::AppConfig;
use crate::oauth::jws::WebCryptoAlg;
use crate::oauth::token::TokenSet;
use crate::platform::MemoryStore;
use crate::providers::presets;
use crate::session::keys;
use crate::types::{AccessToken, RefreshToken, Scope};
use crate::wire::{Method, NetError};
use futures::executor::block_on;
use std::cell::Cell;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs a future to its end (every fake here completes).
trait Done: Future + Sized {
    fn done(self) -> Self::Output {
        block_on(self)
    }
}
impl<F: Future> Done for F {}

struct TestClock(Cell<f64>);
impl Clock for Rc<TestClock> {
    fn now(&self) -> f64 {
        self.0.get()
    }

    /// Time passes at once: a device grant's polling runs without waiting.
    async fn sleep(&self, ms: f64) {
        self.0.set(self.0.get() + ms);
    }
}

/// Counting "random" bytes; a signature verifies when it is the bytes `good` (the browser's
/// WebCrypto does the real thing, tested end to end); DPoP proofs are signed with `[9; 64]`.
struct Counting(Cell<u8>);
const GOOD_SIGNATURE: [u8; 64] = [7; 64];
impl Crypto for Counting {
    fn fill(&self, bytes: &mut [u8]) {
        for b in bytes {
            self.0.set(self.0.get().wrapping_add(1));
            *b = self.0.get();
        }
    }

    async fn verify(
        &self,
        _alg: &WebCryptoAlg,
        jwk: &serde_json::Value,
        _input: &[u8],
        signature: &[u8],
    ) -> Result<bool, String> {
        Ok(signature == GOOD_SIGNATURE && jwk["x"] == "key-x")
    }

    async fn dpop_public_key(&self) -> Result<serde_json::Value, String> {
        Ok(serde_json::json!({"kty": "EC", "crv": "P-256", "x": "dpop-x", "y": "dpop-y"}))
    }

    async fn dpop_sign(&self, _input: &[u8]) -> Result<Vec<u8>, String> {
        Ok(vec![9; 64])
    }
}

/// Pending once, then ready: lets `join` run the other calls in between.
struct YieldNow(bool);
impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

type Handler = Box<dyn Fn(&HttpRequest) -> HttpResponse>;

/// The network: answers by a script and keeps every request it was sent.
struct Net {
    sent: RefCell<Vec<HttpRequest>>,
    handler: Handler,
    /// Clients whose secret the "proxy" holds.
    held: Vec<&'static str>,
    /// Whether the "proxy" has answered yet.
    known: Cell<bool>,
}

impl Net {
    fn new(handler: impl Fn(&HttpRequest) -> HttpResponse + 'static) -> Rc<Net> {
        Rc::new(Net {
            sent: RefCell::new(Vec::new()),
            handler: Box::new(handler),
            held: Vec::new(),
            known: Cell::new(true),
        })
    }

    fn sent_to(&self, url_part: &str) -> Vec<HttpRequest> {
        self.sent
            .borrow()
            .iter()
            .filter(|r| r.url.contains(url_part))
            .cloned()
            .collect()
    }
}

impl Transport for Rc<Net> {
    type Body = String;

    async fn send(&self, req: &HttpRequest) -> Result<Delivery<String>, NetError> {
        YieldNow(false).await;
        self.sent.borrow_mut().push(req.clone());
        Ok(Delivery {
            response: (self.handler)(req),
            large: None,
            route: Route::Direct,
        })
    }

    fn text(&self, body: &String) -> String {
        body.clone()
    }

    fn secret_held(&self, _token_url: &str, client_id: &ClientId) -> bool {
        self.held.contains(&client_id.as_str())
    }

    fn proxy_known(&self) -> bool {
        self.known.get()
    }

    fn departure(&self, authorize_url: &str) -> String {
        authorize_url.to_string()
    }
}

type TestController = Controller<Rc<MemoryStore>, Rc<TestClock>, Counting, Rc<Net>>;

const CALLBACK: &str = "http://127.0.0.1:8080/callback";
const A: &str = "sandbox-academy-v2";
const B: &str = "sandbox-metamaps";
const A_API: &str = "http://127.0.0.1:8090/api/v2";
const B_API: &str = "http://127.0.0.1:8090/metamaps/api/v2";

fn providers() -> Vec<Provider> {
    presets(&AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap())
}

fn provider(id: &str) -> Provider {
    providers().into_iter().find(|p| p.id == id).unwrap()
}

fn json(status: u16, body: serde_json::Value) -> HttpResponse {
    HttpResponse::new(
        status,
        vec![("content-type".into(), "application/json".into())],
        body.to_string(),
    )
}

fn tokens(access: &str, refresh: Option<&str>, expires_at: f64) -> TokenSet {
    TokenSet {
        access_token: AccessToken::new(access),
        token_type: None,
        expires_in: Some(5.0),
        expires_at: Some(expires_at),
        refresh_token: refresh.map(RefreshToken::new),
        refresh_expires_in: None,
        refresh_expires_at: None,
        scope: None,
        obtained_at: 0.0,
        id_token: None,
    }
}

/// A session already in storage, as a previous page load left it.
fn stored(store: &MemoryStore, id: &str, access: &str, refresh: &str, expires_at: f64) {
    let session = StoredSession {
        provider_id: id.into(),
        client_id: "client".into(),
        redirect_uri: CALLBACK.into(),
        scopes: vec![Scope::new("connect"), Scope::new("read")],
        tokens: tokens(access, Some(refresh), expires_at),
        asked: Vec::new(),
        id_token: None,
    };
    store
        .set(
            &keys::session(&id.into()),
            &serde_json::to_string(&session).unwrap(),
        )
        .unwrap();
}

struct Rig {
    ctl: Rc<TestController>,
    net: Rc<Net>,
    clock: Rc<TestClock>,
    store: Rc<MemoryStore>,
    changes: Rc<RefCell<Vec<Change>>>,
}

fn rig_with(store: MemoryStore, net: Rc<Net>) -> Rig {
    let store = Rc::new(store);
    let clock = Rc::new(TestClock(Cell::new(1_000_000.0)));
    let ctl = Controller::new(
        store.clone(),
        clock.clone(),
        Counting(Cell::new(0)),
        net.clone(),
        CALLBACK,
        providers(),
    );
    let changes: Rc<RefCell<Vec<Change>>> = Rc::default();
    let sink = changes.clone();
    ctl.subscribe(Rc::new(move |c| sink.borrow_mut().push(c.clone())));
    Rig {
        ctl,
        net,
        clock,
        store,
        changes,
    }
}

fn query_of(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn param(url: &str, name: &str) -> Option<String> {
    query_of(url)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn form(id: &str) -> ClientForm {
    ClientForm {
        client_id: id.into(),
        client_secret: crate::types::ClientSecret::new("typed-secret"),
        redirect_uri: CALLBACK.into(),
        scopes: vec![Scope::new("connect"), Scope::new("read")],
        ..ClientForm::default()
    }
}

/// The Academy's token endpoint: a code or refresh token becomes a numbered pair.
fn academy_server() -> Rc<Net> {
    let issued = Cell::new(0);
    Net::new(move |req| {
        if req.url.ends_with("/api/v2/token") || req.url.ends_with("/api/v2/refresh") {
            issued.set(issued.get() + 1);
            let n = issued.get();
            return json(
                200,
                serde_json::json!({"access_token": format!("at-{n}"), "expires_in": 5,
                    "refresh_token": format!("rt-{n}"), "refresh_expires_in": 5}),
            );
        }
        json(200, serde_json::json!({"ok": true}))
    })
}

#[test]
fn a_sign_in_stores_its_flow_then_exchanges_the_code_once() {
    let rig = rig_with(MemoryStore::default(), academy_server());
    let p = provider(A);
    let departure = rig
        .ctl
        .begin(&p, &form("client"), rig.ctl.attempt(&p))
        .done()
        .unwrap();
    assert!(departure.url.starts_with(&format!("{A_API}/authorize?")));
    assert!(!departure.new_tab, "the answer comes back to this page");
    let state = param(&departure.url, "state").unwrap();
    assert_eq!(rig.ctl.store().pending_flows(), 1);

    let query = format!("code=c0de&state={state}");
    let session = block_on(rig.ctl.complete(&query, "")).unwrap();
    assert_eq!(session.tokens.access_token.expose(), "at-1");
    assert_eq!(rig.ctl.session(&A.into()).unwrap(), session, "in memory");
    assert!(
        rig.store.get(&keys::session(&A.into())).is_some(),
        "and stored"
    );
    let token = rig.net.sent_to("/api/v2/token");
    assert_eq!(token.len(), 1);
    let body: serde_json::Value = serde_json::from_str(token[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        (body["code"].as_str(), body["client_secret"].as_str()),
        (Some("c0de"), Some("typed-secret"))
    );
    let steps: Vec<FlowStep> = rig.ctl.with_log(|l| l.iter().map(|e| e.step).collect());
    assert_eq!(
        steps,
        [FlowStep::Authorize, FlowStep::Callback, FlowStep::Token]
    );
    assert!(rig.changes.borrow().contains(&Change::Session(A.into())));

    // The same answer again (a reload): refused before any request.
    let again = block_on(rig.ctl.complete(&query, "")).unwrap_err();
    assert_eq!(again, FlowError::AlreadyCompleted);
    assert_eq!(rig.net.sent_to("/api/v2/token").len(), 1);
}

#[test]
fn a_callback_with_a_foreign_state_sends_nothing() {
    let rig = rig_with(MemoryStore::default(), academy_server());
    let p = provider(A);
    rig.ctl
        .begin(&p, &form("client"), rig.ctl.attempt(&p))
        .done()
        .unwrap();
    let e = block_on(rig.ctl.complete("code=c&state=someone-elses", "")).unwrap_err();
    assert_eq!(e, FlowError::StateMismatch);
    assert!(rig.net.sent.borrow().is_empty());
}

#[test]
fn concurrent_401s_refresh_once_per_provider_and_each_keeps_its_token() {
    let store = MemoryStore::default();
    let far = 1e15;
    stored(&store, A, "a-old", "a-r1", far);
    stored(&store, B, "b-old", "b-r1", far);
    let net = Net::new(|req| {
        let auth = req.header_value("authorization").unwrap_or("");
        if req.url.ends_with("/api/v2/refresh") {
            return json(
                200,
                serde_json::json!({"access_token": "a-new", "expires_in": 5, "refresh_token": "a-r2"}),
            );
        }
        if req.url.contains("/metamaps/oauth/token") {
            return json(
                200,
                serde_json::json!({"access_token": "b-new", "expires_in": 7200, "refresh_token": "b-r2"}),
            );
        }
        let ok = (req.url.starts_with(A_API) && auth == "Bearer a-new")
            || (req.url.starts_with(B_API) && auth == "Bearer b-new");
        json(if ok { 200 } else { 401 }, serde_json::json!({}))
    });
    let rig = rig_with(store, net);
    let (a, b) = (provider(A), provider(B));
    let get =
        |p: &Provider, path: &str| HttpRequest::new(Method::Get, format!("{}{path}", p.api_base));
    let (a1, a2, b1, b2) = block_on(async {
        futures::join!(
            rig.ctl.call(&a, get(&a, "/movies"), FlowStep::Api, "call"),
            rig.ctl.call(&a, get(&a, "/genres"), FlowStep::Api, "call"),
            rig.ctl.call(&b, get(&b, "/maps"), FlowStep::Api, "call"),
            rig.ctl.call(&b, get(&b, "/topics"), FlowStep::Api, "call")
        )
    });
    for outcome in [&a1, &a2, &b1, &b2] {
        assert_eq!(
            outcome.result.as_ref().unwrap().response.status,
            200,
            "{outcome:?}"
        );
    }
    assert_eq!(
        rig.net.sent_to("/api/v2/refresh").len(),
        1,
        "one refresh for A"
    );
    assert_eq!(
        rig.net.sent_to("/metamaps/oauth/token").len(),
        1,
        "one refresh for B"
    );
    for req in rig.net.sent.borrow().iter() {
        let auth = req.header_value("authorization").unwrap_or("");
        if auth.starts_with("Bearer a-") {
            assert!(req.url.starts_with(A_API), "A's token went to {}", req.url);
        }
        if auth.starts_with("Bearer b-") {
            assert!(req.url.starts_with(B_API), "B's token went to {}", req.url);
        }
    }
    assert_eq!(
        rig.ctl
            .session(&A.into())
            .unwrap()
            .tokens
            .access_token
            .expose(),
        "a-new"
    );
    assert_eq!(
        rig.ctl
            .session(&B.into())
            .unwrap()
            .tokens
            .access_token
            .expose(),
        "b-new"
    );
}

#[test]
fn refresh_tokens_rotate() {
    let store = MemoryStore::default();
    stored(&store, A, "at-0", "rt-0", 1e15);
    let rig = rig_with(store, academy_server());
    let p = provider(A);
    block_on(rig.ctl.refresh(&p)).unwrap();
    block_on(rig.ctl.refresh(&p)).unwrap();
    let sent: Vec<String> = rig
        .net
        .sent_to("/api/v2/refresh")
        .iter()
        .map(|r| {
            let body: serde_json::Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
            body["refresh_token"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        sent,
        ["rt-0", "rt-1"],
        "each refresh spends the newest refresh token"
    );
    assert_eq!(
        rig.ctl
            .session(&A.into())
            .unwrap()
            .tokens
            .refresh_token
            .unwrap()
            .expose(),
        "rt-2"
    );
}

#[test]
fn invalid_grant_ends_the_session_and_asks_to_authorize_again() {
    let store = MemoryStore::default();
    stored(&store, A, "at-0", "rt-0", 1e15);
    let net = Net::new(|req| {
        if req.url.ends_with("/refresh") {
            return json(
                400,
                serde_json::json!({"error": "invalid_grant", "error_description": "revoked"}),
            );
        }
        json(401, serde_json::json!({}))
    });
    let rig = rig_with(store, net);
    let p = provider(A);
    let outcome = block_on(rig.ctl.call(
        &p,
        HttpRequest::new(Method::Get, format!("{A_API}/movies")),
        FlowStep::Api,
        "t",
    ));
    assert_eq!(outcome.result.unwrap().response.status, 401);
    assert!(outcome.note.unwrap().contains("refresh failed"));
    assert_eq!(rig.ctl.session(&A.into()), None, "the session ended");
    assert!(rig.store.get(&keys::session(&A.into())).is_none());
    assert!(rig
        .ctl
        .ended(&A.into())
        .unwrap()
        .contains("Authorize again"));
    assert!(rig.changes.borrow().contains(&Change::Ended(A.into())));
    // The next call is refused without a request.
    let before = rig.net.sent.borrow().len();
    let next = block_on(rig.ctl.call(
        &p,
        HttpRequest::new(Method::Get, format!("{A_API}/movies")),
        FlowStep::Api,
        "t",
    ));
    assert!(matches!(next.result, Err(NetError::Refused(_))));
    assert_eq!(rig.net.sent.borrow().len(), before);
}

#[test]
fn a_transient_refresh_failure_keeps_the_session() {
    let store = MemoryStore::default();
    stored(&store, A, "at-0", "rt-0", 1e15);
    let net = Net::new(|_| {
        HttpResponse::new(
            503,
            vec![("content-type".into(), "text/html".into())],
            "<h1>down</h1>".into(),
        )
    });
    let rig = rig_with(store, net);
    let e = block_on(rig.ctl.refresh(&provider(A))).unwrap_err();
    assert_eq!(e.code(), "token_http_error:503");
    assert!(rig.ctl.session(&A.into()).is_some());
    assert!(rig.ctl.ended(&A.into()).is_none());
}

#[test]
fn keep_fresh_refreshes_before_expiry_at_most_every_15_seconds() {
    let store = MemoryStore::default();
    let now = 1_000_000.0;
    // Five minutes of life, refreshed in its last tenth (30 s).
    let mut session_tokens = tokens("at-0", Some("rt-0"), now + 300_000.0);
    session_tokens.obtained_at = now;
    let session = StoredSession {
        provider_id: A.into(),
        client_id: "client".into(),
        redirect_uri: CALLBACK.into(),
        scopes: vec![],
        tokens: session_tokens,
        asked: Vec::new(),
        id_token: None,
    };
    store
        .set(
            &keys::session(&A.into()),
            &serde_json::to_string(&session).unwrap(),
        )
        .unwrap();
    let net = Net::new(|_| HttpResponse::new(503, vec![], String::new()));
    let rig = rig_with(store, net);
    let id = ProviderId::new(A);
    block_on(rig.ctl.keep_fresh(&id));
    assert!(rig.net.sent.borrow().is_empty(), "not due yet");
    rig.clock.0.set(now + 280_000.0);
    block_on(rig.ctl.keep_fresh(&id));
    assert_eq!(
        rig.net.sent.borrow().len(),
        1,
        "due: refreshed (and failed)"
    );
    rig.clock.0.set(now + 290_000.0);
    block_on(rig.ctl.keep_fresh(&id));
    assert_eq!(rig.net.sent.borrow().len(), 1, "not again within 15 s");
    rig.clock.0.set(now + 296_000.0);
    block_on(rig.ctl.keep_fresh(&id));
    assert_eq!(rig.net.sent.borrow().len(), 2);
}

#[test]
fn a_failing_store_keeps_the_tab_working_and_says_so() {
    let rig = rig_with(MemoryStore::failing(), academy_server());
    let v1 = provider("sandbox-academy-v1");
    rig.ctl.sign_in_with_key(&v1, "key-123").unwrap();
    assert!(rig
        .changes
        .borrow()
        .iter()
        .any(|c| matches!(c, Change::StorageFailed(_))));
    let outcome = block_on(rig.ctl.call(
        &v1,
        HttpRequest::new(Method::Get, format!("{}/about", v1.api_base)),
        FlowStep::Api,
        "t",
    ));
    assert_eq!(outcome.result.unwrap().response.status, 200);
    assert_eq!(
        rig.net.sent.borrow()[0].header_value("x-api-key"),
        Some("key-123"),
        "the session lives in memory"
    );
    // A sign-in that could not be checked on return is not started.
    let p = provider(A);
    let refused = rig
        .ctl
        .begin(&p, &form("client"), rig.ctl.attempt(&p))
        .done()
        .unwrap_err();
    assert!(refused.contains("cannot store the sign-in"), "{refused}");
}

#[test]
fn a_secret_held_by_the_proxy_is_never_kept_nor_sent() {
    let mut net = Rc::try_unwrap(academy_server()).ok().unwrap();
    net.held = vec!["held-client"];
    let rig = rig_with(MemoryStore::default(), Rc::new(net));
    let p = provider(A);
    assert!(rig.ctl.secret_held(&p, &"held-client".into()));
    let departure = rig
        .ctl
        .begin(&p, &form("held-client"), rig.ctl.attempt(&p))
        .done()
        .unwrap();
    assert_eq!(rig.ctl.typed_secret(&p.id), None, "not kept in this tab");
    let state = param(&departure.url, "state").unwrap();
    block_on(rig.ctl.complete(&format!("code=c&state={state}"), "")).unwrap();
    let token = &rig.net.sent_to("/api/v2/token")[0];
    assert!(!token.body.as_deref().unwrap().contains("client_secret"));
    // Another client's typed secret is kept and sent.
    rig.ctl
        .keep_typed_secret(&p, &"mine".into(), &crate::types::ClientSecret::new(" s3 "));
    assert_eq!(rig.ctl.typed_secret(&p.id).unwrap().expose(), "s3");
}

#[test]
fn the_demo_secret_goes_only_with_the_demo_client() {
    // A callback may finish before the proxy has said what it holds: a client of the user's
    // own must then carry no secret at all (the proxy adds it), never the Sandbox's demo one.
    let rig = rig_with(MemoryStore::default(), academy_server());
    let p = provider(A);
    let token = p.token.url.clone();
    rig.net.known.set(false);
    let demo = rig
        .ctl
        .secret_for(&p, &p.default_client_id.clone().into(), &token);
    assert_eq!(
        demo.as_ref().map(|s| s.expose()),
        p.demo_client_secret.as_deref()
    );
    assert!(demo.is_some());
    assert_eq!(rig.ctl.secret_for(&p, &"pages-client".into(), &token), None);
    // Once the proxy has said it holds nothing for it, another Sandbox client sharing the demo
    // secret (academy-registered-at-make) gets it.
    rig.net.known.set(true);
    assert!(rig
        .ctl
        .secret_for(&p, &"academy-registered-at-make".into(), &token)
        .is_some());
    // And the demo secret left in the form is never stored as typed.
    let demo_secret = crate::types::ClientSecret::new(p.demo_client_secret.as_deref().unwrap());
    rig.ctl
        .keep_typed_secret(&p, &"pages-client".into(), &demo_secret);
    assert_eq!(rig.ctl.typed_secret(&p.id), None);
}

#[test]
fn an_answer_that_lands_elsewhere_keeps_this_tab() {
    let rig = rig_with(MemoryStore::default(), academy_server());
    let p = provider(A);
    let mut f = form("client");
    f.redirect_uri = "https://www.integromat.com/oauth/cb/app".into();
    assert!(
        rig.ctl
            .begin(&p, &f, rig.ctl.attempt(&p))
            .done()
            .unwrap()
            .new_tab
    );
}

fn session_for(id: &str) -> StoredSession {
    StoredSession {
        provider_id: id.into(),
        client_id: "c".into(),
        redirect_uri: String::new(),
        scopes: Vec::new(),
        tokens: tokens("secret-token", None, 1e15),
        asked: Vec::new(),
        id_token: None,
    }
}

#[test]
fn the_token_goes_only_under_the_api_base() {
    let p = provider(A);
    let ok = authorize_request(
        &p,
        &session_for(A),
        HttpRequest::new(Method::Get, format!("{A_API}/movies")),
    )
    .unwrap();
    assert_eq!(
        ok.header_value("authorization"),
        Some("Bearer secret-token")
    );
    for counterfeit in [
        "http://127.0.0.1:8091/api/v2/movies",
        "http://127.0.0.1:8090/api/v1/movies",
        "http://127.0.0.1:8090/api/v2x",
        "https://127.0.0.1:8090/api/v2/movies",
        "http://evil.example/api/v2/movies",
        "http://127.0.0.1:8090@evil.example/api/v2/movies",
    ] {
        let refused = authorize_request(
            &p,
            &session_for(A),
            HttpRequest::new(Method::Get, counterfeit),
        );
        assert!(
            matches!(refused, Err(NetError::Refused(_))),
            "{counterfeit}"
        );
    }
}

#[test]
fn api_key_providers_use_their_header() {
    let p = provider("sandbox-academy-v1");
    let r = authorize_request(
        &p,
        &session_for("sandbox-academy-v1"),
        HttpRequest::new(Method::Get, "http://127.0.0.1:8090/api/v1/about"),
    )
    .unwrap();
    assert_eq!(r.header_value("x-api-key"), Some("secret-token"));
    assert_eq!(r.header_value("authorization"), None);
}

mod experiments;
mod setup;
mod standards;
