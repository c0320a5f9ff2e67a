// The simulated Make App Academy API: v2 OAuth2 (authorize with account chooser, token,
// refresh, info, invalidate) and the resources under v1 (x-api-key) and v2 (Bearer + scopes).
// Facts from shared/spec/academy-api.md §1; choices in SANDBOX.md.

pub mod q;
pub mod resources;
pub mod seed;

use crate::authz::{
    Clients, CodeProblem, Codes, Lifetimes, TokenProblem, Tokens, Trusted, Untrusted,
};
use crate::config::{ApiKeyConfig, Config, Dialect};
use crate::http::{append_query, Params, Request, Response};
use crate::pages;
use crate::{Millis, Random};
use resources::{Account, Owner};
use serde_json::json;
use std::collections::BTreeMap;

const MINUTE: Millis = 60_000;
/// Authorization codes live 10 minutes and are single-use.
const CODE_TTL: Millis = 10 * MINUTE;
pub const SCOPES: [&str; 4] = ["connect", "read", "write", "delete"];

/// The two demo accounts of the account chooser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoUser {
    pub key: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    /// Stable 40-hex id, the shape `/info` shows.
    pub id: &'static str,
}

pub const USERS: [DemoUser; 2] = [
    DemoUser {
        key: "john",
        name: "John Doe",
        email: "john.doe@example.com",
        id: "5d41402abc4b2a76b9719d911017c592ae1b7e3f",
    },
    DemoUser {
        key: "jane",
        name: "Jane Black",
        email: "jane.black@example.com",
        id: "d1b03e513fbc5881651d6c149fd259506f975ae1",
    },
];

fn user(key: &str) -> Option<DemoUser> {
    USERS.iter().copied().find(|u| u.key == key)
}

/// What a code or a token grants: a demo user, and the scopes they agreed to.
#[derive(Clone, Debug)]
struct Grant {
    user: DemoUser,
    scopes: Vec<String>,
}

/// The demo users as the consent page lists them.
fn accounts() -> Vec<pages::Account> {
    USERS
        .iter()
        .map(|u| pages::Account {
            key: u.key,
            name: u.name,
            email: u.email,
        })
        .collect()
}

/// Counters the tests read through the admin endpoint.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Counters {
    pub token_requests: u64,
    pub refresh_requests: u64,
    pub info_requests: u64,
    pub invalidate_requests: u64,
    pub resource_requests: u64,
}

/// The outcome of checking an authorize request before showing consent.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConsentCheck {
    /// Ask the user: this client wants these scopes; these are the accounts to choose from.
    Ask {
        client_id: String,
        scopes: Vec<ConsentScope>,
        accounts: Vec<ConsentAccount>,
    },
    /// Send the browser back to the client with an error (the redirect URI is trusted).
    Redirect { to: String },
    /// Stop here: the redirect URI cannot be trusted.
    Refuse { title: String, detail: String },
}

/// A scope as a consent screen lists it: its name and what it lets the application do.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ConsentScope {
    pub name: String,
    pub meaning: String,
}

/// A demo account as a consent screen lists it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ConsentAccount {
    pub key: String,
    pub name: String,
    pub email: String,
}

pub struct Academy {
    clients: Clients,
    api_keys: Vec<ApiKeyConfig>,
    life: Lifetimes,
    codes: Codes<Grant>,
    /// One active connection per demo user: a new one replaces the old.
    tokens: Tokens<Grant>,
    /// Records per demo account, created (and seeded) on first use.
    accounts: BTreeMap<&'static str, Account>,
    pub counters: Counters,
}

/// Make's error body: `{"error": {"message": …, "code": …}}`.
pub fn error(status: u16, message: &str) -> Response {
    Response::json(
        status,
        &json!({"error": {"message": message, "code": status}}),
    )
}

/// Splits a scope parameter on spaces, commas or plus signs (the separator is UNCONFIRMED).
pub fn parse_scopes(raw: &str) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for s in raw.split([' ', ',', '+']).filter(|s| !s.is_empty()) {
        if !scopes.iter().any(|have| have == s) {
            scopes.push(s.to_string());
        }
    }
    scopes
}

impl Academy {
    pub fn new(config: &Config) -> Self {
        Academy {
            clients: Clients::of(config, Dialect::Academy),
            api_keys: config.api_keys.clone(),
            life: Lifetimes {
                access: Some(config.academy_access_minutes * MINUTE),
                refresh: Some(Some(config.academy_refresh_minutes * MINUTE)),
            },
            codes: Codes::new(CODE_TTL, 16),
            tokens: Tokens::new(20),
            accounts: BTreeMap::new(),
            counters: Counters::default(),
        }
    }

    pub fn handle(&mut self, req: &Request, now: Millis, rng: &mut dyn Random) -> Response {
        if let Some(rest) = req.path.strip_prefix("/api/v1/") {
            return self.v1(req, rest, now, rng);
        }
        let Some(rest) = req.path.strip_prefix("/api/v2/") else {
            return error(
                404,
                "Not found: the Academy API lives under /api/v1 and /api/v2",
            );
        };
        match (req.method.as_str(), rest) {
            ("GET", "authorize") => self.authorize_page(req),
            ("POST", "authorize") => self.authorize_decision(req, now, rng),
            ("POST", "token") => self.token(req, now, rng),
            ("POST", "refresh") => self.refresh(req, now, rng),
            ("GET", "info") => self.info(req, now),
            ("GET", "invalidate") => self.invalidate(req, now),
            (_, "authorize" | "token" | "refresh" | "info" | "invalidate") => {
                error(405, "Method not allowed")
            }
            _ => self.v2_resource(req, rest, now, rng),
        }
    }

    /// v1: every call carries `x-api-key`; the key names the account.
    fn v1(&mut self, req: &Request, rest: &str, now: Millis, rng: &mut dyn Random) -> Response {
        let Some(key) = req
            .header_value("x-api-key")
            .map(str::trim)
            .filter(|k| !k.is_empty())
        else {
            return error(
                401,
                "Unauthorized: send your API key in the x-api-key header",
            );
        };
        let Some(user) = self
            .api_keys
            .iter()
            .find(|k| k.key == key)
            .and_then(|k| user(&k.account))
        else {
            return error(401, "Unauthorized: this API key is not valid");
        };
        self.counters.resource_requests += 1;
        let redirect = self
            .clients
            .first()
            .and_then(|c| c.redirect_uris.first().cloned())
            .unwrap_or_default();
        self.resource(user, &redirect, req, rest, now, rng)
    }

    /// v2: the v1 resources with a Bearer token and the scope the method needs.
    fn v2_resource(
        &mut self,
        req: &Request,
        rest: &str,
        now: Millis,
        rng: &mut dyn Random,
    ) -> Response {
        let connection = match self.bearer(req, now) {
            Ok(c) => c,
            Err(response) => return response,
        };
        let needed = required_scope(&req.method);
        let scopes = &connection.grant.scopes;
        if !scopes.iter().any(|s| s == needed) {
            return error(
                403,
                &format!(
                    "Missing Scope: {} needs the {needed} scope; this token has {}",
                    req.method,
                    scopes.join(", ")
                ),
            );
        }
        let user = connection.grant.user;
        let redirect = self
            .clients
            .get(&connection.client_id)
            .and_then(|c| c.redirect_uris.first().cloned())
            .unwrap_or_default();
        self.counters.resource_requests += 1;
        self.resource(user, &redirect, req, rest, now, rng)
    }

    fn resource(
        &mut self,
        user: DemoUser,
        redirect_uri: &str,
        req: &Request,
        rest: &str,
        now: Millis,
        rng: &mut dyn Random,
    ) -> Response {
        let owner = Owner {
            name: user.name,
            email: user.email,
            redirect_uri,
        };
        let account = self.accounts.entry(user.key).or_default();
        resources::route(account, &owner, req, rest, now, rng)
    }

    /// Checks what must be right before the redirect URI can be trusted (RFC 6749 §4.1.2.1);
    /// on failure the page is rendered here, never redirected.
    fn trusted_redirect(&self, params: &Params) -> Result<Trusted, Response> {
        self.redirect_check(params)
            .map_err(|(title, detail)| pages::authorize_error(&title, &detail))
    }

    /// The same check, with the reason in the Academy's words as (title, detail).
    fn redirect_check(&self, params: &Params) -> Result<Trusted, (String, String)> {
        self.clients.trust(params).map_err(|why| {
            let (title, detail) = match why {
                Untrusted::MissingClient => ("client_id is missing", "The authorize URL must carry the client id you received with your credentials.".to_string()),
                Untrusted::UnknownClient(id) => ("Unknown client_id", format!("No application is registered with client id \u{201c}{id}\u{201d}.")),
                Untrusted::MissingRedirect => ("redirect_uri is missing", "The authorize URL must name the redirect URI registered for this client.".to_string()),
                Untrusted::RedirectMismatch { given, registered } => ("redirect_uri does not match", format!(
                    "\u{201c}{given}\u{201d} is not the redirect URI registered for this client. Registered: {}.",
                    registered.join(", ")
                )),
            };
            (title.to_string(), detail)
        })
    }

    /// What the authorize page would do with `params`, for a consent screen drawn by someone
    /// else (Handshake's in-browser Sandbox).
    pub fn consent_check(&self, params: &Params) -> ConsentCheck {
        if let Err((title, detail)) = self.redirect_check(params) {
            return ConsentCheck::Refuse { title, detail };
        }
        match self.checked_request(params) {
            Ok((trusted, scopes)) => ConsentCheck::Ask {
                client_id: trusted.client_id,
                scopes: scopes
                    .into_iter()
                    .map(|name| ConsentScope {
                        meaning: pages::scope_line(&name).into(),
                        name,
                    })
                    .collect(),
                accounts: USERS
                    .iter()
                    .map(|u| ConsentAccount {
                        key: u.key.into(),
                        name: u.name.into(),
                        email: u.email.into(),
                    })
                    .collect(),
            },
            Err(response) => ConsentCheck::Redirect {
                to: response
                    .header_value("location")
                    .unwrap_or_default()
                    .to_string(),
            },
        }
    }

    /// Errors after the redirect URI is trusted go back to the client, Make-style.
    fn redirect_error(
        redirect_uri: &str,
        code: &str,
        message: &str,
        state: Option<&str>,
    ) -> Response {
        let mut pairs = vec![("error", code), ("error.message", message)];
        if let Some(state) = state {
            pairs.push(("state", state));
        }
        Response::redirect(&append_query(redirect_uri, &pairs))
    }

    /// Validates the parameters shared by the consent page and the decision.
    fn checked_request(&self, params: &Params) -> Result<(Trusted, Vec<String>), Response> {
        let trusted = self.trusted_redirect(params)?;
        let redirect_uri = trusted.redirect_uri.clone();
        let state = params.get("state");
        if params.get("response_type") != Some("code") {
            return Err(Self::redirect_error(
                &redirect_uri,
                "unsupported_response_type",
                "Response type not supported: use response_type=code.",
                state,
            ));
        }
        let scopes = parse_scopes(params.get("scope").unwrap_or(""));
        if let Some(unknown) = scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
            return Err(Self::redirect_error(
                &redirect_uri,
                "invalid_scope",
                &format!("Unknown scope \u{201c}{unknown}\u{201d}. Known scopes: connect, read, write, delete."),
                state,
            ));
        }
        if !scopes.iter().any(|s| s == "connect") {
            return Err(Self::redirect_error(
                &redirect_uri,
                "invalid_scope",
                "The scope connect is required to authorize.",
                state,
            ));
        }
        Ok((trusted, scopes))
    }

    fn authorize_page(&self, req: &Request) -> Response {
        let params = req.query_pairs();
        match self.checked_request(&params) {
            Ok((trusted, scopes)) => {
                pages::account_chooser(&trusted.client_id, &scopes, &accounts(), &params)
            }
            Err(response) => response,
        }
    }

    fn authorize_decision(&mut self, req: &Request, now: Millis, rng: &mut dyn Random) -> Response {
        let params = match req.body_params() {
            Ok(p) => p,
            Err(message) => return pages::authorize_error("Bad consent form", &message),
        };
        let (trusted, scopes) = match self.checked_request(&params) {
            Ok(checked) => checked,
            Err(response) => return response,
        };
        let redirect_uri = trusted.redirect_uri.clone();
        let state = params.get("state");
        if params.get("decision") != Some("allow") {
            return Self::redirect_error(
                &redirect_uri,
                "access_denied",
                "The user denied access to the application.",
                state,
            );
        }
        let Some(user) = params.get("account").and_then(user) else {
            return pages::authorize_error("No account chosen", "Choose John Doe or Jane Black.");
        };
        let code = self
            .codes
            .issue(rng, now, &trusted, None, Grant { user, scopes });
        let mut pairs = vec![("code", code.as_str())];
        if let Some(state) = state {
            pairs.push(("state", state));
        }
        Response::redirect(&append_query(&redirect_uri, &pairs))
    }

    /// Client authentication shared by token and refresh: returns the client id.
    fn authenticate_client(&self, params: &Params) -> Result<String, Response> {
        let client_id = params.non_empty("client_id");
        let secret = params.non_empty("client_secret");
        let (Some(client_id), Some(secret)) = (client_id, secret) else {
            return Err(error(
                400,
                "Missing parameter: client_id and client_secret are required",
            ));
        };
        self.clients
            .authenticate(client_id, secret)
            .ok_or_else(|| error(401, "Invalid client credentials"))
    }

    fn token(&mut self, req: &Request, now: Millis, rng: &mut dyn Random) -> Response {
        self.counters.token_requests += 1;
        let params = match req.body_params() {
            Ok(p) => p,
            Err(message) => return error(400, &message),
        };
        for name in [
            "code",
            "client_id",
            "client_secret",
            "grant_type",
            "redirect_uri",
        ] {
            if params.non_empty(name).is_none() {
                return error(400, &format!("Missing parameter: {name}"));
            }
        }
        if params.get("grant_type") != Some("authorization_code") {
            return error(501, "Grant type not supported.");
        }
        let client_id = match self.authenticate_client(&params) {
            Ok(id) => id,
            Err(response) => return response,
        };
        let code = params.get("code").unwrap_or_default();
        let grant = match self
            .codes
            .redeem(code, &client_id, params.get("redirect_uri"), None, now)
        {
            Ok(grant) => grant,
            Err(problem) => return error(400, code_problem(problem)),
        };
        let life = self.life;
        let connection = self.connect(grant, &client_id, now, rng);
        token_answer(connection, life)
    }

    /// Opens a connection for the grant's user, replacing the user's previous one.
    fn connect(
        &mut self,
        grant: Grant,
        client_id: &str,
        now: Millis,
        rng: &mut dyn Random,
    ) -> &crate::authz::IssuedToken<Grant> {
        self.tokens.retain(|t| t.grant.user != grant.user);
        self.tokens.issue(rng, now, client_id, self.life, grant)
    }

    fn refresh(&mut self, req: &Request, now: Millis, rng: &mut dyn Random) -> Response {
        self.counters.refresh_requests += 1;
        let params = match req.body_params() {
            Ok(p) => p,
            Err(message) => return error(400, &message),
        };
        let Some(refresh_token) = params.non_empty("refresh_token") else {
            return error(400, "Missing parameter: refresh_token");
        };
        if let Some(grant) = params.get("grant_type").filter(|g| *g != "refresh_token") {
            return error(
                501,
                &format!("Grant type {grant:?} not supported here: use refresh_token."),
            );
        }
        let client_id = match self.authenticate_client(&params) {
            Ok(id) => id,
            Err(response) => return response,
        };
        let life = self.life;
        match self
            .tokens
            .rotate(rng, refresh_token, &client_id, now, life)
        {
            Ok(connection) => token_answer(connection, life),
            Err(TokenProblem::Expired) => error(401, "Refresh token expired: authorize again"),
            Err(TokenProblem::Unknown) => error(401, "Refresh token is invalid or was revoked"),
        }
    }

    /// The connection a Bearer token belongs to, or the 401 to answer.
    fn bearer(
        &self,
        req: &Request,
        now: Millis,
    ) -> Result<&crate::authz::IssuedToken<Grant>, Response> {
        let token = req.bearer_token().ok_or_else(|| {
            error(
                401,
                "Not Authorized: send Authorization: Bearer <access_token>",
            )
        })?;
        self.tokens
            .by_access(token, now)
            .map_err(|problem| match problem {
                TokenProblem::Unknown => error(
                    401,
                    "Not Authorized: the access token is invalid or was revoked",
                ),
                TokenProblem::Expired => error(401, "Not Authorized: the access token expired"),
            })
    }

    fn info(&mut self, req: &Request, now: Millis) -> Response {
        self.counters.info_requests += 1;
        let connection = match self.bearer(req, now) {
            Ok(c) => c,
            Err(response) => return response,
        };
        if !connection.grant.scopes.iter().any(|s| s == "connect") {
            return error(403, "Missing Scope: connect");
        }
        let user = connection.grant.user;
        Response::json(200, &json!({"id": user.id, "user": user.name}))
    }

    fn invalidate(&mut self, req: &Request, now: Millis) -> Response {
        self.counters.invalidate_requests += 1;
        let token = match self.bearer(req, now) {
            Ok(c) => c.access.clone(),
            Err(response) => return response,
        };
        self.tokens.revoke(&token);
        Response::json(200, &json!({"message": "Access invalidated"}))
    }

    /// Test support: every live access token (and optionally refresh token) expires now.
    pub fn expire_tokens(&mut self, now: Millis, refresh_too: bool) {
        self.tokens.expire_all(now, refresh_too);
    }
}

/// The scope a resource call needs (spec §1.3): GET read, POST/PUT/PATCH write, DELETE delete.
pub fn required_scope(method: &str) -> &'static str {
    match method {
        "GET" | "HEAD" => "read",
        "DELETE" => "delete",
        _ => "write",
    }
}

/// The Academy's words for a code that cannot be exchanged.
fn code_problem(problem: CodeProblem) -> &'static str {
    match problem {
        CodeProblem::Unknown => "Invalid authorization code: it is unknown or was already used",
        CodeProblem::Expired => "Authorization code expired: codes are valid for 10 minutes",
        CodeProblem::OtherClient => "Authorization code was issued to another client",
        CodeProblem::RedirectMismatch => {
            "redirect_uri does not match the one used in the authorization request"
        }
        // The Academy's authorize takes no PKCE challenge, so no code carries one.
        CodeProblem::VerifierMissing | CodeProblem::VerifierMismatch => {
            "Invalid authorization code: it is unknown or was already used"
        }
    }
}

/// The token answer: lifetimes in minutes, no `token_type`, no `scope` (spec §1.3).
fn token_answer(c: &crate::authz::IssuedToken<Grant>, life: Lifetimes) -> Response {
    let minutes = |ttl: Option<Millis>| ttl.unwrap_or(0) / MINUTE;
    Response::json(
        200,
        &json!({
            "access_token": c.access,
            "expires_in": minutes(life.access),
            "refresh_token": c.refresh,
            "refresh_expires_in": minutes(life.refresh.flatten()),
        }),
    )
    .no_store()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ACADEMY_CLIENT_ID as ID, ACADEMY_CLIENT_SECRET as SECRET};
    use crate::{Sandbox, SeededRandom};

    const REDIRECT: &str = "http://127.0.0.1:8080/callback";

    fn sandbox() -> Sandbox {
        Sandbox::new(Config::default(), Box::new(SeededRandom::new(7)))
    }

    fn authorize_query(scope: &str, state: &str) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("scope", scope),
                ("client_id", ID),
                ("redirect_uri", REDIRECT),
                ("response_type", "code"),
                ("state", state),
            ])
            .finish()
    }

    /// Runs consent for `account` and returns the redirect's query parameters.
    fn consent(sb: &mut Sandbox, scope: &str, account: &str, decision: &str) -> Params {
        let query = authorize_query(scope, "st-1");
        let mut form: Vec<(String, String)> = Params::from_urlencoded(query.as_bytes()).0;
        form.push(("account".into(), account.into()));
        form.push(("decision".into(), decision.into()));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let resp = sb.handle(
            &Request::new("POST", "/api/v2/authorize").form_body(&pairs),
            0,
        );
        assert_eq!(resp.status, 302, "{}", resp.body_text());
        let location = resp.header_value("location").unwrap();
        assert!(location.starts_with(REDIRECT), "{location}");
        Params::from_urlencoded(location.split_once('?').unwrap().1.as_bytes())
    }

    fn exchange(sb: &mut Sandbox, code: &str, now: Millis) -> Response {
        let body = json!({
            "code": code, "client_id": ID, "client_secret": SECRET,
            "grant_type": "authorization_code", "redirect_uri": REDIRECT,
        });
        sb.handle(&Request::new("POST", "/api/v2/token").json_body(&body), now)
    }

    #[test]
    fn authorize_page_lists_both_accounts_and_escapes_state() {
        let mut sb = sandbox();
        let q = authorize_query("connect read", "<script>x</script>");
        let resp = sb.handle(&Request::new("GET", &format!("/api/v2/authorize?{q}")), 0);
        assert_eq!(resp.status, 200);
        let page = resp.body_text();
        assert!(page.contains("John Doe") && page.contains("Jane Black"));
        assert!(!page.contains("<script>x"));
        assert!(page.contains("&lt;script&gt;x"));
    }

    #[test]
    fn authorize_rejects_unknown_client_and_foreign_redirect_without_redirecting() {
        let mut sb = sandbox();
        let q = authorize_query("connect", "s").replace(ID, "nobody");
        let resp = sb.handle(&Request::new("GET", &format!("/api/v2/authorize?{q}")), 0);
        assert_eq!((resp.status, resp.header_value("location")), (400, None));
        assert!(resp.body_text().contains("Unknown client_id"));
        let q = authorize_query("connect", "s").replace("8080%2Fcallback", "8080%2Fother");
        let resp = sb.handle(&Request::new("GET", &format!("/api/v2/authorize?{q}")), 0);
        assert_eq!((resp.status, resp.header_value("location")), (400, None));
        assert!(resp.body_text().contains("redirect_uri does not match"));
    }

    #[test]
    fn authorize_without_connect_redirects_with_error_message_and_state() {
        let mut sb = sandbox();
        let q = authorize_query("read", "st-9");
        let resp = sb.handle(&Request::new("GET", &format!("/api/v2/authorize?{q}")), 0);
        assert_eq!(resp.status, 302);
        let location = resp.header_value("location").unwrap();
        let p = Params::from_urlencoded(location.split_once('?').unwrap().1.as_bytes());
        assert_eq!(p.get("error"), Some("invalid_scope"));
        assert!(p.get("error.message").unwrap().contains("connect"));
        assert_eq!(p.get("state"), Some("st-9"));
    }

    #[test]
    fn deny_redirects_with_access_denied() {
        let mut sb = sandbox();
        let p = consent(&mut sb, "connect", "john", "deny");
        assert_eq!(p.get("error"), Some("access_denied"));
        assert_eq!(p.get("code"), None);
    }

    #[test]
    fn code_exchange_answers_minutes_and_info_names_the_chosen_user() {
        let mut sb = sandbox();
        let p = consent(&mut sb, "connect read", "jane", "allow");
        assert_eq!(p.get("state"), Some("st-1"));
        let resp = exchange(&mut sb, p.get("code").unwrap(), 1_000);
        assert_eq!(resp.status, 200, "{}", resp.body_text());
        assert_eq!(resp.header_value("cache-control"), Some("no-store"));
        let body = resp.body_json();
        assert_eq!(body["expires_in"], 5);
        assert_eq!(body["refresh_expires_in"], 5);
        assert!(body.get("token_type").is_none());
        let token = body["access_token"].as_str().unwrap();
        let info = sb.handle(
            &Request::new("GET", "/api/v2/info")
                .header("authorization", &format!("Bearer {token}")),
            2_000,
        );
        assert_eq!(info.status, 200);
        assert_eq!(info.body_json()["user"], "Jane Black");
    }

    #[test]
    fn code_is_single_use_expires_and_is_bound_to_redirect_uri() {
        let mut sb = sandbox();
        let code = consent(&mut sb, "connect", "john", "allow")
            .get("code")
            .unwrap()
            .to_string();
        assert_eq!(exchange(&mut sb, &code, 0).status, 200);
        let replay = exchange(&mut sb, &code, 0);
        assert_eq!(replay.status, 400);
        assert!(replay.body_json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already used"));

        let code = consent(&mut sb, "connect", "john", "allow")
            .get("code")
            .unwrap()
            .to_string();
        let late = exchange(&mut sb, &code, CODE_TTL + 1);
        assert_eq!(late.status, 400);
        assert!(late.body_text().contains("expired"));

        let code = consent(&mut sb, "connect", "john", "allow")
            .get("code")
            .unwrap()
            .to_string();
        let body = json!({"code": code, "client_id": ID, "client_secret": SECRET,
            "grant_type": "authorization_code", "redirect_uri": "http://127.0.0.1:9999/callback"});
        let resp = sb.handle(&Request::new("POST", "/api/v2/token").json_body(&body), 0);
        assert_eq!(resp.status, 400);
        assert!(resp.body_text().contains("redirect_uri does not match"));
    }

    #[test]
    fn token_errors_missing_parameter_bad_secret_and_grant_type() {
        let mut sb = sandbox();
        let resp = sb.handle(
            &Request::new("POST", "/api/v2/token").form_body(&[("code", "x")]),
            0,
        );
        assert_eq!(resp.status, 400);
        assert_eq!(
            resp.body_json()["error"]["message"],
            "Missing parameter: client_id"
        );
        let body = json!({"code": "x", "client_id": ID, "client_secret": "wrong",
            "grant_type": "authorization_code", "redirect_uri": REDIRECT});
        let resp = sb.handle(&Request::new("POST", "/api/v2/token").json_body(&body), 0);
        assert_eq!(resp.status, 401);
        let body = json!({"code": "x", "client_id": ID, "client_secret": SECRET,
            "grant_type": "password", "redirect_uri": REDIRECT});
        let resp = sb.handle(&Request::new("POST", "/api/v2/token").json_body(&body), 0);
        assert_eq!(resp.status, 501);
        assert_eq!(resp.body_json()["error"]["code"], 501);
    }

    #[test]
    fn info_rejects_missing_unknown_and_expired_tokens() {
        let mut sb = sandbox();
        assert_eq!(
            sb.handle(&Request::new("GET", "/api/v2/info"), 0).status,
            401
        );
        let code = consent(&mut sb, "connect", "john", "allow")
            .get("code")
            .unwrap()
            .to_string();
        let token = exchange(&mut sb, &code, 0).body_json()["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        let call = |sb: &mut Sandbox, now| {
            sb.handle(
                &Request::new("GET", "/api/v2/info")
                    .header("authorization", &format!("Bearer {token}")),
                now,
            )
        };
        assert_eq!(call(&mut sb, 5 * MINUTE - 1).status, 200);
        let expired = call(&mut sb, 5 * MINUTE);
        assert_eq!(expired.status, 401);
        assert!(expired.body_text().contains("expired"));
    }

    #[test]
    fn a_new_connection_revokes_the_users_previous_tokens() {
        let mut sb = sandbox();
        let code = consent(&mut sb, "connect", "john", "allow")
            .get("code")
            .unwrap()
            .to_string();
        let first = exchange(&mut sb, &code, 0).body_json()["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        let code = consent(&mut sb, "connect", "john", "allow")
            .get("code")
            .unwrap()
            .to_string();
        assert_eq!(exchange(&mut sb, &code, 0).status, 200);
        let resp = sb.handle(
            &Request::new("GET", "/api/v2/info")
                .header("authorization", &format!("Bearer {first}")),
            0,
        );
        assert_eq!(resp.status, 401);
    }

    #[test]
    fn refresh_rotates_tokens_and_rejects_expired_refresh_tokens() {
        let mut sb = sandbox();
        let code = consent(&mut sb, "connect", "john", "allow")
            .get("code")
            .unwrap()
            .to_string();
        let first = exchange(&mut sb, &code, 0).body_json();
        let refresh = |sb: &mut Sandbox, token: &str, now| {
            let body = json!({"refresh_token": token, "client_id": ID, "client_secret": SECRET,
                "grant_type": "refresh_token"});
            sb.handle(
                &Request::new("POST", "/api/v2/refresh").json_body(&body),
                now,
            )
        };
        let second = refresh(&mut sb, first["refresh_token"].as_str().unwrap(), MINUTE);
        assert_eq!(second.status, 200);
        let second = second.body_json();
        assert_ne!(second["access_token"], first["access_token"]);
        // The old refresh token was rotated away.
        assert_eq!(
            refresh(&mut sb, first["refresh_token"].as_str().unwrap(), MINUTE).status,
            401
        );
        let late = refresh(
            &mut sb,
            second["refresh_token"].as_str().unwrap(),
            7 * MINUTE,
        );
        assert_eq!(late.status, 401);
        assert!(late.body_text().contains("expired"));
    }

    #[test]
    fn invalidate_revokes_the_connection() {
        let mut sb = sandbox();
        let code = consent(&mut sb, "connect", "john", "allow")
            .get("code")
            .unwrap()
            .to_string();
        let token = exchange(&mut sb, &code, 0).body_json()["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        let auth = format!("Bearer {token}");
        let resp = sb.handle(
            &Request::new("GET", "/api/v2/invalidate").header("authorization", &auth),
            0,
        );
        assert_eq!(resp.status, 200);
        let resp = sb.handle(
            &Request::new("GET", "/api/v2/info").header("authorization", &auth),
            0,
        );
        assert_eq!(resp.status, 401);
    }
}
