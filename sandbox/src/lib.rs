// Handshake's Sandbox: simulated OAuth2 providers and APIs as pure request -> response logic.
// No I/O, no clock and no randomness of its own: the caller passes `now` and a `Random` source.

pub mod academy;
pub mod config;
pub mod http;
mod pages;

pub use config::{ClientConfig, Config, Dialect};
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
    academy: academy::Academy,
    rng: Box<dyn Random>,
}

impl Sandbox {
    pub fn new(config: Config, rng: Box<dyn Random>) -> Self {
        Sandbox {
            academy: academy::Academy::new(&config),
            rng,
        }
    }

    /// Answers one request at time `now`.
    pub fn handle(&mut self, req: &Request, now: Millis) -> Response {
        if req.method == "OPTIONS" {
            return Response::new(204);
        }
        if req.path == "/" || req.path.is_empty() {
            return Response::html(200, pages::index());
        }
        if let Some(admin) = req.path.strip_prefix("/_sandbox/") {
            return self.admin(admin, req, now);
        }
        if req.path.starts_with("/api/") {
            return self.academy.handle(req, now, self.rng.as_mut());
        }
        Response::json(
            404,
            &serde_json::json!({"error": {"message": "Not found", "code": 404}}),
        )
    }

    /// Test support under `/_sandbox/` (the server answers it for loopback peers only).
    fn admin(&mut self, what: &str, req: &Request, now: Millis) -> Response {
        match (req.method.as_str(), what) {
            ("GET", "stats") => Response::json(200, &self.academy.counters),
            ("POST", "expire-tokens") => {
                self.academy.expire_tokens(now);
                Response::json(200, &serde_json::json!({"expired": true}))
            }
            _ => Response::json(
                404,
                &serde_json::json!({"error": {"message": "Unknown sandbox admin endpoint", "code": 404}}),
            ),
        }
    }
}
