// The simulated plain PHP-style OAuth2 API (shared/spec/other-providers.md), mounted under
// /php: login-and-grant page, form-encoded token call without grant_type, userinfo,
// its own error codes, and a rate limit answered with 429 and X-RateLimit-* headers.

use crate::config::{ClientConfig, Config, Dialect};
use crate::http::{append_query, Params, Request, Response};
use crate::{pages, random_hex, Millis, Random};
use serde_json::json;

const CODE_TTL: Millis = 600_000;
const TOKEN_TTL_SECONDS: u64 = 3600;
const WINDOW: Millis = 60_000;
pub const USERNAME: &str = "johndoe";
pub const PASSWORD: &str = "sandbox";

struct Code {
    code: String,
    client_id: String,
    expires_at: Millis,
}

struct Token {
    access: String,
    expires_at: Millis,
}

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Counters {
    pub token_requests: u64,
    pub userinfo_requests: u64,
    pub rate_limited: u64,
}

pub struct Php {
    clients: Vec<ClientConfig>,
    codes: Vec<Code>,
    tokens: Vec<Token>,
    limit: u32,
    /// Fixed one-minute windows: (key, window start, requests in it).
    windows: Vec<(String, Millis, u32)>,
    pub counters: Counters,
}

fn php_error(status: u16, code: &str, description: &str) -> Response {
    Response::json(
        status,
        &json!({"error": code, "error_description": description}),
    )
}

impl Php {
    pub fn new(config: &Config) -> Self {
        Php {
            clients: config
                .clients
                .iter()
                .filter(|c| c.dialect == Dialect::Php)
                .cloned()
                .collect(),
            codes: Vec::new(),
            tokens: Vec::new(),
            limit: config.php_rate_limit_per_minute,
            windows: Vec::new(),
            counters: Counters::default(),
        }
    }

    pub fn handle(
        &mut self,
        req: &Request,
        rest: &str,
        now: Millis,
        rng: &mut dyn Random,
    ) -> Response {
        match (req.method.as_str(), rest) {
            ("GET", "/api/authorize.php") => self.login_page(&req.query_pairs(), None),
            ("POST", "/api/authorize.php") => self.login(req, now, rng),
            ("POST", "/api/token.php") => self.limited(req, now, |php| php.token(req, now, rng)),
            ("GET", "/api/userinfo.php") => self.limited(req, now, |php| php.userinfo(req, now)),
            (_, "/api/authorize.php" | "/api/token.php" | "/api/userinfo.php") => {
                php_error(405, "invalid_request", "Method not allowed")
            }
            _ => php_error(404, "not_found", "No such endpoint"),
        }
    }

    fn client(&self, id: &str) -> Option<&ClientConfig> {
        self.clients.iter().find(|c| c.client_id == id)
    }

    fn checked(&self, params: &Params) -> Result<String, Response> {
        let Some(client) = params.get("client_id").and_then(|id| self.client(id)) else {
            return Err(pages::authorize_error(
                "invalid_client",
                "Unknown client_id.",
            ));
        };
        let redirect = params.get("redirect_uri").unwrap_or("");
        if !client.allows_redirect(redirect) {
            return Err(pages::authorize_error(
                "invalid_request",
                "redirect_uri must equal the one registered for this client.",
            ));
        }
        if params.get("response_type") != Some("code") {
            let mut pairs = vec![
                ("error", "invalid_request"),
                ("error_description", "response_type must be code"),
            ];
            if let Some(s) = params.get("state") {
                pairs.push(("state", s));
            }
            return Err(Response::redirect(&append_query(redirect, &pairs)));
        }
        Ok(redirect.to_string())
    }

    fn login_page(&self, params: &Params, problem: Option<&str>) -> Response {
        match self.checked(params) {
            Ok(_) => pages::php_login(params, problem),
            Err(r) => r,
        }
    }

    fn login(&mut self, req: &Request, now: Millis, rng: &mut dyn Random) -> Response {
        let params = req.body_params().unwrap_or_default();
        let redirect = match self.checked(&params) {
            Ok(r) => r,
            Err(r) => return r,
        };
        let state = params.get("state");
        if params.get("decision") != Some("grant") {
            let mut pairs = vec![
                ("error", "access_denied"),
                ("error_description", "The user denied access"),
            ];
            if let Some(s) = state {
                pairs.push(("state", s));
            }
            return Response::redirect(&append_query(&redirect, &pairs));
        }
        if params.get("username") != Some(USERNAME) || params.get("password") != Some(PASSWORD) {
            let mut page = self.login_page(&params, Some("Wrong username or password."));
            page.status = 401;
            return page;
        }
        let code = random_hex(rng, 16);
        self.codes.retain(|c| c.expires_at > now);
        self.codes.push(Code {
            code: code.clone(),
            client_id: params.get("client_id").unwrap_or_default().to_string(),
            expires_at: now + CODE_TTL,
        });
        let mut pairs = vec![("code", code.as_str())];
        if let Some(s) = state {
            pairs.push(("state", s));
        }
        Response::redirect(&append_query(&redirect, &pairs))
    }

    /// Counts the request against its key's window; over the limit answers 429.
    fn limited(
        &mut self,
        req: &Request,
        now: Millis,
        inner: impl FnOnce(&mut Self) -> Response,
    ) -> Response {
        let key = req
            .bearer_token()
            .map(|t| format!("token:{t}"))
            .or_else(|| {
                req.body_params()
                    .ok()?
                    .get("client_id")
                    .map(|c| format!("client:{c}"))
            })
            .unwrap_or_else(|| "anonymous".into());
        let start = now - now % WINDOW;
        self.windows.retain(|(_, s, _)| *s == start);
        let count = match self.windows.iter_mut().find(|(k, _, _)| *k == key) {
            Some(entry) => {
                entry.2 += 1;
                entry.2
            }
            None => {
                self.windows.push((key, start, 1));
                1
            }
        };
        let reset_secs = (start + WINDOW) / 1000;
        let retry_after = (start + WINDOW - now).div_ceil(1000).max(1);
        let remaining = self.limit.saturating_sub(count);
        let answer = if count > self.limit {
            self.counters.rate_limited += 1;
            php_error(
                429,
                "rate_limited",
                &format!(
                    "Too many requests: at most {} per minute. Retry after {retry_after} seconds.",
                    self.limit
                ),
            )
            .with_header("retry-after", &retry_after.to_string())
        } else {
            inner(self)
        };
        answer
            .with_header("x-ratelimit-limit", &self.limit.to_string())
            .with_header("x-ratelimit-remaining", &remaining.to_string())
            .with_header("x-ratelimit-reset", &reset_secs.to_string())
    }

    fn token(&mut self, req: &Request, now: Millis, rng: &mut dyn Random) -> Response {
        self.counters.token_requests += 1;
        let content_type = req.header_value("content-type").unwrap_or("");
        if !content_type.starts_with("application/x-www-form-urlencoded") {
            return php_error(
                400,
                "invalid_request",
                "Send the parameters as application/x-www-form-urlencoded",
            );
        }
        let params = req.body_params().unwrap_or_default();
        for name in ["code", "client_id", "client_secret"] {
            if params.non_empty(name).is_none() {
                return php_error(
                    400,
                    "invalid_request",
                    &format!("Missing required parameter: {name}"),
                );
            }
        }
        let client_id = params.get("client_id").unwrap_or_default();
        if self
            .client(client_id)
            .is_none_or(|c| Some(c.client_secret.as_str()) != params.get("client_secret"))
        {
            return php_error(401, "invalid_client", "Client authentication failed");
        }
        let code = params.get("code").unwrap_or_default();
        let Some(index) = self.codes.iter().position(|c| c.code == code) else {
            return php_error(
                400,
                "invalid_code",
                "The authorization code is invalid or expired",
            );
        };
        let issued = self.codes.swap_remove(index);
        if issued.expires_at <= now || issued.client_id != client_id {
            return php_error(
                400,
                "invalid_code",
                "The authorization code is invalid or expired",
            );
        }
        let access = random_hex(rng, 24);
        self.tokens.push(Token {
            access: access.clone(),
            expires_at: now + TOKEN_TTL_SECONDS * 1000,
        });
        Response::json(
            200,
            &json!({"access_token": access, "token_type": "Bearer", "expires_in": TOKEN_TTL_SECONDS}),
        )
        .no_store()
    }

    fn userinfo(&mut self, req: &Request, now: Millis) -> Response {
        self.counters.userinfo_requests += 1;
        let valid = req.bearer_token().is_some_and(|t| {
            self.tokens
                .iter()
                .any(|k| k.access == t && k.expires_at > now)
        });
        if !valid {
            return php_error(
                401,
                "invalid_token",
                "The access token is invalid or expired",
            );
        }
        Response::json(
            200,
            &json!({"username": USERNAME, "email": "john@example.com", "full_name": "John Doe"}),
        )
    }

    pub fn expire_tokens(&mut self, now: Millis) {
        for t in &mut self.tokens {
            t.expires_at = now;
        }
    }
}
