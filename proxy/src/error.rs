// Every way the proxy itself refuses or fails a request, as one type that becomes a JSON answer
// (`{"error": "proxy", "code": …, "error_description": …}`) the app can show as it is.

use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::Duration;

#[derive(Debug)]
pub enum ProxyError {
    OriginRefused(String),
    NoOrigin,
    /// `/proxy/_info` answers allowed browser origins only, even under --allow-no-origin.
    InfoNeedsOrigin,
    MissingHeader,
    NotFound,
    UnknownUpstream {
        name: String,
        allowed: Vec<String>,
    },
    MethodNotAllowed(Method),
    /// The path cannot be forwarded as received (why).
    BadPath(&'static str),
    BodyTooLarge(usize),
    BodyTimeout(Duration),
    /// `client_id` appears this many times (query, body, Basic header together).
    ClientIdTwice(usize),
    GrantTwice,
    GrantNotAllowed {
        grant: String,
        client_id: String,
        allowed: String,
    },
    /// A `grant_type` sent to an authentication-only path (PAR, introspection, revocation).
    GrantAtAuthPath(String),
    /// The rule says client_secret_post but the client named itself in a Basic header.
    ClientAuthMismatch(String),
    UnreadableTokenRequest(String),
    UpstreamTimeout {
        name: String,
        after: Duration,
    },
    UpstreamUnreachable {
        name: String,
        why: String,
    },
    AnswerTooLarge(usize),
    AnswerBrokeOff(String),
    /// The upstream's answer to an injected request holds the secret; it is not relayed.
    SecretInAnswer,
}

impl ProxyError {
    pub fn status(&self) -> StatusCode {
        use ProxyError::*;
        match self {
            OriginRefused(_) | NoOrigin | InfoNeedsOrigin | MissingHeader => StatusCode::FORBIDDEN,
            GrantNotAllowed { .. } | GrantAtAuthPath(_) => StatusCode::FORBIDDEN,
            NotFound | UnknownUpstream { .. } => StatusCode::NOT_FOUND,
            MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            BadPath(_) | ClientIdTwice(_) | GrantTwice | ClientAuthMismatch(_) => {
                StatusCode::BAD_REQUEST
            }
            UnreadableTokenRequest(_) => StatusCode::BAD_REQUEST,
            BodyTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            BodyTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            UpstreamTimeout { .. } => StatusCode::GATEWAY_TIMEOUT,
            UpstreamUnreachable { .. } | AnswerTooLarge(_) | AnswerBrokeOff(_) | SecretInAnswer => {
                StatusCode::BAD_GATEWAY
            }
        }
    }

    /// A stable name for tests, logs and the app.
    pub fn code(&self) -> &'static str {
        use ProxyError::*;
        match self {
            OriginRefused(_) => "origin_refused",
            NoOrigin => "no_origin",
            InfoNeedsOrigin => "info_needs_origin",
            MissingHeader => "missing_header",
            NotFound => "not_found",
            UnknownUpstream { .. } => "unknown_upstream",
            MethodNotAllowed(_) => "method_not_allowed",
            BadPath(_) => "bad_path",
            BodyTooLarge(_) => "body_too_large",
            BodyTimeout(_) => "body_timeout",
            ClientIdTwice(_) => "client_id_twice",
            GrantTwice => "grant_type_twice",
            GrantNotAllowed { .. } => "grant_not_allowed",
            GrantAtAuthPath(_) => "grant_at_auth_path",
            ClientAuthMismatch(_) => "client_auth_mismatch",
            UnreadableTokenRequest(_) => "unreadable_token_request",
            UpstreamTimeout { .. } => "upstream_timeout",
            UpstreamUnreachable { .. } => "upstream_unreachable",
            AnswerTooLarge(_) => "answer_too_large",
            AnswerBrokeOff(_) => "answer_broke_off",
            SecretInAnswer => "secret_in_answer",
        }
    }

    pub fn message(&self) -> String {
        use ProxyError::*;
        match self {
            OriginRefused(o) => {
                format!("origin {o} is not allowed to use this proxy (see --allow-origin)")
            }
            NoOrigin => {
                "requests without an Origin header are refused (see --allow-no-origin)".into()
            }
            InfoNeedsOrigin => {
                "/proxy/_info answers the browser origins named by --allow-origin only".into()
            }
            MissingHeader => {
                "the X-Handshake-Proxy header is missing: this proxy only serves Handshake".into()
            }
            NotFound => "nothing here: the proxy forwards /proxy/<upstream>/<path>".into(),
            UnknownUpstream { name, allowed } => format!(
                "unknown upstream {name:?}; this proxy forwards only to: {}",
                allowed.join(", ")
            ),
            MethodNotAllowed(m) => format!(
                "the proxy does not forward {m}: only GET, HEAD, POST, PUT, PATCH and DELETE"
            ),
            BadPath(why) => format!("this path cannot be forwarded as received: {why}"),
            BodyTooLarge(max) => format!("request body over the proxy's limit of {max} bytes"),
            BodyTimeout(after) => format!(
                "the request body did not arrive within {} s",
                after.as_secs()
            ),
            ClientIdTwice(n) => format!(
                "client_id is given {n} times (query string, body and Authorization header together); \
                 send it once so the provider and the proxy read the same client"
            ),
            GrantTwice => "grant_type is given more than once; send it once".into(),
            GrantNotAllowed { grant, client_id, allowed } => format!(
                "the proxy holds the secret of {client_id} for {allowed} only, not for grant_type {grant} \
                 (add grant={grant} to its --secret rule to allow it)"
            ),
            GrantAtAuthPath(grant) => format!(
                "this path is declared for client authentication only (auth_path=), where no token \
                 is granted; grant_type {grant} belongs at a token path"
            ),
            ClientAuthMismatch(id) => format!(
                "the proxy sends the secret of {id} as client_secret_post: name the client with \
                 client_id in the body or query string, not in an Authorization header"
            ),
            UnreadableTokenRequest(why) => why.clone(),
            UpstreamTimeout { name, after } => format!(
                "upstream {name} did not answer within {} s",
                after.as_secs()
            ),
            UpstreamUnreachable { name, why } => {
                format!("upstream {name} could not be reached ({why})")
            }
            AnswerTooLarge(max) => format!("upstream answer over the proxy's limit of {max} bytes"),
            AnswerBrokeOff(why) => format!("upstream answer broke off ({why})"),
            SecretInAnswer => "the upstream's answer contains the client secret the proxy added, \
                 so it is not relayed"
                .into(),
        }
    }
}

impl std::fmt::Display for ProxyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        tracing::Span::current().record("refused", tracing::field::display(self.code()));
        let body = serde_json::json!({
            "error": "proxy",
            "code": self.code(),
            "error_description": self.message(),
        });
        (
            self.status(),
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body.to_string(),
        )
            .into_response()
    }
}
