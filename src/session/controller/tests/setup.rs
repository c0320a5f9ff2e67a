// "Check my setup" against a scripted Academy that refuses unknown clients and redirect URIs
// on its authorize page, as the real one and the Sandbox do.

use super::*;
use crate::session::{Check, Verdict};

fn strict_authorize() -> Rc<Net> {
    Net::new(|req| {
        if req.url.contains("/api/v2/authorize?") {
            let page = |title: &str| HttpResponse {
                status: 400,
                status_text: "Bad Request".into(),
                headers: vec![("Content-Type".into(), "text/html".into())],
                body: format!("<html><h1>{title}</h1><p>See the registration.</p></html>"),
                size: 0,
                elapsed_ms: 0.0,
            };
            if param(&req.url, "client_id").as_deref() != Some("client") {
                return page("Unknown client_id");
            }
            if param(&req.url, "redirect_uri").as_deref() != Some(CALLBACK) {
                return page("redirect_uri does not match");
            }
            return HttpResponse {
                status: 200,
                status_text: "OK".into(),
                headers: Vec::new(),
                body: "<h1>Allow?</h1>".into(),
                size: 0,
                elapsed_ms: 0.0,
            };
        }
        json(404, serde_json::json!({}))
    })
}

fn find<'a>(checks: &'a [Check], id: &str) -> &'a Check {
    checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id}: {checks:?}"))
}

#[test]
fn a_good_setup_is_said_to_be_good() {
    let rig = rig_with(MemoryStore::default(), strict_authorize());
    let p = provider(A);
    let checks = rig.ctl.check_setup(&p, &form("client")).done();
    assert_eq!(find(&checks, "proxy").verdict, Verdict::Good);
    assert_eq!(find(&checks, "authorize").verdict, Verdict::Good);
    let secret = find(&checks, "secret");
    assert_eq!(
        secret.verdict,
        Verdict::Note,
        "a typed secret works, with advice"
    );
    assert!(secret
        .fix
        .as_deref()
        .unwrap()
        .contains("--secret <upstream>:client=MY_CLIENT_SECRET,path=/api/v2/token"));
    assert!(
        checks.iter().all(|c| c.id != "redirect"),
        "Handshake's own callback needs no note"
    );
    // The trial request is in the flow log, and nothing was stored as a sign-in.
    assert_eq!(rig.ctl.store().pending_flows(), 0);
    assert!(rig
        .ctl
        .with_log(|l| l.iter().any(|e| e.title.starts_with("Setup check"))));
}

#[test]
fn a_wrong_redirect_uri_a_near_miss_an_unknown_client_and_no_secret_are_problems() {
    let rig = rig_with(MemoryStore::default(), strict_authorize());
    let p = provider(A);
    let mut f = form("client");
    f.redirect_uri = "http://127.0.0.1:8080/elsewhere".into();
    let checks = rig.ctl.check_setup(&p, &f).done();
    let trial = find(&checks, "authorize");
    assert_eq!(
        (trial.title.as_str(), trial.verdict),
        ("Redirect URI", Verdict::Problem)
    );
    assert!(
        trial.found.contains("redirect_uri does not match"),
        "{}",
        trial.found
    );
    assert_eq!(
        find(&checks, "redirect").verdict,
        Verdict::Note,
        "codes go elsewhere: paste"
    );

    f.redirect_uri = format!("{CALLBACK}/");
    let checks = rig.ctl.check_setup(&p, &f).done();
    assert_eq!(find(&checks, "redirect").verdict, Verdict::Problem);

    let mut f = form("nobody");
    f.client_secret = crate::types::ClientSecret::new("");
    let checks = rig.ctl.check_setup(&p, &f).done();
    let trial = find(&checks, "authorize");
    assert_eq!(
        (trial.title.as_str(), trial.verdict),
        ("Client id", Verdict::Problem)
    );
    assert_eq!(find(&checks, "secret").verdict, Verdict::Problem);
}

#[test]
fn a_secret_the_proxy_holds_is_good() {
    let mut net = Rc::try_unwrap(strict_authorize()).ok().unwrap();
    net.held = vec!["client"];
    let rig = rig_with(MemoryStore::default(), Rc::new(net));
    let checks = rig.ctl.check_setup(&provider(A), &form("client")).done();
    let secret = find(&checks, "secret");
    assert_eq!(secret.verdict, Verdict::Good);
    assert!(secret.found.contains("holds this client's secret"));
}
