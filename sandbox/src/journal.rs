// The Sandbox as a page keeps it: a random seed and every state-changing request, replayed in
// order to rebuild the same state after a page load (Handshake's in-browser Sandbox keeps the
// journal in sessionStorage; the authorize redirect is a page load).

use crate::academy::ConsentCheck;
use crate::config::ACADEMY_CLIENT_ID;
use crate::http::{Params, Request, Response};
use crate::{Config, Millis, Sandbox, SeededRandom};
use serde::{Deserialize, Serialize};

/// One request, as it reached the Sandbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub method: String,
    /// Path and query, e.g. `/api/v2/movies?page=2`.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub now: Millis,
}

impl Entry {
    fn request(&self) -> Request {
        let mut req = Request::new(&self.method, &self.target);
        req.headers = self.headers.clone();
        req.body = self.body.clone().into_bytes();
        req
    }

    /// Whether the request may change the Sandbox's state (and so must be replayed).
    pub fn changes_state(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD" | "OPTIONS")
    }
}

/// The seed of the Sandbox's random numbers and what changed its state, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Journal {
    pub seed: u64,
    pub entries: Vec<Entry>,
}

/// The default configuration, with `redirect_uri` (the page's own callback) registered for
/// the Academy client.
pub fn config_for(redirect_uri: &str) -> Config {
    let mut config = Config::default();
    for client in &mut config.clients {
        if client.client_id == ACADEMY_CLIENT_ID
            && !client.redirect_uris.iter().any(|u| u == redirect_uri)
        {
            client.redirect_uris.push(redirect_uri.to_string());
        }
    }
    config
}

/// A Sandbox that records what changes it.
pub struct Journaled {
    sandbox: Sandbox,
    journal: Journal,
}

impl Journaled {
    /// Rebuilds the Sandbox by replaying `journal` from its seed.
    pub fn replay(journal: Journal, config: Config) -> Journaled {
        let mut sandbox = Sandbox::new(config, Box::new(SeededRandom::new(journal.seed)));
        for entry in &journal.entries {
            sandbox.handle(&entry.request(), entry.now);
        }
        Journaled { sandbox, journal }
    }

    /// Answers `entry`; the bool says whether the journal grew.
    pub fn handle(&mut self, entry: Entry) -> (Response, bool) {
        let response = self.sandbox.handle(&entry.request(), entry.now);
        let changes = entry.changes_state();
        if changes {
            self.journal.entries.push(entry);
        }
        (response, changes)
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Checks an Academy v2 authorize query before a consent screen is drawn.
    pub fn consent(&self, query: &str) -> ConsentCheck {
        self.sandbox
            .academy_consent_params(&Params::from_urlencoded(query.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALLBACK: &str = "https://me.github.io/handshake/callback";

    fn authorize_query(scope: &str) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", "academy-sandbox-client")
            .append_pair("redirect_uri", CALLBACK)
            .append_pair("response_type", "code")
            .append_pair("scope", scope)
            .append_pair("state", "s1")
            .finish()
    }

    fn entry(
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &str,
        now: Millis,
    ) -> Entry {
        Entry {
            method: method.into(),
            target: target.into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
            now,
        }
    }

    fn sign_in(local: &mut Journaled, now: Millis) -> String {
        let form = format!(
            "{}&account=john&decision=allow",
            authorize_query("connect read")
        );
        let (resp, grew) = local.handle(entry(
            "POST",
            "/api/v2/authorize",
            &[("content-type", "application/x-www-form-urlencoded")],
            &form,
            now,
        ));
        assert!(grew);
        assert_eq!(resp.status, 302);
        let location = resp.header_value("location").unwrap();
        assert!(location.starts_with(CALLBACK), "{location}");
        let code = crate::http::query_param(location, "code").unwrap();
        let body = serde_json::json!({
            "grant_type": "authorization_code", "code": code,
            "client_id": "academy-sandbox-client", "client_secret": "academy-sandbox-secret",
            "redirect_uri": CALLBACK,
        });
        let (resp, _) = local.handle(entry(
            "POST",
            "/api/v2/token",
            &[("content-type", "application/json")],
            &body.to_string(),
            now + 10,
        ));
        assert_eq!(resp.status, 200, "{}", resp.body_text());
        resp.body_json()["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn the_pages_callback_is_registered_for_the_academy_client() {
        let local = Journaled::replay(Journal::default(), config_for(CALLBACK));
        match local.consent(&authorize_query("connect read")) {
            ConsentCheck::Ask {
                client_id,
                scopes,
                accounts,
            } => {
                assert_eq!(client_id, "academy-sandbox-client");
                let names: Vec<_> = scopes.iter().map(|s| s.name.as_str()).collect();
                assert_eq!(names, ["connect", "read"]);
                assert_eq!(
                    scopes[1].meaning,
                    "read your movies, people and other records"
                );
                let names: Vec<_> = accounts.iter().map(|a| a.name.as_str()).collect();
                assert_eq!(names, ["John Doe", "Jane Black"]);
            }
            other => panic!("{other:?}"),
        }
        let elsewhere =
            Journaled::replay(Journal::default(), config_for("https://other.example/cb"));
        assert!(matches!(
            elsewhere.consent(&authorize_query("connect")),
            ConsentCheck::Refuse { title, .. } if title.contains("redirect_uri")
        ));
    }

    #[test]
    fn a_missing_connect_scope_goes_back_to_the_client() {
        let local = Journaled::replay(Journal::default(), config_for(CALLBACK));
        match local.consent(&authorize_query("read")) {
            ConsentCheck::Redirect { to } => {
                assert!(
                    to.starts_with(CALLBACK) && to.contains("error=invalid_scope"),
                    "{to}"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn replaying_the_journal_restores_codes_and_tokens() {
        let seeded = Journal {
            seed: 42,
            entries: Vec::new(),
        };
        let mut local = Journaled::replay(seeded, config_for(CALLBACK));
        let token = sign_in(&mut local, 1_000_000);
        let bearer = format!("Bearer {token}");
        let info = |now| {
            entry(
                "GET",
                "/api/v2/info",
                &[("authorization", &bearer)],
                "",
                now,
            )
        };
        let (before, grew) = local.handle(info(1_000_100));
        assert!(!grew, "a GET is not journaled");
        assert_eq!(before.status, 200);

        // A new page load: only the journal survives.
        let saved = serde_json::to_string(local.journal()).unwrap();
        let mut again =
            Journaled::replay(serde_json::from_str(&saved).unwrap(), config_for(CALLBACK));
        let (after, _) = again.handle(info(1_000_200));
        assert_eq!(after.status, 200, "{}", after.body_text());
        assert_eq!(after.body, before.body);

        // Another seed is another Sandbox: the token means nothing there.
        let mut other = Journaled::replay(Journal::default(), config_for(CALLBACK));
        assert_eq!(other.handle(info(1_000_200)).0.status, 401);
    }

    #[test]
    fn consent_checks_serialise_for_the_page() {
        let check = ConsentCheck::Refuse {
            title: "t".into(),
            detail: "d".into(),
        };
        assert_eq!(
            serde_json::to_value(&check).unwrap(),
            serde_json::json!({"kind": "refuse", "title": "t", "detail": "d"})
        );
    }
}
