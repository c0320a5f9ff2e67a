// Handshake's Sandbox: simulated OAuth2 providers and APIs as pure request -> response logic.
// No I/O, no clock and no randomness of its own: the caller passes `now` and a `Random` source.

pub mod academy;
pub mod authz;
pub mod config;
pub mod doorkeeper;
pub mod faults;
pub mod http;
pub mod journal;
mod pages;
pub mod php;
pub mod time;

pub use config::{ApiKeyConfig, ClientConfig, Config, Dialect};
pub use http::{Request, Response};

/// Milliseconds since the Unix epoch, supplied by the transport on every call.
pub type Millis = u64;

/// A source of random bytes; the server passes the OS CSPRNG, tests a seeded one.
pub trait Random: Send {
    fn fill(&mut self, buf: &mut [u8]);
}

/// A small deterministic generator (SplitMix64) for tests and reproducible demos.
pub struct SeededRandom(u64);

impl SeededRandom {
    pub fn new(seed: u64) -> Self {
        SeededRandom(seed)
    }
}

impl Random for SeededRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

/// `n` random bytes as lower-case hex.
pub(crate) fn random_hex(rng: &mut dyn Random, n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rng.fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The whole Sandbox: every simulated provider behind one `handle` call.
pub struct Sandbox {
    config: Config,
    academy: academy::Academy,
    doorkeeper: doorkeeper::Doorkeeper,
    php: php::Php,
    faults: faults::Faults,
    /// Added to the transport's clock (POST /_sandbox/clock), for expiry tests without waiting.
    clock_offset: Millis,
    rng: Box<dyn Random>,
}

fn not_found() -> Response {
    Response::json(
        404,
        &serde_json::json!({"error": {"message": "Not found: the Academy API is under /api/v1 and /api/v2, Metamaps under /metamaps, the PHP API under /php", "code": 404}}),
    )
}

impl Sandbox {
    pub fn new(config: Config, rng: Box<dyn Random>) -> Self {
        Sandbox {
            academy: academy::Academy::new(&config),
            doorkeeper: doorkeeper::Doorkeeper::new(&config),
            php: php::Php::new(&config),
            faults: faults::Faults::default(),
            clock_offset: 0,
            config,
            rng,
        }
    }

    /// Answers one request at time `now` (the transport's clock).
    pub fn handle(&mut self, req: &Request, now: Millis) -> Response {
        let now = now + self.clock_offset;
        if let Some(admin) = req.path.strip_prefix("/_sandbox/") {
            return self.admin(admin, req, now);
        }
        let fault = match self.faults.take(req) {
            Ok(f) => f,
            Err(message) => {
                return Response::json(
                    400,
                    &serde_json::json!({"error": {"message": message, "code": 400}}),
                )
            }
        };
        let mut delay = 0;
        if let Some(fault) = &fault {
            match faults::apply(fault) {
                faults::Applied::Replace(response) => return response,
                faults::Applied::Delay(ms) => delay = ms,
            }
        }
        let mut response = self.route(req, now);
        response.delay_ms += delay;
        response
    }

    fn route(&mut self, req: &Request, now: Millis) -> Response {
        let rng = self.rng.as_mut();
        if req.path == "/" || req.path.is_empty() {
            return Response::html(200, pages::index());
        }
        if let Some(rest) = req.path.strip_prefix("/metamaps") {
            return self.doorkeeper.handle(req, rest, now, rng);
        }
        if let Some(rest) = req.path.strip_prefix("/php") {
            return self.php.handle(req, rest, now, rng);
        }
        if req.method == "OPTIONS" {
            // The Academy sends no CORS headers: browsers must go through a proxy.
            return Response::new(204);
        }
        if req.path.starts_with("/api/") {
            return self.academy.handle(req, now, rng);
        }
        not_found()
    }

    /// Checks Academy v2 authorize parameters the way its consent page would, for a consent
    /// screen rendered by the caller.
    pub fn academy_consent_params(&self, params: &http::Params) -> academy::ConsentCheck {
        self.academy.consent_check(params)
    }

    /// Test support under `/_sandbox/` (the server answers it for loopback peers only).
    fn admin(&mut self, what: &str, req: &Request, now: Millis) -> Response {
        let ok = |v: serde_json::Value| Response::json(200, &v);
        let bad = |m: String| {
            Response::json(
                400,
                &serde_json::json!({"error": {"message": m, "code": 400}}),
            )
        };
        match (req.method.as_str(), what) {
            ("GET", "stats") => ok(serde_json::json!({
                "academy": self.academy.counters,
                "metamaps": self.doorkeeper.counters,
                "php": self.php.counters,
            })),
            ("GET", "faults") => ok(serde_json::json!({"pending": self.faults.pending()})),
            ("DELETE", "faults") => {
                self.faults.clear();
                ok(serde_json::json!({"pending": []}))
            }
            ("POST", "faults") => {
                let body = req.body_json().unwrap_or(serde_json::Value::Null);
                let list = if body.is_array() {
                    body
                } else {
                    serde_json::Value::Array(vec![body])
                };
                match serde_json::from_value::<Vec<faults::QueuedFault>>(list) {
                    Ok(items) => {
                        for f in items {
                            self.faults.push(f);
                        }
                        ok(serde_json::json!({"pending": self.faults.pending()}))
                    }
                    Err(e) => bad(format!("fault: {e}; e.g. {{\"kind\":\"status\",\"status\":503,\"count\":1,\"path\":\"/api/v2/token\"}}")),
                }
            }
            ("POST", "expire-tokens") => {
                let refresh = req
                    .body_json()
                    .ok()
                    .and_then(|b| b.get("refresh")?.as_bool())
                    .unwrap_or(false);
                self.academy.expire_tokens(now, refresh);
                self.doorkeeper.expire_tokens(now, refresh);
                self.php.expire_tokens(now);
                ok(serde_json::json!({"expired": true, "refresh_tokens_too": refresh}))
            }
            ("POST", "clock") => match req
                .body_json()
                .ok()
                .and_then(|b| b.get("advance_seconds")?.as_u64())
            {
                Some(secs) => {
                    self.clock_offset += secs * 1000;
                    ok(serde_json::json!({"offset_seconds": self.clock_offset / 1000}))
                }
                None => bad("clock: send {\"advance_seconds\": N}".into()),
            },
            ("POST", "reset") => {
                let config = self.config.clone();
                self.academy = academy::Academy::new(&config);
                self.doorkeeper = doorkeeper::Doorkeeper::new(&config);
                self.php = php::Php::new(&config);
                self.faults.clear();
                self.clock_offset = 0;
                ok(serde_json::json!({"reset": true}))
            }
            ("GET", "config") => ok(serde_json::json!({
                "clients": self.config.clients.iter().map(|c| serde_json::json!({
                    "dialect": c.dialect, "client_id": c.client_id, "redirect_uris": c.redirect_uris,
                })).collect::<Vec<_>>(),
            })),
            _ => Response::json(
                404,
                &serde_json::json!({"error": {"message": "Unknown sandbox admin endpoint: see sandbox/SANDBOX.md", "code": 404}}),
            ),
        }
    }
}
