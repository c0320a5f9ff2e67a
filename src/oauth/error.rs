// Every way a sign-in, exchange or refresh can fail, as data (after oauth4webapi's
// ResponseBodyError): what happened and what the provider said, no prose. The words a person
// reads are in `words.rs`; the stable `code()` is what tests, logs and the DOM see.

use crate::wire::NetError;
use serde::{Deserialize, Serialize};

/// What an answer's body said when it was an OAuth error (RFC 6749 §5.2) or Make's
/// `{"error": {"message", "code"}}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderSaid {
    /// `error`, or Make's `error.code` (a number as text).
    pub code: Option<String>,
    /// `error_description`, or Make's `error.message`.
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlowError {
    // The callback or a pasted answer (RFC 6749 §4.1.2; RFC 9700 §4.7).
    ImplicitTokenInUrl,
    DuplicateParameter(String),
    NothingToComplete,
    NoPendingSignIn,
    StateMissing,
    AlreadyCompleted,
    StateMismatch,
    FlowExpired,
    /// The provider sent `error=…` back instead of a code.
    ProviderRefused {
        code: String,
        description: Option<String>,
    },
    CodeMissing,
    PasteEmpty,
    PasteNoAnswer,
    PasteNotACode,
    PasteJsonWithoutCode,
    /// RFC 9207: the answer names another issuer than the one this sign-in went to.
    IssuerMismatch {
        received: String,
        expected: String,
    },
    /// RFC 9207 §2.4: the provider always names itself (`iss`), and this answer does not.
    IssuerMissing {
        expected: String,
    },
    /// The provider's issuer changed (edited or rediscovered) while the sign-in was away.
    IssuerChanged {
        bound: String,
        now: String,
    },
    UnknownProvider(String),
    /// RFC 9126: the pushed authorization request was refused.
    ParRefused {
        status: u16,
        code: String,
        description: Option<String>,
    },

    // OpenID Connect Core §3.1.3.7: an id_token check failed (which one, and why).
    IdTokenInvalid {
        check: String,
        detail: String,
    },
    /// RFC 9449: the provider bound the token to a DPoP key this sign-in did not offer.
    DpopNotRequested,
    /// The tab's DPoP key could not be made or used.
    DpopKey(String),

    // RFC 8628: the device authorization grant.
    DeviceExpired,
    /// A provider endpoint this step needs is not configured.
    NoEndpoint(&'static str),

    // The token endpoint (RFC 6749 §5.1, §5.2), for a code exchange or a refresh.
    Network {
        refresh: bool,
        error: NetError,
    },
    /// An OAuth error answer (`error` or Make's `error.code`).
    TokenRefused {
        status: u16,
        status_text: String,
        code: String,
        description: Option<String>,
    },
    /// A failure status without an OAuth error in the body.
    TokenHttp {
        status: u16,
        status_text: String,
        html: bool,
        preview: String,
    },
    TokenHtml {
        status: u16,
    },
    TokenNotJson {
        status: u16,
        preview: String,
    },
    TokenNotObject {
        preview: String,
    },
    TokenMissingAccessToken {
        status: u16,
        preview: String,
    },
    TokenTypeUnsupported(String),
    TokenBadExpiry {
        field: String,
        value: String,
    },

    // Keeping a session alive (RFC 6749 §6).
    NoSession,
    NoRefreshToken,
    RefreshExpired,
    NoRefreshEndpoint,
}

impl FlowError {
    /// A stable name: `state_mismatch`, `token_error:invalid_grant`, `token_http_error:502`…
    pub fn code(&self) -> String {
        use FlowError::*;
        match self {
            ImplicitTokenInUrl => "implicit_token_in_url".into(),
            DuplicateParameter(_) => "duplicate_parameter".into(),
            NothingToComplete => "nothing_to_complete".into(),
            NoPendingSignIn => "no_pending_sign_in".into(),
            StateMissing => "state_missing".into(),
            AlreadyCompleted => "already_completed".into(),
            StateMismatch => "state_mismatch".into(),
            FlowExpired => "flow_expired".into(),
            ProviderRefused { code, .. } => format!("provider_error:{code}"),
            CodeMissing => "code_missing".into(),
            PasteEmpty => "paste_empty".into(),
            PasteNoAnswer => "paste_no_answer".into(),
            PasteNotACode | PasteJsonWithoutCode => "paste_unreadable".into(),
            IssuerMismatch { .. } => "issuer_mismatch".into(),
            IssuerMissing { .. } => "issuer_missing".into(),
            IssuerChanged { .. } => "issuer_changed".into(),
            UnknownProvider(_) => "unknown_provider".into(),
            ParRefused { code, .. } => format!("par_refused:{code}"),
            IdTokenInvalid { check, .. } => format!("id_token_invalid:{check}"),
            DpopNotRequested => "dpop_not_requested".into(),
            DpopKey(_) => "dpop_key".into(),
            DeviceExpired => "device_expired".into(),
            NoEndpoint(which) => format!("no_endpoint:{which}"),
            Network { refresh: false, .. } => "token_network".into(),
            Network { refresh: true, .. } => "refresh_network".into(),
            TokenRefused { code, .. } => format!("token_error:{code}"),
            TokenHttp { status, .. } => format!("token_http_error:{status}"),
            TokenHtml { .. } => "token_html".into(),
            TokenNotJson { .. } => "token_not_json".into(),
            TokenNotObject { .. } => "token_not_object".into(),
            TokenMissingAccessToken { .. } => "token_missing_access_token".into(),
            TokenTypeUnsupported(_) => "token_type_unsupported".into(),
            TokenBadExpiry { .. } => "token_bad_expiry".into(),
            NoSession => "no_session".into(),
            NoRefreshToken => "no_refresh_token".into(),
            RefreshExpired => "refresh_expired".into(),
            NoRefreshEndpoint => "no_refresh_endpoint".into(),
        }
    }

    /// Whether the grant is gone for good (sign in again) rather than failing for now: an
    /// invalid or expired refresh token, or a 400/401 with no more said.
    pub fn ends_the_session(&self) -> bool {
        use FlowError::*;
        match self {
            RefreshExpired | NoRefreshToken => true,
            TokenRefused { code, .. } => {
                matches!(
                    code.as_str(),
                    "invalid_grant" | "invalid_token" | "400" | "401"
                )
            }
            TokenHttp { status, .. } => matches!(status, 400 | 401),
            _ => false,
        }
    }

    /// Whether this error is one of the friendly ends of a callback (nothing went wrong).
    pub fn is_benign(&self) -> bool {
        matches!(
            self,
            FlowError::AlreadyCompleted | FlowError::NothingToComplete
        )
    }
}

impl std::fmt::Display for FlowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.title(), self.code(), self.detail())
    }
}
