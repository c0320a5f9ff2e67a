// Token experiments against an Academy whose /info accepts only the newest access token.

use super::*;

/// Issues numbered pairs; only the newest access token opens /info, and /invalidate kills it.
fn strict_academy() -> Rc<Net> {
    let issued = Rc::new(Cell::new(0));
    let dead = Rc::new(Cell::new(false));
    Net::new(move |req| {
        if req.url.ends_with("/api/v2/token") || req.url.ends_with("/api/v2/refresh") {
            issued.set(issued.get() + 1);
            dead.set(false);
            let n = issued.get();
            return json(
                200,
                serde_json::json!({"access_token": format!("at-{n}"), "expires_in": 5,
                    "refresh_token": format!("rt-{n}"), "refresh_expires_in": 5}),
            );
        }
        let current = format!("Bearer at-{}", issued.get());
        let valid = req.header_value("Authorization") == Some(current.as_str()) && !dead.get();
        if req.url.ends_with("/api/v2/invalidate") && valid {
            dead.set(true);
            return json(200, serde_json::json!({}));
        }
        if valid {
            json(200, serde_json::json!({"id": "u1", "user": "John Doe"}))
        } else {
            json(
                401,
                serde_json::json!({"error": {"message": "invalid token"}}),
            )
        }
    })
}

fn signed_in(net: Rc<Net>) -> (Rig, Provider) {
    let rig = rig_with(MemoryStore::default(), net);
    let p = provider(A);
    let departure = rig
        .ctl
        .begin(&p, &form("client"), rig.ctl.attempt(&p))
        .done()
        .unwrap();
    let state = param(&departure.url, "state").unwrap();
    block_on(rig.ctl.complete(&format!("code=c&state={state}"), "")).unwrap();
    (rig, p)
}

fn bearer_of(req: &HttpRequest) -> Option<String> {
    req.header_value("Authorization").map(str::to_string)
}

#[test]
fn expire_now_makes_the_next_call_refresh_first() {
    let (rig, p) = signed_in(strict_academy());
    rig.ctl.expire_now(&p.id).unwrap();
    assert!(rig.ctl.session(&p.id).unwrap().tokens.expires_at.unwrap() < rig.clock.now());
    let outcome = rig.ctl.fetch_info(&p).done().unwrap();
    assert_eq!(
        rig.net.sent_to("/api/v2/refresh").len(),
        1,
        "refreshed first"
    );
    let info = rig.net.sent_to("/api/v2/info");
    assert_eq!(info.len(), 1, "one call, with the new token");
    assert_eq!(bearer_of(&info[0]).as_deref(), Some("Bearer at-2"));
    assert!(outcome.note.unwrap().contains("refreshed it first"));
}

#[test]
fn the_old_token_after_a_refresh_is_refused_and_said_so() {
    let (rig, p) = signed_in(strict_academy());
    assert_eq!(rig.ctl.retired(&p.id), None, "nothing retired yet");
    rig.ctl.refresh(&p).done().unwrap();
    let retired = rig.ctl.retired(&p.id).unwrap();
    assert_eq!(retired.session.tokens.access_token.expose(), "at-1");
    let outcome = rig.ctl.try_retired(&p).done().unwrap();
    let sent = rig.net.sent_to("/api/v2/info");
    assert_eq!(
        bearer_of(sent.last().unwrap()).as_deref(),
        Some("Bearer at-1")
    );
    assert_eq!(outcome.result.unwrap().response.status, 401);
    assert!(outcome.note.unwrap().contains("really is dead"));
    assert_eq!(
        rig.net.sent_to("/api/v2/refresh").len(),
        1,
        "no refresh, no retry for the old token"
    );
    assert!(
        outcome.request.contains("Bearer ••••"),
        "redacted: {}",
        outcome.request
    );
    // The session itself still works with the new token.
    assert_eq!(
        rig.ctl.session(&p.id).unwrap().tokens.access_token.expose(),
        "at-2"
    );
}

#[test]
fn the_old_token_after_invalidate_is_refused_and_after_forget_still_works() {
    let (rig, p) = signed_in(strict_academy());
    rig.ctl.revoke(&p).done();
    assert_eq!(rig.ctl.retired(&p.id).unwrap().why, "after Invalidate");
    let refused = rig.ctl.try_retired(&p).done().unwrap();
    assert_eq!(refused.result.unwrap().response.status, 401);

    let (rig, p) = signed_in(strict_academy());
    rig.ctl.forget(&p.id);
    let alive = rig.ctl.try_retired(&p).done().unwrap();
    assert_eq!(alive.result.unwrap().response.status, 200);
    assert!(alive.note.unwrap().contains("still accepts the old token"));
}

#[test]
fn a_token_from_elsewhere_is_used_and_refreshed_after_a_401() {
    let rig = rig_with(MemoryStore::default(), strict_academy());
    let p = provider(A);
    for (access, refresh) in [("", ""), ("two words", ""), ("at-0", "rt 0")] {
        assert!(
            rig.ctl.use_token(&p, "client", access, refresh).is_err(),
            "{access:?} {refresh:?}"
        );
    }
    assert_eq!(rig.ctl.session(&p.id), None, "nothing kept from bad input");
    let session = rig
        .ctl
        .use_token(&p, " client ", " at-old ", "rt-0")
        .unwrap();
    assert_eq!(session.client_id.as_str(), "client");
    assert_eq!(session.tokens.expires_at, None);
    // at-old is not the newest token: the 401 triggers one refresh and a retry.
    let outcome = rig.ctl.fetch_info(&p).done().unwrap();
    assert_eq!(outcome.result.unwrap().response.status, 200);
    let info = rig.net.sent_to("/api/v2/info");
    assert_eq!(bearer_of(&info[0]).as_deref(), Some("Bearer at-old"));
    assert_eq!(bearer_of(&info[1]).as_deref(), Some("Bearer at-1"));
    let refresh = &rig.net.sent_to("/api/v2/refresh")[0];
    assert!(refresh.body.as_deref().unwrap().contains("rt-0"));
}

#[test]
fn expire_now_without_a_refresh_token_is_refused() {
    let rig = rig_with(MemoryStore::default(), strict_academy());
    let p = provider(A);
    rig.ctl.use_token(&p, "client", "at-0", "").unwrap();
    assert!(rig
        .ctl
        .expire_now(&p.id)
        .unwrap_err()
        .contains("no refresh token"));
    assert_eq!(rig.ctl.session(&p.id).unwrap().tokens.expires_at, None);
}
