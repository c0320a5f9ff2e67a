// The simulated Metamaps server (Doorkeeper 4.2.6 dialect, spec §2), mounted under /metamaps:
// consent, out-of-band codes, token parameters from the query of a POST, lower-case `bearer`,
// seconds, refresh, revoke, token info; the records API in `api`, its data in `seed`.

mod api;
mod seed;

use crate::authz::{
    Challenge, Clients, CodeProblem, Codes, IssuedToken, Lifetimes, Tokens, Untrusted,
};
use crate::config::{Config, Dialect, OOB};
use crate::http::{append_query, Params, Request, Response};
use crate::{pages, Millis, Random};
use api::Record;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::json;

const CODE_TTL: Millis = 600_000;
/// Scopes this server knows (Metamaps configures none; an empty scope is the default).
const SCOPES: [&str; 0] = [];

pub struct User {
    pub id: u64,
    pub name: &'static str,
    pub email: &'static str,
}

pub const USERS: [User; 3] = [
    User {
        id: 1,
        name: "Jane Black",
        email: "jane.black@example.com",
    },
    User {
        id: 2,
        name: "John Doe",
        email: "john.doe@example.com",
    },
    User {
        id: 3,
        name: "Ada Mapper",
        email: "ada@example.com",
    },
];
/// The user signed in at the consent screen.
const SIGNED_IN: u64 = 1;

/// Whom a token acts for (none: a client-credentials token).
type Owner = Option<u64>;

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Counters {
    pub token_requests: u64,
    pub refresh_requests: u64,
    pub revoke_requests: u64,
    pub api_requests: u64,
}

pub struct Doorkeeper {
    clients: Clients,
    access_ttl: Option<Millis>,
    refresh_enabled: bool,
    codes: Codes<()>,
    tokens: Tokens<Owner>,
    records: Vec<Record>,
    next_id: u64,
    pub counters: Counters,
}

/// Doorkeeper's OAuth error body; 4.2.6 answers every token error with 401.
fn oauth_error(status: u16, code: &str, description: &str) -> Response {
    Response::json(
        status,
        &json!({"error": code, "error_description": description}),
    )
    .no_store()
}

fn api_error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "error": message }))
}

const INVALID_GRANT: &str =
    "The provided authorization grant is invalid, expired, revoked, does not match the \
redirection URI used in the authorization request, or was issued to another client.";

const INVALID_CLIENT: &str = "Client authentication failed due to unknown client, no client \
authentication included, or unsupported authentication method.";

impl Doorkeeper {
    pub fn new(config: &Config) -> Self {
        let mut dk = Doorkeeper {
            clients: Clients::of(config, Dialect::Doorkeeper),
            access_ttl: config.metamaps_access_seconds.map(|s| s * 1000),
            refresh_enabled: config.metamaps_refresh_tokens,
            codes: Codes::new(CODE_TTL, 20),
            tokens: Tokens::new(32),
            records: Vec::new(),
            next_id: 1,
            counters: Counters::default(),
        };
        dk.seed();
        dk
    }

    /// Token lifetimes; refresh tokens never expire in Doorkeeper's default configuration.
    fn life(&self, refresh: bool) -> Lifetimes {
        Lifetimes {
            access: self.access_ttl,
            refresh: refresh.then_some(None),
        }
    }

    pub fn handle(
        &mut self,
        req: &Request,
        rest: &str,
        now: Millis,
        rng: &mut dyn Random,
    ) -> Response {
        if rest.starts_with("/api/") {
            let answer = if req.method == "OPTIONS" {
                Response::new(204)
                    .with_header(
                        "access-control-allow-methods",
                        "GET, POST, PUT, DELETE, OPTIONS, HEAD",
                    )
                    .with_header(
                        "access-control-allow-headers",
                        req.header_value("access-control-request-headers")
                            .unwrap_or("*"),
                    )
                    .with_header("access-control-max-age", "1728000")
            } else {
                self.api(req, rest, now)
            };
            return answer.with_header("access-control-allow-origin", "*");
        }
        match (req.method.as_str(), rest) {
            ("GET", "/oauth/authorize") => self.authorize_page(req),
            ("POST", "/oauth/authorize") => self.authorize_decision(req, now, rng),
            ("GET", path) if path.starts_with("/oauth/authorize/") => {
                let code = &path["/oauth/authorize/".len()..];
                Response::html(200, pages::oob_code(code))
            }
            ("POST", "/oauth/token") => self.token(req, now, rng),
            ("POST", "/oauth/revoke") => self.revoke(req),
            ("GET", "/oauth/token/info") => self.token_info(req, now),
            _ => api_error(404, "404 Not found"),
        }
    }

    /// Shared checks of the consent page and the decision; errors before the redirect URI is
    /// trusted are rendered, later ones are redirected (or shown, for the out-of-band URI).
    fn checked(&self, params: &Params) -> Result<crate::authz::Trusted, Response> {
        let trusted = self.clients.trust(params).map_err(|why| match why {
            Untrusted::MissingClient | Untrusted::UnknownClient(_) => {
                pages::authorize_error("invalid_client", INVALID_CLIENT)
            }
            Untrusted::MissingRedirect => pages::authorize_error(
                "invalid_redirect_uri",
                "The redirect uri \"\" is not one registered for this application.",
            ),
            Untrusted::RedirectMismatch { given, .. } => pages::authorize_error(
                "invalid_redirect_uri",
                &format!("The redirect uri {given:?} is not one registered for this application."),
            ),
        })?;
        let redirect_uri = trusted.redirect_uri.as_str();
        let state = params.get("state");
        let fail = |code: &str, description: &str| {
            if redirect_uri == OOB {
                return pages::authorize_error(code, description);
            }
            let mut pairs = vec![("error", code), ("error_description", description)];
            if let Some(s) = state {
                pairs.push(("state", s));
            }
            Response::redirect(&append_query(redirect_uri, &pairs))
        };
        if params.get("response_type") != Some("code") {
            return Err(fail(
                "unsupported_response_type",
                "The authorization server does not support this response type.",
            ));
        }
        let scope = params.get("scope").unwrap_or("");
        if scope
            .split([' ', '+'])
            .any(|s| !s.is_empty() && !SCOPES.contains(&s))
        {
            return Err(fail(
                "invalid_scope",
                "The requested scope is invalid, unknown, or malformed.",
            ));
        }
        if let Some(method) = params.get("code_challenge_method") {
            if method != "S256" && method != "plain" {
                return Err(fail(
                    "invalid_code_challenge_method",
                    "The code challenge method must be plain or S256.",
                ));
            }
        }
        Ok(trusted)
    }

    fn authorize_page(&self, req: &Request) -> Response {
        let params = req.query_pairs();
        match self.checked(&params) {
            Ok(trusted) => pages::doorkeeper_consent(&trusted.client_id, USERS[0].name, &params),
            Err(r) => r,
        }
    }

    fn authorize_decision(&mut self, req: &Request, now: Millis, rng: &mut dyn Random) -> Response {
        let params = match req.body_params() {
            Ok(p) => p,
            Err(e) => return pages::authorize_error("invalid_request", &e),
        };
        let trusted = match self.checked(&params) {
            Ok(t) => t,
            Err(r) => return r,
        };
        let redirect_uri = trusted.redirect_uri.clone();
        let state = params.get("state");
        if params.get("decision") != Some("allow") {
            if redirect_uri == OOB {
                return pages::authorize_error("access_denied", "You denied the request.");
            }
            let mut pairs = vec![
                ("error", "access_denied"),
                (
                    "error_description",
                    "The resource owner or authorization server denied the request.",
                ),
            ];
            if let Some(s) = state {
                pairs.push(("state", s));
            }
            return Response::redirect(&append_query(&redirect_uri, &pairs));
        }
        let challenge = Challenge::from_params(&params);
        let code = self.codes.issue(rng, now, &trusted, challenge, ());
        if redirect_uri == OOB {
            return Response::redirect(&format!("/metamaps/oauth/authorize/{code}"));
        }
        let mut pairs = vec![("code", code.as_str())];
        if let Some(s) = state {
            pairs.push(("state", s));
        }
        Response::redirect(&append_query(&redirect_uri, &pairs))
    }

    /// Client credentials from HTTP Basic or from the parameters (4.2.6 accepts both).
    fn client_auth(&self, req: &Request, params: &Params) -> Option<String> {
        let (id, secret) = match req
            .header_value("authorization")
            .and_then(|h| h.strip_prefix("Basic "))
        {
            Some(b64) => {
                let decoded = String::from_utf8(STANDARD.decode(b64.trim()).ok()?).ok()?;
                let (id, secret) = decoded.split_once(':')?;
                (id.to_string(), secret.to_string())
            }
            None => (
                params.get("client_id")?.to_string(),
                params.get("client_secret")?.to_string(),
            ),
        };
        self.clients.authenticate(&id, &secret)
    }

    fn token(&mut self, req: &Request, now: Millis, rng: &mut dyn Random) -> Response {
        self.counters.token_requests += 1;
        let body = match req.body_params() {
            Ok(p) => p,
            Err(e) => return oauth_error(401, "invalid_request", &e),
        };
        // 4.2.6 merges query and body parameters; Metamaps' docs put them all in the query.
        let params = body.merged_with(req.query_pairs());
        let Some(client_id) = self.client_auth(req, &params) else {
            return oauth_error(401, "invalid_client", INVALID_CLIENT).with_header(
                "www-authenticate",
                "Bearer realm=\"Doorkeeper\", error=\"invalid_client\"",
            );
        };
        match params.get("grant_type") {
            Some("authorization_code") => self.exchange(&params, &client_id, now, rng),
            Some("refresh_token") => self.refresh(&params, &client_id, now, rng),
            Some("client_credentials") => {
                let life = self.life(false);
                let token = self.tokens.issue(rng, now, &client_id, life, None);
                token_answer(token, now)
            }
            None => oauth_error(
                401,
                "invalid_request",
                "The request is missing a required parameter: grant_type.",
            ),
            Some(_) => oauth_error(
                401,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            ),
        }
    }

    fn exchange(
        &mut self,
        params: &Params,
        client_id: &str,
        now: Millis,
        rng: &mut dyn Random,
    ) -> Response {
        let code = params.get("code").unwrap_or("");
        let redirect_uri = Some(params.get("redirect_uri").unwrap_or(""));
        let verifier = params.non_empty("code_verifier");
        match self
            .codes
            .redeem(code, client_id, redirect_uri, verifier, now)
        {
            Ok(()) => {
                let life = self.life(self.refresh_enabled);
                let token = self
                    .tokens
                    .issue(rng, now, client_id, life, Some(SIGNED_IN));
                token_answer(token, now)
            }
            Err(CodeProblem::VerifierMissing) => oauth_error(
                401,
                "invalid_request",
                "The request is missing a required parameter: code_verifier.",
            ),
            Err(_) => oauth_error(401, "invalid_grant", INVALID_GRANT),
        }
    }

    fn refresh(
        &mut self,
        params: &Params,
        client_id: &str,
        now: Millis,
        rng: &mut dyn Random,
    ) -> Response {
        self.counters.refresh_requests += 1;
        let presented = params.get("refresh_token").unwrap_or("");
        // The old pair is revoked when its refresh token is used.
        let life = self.life(true);
        match self.tokens.rotate(rng, presented, client_id, now, life) {
            Ok(token) => token_answer(token, now),
            Err(_) => oauth_error(401, "invalid_grant", INVALID_GRANT),
        }
    }

    /// RFC 7009 as Doorkeeper 4.2.6 does it: token from the form body, always 200 `{}`.
    fn revoke(&mut self, req: &Request) -> Response {
        self.counters.revoke_requests += 1;
        let form = req.body_params().unwrap_or_default();
        if let Some(token) = form.non_empty("token") {
            self.tokens.revoke(token);
        }
        Response::json(200, &json!({})).no_store()
    }

    /// The live token a request presents: Bearer header, or `access_token` / `token` parameter.
    fn bearer(&self, req: &Request, now: Millis) -> Option<&IssuedToken<Owner>> {
        let query = req.query_pairs();
        let presented = req
            .bearer_token()
            .map(str::to_string)
            .or_else(|| query.non_empty("access_token").map(str::to_string))
            .or_else(|| query.non_empty("token").map(str::to_string))?;
        self.tokens.by_access(&presented, now).ok()
    }

    fn token_info(&self, req: &Request, now: Millis) -> Response {
        match self.bearer(req, now) {
            Some(t) => Response::json(
                200,
                &json!({
                    "resource_owner_id": t.grant,
                    "scopes": [],
                    "expires_in_seconds": t.access_expires_at.map(|e| (e - now) / 1000),
                    "application": {"uid": t.client_id},
                    "created_at": t.created_at / 1000,
                }),
            ),
            None => oauth_error(401, "invalid_token", "The access token is invalid"),
        }
    }

    pub fn expire_tokens(&mut self, now: Millis, refresh_too: bool) {
        self.tokens.expire_all(now, refresh_too);
    }
}

/// Doorkeeper's token answer (4.2.6: lower-case `bearer`, `created_at` in epoch seconds).
fn token_answer(t: &IssuedToken<Owner>, now: Millis) -> Response {
    let mut v = json!({
        "access_token": t.access,
        "token_type": "bearer",
        "scope": "",
        "created_at": now / 1000,
    });
    if let Some(e) = t.access_expires_at {
        v["expires_in"] = json!((e - now) / 1000);
    }
    if let Some(r) = &t.refresh {
        v["refresh_token"] = json!(r);
    }
    Response::json(200, &v).no_store()
}
