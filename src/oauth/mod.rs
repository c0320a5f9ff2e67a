// The OAuth2 protocol as pure steps: state and PKCE, authorize URL, callback validation,
// token request and answer. Inputs in, a value or a typed error out; no I/O, clock or randomness.

pub mod authorize;
pub mod callback;
pub mod jwt;
pub mod pkce;
pub mod refresh;
pub mod revoke;
pub mod token;

use serde::{Deserialize, Serialize};

/// RFC 6749-era out-of-band redirect: the provider shows the code for the user to paste.
pub const OOB_REDIRECT: &str = "urn:ietf:wg:oauth:2.0:oob";

/// A protocol failure with a stable code (for tests and logs) and words a person can act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowError {
    pub code: String,
    pub title: String,
    pub detail: String,
}

impl FlowError {
    pub fn new(code: &str, title: impl Into<String>, detail: impl Into<String>) -> Self {
        FlowError {
            code: code.to_string(),
            title: title.into(),
            detail: detail.into(),
        }
    }
}

impl std::fmt::Display for FlowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.title, self.code, self.detail)
    }
}
