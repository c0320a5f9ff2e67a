// The simulated Metamaps server (Doorkeeper 4.2.6 dialect, spec §2), mounted under /metamaps:
// consent, out-of-band codes, token parameters from the query of a POST, lower-case `bearer`,
// seconds, refresh, revoke, token info, and /api/v2 users, maps and topics with {data, page}.

use crate::config::{ClientConfig, Config, Dialect};
use crate::http::{append_query, Params, Request, Response};
use crate::time::rfc3339;
use crate::{pages, random_hex, Millis, Random};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";
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

struct Grant {
    code: String,
    client_id: String,
    redirect_uri: String,
    challenge: Option<(String, String)>,
    expires_at: Millis,
}

struct Token {
    access: String,
    refresh: Option<String>,
    client_id: String,
    user_id: Option<u64>,
    created_at: Millis,
    expires_at: Option<Millis>,
}

#[derive(Clone, Debug)]
struct Record {
    id: u64,
    kind: &'static str,
    fields: Map<String, Value>,
    user_id: u64,
    permission: String,
    created_at: Millis,
    updated_at: Millis,
}

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Counters {
    pub token_requests: u64,
    pub refresh_requests: u64,
    pub revoke_requests: u64,
    pub api_requests: u64,
}

pub struct Doorkeeper {
    clients: Vec<ClientConfig>,
    access_ttl: Option<Millis>,
    refresh_enabled: bool,
    grants: Vec<Grant>,
    tokens: Vec<Token>,
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

impl Doorkeeper {
    pub fn new(config: &Config) -> Self {
        let mut dk = Doorkeeper {
            clients: config
                .clients
                .iter()
                .filter(|c| c.dialect == Dialect::Doorkeeper)
                .cloned()
                .collect(),
            access_ttl: config.metamaps_access_seconds.map(|s| s * 1000),
            refresh_enabled: config.metamaps_refresh_tokens,
            grants: Vec::new(),
            tokens: Vec::new(),
            records: Vec::new(),
            next_id: 1,
            counters: Counters::default(),
        };
        dk.seed();
        dk
    }

    fn seed(&mut self) {
        let maps = [
            (
                "Design thinking",
                "How ideas move from sketch to product",
                1,
                "commons",
            ),
            ("Rust ecosystem", "Crates and how they fit", 1, "public"),
            (
                "Jane's private notes",
                "Only Jane sees this map",
                1,
                "private",
            ),
            (
                "OAuth2 flows",
                "Authorization code, PKCE, refresh",
                2,
                "commons",
            ),
            (
                "City gardens",
                "Community gardens and who runs them",
                3,
                "public",
            ),
            ("Film history", "Movements and their directors", 2, "public"),
            ("Climate data", "Datasets and their sources", 3, "commons"),
        ];
        for (i, (name, desc, user, permission)) in maps.into_iter().enumerate() {
            let mut fields = Map::new();
            fields.insert("name".into(), json!(name));
            fields.insert("desc".into(), json!(desc));
            self.insert(
                "map",
                fields,
                user,
                permission,
                1_600_000_000_000 + i as u64 * 86_400_000,
            );
        }
        let topics = [
            (
                "Authorization code",
                "Step 1 of the flow",
                "https://www.rfc-editor.org/rfc/rfc6749#section-4.1",
                2,
            ),
            (
                "PKCE",
                "Proof key for code exchange",
                "https://www.rfc-editor.org/rfc/rfc7636",
                2,
            ),
            ("Refresh token", "Getting a new access token", "", 2),
            ("Tomatoes", "Grow well in raised beds", "", 3),
            ("Compost", "Feeds the gardens", "", 3),
            ("Leptos", "A Rust web framework", "https://leptos.dev", 1),
            ("Axum", "A Rust web server framework", "", 1),
        ];
        for (i, (name, desc, link, user)) in topics.into_iter().enumerate() {
            let mut fields = Map::new();
            fields.insert("name".into(), json!(name));
            fields.insert("desc".into(), json!(desc));
            fields.insert("link".into(), json!(link));
            fields.insert("metacode_id".into(), json!(1 + i as u64 % 3));
            self.insert(
                "topic",
                fields,
                user,
                "commons",
                1_600_000_000_000 + i as u64 * 3_600_000,
            );
        }
    }

    fn insert(
        &mut self,
        kind: &'static str,
        fields: Map<String, Value>,
        user_id: u64,
        permission: &str,
        at: Millis,
    ) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.records.push(Record {
            id,
            kind,
            fields,
            user_id,
            permission: permission.to_string(),
            created_at: at,
            updated_at: at,
        });
        id
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

    fn client(&self, id: &str) -> Option<&ClientConfig> {
        self.clients.iter().find(|c| c.client_id == id)
    }

    /// Shared checks of the consent page and the decision; errors before the redirect URI is
    /// trusted are rendered, later ones are redirected.
    fn checked(&self, params: &Params) -> Result<(String, String), Response> {
        let client_id = params.get("client_id").unwrap_or("");
        let Some(client) = self.client(client_id) else {
            return Err(pages::authorize_error(
                "invalid_client",
                "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
            ));
        };
        let redirect_uri = params.get("redirect_uri").unwrap_or("");
        if !client.allows_redirect(redirect_uri) {
            return Err(pages::authorize_error(
                "invalid_redirect_uri",
                &format!(
                    "The redirect uri {redirect_uri:?} is not one registered for this application."
                ),
            ));
        }
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
        Ok((client_id.to_string(), redirect_uri.to_string()))
    }

    fn authorize_page(&self, req: &Request) -> Response {
        let params = req.query_pairs();
        match self.checked(&params) {
            Ok((client_id, _)) => pages::doorkeeper_consent(&client_id, USERS[0].name, &params),
            Err(r) => r,
        }
    }

    fn authorize_decision(&mut self, req: &Request, now: Millis, rng: &mut dyn Random) -> Response {
        let params = match req.body_params() {
            Ok(p) => p,
            Err(e) => return pages::authorize_error("invalid_request", &e),
        };
        let (client_id, redirect_uri) = match self.checked(&params) {
            Ok(c) => c,
            Err(r) => return r,
        };
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
        let challenge = params.non_empty("code_challenge").map(|c| {
            (
                c.to_string(),
                params
                    .get("code_challenge_method")
                    .unwrap_or("plain")
                    .to_string(),
            )
        });
        self.grants.retain(|g| g.expires_at > now);
        let code = random_hex(rng, 20);
        self.grants.push(Grant {
            code: code.clone(),
            client_id,
            redirect_uri: redirect_uri.clone(),
            challenge,
            expires_at: now + CODE_TTL,
        });
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
        self.client(&id)
            .filter(|c| c.client_secret == secret)
            .map(|_| id)
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
            return oauth_error(
                401,
                "invalid_client",
                "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
            )
            .with_header("www-authenticate", "Bearer realm=\"Doorkeeper\", error=\"invalid_client\"");
        };
        match params.get("grant_type") {
            Some("authorization_code") => self.exchange(&params, client_id, now, rng),
            Some("refresh_token") => self.refresh(&params, client_id, now, rng),
            Some("client_credentials") => {
                let token = self.issue(client_id, None, now, rng, false);
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
        client_id: String,
        now: Millis,
        rng: &mut dyn Random,
    ) -> Response {
        let code = params.get("code").unwrap_or("");
        let Some(index) = self.grants.iter().position(|g| g.code == code) else {
            return oauth_error(401, "invalid_grant", INVALID_GRANT);
        };
        let grant = self.grants.swap_remove(index);
        if grant.expires_at <= now
            || grant.client_id != client_id
            || params.get("redirect_uri") != Some(grant.redirect_uri.as_str())
        {
            return oauth_error(401, "invalid_grant", INVALID_GRANT);
        }
        if let Some((challenge, method)) = &grant.challenge {
            let Some(verifier) = params.non_empty("code_verifier") else {
                return oauth_error(
                    401,
                    "invalid_request",
                    "The request is missing a required parameter: code_verifier.",
                );
            };
            let computed = if method == "S256" {
                URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
            } else {
                verifier.to_string()
            };
            if &computed != challenge {
                return oauth_error(401, "invalid_grant", INVALID_GRANT);
            }
        }
        let token = self.issue(client_id, Some(SIGNED_IN), now, rng, self.refresh_enabled);
        token_answer(token, now)
    }

    fn refresh(
        &mut self,
        params: &Params,
        client_id: String,
        now: Millis,
        rng: &mut dyn Random,
    ) -> Response {
        self.counters.refresh_requests += 1;
        let presented = params.get("refresh_token").unwrap_or("");
        let Some(index) = self.tokens.iter().position(|t| {
            t.refresh.as_deref() == Some(presented)
                && !presented.is_empty()
                && t.client_id == client_id
        }) else {
            return oauth_error(401, "invalid_grant", INVALID_GRANT);
        };
        // The old pair is revoked when its refresh token is used.
        let old = self.tokens.swap_remove(index);
        let token = self.issue(client_id, old.user_id, now, rng, true);
        token_answer(token, now)
    }

    fn issue(
        &mut self,
        client_id: String,
        user_id: Option<u64>,
        now: Millis,
        rng: &mut dyn Random,
        refresh: bool,
    ) -> &Token {
        self.tokens.push(Token {
            access: random_hex(rng, 32),
            refresh: refresh.then(|| random_hex(rng, 32)),
            client_id,
            user_id,
            created_at: now,
            expires_at: self.access_ttl.map(|ttl| now + ttl),
        });
        self.tokens.last().expect("just pushed")
    }

    /// RFC 7009 as Doorkeeper 4.2.6 does it: token from the form body, always 200 `{}`.
    fn revoke(&mut self, req: &Request) -> Response {
        self.counters.revoke_requests += 1;
        let form = req.body_params().unwrap_or_default();
        if let Some(token) = form.non_empty("token") {
            self.tokens
                .retain(|t| t.access != token && t.refresh.as_deref() != Some(token));
        }
        Response::json(200, &json!({})).no_store()
    }

    fn bearer(&self, req: &Request, now: Millis) -> Option<&Token> {
        let query = req.query_pairs();
        let presented = req
            .bearer_token()
            .map(str::to_string)
            .or_else(|| query.non_empty("access_token").map(str::to_string))
            .or_else(|| query.non_empty("token").map(str::to_string))?;
        self.tokens
            .iter()
            .find(|t| t.access == presented)
            .filter(|t| t.expires_at.is_none_or(|e| e > now))
    }

    fn token_info(&self, req: &Request, now: Millis) -> Response {
        match self.bearer(req, now) {
            Some(t) => Response::json(
                200,
                &json!({
                    "resource_owner_id": t.user_id,
                    "scopes": [],
                    "expires_in_seconds": t.expires_at.map(|e| (e - now) / 1000),
                    "application": {"uid": t.client_id},
                    "created_at": t.created_at / 1000,
                }),
            ),
            None => oauth_error(401, "invalid_token", "The access token is invalid"),
        }
    }

    pub fn expire_tokens(&mut self, now: Millis, refresh_too: bool) {
        for t in &mut self.tokens {
            t.expires_at = Some(now);
        }
        if refresh_too {
            for t in &mut self.tokens {
                t.refresh = None;
            }
        }
    }

    fn unauthorized() -> Response {
        Response::new(401).with_header(
            "www-authenticate",
            "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"The access token is invalid\"",
        )
    }

    fn api(&mut self, req: &Request, rest: &str, now: Millis) -> Response {
        self.counters.api_requests += 1;
        if rest.starts_with("/api/v1") {
            return api_error(
                410,
                "/api/v1 has been deprecated! Please use /api/v2 instead.",
            );
        }
        let Some(path) = rest.strip_prefix("/api/v2/") else {
            return api_error(404, "404 Not found");
        };
        let viewer = self.bearer(req, now).and_then(|t| t.user_id);
        let presented_token =
            req.bearer_token().is_some() || req.query_pairs().get("access_token").is_some();
        if presented_token && viewer.is_none() {
            return Self::unauthorized();
        }
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let params = req.query_pairs();
        match (req.method.as_str(), segments.as_slice()) {
            ("GET", ["users", "current"]) => match viewer {
                Some(id) => Response::json(200, &json!({ "data": user_json(id, true) })),
                None => Self::unauthorized(),
            },
            ("GET", ["users"]) => {
                let items: Vec<Value> = USERS.iter().map(|u| user_json(u.id, false)).collect();
                paged(items, &params, "users")
            }
            ("GET", ["users", id]) => match id
                .parse::<u64>()
                .ok()
                .filter(|i| USERS.iter().any(|u| u.id == *i))
            {
                Some(i) => Response::json(200, &json!({ "data": user_json(i, false) })),
                None => api_error(404, "404 Not found"),
            },
            (method, [kind @ ("maps" | "topics"), rest @ ..]) => {
                let kind = if *kind == "maps" { "map" } else { "topic" };
                self.records_api(method, kind, rest, viewer, req, &params, now)
            }
            _ => api_error(404, "404 Not found"),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn records_api(
        &mut self,
        method: &str,
        kind: &'static str,
        rest: &[&str],
        viewer: Option<u64>,
        req: &Request,
        params: &Params,
        now: Millis,
    ) -> Response {
        let visible =
            |r: &Record| r.kind == kind && (r.permission != "private" || Some(r.user_id) == viewer);
        match (method, rest) {
            ("GET", []) => {
                let mut items: Vec<&Record> = self.records.iter().filter(|r| visible(r)).collect();
                if let Some(q) = params.non_empty("q") {
                    let q = q.to_lowercase();
                    items.retain(|r| {
                        ["name", "desc"].iter().any(|f| {
                            r.fields
                                .get(*f)
                                .and_then(Value::as_str)
                                .is_some_and(|v| v.to_lowercase().contains(&q))
                        })
                    });
                }
                if let Some(user) = params
                    .non_empty("user_id")
                    .and_then(|u| u.parse::<u64>().ok())
                {
                    items.retain(|r| r.user_id == user);
                }
                if let Some(sort) = params.non_empty("sort") {
                    for key in sort.split(',').rev() {
                        let (desc, field) = match key.strip_prefix('-') {
                            Some(f) => (true, f),
                            None => (false, key),
                        };
                        items.sort_by(|a, b| {
                            let ord = sort_key(a, field).cmp(&sort_key(b, field));
                            if desc {
                                ord.reverse()
                            } else {
                                ord
                            }
                        });
                    }
                }
                let values = items.into_iter().map(record_json).collect();
                paged(values, params, kind)
            }
            ("POST", []) => {
                let Some(user) = viewer else {
                    return Self::unauthorized();
                };
                let fields = match writable_fields(kind, req, true) {
                    Ok(f) => f,
                    Err(r) => return r,
                };
                let permission = fields
                    .get("permission")
                    .and_then(Value::as_str)
                    .unwrap_or("commons")
                    .to_string();
                let mut fields = fields;
                fields.remove("permission");
                let id = self.insert(kind, fields, user, &permission, now);
                let record = self
                    .records
                    .iter()
                    .find(|r| r.id == id)
                    .expect("just inserted");
                Response::json(200, &json!({ "data": record_json(record) }))
            }
            (_, [id]) => {
                let Some(index) = id
                    .parse::<u64>()
                    .ok()
                    .and_then(|id| self.records.iter().position(|r| r.id == id && visible(r)))
                else {
                    return api_error(404, "404 Not found");
                };
                match method {
                    "GET" => {
                        Response::json(200, &json!({ "data": record_json(&self.records[index]) }))
                    }
                    "PUT" | "PATCH" | "DELETE" => {
                        let Some(user) = viewer else {
                            return Self::unauthorized();
                        };
                        if self.records[index].user_id != user {
                            return api_error(
                                403,
                                "You are not allowed to change this record: only its creator may.",
                            );
                        }
                        if method == "DELETE" {
                            self.records.remove(index);
                            return Response::new(204);
                        }
                        let fields = match writable_fields(kind, req, false) {
                            Ok(f) => f,
                            Err(r) => return r,
                        };
                        let record = &mut self.records[index];
                        for (k, v) in fields {
                            if k == "permission" {
                                record.permission = v.as_str().unwrap_or("commons").to_string();
                            } else {
                                record.fields.insert(k, v);
                            }
                        }
                        record.updated_at = now;
                        Response::json(200, &json!({ "data": record_json(record) }))
                    }
                    _ => api_error(405, "Method not allowed"),
                }
            }
            _ => api_error(404, "404 Not found"),
        }
    }
}

fn sort_key(r: &Record, field: &str) -> String {
    match field {
        "id" => format!("{:020}", r.id),
        "created_at" => format!("{:020}", r.created_at),
        "updated_at" => format!("{:020}", r.updated_at),
        f => r
            .fields
            .get(f)
            .map(|v| v.to_string().to_lowercase())
            .unwrap_or_default(),
    }
}

/// The fields a body may set; `name` is required on create.
fn writable_fields(
    kind: &str,
    req: &Request,
    creating: bool,
) -> Result<Map<String, Value>, Response> {
    let params = req.body_params().map_err(|e| api_error(400, &e))?;
    let allowed: &[&str] = if kind == "map" {
        &["name", "desc", "permission"]
    } else {
        &["name", "desc", "link", "permission", "metacode_id"]
    };
    let mut fields = Map::new();
    for (k, v) in params.0 {
        // Rails-style nested keys (map[name]) are accepted too.
        let key = k
            .strip_prefix(&format!("{kind}["))
            .and_then(|k| k.strip_suffix(']'))
            .unwrap_or(&k)
            .to_string();
        if allowed.contains(&key.as_str()) {
            fields.insert(key, json!(v));
        }
    }
    if let Some(p) = fields.get("permission").and_then(Value::as_str) {
        if !matches!(p, "commons" | "public" | "private") {
            return Err(api_error(
                400,
                "permission must be commons, public or private",
            ));
        }
    }
    if creating
        && fields
            .get("name")
            .and_then(Value::as_str)
            .is_none_or(|n| n.trim().is_empty())
    {
        return Err(api_error(400, "name can't be blank"));
    }
    if fields.is_empty() {
        return Err(api_error(
            400,
            &format!("nothing to change: send any of {}", allowed.join(", ")),
        ));
    }
    Ok(fields)
}

fn user_json(id: u64, current: bool) -> Value {
    let u = USERS.iter().find(|u| u.id == id).expect("known user");
    let mut v = json!({
        "id": u.id,
        "name": u.name,
        "avatar": format!("https://metamaps.example/avatars/{}.png", u.id),
        "generation": 0,
    });
    if current {
        v["is_admin"] = json!(false);
        v["email"] = json!(u.email);
    }
    v
}

fn record_json(r: &Record) -> Value {
    let mut v = Value::Object(r.fields.clone());
    v["id"] = json!(r.id);
    v["user_id"] = json!(r.user_id);
    v["permission"] = json!(r.permission);
    v["created_at"] = json!(rfc3339(r.created_at));
    v["updated_at"] = json!(rfc3339(r.updated_at));
    v
}

/// Metamaps' list envelope and pagination headers (`page`, `per`; 0 means "none").
fn paged(items: Vec<Value>, params: &Params, what: &str) -> Response {
    let page = params
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let per = params
        .get("per")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| (1..=100).contains(p))
        .unwrap_or(25);
    let total = items.len();
    let total_pages = total.div_ceil(per).max(1);
    let data: Vec<Value> = items.into_iter().skip((page - 1) * per).take(per).collect();
    let next = if page < total_pages { page + 1 } else { 0 };
    let prev = page - 1;
    let mut links = Vec::new();
    let base = format!("/metamaps/api/v2/{what}s");
    if next > 0 {
        links.push(format!("<{base}?page={next}&per={per}>; rel=\"next\""));
    }
    if prev > 0 {
        links.push(format!("<{base}?page={prev}&per={per}>; rel=\"prev\""));
    }
    links.push(format!(
        "<{base}?page={total_pages}&per={per}>; rel=\"last\""
    ));
    Response::json(
        200,
        &json!({
            "data": data,
            "page": {"current_page": page, "next_page": next, "prev_page": prev,
                     "total_pages": total_pages, "total_count": total, "per": per},
        }),
    )
    .with_header("link", &links.join(", "))
    .with_header("x-total-pages", &total_pages.to_string())
    .with_header("x-total-count", &total.to_string())
    .with_header("x-per-page", &per.to_string())
}

/// Doorkeeper's token answer (4.2.6: lower-case `bearer`, `created_at` in epoch seconds).
fn token_answer(t: &Token, now: Millis) -> Response {
    let mut v = json!({
        "access_token": t.access,
        "token_type": "bearer",
        "scope": "",
        "created_at": now / 1000,
    });
    if let Some(e) = t.expires_at {
        v["expires_in"] = json!((e - now) / 1000);
    }
    if let Some(r) = &t.refresh {
        v["refresh_token"] = json!(r);
    }
    Response::json(200, &v).no_store()
}
