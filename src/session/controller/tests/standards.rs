// The controller against a scripted standard provider: the ID token checked (signature through
// the fake WebCrypto, the JWK Set fetched once more on an unknown kid, nonce), iss required,
// DPoP proofs with a nonce retry, the device grant's pace, client credentials.

use super::*;
use crate::providers::custom::CustomDraft;
use crate::providers::ClientAuthMethod;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

const OP: &str = "https://op.example";

fn op_provider() -> Provider {
    CustomDraft {
        name: "OP".into(),
        issuer: OP.into(),
        iss_required: true,
        authorize_url: format!("{OP}/auth"),
        token_url: format!("{OP}/token"),
        refresh_url: format!("{OP}/token"),
        userinfo_url: format!("{OP}/me"),
        api_base: OP.into(),
        jwks_uri: format!("{OP}/jwks"),
        device_url: format!("{OP}/device"),
        dpop_algs: "ES256".into(),
        scopes: "openid offline_access".into(),
        default_scopes: "openid".into(),
        client_auth: ClientAuthMethod::ClientSecretBasic,
        ..CustomDraft::default()
    }
    .to_provider()
    .unwrap()
}

fn id_token(kid: &str, nonce: &str, signature: &[u8]) -> String {
    let b64 = |v: serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.{}",
        b64(serde_json::json!({"alg": "ES256", "kid": kid})),
        b64(
            serde_json::json!({"iss": OP, "aud": "app", "sub": "alice", "nonce": nonce,
            "exp": 2_000_000_000u64, "iat": 1_000u64})
        ),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

/// An OP whose token answer carries `make(nonce)` as the ID token; its JWK Set gains key `k2`
/// only from the second fetch on.
fn op_server(make: impl Fn(&str) -> String + 'static) -> Rc<Net> {
    let jwks_served = Cell::new(0);
    let nonce = RefCell::new(String::new());
    Net::new(move |req| {
        if req.url.starts_with(&format!("{OP}/jwks")) {
            jwks_served.set(jwks_served.get() + 1);
            let keys = if jwks_served.get() == 1 {
                serde_json::json!([{"kty": "EC", "crv": "P-256", "kid": "k1", "x": "old-x", "y": "y"}])
            } else {
                serde_json::json!([{"kty": "EC", "crv": "P-256", "kid": "k2", "x": "key-x", "y": "y"}])
            };
            return json(200, serde_json::json!({ "keys": keys }));
        }
        if req.url == format!("{OP}/token") {
            return json(
                200,
                serde_json::json!({"access_token": "at", "token_type": "Bearer", "expires_in": 60,
                    "id_token": make(&nonce.borrow()), "scope": "openid"}),
            );
        }
        if let Some(n) = param(&req.url, "nonce") {
            *nonce.borrow_mut() = n;
        }
        json(200, serde_json::json!({"sub": "alice"}))
    })
}

fn sign_in(rig: &Rig, p: &Provider, answer: &str) -> Result<StoredSession, FlowError> {
    let mut f = form("app");
    f.scopes = vec![Scope::new("openid")];
    let departure = rig.ctl.begin(p, &f, rig.ctl.attempt(p)).done().unwrap();
    let nonce = param(&departure.url, "nonce").expect("openid sends a nonce");
    // Let the scripted OP learn the nonce it must echo.
    block_on(rig.net.send(&HttpRequest::new(
        Method::Get,
        format!("{OP}/learn?nonce={nonce}"),
    )))
    .ok();
    let state = param(&departure.url, "state").unwrap();
    block_on(
        rig.ctl
            .complete(&format!("code=c&state={state}{answer}"), ""),
    )
}

fn with_op(net: Rc<Net>) -> Rig {
    let rig = rig_with(MemoryStore::default(), net);
    let mut all = providers();
    all.push(op_provider());
    rig.ctl.set_providers(all);
    rig
}

#[test]
fn a_verified_id_token_is_kept_with_its_report_and_keys_are_fetched_again_once() {
    let rig = with_op(op_server(|n| id_token("k2", n, &GOOD_SIGNATURE)));
    let p = op_provider();
    let session = sign_in(&rig, &p, &format!("&iss={OP}")).unwrap();
    let report = session.id_token.expect("the report is kept");
    assert!(report.failure().is_none(), "{report:?}");
    let signature = report
        .checks
        .iter()
        .find(|c| c.name == "signature")
        .unwrap();
    assert!(
        signature.detail.contains("with key k2"),
        "{}",
        signature.detail
    );
    assert_eq!(
        rig.net.sent_to("/jwks").len(),
        2,
        "k2 was not in the first set"
    );
    let token = &rig.net.sent_to("/token")[0];
    assert!(token
        .header_value("authorization")
        .unwrap()
        .starts_with("Basic "));
}

#[test]
fn a_bad_signature_or_a_foreign_nonce_keeps_no_session() {
    for (make, check) in [
        (
            Box::new(|n: &str| id_token("k2", n, &[1; 64])) as Box<dyn Fn(&str) -> String>,
            "id_token_invalid:signature",
        ),
        (
            Box::new(|_: &str| id_token("k2", "someone-elses", &GOOD_SIGNATURE)),
            "id_token_invalid:nonce",
        ),
        (
            Box::new(|n: &str| id_token("k9", n, &GOOD_SIGNATURE)),
            "id_token_invalid:signature",
        ),
    ] {
        let rig = with_op(op_server(make));
        let e = sign_in(&rig, &op_provider(), &format!("&iss={OP}")).unwrap_err();
        assert_eq!(e.code(), check);
        assert_eq!(rig.ctl.session(&op_provider().id), None);
    }
}

#[test]
fn an_answer_without_iss_is_refused_when_the_provider_always_sends_it() {
    let rig = with_op(op_server(|n| id_token("k2", n, &GOOD_SIGNATURE)));
    let e = sign_in(&rig, &op_provider(), "").unwrap_err();
    assert_eq!(e.code(), "issuer_missing");
    assert!(rig.net.sent_to("/token").is_empty(), "no token request");
    let e = sign_in(&rig, &op_provider(), "&iss=https%3A%2F%2Fevil.example").unwrap_err();
    assert_eq!(e.code(), "issuer_mismatch");
}

#[test]
fn dpop_proofs_ride_on_token_and_api_calls_and_a_nonce_is_retried_once() {
    let asked = Cell::new(false);
    let net = Net::new(move |req| {
        let proof = req.header_value("dpop").map(str::to_string);
        let claims = proof.as_deref().and_then(|p| {
            let part = p.split('.').nth(1)?;
            serde_json::from_slice::<serde_json::Value>(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
        });
        let with_nonce = claims.as_ref().is_some_and(|c| c["nonce"] == "n-1");
        if req.url.ends_with("/token") {
            if !with_nonce {
                asked.set(true);
                return HttpResponse::new(
                    400,
                    vec![("dpop-nonce".into(), "n-1".into())],
                    r#"{"error":"use_dpop_nonce"}"#.into(),
                );
            }
            return json(
                200,
                serde_json::json!({"access_token": "bound", "token_type": "DPoP", "expires_in": 60}),
            );
        }
        assert!(with_nonce, "the API call reuses the server's nonce");
        let c = claims.unwrap();
        assert_eq!(c["htu"], format!("{OP}/me"));
        assert!(c["ath"].is_string());
        assert_eq!(req.header_value("authorization"), Some("DPoP bound"));
        json(200, serde_json::json!({"sub": "alice"}))
    });
    let rig = with_op(net);
    let mut p = op_provider();
    p.issuer = None;
    p.standards.iss_required = false;
    rig.ctl.set_providers(vec![p.clone()]);
    let mut f = form("app");
    f.scopes = Vec::new();
    f.use_dpop = true;
    let departure = rig.ctl.begin(&p, &f, rig.ctl.attempt(&p)).done().unwrap();
    let state = param(&departure.url, "state").unwrap();
    let session = block_on(rig.ctl.complete(&format!("code=c&state={state}"), "")).unwrap();
    assert!(session.tokens.is_dpop());
    let tokens = rig.net.sent_to("/token");
    assert_eq!(tokens.len(), 2, "once without, once with the nonce");
    let info = block_on(rig.ctl.fetch_info(&p)).unwrap();
    assert!(info.result.unwrap().response.is_success());
    assert!(
        info.request.contains("DPoP: "),
        "the raw view shows the proof"
    );
}

#[test]
fn the_device_grant_polls_at_the_providers_pace_and_slows_down_when_asked() {
    let polls = Rc::new(RefCell::new(Vec::<f64>::new()));
    let seen = polls.clone();
    let clock_probe: Rc<RefCell<Option<Rc<TestClock>>>> = Rc::default();
    let probe = clock_probe.clone();
    let net = Net::new(move |req| {
        if req.url.ends_with("/device") {
            return json(
                200,
                serde_json::json!({"device_code": "dc", "user_code": "ABCD-EFGH",
                "verification_uri": format!("{OP}/activate"), "expires_in": 600, "interval": 5}),
            );
        }
        let now = probe.borrow().as_ref().map(|c| c.0.get()).unwrap_or(0.0);
        seen.borrow_mut().push(now);
        match seen.borrow().len() {
            1 => json(400, serde_json::json!({"error": "authorization_pending"})),
            2 => json(400, serde_json::json!({"error": "slow_down"})),
            3 => json(400, serde_json::json!({"error": "authorization_pending"})),
            _ => json(
                200,
                serde_json::json!({"access_token": "dev", "token_type": "Bearer"}),
            ),
        }
    });
    let rig = with_op(net);
    *clock_probe.borrow_mut() = Some(rig.clock.clone());
    let p = op_provider();
    let (start, grant) = block_on(rig.ctl.start_device(
        &p,
        &"tv".into(),
        &crate::types::ClientSecret::default(),
        &[],
    ))
    .unwrap();
    assert_eq!(start.user_code, "ABCD-EFGH");
    let t0 = rig.clock.0.get();
    let session = block_on(rig.ctl.poll_device(&p, &"tv".into(), &[], grant)).unwrap();
    assert_eq!(session.tokens.access_token.expose(), "dev");
    let gaps: Vec<f64> = polls
        .borrow()
        .iter()
        .scan(t0, |last, t| {
            let gap = t - *last;
            *last = *t;
            Some(gap / 1_000.0)
        })
        .collect();
    assert_eq!(
        gaps,
        vec![5.0, 5.0, 10.0, 10.0],
        "5 s, then 5 s more after slow_down"
    );
    let device = rig.net.sent_to("/token")[0].body.clone().unwrap();
    assert!(device.contains("device_code=dc") && device.contains("client_id=tv"));
}

#[test]
fn client_credentials_use_the_typed_secret_with_basic() {
    let rig = with_op(Net::new(|_| {
        json(
            200,
            serde_json::json!({"access_token": "cc", "token_type": "Bearer", "expires_in": 60}),
        )
    }));
    let p = op_provider();
    let session = block_on(rig.ctl.client_credentials(
        &p,
        &"svc".into(),
        &crate::types::ClientSecret::new("s&s"),
        &[],
        false,
    ))
    .unwrap();
    assert_eq!(session.tokens.access_token.expose(), "cc");
    let req = &rig.net.sent_to("/token")[0];
    assert_eq!(req.body.as_deref(), Some("grant_type=client_credentials"));
    assert!(req
        .header_value("authorization")
        .unwrap()
        .starts_with("Basic "));
}
