// The simulated plain PHP-style OAuth2 API (shared/spec/other-providers.md), mounted under
// /php: login-and-grant page, form-encoded token call without grant_type, userinfo,
// its own error codes, and a rate limit answered with 429 and X-RateLimit-* headers.

use crate::authz::{Clients, Codes, Lifetimes, Tokens, Trusted, Untrusted};
use crate::config::{Config, Dialect};
use crate::http::{append_query, Params, Request, Response};
use crate::{pages, Millis, Random};
use serde_json::json;

const CODE_TTL: Millis = 600_000;
const TOKEN_TTL_SECONDS: u64 = 3600;
const WINDOW: Millis = 60_000;
pub const USERNAME: &str = "johndoe";
pub const PASSWORD: &str = "sandbox";

/// Tokens live an hour and come without a refresh token.
const LIFE: Lifetimes = Lifetimes {
    access: Some(TOKEN_TTL_SECONDS * 1000),
    refresh: None,
};

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Counters {
    pub token_requests: u64,
    pub userinfo_requests: u64,
    pub rate_limited: u64,
}

pub struct Php {
    clients: Clients,
    codes: Codes<()>,
    tokens: Tokens<()>,
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
            clients: Clients::of(config, Dialect::Php),
            codes: Codes::new(CODE_TTL, 16),
            tokens: Tokens::new(24),
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

    fn checked(&self, params: &Params) -> Result<Trusted, Response> {
        let trusted = self.clients.trust(params).map_err(|why| match why {
            Untrusted::MissingClient | Untrusted::UnknownClient(_) => {
                pages::authorize_error("invalid_client", "Unknown client_id.")
            }
            Untrusted::MissingRedirect | Untrusted::RedirectMismatch { .. } => {
                pages::authorize_error(
                    "invalid_request",
                    "redirect_uri must equal the one registered for this client.",
                )
            }
        })?;
        if params.get("response_type") != Some("code") {
            let mut pairs = vec![
                ("error", "invalid_request"),
                ("error_description", "response_type must be code"),
            ];
            if let Some(s) = params.get("state") {
                pairs.push(("state", s));
            }
            return Err(Response::redirect(&append_query(
                &trusted.redirect_uri,
                &pairs,
            )));
        }
        Ok(trusted)
    }

    fn login_page(&self, params: &Params, problem: Option<&str>) -> Response {
        match self.checked(params) {
            Ok(_) => pages::php_login(params, (USERNAME, PASSWORD), problem),
            Err(r) => r,
        }
    }

    fn login(&mut self, req: &Request, now: Millis, rng: &mut dyn Random) -> Response {
        let params = req.body_params().unwrap_or_default();
        let trusted = match self.checked(&params) {
            Ok(t) => t,
            Err(r) => return r,
        };
        let redirect = trusted.redirect_uri.clone();
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
        let code = self.codes.issue(rng, now, &trusted, None, ());
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
        let secret = params.get("client_secret").unwrap_or_default();
        if self.clients.authenticate(client_id, secret).is_none() {
            return php_error(401, "invalid_client", "Client authentication failed");
        }
        let code = params.get("code").unwrap_or_default();
        // The documented token request carries no redirect_uri, so only the client is checked.
        if self.codes.redeem(code, client_id, None, None, now).is_err() {
            return php_error(
                400,
                "invalid_code",
                "The authorization code is invalid or expired",
            );
        }
        let client_id = client_id.to_string();
        let token = self.tokens.issue(rng, now, &client_id, LIFE, ());
        Response::json(
            200,
            &json!({"access_token": token.access, "token_type": "Bearer", "expires_in": TOKEN_TTL_SECONDS}),
        )
        .no_store()
    }

    fn userinfo(&mut self, req: &Request, now: Millis) -> Response {
        self.counters.userinfo_requests += 1;
        let valid = req
            .bearer_token()
            .is_some_and(|t| self.tokens.by_access(t, now).is_ok());
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
        self.tokens.expire_all(now, false);
    }
}
