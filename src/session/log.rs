// The flow log's vocabulary: which step of the dance an entry records (`FlowStep`), the
// guide's seven steps (`GuideStep`), and the entry itself, redacted before it is made.

use crate::types::ProviderId;
use serde::{Deserialize, Serialize};

/// What a flow-log entry records. Stored as the lower-case names the log always used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowStep {
    Authorize,
    Callback,
    Paste,
    Token,
    Info,
    Api,
    Refresh,
    Revoke,
    Switch,
    #[serde(rename = "api-key")]
    ApiKey,
    Forget,
    /// RFC 8414 / OpenID Connect Discovery: the issuer's metadata.
    Discover,
    /// RFC 7662: what the provider knows about a token.
    Introspect,
    /// RFC 8628: the device authorization request and the polls.
    Device,
}

impl FlowStep {
    pub fn name(self) -> &'static str {
        match self {
            FlowStep::Authorize => "authorize",
            FlowStep::Callback => "callback",
            FlowStep::Paste => "paste",
            FlowStep::Token => "token",
            FlowStep::Info => "info",
            FlowStep::Api => "api",
            FlowStep::Refresh => "refresh",
            FlowStep::Revoke => "revoke",
            FlowStep::Switch => "switch",
            FlowStep::ApiKey => "api-key",
            FlowStep::Forget => "forget",
            FlowStep::Discover => "discover",
            FlowStep::Introspect => "introspect",
            FlowStep::Device => "device",
        }
    }

    /// The guide step this entry shows happening, if any.
    pub fn guide_step(self) -> Option<GuideStep> {
        match self {
            FlowStep::Authorize => Some(GuideStep::Authorize),
            FlowStep::Callback => Some(GuideStep::Callback),
            FlowStep::Token => Some(GuideStep::Token),
            FlowStep::Info | FlowStep::Api | FlowStep::Introspect => Some(GuideStep::Call),
            FlowStep::Refresh => Some(GuideStep::Refresh),
            FlowStep::Revoke => Some(GuideStep::Invalidate),
            _ => None,
        }
    }
}

/// The authorization-code flow as guided mode tells it, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GuideStep {
    Register,
    Authorize,
    Callback,
    Token,
    Call,
    Refresh,
    Invalidate,
}

impl GuideStep {
    pub const ALL: [GuideStep; 7] = [
        GuideStep::Register,
        GuideStep::Authorize,
        GuideStep::Callback,
        GuideStep::Token,
        GuideStep::Call,
        GuideStep::Refresh,
        GuideStep::Invalidate,
    ];

    /// A stable name for element ids (`guide-token`).
    pub fn key(self) -> &'static str {
        match self {
            GuideStep::Register => "register",
            GuideStep::Authorize => "authorize",
            GuideStep::Callback => "callback",
            GuideStep::Token => "token",
            GuideStep::Call => "call",
            GuideStep::Refresh => "refresh",
            GuideStep::Invalidate => "invalidate",
        }
    }

    /// 1 to 7.
    pub fn number(self) -> usize {
        GuideStep::ALL
            .iter()
            .position(|s| *s == self)
            .expect("every step is listed")
            + 1
    }

    /// The log entries that show this step happening (registration is shown by the first
    /// authorize: it had to be done by then).
    pub fn shown_by(self, step: FlowStep) -> bool {
        match self {
            GuideStep::Register => step == FlowStep::Authorize,
            other => step.guide_step() == Some(other),
        }
    }
}

/// One step of the OAuth dance as the flow log shows it (secrets already redacted).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    pub at: f64,
    /// The provider the step belongs to (none: discovery, or an answer for no known sign-in).
    #[serde(default)]
    pub provider: Option<ProviderId>,
    pub step: FlowStep,
    pub title: String,
    pub ok: bool,
    pub request: Option<String>,
    pub response: Option<String>,
    pub note: Option<String>,
}

/// At most this many flow-log entries are kept.
pub const LOG_LIMIT: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_keep_their_stored_names_and_map_to_the_guide() {
        for step in [FlowStep::ApiKey, FlowStep::Revoke, FlowStep::Api] {
            let json = serde_json::to_string(&step).unwrap();
            assert_eq!(json, format!("\"{}\"", step.name()));
            assert_eq!(serde_json::from_str::<FlowStep>(&json).unwrap(), step);
        }
        assert_eq!(FlowStep::Info.guide_step(), Some(GuideStep::Call));
        assert_eq!(FlowStep::Paste.guide_step(), None);
        assert_eq!(GuideStep::Invalidate.number(), 7);
        assert!(GuideStep::Register.shown_by(FlowStep::Authorize));
        assert!(GuideStep::Call.shown_by(FlowStep::Api));
    }
}
