// Fault injection for tests: queued faults (admin endpoint) or a one-off `X-Sandbox-Fault`
// request header make calls slow, hang, fail with 5xx, answer broken JSON, an HTML error page or 429.

use crate::http::{Request, Response};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fault {
    /// Answer normally, after `ms` milliseconds.
    Slow { ms: u64 },
    /// Do not answer for five minutes (callers' time limits should fire first).
    Hang,
    /// Fail with this status and a JSON error body, doing nothing.
    Status { status: u16 },
    /// 200 with a truncated JSON body.
    MalformedJson,
    /// An HTML error page with this status (a proxy or load balancer answering).
    Html { status: u16 },
    /// 429 with Retry-After and X-RateLimit-* headers.
    RateLimit { retry_after: u64 },
}

/// A queued fault: applies to the next `count` requests whose path starts with `path`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuedFault {
    #[serde(flatten)]
    pub fault: Fault,
    #[serde(default = "one")]
    pub count: u32,
    /// Path prefix (as the Sandbox sees it, e.g. `/api/v2/token`); empty matches every path.
    #[serde(default)]
    pub path: String,
}

fn one() -> u32 {
    1
}

#[derive(Default)]
pub struct Faults {
    queue: Vec<QueuedFault>,
}

impl Faults {
    pub fn push(&mut self, fault: QueuedFault) {
        self.queue.push(fault);
    }

    pub fn clear(&mut self) {
        self.queue.clear();
    }

    pub fn pending(&self) -> &[QueuedFault] {
        &self.queue
    }

    /// The fault for this request: its header first, else the first matching queued one.
    pub fn take(&mut self, req: &Request) -> Result<Option<Fault>, String> {
        if let Some(header) = req.header_value("x-sandbox-fault") {
            return parse_header(header).map(Some);
        }
        let Some(index) = self
            .queue
            .iter()
            .position(|f| req.path.starts_with(&f.path))
        else {
            return Ok(None);
        };
        let entry = &mut self.queue[index];
        entry.count = entry.count.saturating_sub(1);
        let fault = entry.fault.clone();
        if entry.count == 0 {
            self.queue.remove(index);
        }
        Ok(Some(fault))
    }
}

/// `slow=1500`, `hang`, `status=503`, `malformed-json`, `html[=502]`, `rate-limit[=30]`.
pub fn parse_header(value: &str) -> Result<Fault, String> {
    let (kind, arg) = match value.trim().split_once('=') {
        Some((k, a)) => (k.trim(), Some(a.trim())),
        None => (value.trim(), None),
    };
    let number = |default: u64| -> Result<u64, String> {
        match arg {
            None => Ok(default),
            Some(a) => a
                .parse()
                .map_err(|_| format!("X-Sandbox-Fault: {kind} needs a number, got {a:?}")),
        }
    };
    let status = |default: u64| -> Result<u16, String> {
        let n = number(default)?;
        u16::try_from(n)
            .ok()
            .filter(|s| (400..=599).contains(s))
            .ok_or_else(|| format!("X-Sandbox-Fault: {kind} needs a status from 400 to 599"))
    };
    Ok(match kind {
        "slow" => Fault::Slow { ms: number(2000)? },
        "hang" => Fault::Hang,
        "status" => Fault::Status { status: status(500)? },
        "malformed-json" => Fault::MalformedJson,
        "html" => Fault::Html { status: status(502)? },
        "rate-limit" => Fault::RateLimit { retry_after: number(30)? },
        other => {
            return Err(format!(
                "X-Sandbox-Fault: unknown fault {other:?}; use slow, hang, status, malformed-json, html or rate-limit"
            ))
        }
    })
}

/// Either the faulty answer instead of the real one, or the real one changed (slow).
pub enum Applied {
    Replace(Response),
    Delay(u64),
}

pub fn apply(fault: &Fault) -> Applied {
    match fault {
        Fault::Slow { ms } => Applied::Delay(*ms),
        Fault::Hang => Applied::Delay(300_000),
        Fault::Status { status } => Applied::Replace(Response::json(
            *status,
            &serde_json::json!({"error": {"message": "Simulated server failure (Sandbox fault injection)", "code": status}}),
        )),
        Fault::MalformedJson => Applied::Replace(
            Response::new(200)
                .with_header("content-type", "application/json")
                .with_body(br#"{"access_token": "4f1c0e", "expires_in": 5, "refresh_tok"#.to_vec()),
        ),
        Fault::Html { status } => Applied::Replace(
            Response::new(*status)
                .with_header("content-type", "text/html; charset=utf-8")
                .with_body(
                    format!(
                        "<!DOCTYPE html><html><head><title>{status} Bad Gateway</title></head>\
<body><h1>{status} Bad Gateway</h1><p>The upstream server is unavailable.</p><hr><p>nginx</p></body></html>"
                    )
                    .into_bytes(),
                ),
        ),
        Fault::RateLimit { retry_after } => Applied::Replace(
            Response::json(
                429,
                &serde_json::json!({"error": {"message": format!("Too many requests: retry after {retry_after} seconds"), "code": 429}}),
            )
            .with_header("retry-after", &retry_after.to_string())
            .with_header("x-ratelimit-limit", "60")
            .with_header("x-ratelimit-remaining", "0"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_faults_parse_with_defaults_and_reject_nonsense() {
        assert_eq!(parse_header("slow=1500"), Ok(Fault::Slow { ms: 1500 }));
        assert_eq!(parse_header("status"), Ok(Fault::Status { status: 500 }));
        assert_eq!(
            parse_header(" html = 503 "),
            Ok(Fault::Html { status: 503 })
        );
        assert!(parse_header("status=200").is_err());
        assert!(parse_header("slow=soon").is_err());
        assert!(parse_header("explode")
            .unwrap_err()
            .contains("unknown fault"));
    }

    #[test]
    fn queued_faults_match_paths_and_run_out() {
        let mut faults = Faults::default();
        faults.push(QueuedFault {
            fault: Fault::Status { status: 503 },
            count: 2,
            path: "/api/v2/token".into(),
        });
        let other = Request::new("GET", "/api/v2/info");
        let token = Request::new("POST", "/api/v2/token");
        assert_eq!(faults.take(&other), Ok(None));
        assert!(faults.take(&token).unwrap().is_some());
        assert!(faults.take(&token).unwrap().is_some());
        assert_eq!(faults.take(&token), Ok(None));
    }

    #[test]
    fn queued_fault_json_reads_naturally() {
        let f: QueuedFault =
            serde_json::from_str(r#"{"kind":"rate-limit","retry_after":30,"path":"/php"}"#)
                .unwrap();
        assert_eq!(
            (f.count, f.fault),
            (1, Fault::RateLimit { retry_after: 30 })
        );
    }
}
