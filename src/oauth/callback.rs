// Step 2: the redirect back (RFC 6749 §4.1.2): parse what arrived, then check it against the
// pending request this tab stored. Any doubt about `state` stops the flow before a token request.

use super::FlowError;
use crate::types::{AuthCode, ClientId, Nonce, PkceVerifier, ProviderId, Scope, State};
use serde::{Deserialize, Serialize};

/// The pending authorization request, stored per attempt and used once.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowRecord {
    pub state: State,
    pub verifier: Option<PkceVerifier>,
    pub provider_id: ProviderId,
    pub client_id: ClientId,
    pub redirect_uri: String,
    pub scopes: Vec<Scope>,
    /// Milliseconds since the epoch when the user left for the provider.
    pub created_at: f64,
    /// OpenID Connect: the nonce the ID token must carry back.
    #[serde(default)]
    pub nonce: Option<Nonce>,
    /// RFC 9700 §4.4: the issuer this sign-in went to; the answer is taken only from it.
    #[serde(default)]
    pub issuer: Option<String>,
    /// RFC 9449: the code is exchanged with a DPoP proof.
    #[serde(default)]
    pub dpop: bool,
}

/// A pending request may be completed within this time.
pub const FLOW_TTL_MS: f64 = 15.0 * 60_000.0;

/// What the callback URL carried.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    /// `error_description` (RFC 6749) or Make's `error.message`.
    pub error_description: Option<String>,
    /// Tokens in the URL: an implicit-flow answer this app never asked for.
    pub implicit_token: bool,
    /// A parameter that appeared twice (RFC 6749 §3.1 forbids it).
    pub duplicate: Option<String>,
    /// RFC 9207: the issuer that sent the answer, when it says.
    pub issuer: Option<String>,
}

impl CallbackParams {
    pub fn is_empty(&self) -> bool {
        self.code.is_none()
            && self.state.is_none()
            && self.error.is_none()
            && self.error_description.is_none()
    }
}

/// Parses a callback's query string and fragment (each without its leading '?' / '#').
pub fn parse_callback(query: &str, fragment: &str) -> CallbackParams {
    let mut p = CallbackParams::default();
    let non_empty = |v: &str| (!v.trim().is_empty()).then(|| v.to_string());
    let mut seen: Vec<std::borrow::Cow<str>> = Vec::new();
    for (source, text) in [("query", query), ("fragment", fragment)] {
        for (key, value) in form_urlencoded::parse(text.trim_start_matches(['?', '#']).as_bytes()) {
            let repeated = seen.contains(&key);
            if !repeated {
                seen.push(key.clone());
            }
            match key.as_ref() {
                "access_token" | "id_token" | "token_type" => p.implicit_token = true,
                // The fragment is never where an authorization-code answer lives.
                _ if source == "fragment" => {}
                "code" | "state" | "error" if repeated && source == "query" => {
                    p.duplicate = Some(key.into_owned())
                }
                "code" => p.code = non_empty(&value),
                "state" => p.state = Some(value.into_owned()),
                "error" => p.error = non_empty(&value),
                "iss" => p.issuer = non_empty(&value),
                "error_description" | "error.message" | "error[message]" | "message"
                    if p.error_description.is_none() =>
                {
                    p.error_description = non_empty(&value)
                }
                _ => {}
            }
        }
    }
    p
}

/// What this tab knows about the state that came back.
// One per callback, moved once: boxing the record would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Lookup {
    Pending(FlowRecord),
    /// A record with this state was already used: a reload or a replayed callback.
    Completed,
    Unknown,
}

/// Whether the answer must carry `state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateRule {
    /// The callback route: no state, no exchange.
    Required,
    /// A pasted URL or bare code: checked when present; the lookup is then this tab's
    /// latest pending sign-in for the provider.
    IfPresent,
}

/// The checks, in order: no implicit leftovers, a state, a known and fresh state, no provider
/// error, a code. Success yields the code and the record it belongs to.
pub fn validate_callback(
    params: &CallbackParams,
    lookup: Lookup,
    now: f64,
    rule: StateRule,
) -> Result<(AuthCode, FlowRecord), FlowError> {
    if params.implicit_token {
        return Err(FlowError::ImplicitTokenInUrl);
    }
    if let Some(name) = &params.duplicate {
        return Err(FlowError::DuplicateParameter(name.clone()));
    }
    if params.is_empty() {
        return Err(FlowError::NothingToComplete);
    }
    let state = params.state.as_deref().filter(|s| !s.is_empty());
    if state.is_none() && rule == StateRule::IfPresent {
        let Lookup::Pending(record) = lookup else {
            return Err(FlowError::NoPendingSignIn);
        };
        return finish(params, record, now);
    }
    let Some(state) = state else {
        return Err(FlowError::StateMissing);
    };
    let record = match lookup {
        Lookup::Pending(record) if record.state.as_str() == state => record,
        Lookup::Completed => return Err(FlowError::AlreadyCompleted),
        _ => return Err(FlowError::StateMismatch),
    };
    finish(params, record, now)
}

/// The checks after the record is known: freshness, provider error, code.
fn finish(
    params: &CallbackParams,
    record: FlowRecord,
    now: f64,
) -> Result<(AuthCode, FlowRecord), FlowError> {
    if now - record.created_at > FLOW_TTL_MS {
        return Err(FlowError::FlowExpired);
    }
    if let Some(code) = params
        .error
        .as_deref()
        .or(params.error_description.as_deref().map(|_| "error"))
    {
        return Err(FlowError::ProviderRefused {
            code: code.to_string(),
            description: params.error_description.clone(),
        });
    }
    let Some(code) = params.code.as_deref() else {
        return Err(FlowError::CodeMissing);
    };
    Ok((AuthCode::new(code), record))
}

/// What the user pasted: the URL they landed on, a bare code, or a JSON answer with `code`.
pub fn parse_pasted(text: &str) -> Result<CallbackParams, FlowError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FlowError::PasteEmpty);
    }
    if text.starts_with("http://")
        || text.starts_with("https://")
        || text.starts_with('?')
        || text.contains("code=")
    {
        let without_fragment = text.split('#').next().unwrap_or(text);
        let fragment = text.split_once('#').map(|(_, f)| f).unwrap_or("");
        let query = without_fragment
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or(without_fragment);
        let params = parse_callback(query, fragment);
        if params.is_empty() && !params.implicit_token {
            return Err(FlowError::PasteNoAnswer);
        }
        return Ok(params);
    }
    if text.starts_with('{') {
        let code = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.get("code")?.as_str().map(str::to_string));
        return match code {
            Some(code) if !code.is_empty() => Ok(CallbackParams {
                code: Some(code),
                ..Default::default()
            }),
            _ => Err(FlowError::PasteJsonWithoutCode),
        };
    }
    if text.len() > 2048 || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(FlowError::PasteNotACode);
    }
    Ok(CallbackParams {
        code: Some(text.to_string()),
        ..Default::default()
    })
}

/// RFC 9207: an `iss` in the answer must name the provider this tab asked (mix-up defence);
/// a provider that always sends it (`required`) is not believed without it. Without a
/// configured issuer, the origin of the authorize endpoint stands in for it.
pub fn check_issuer(
    received: Option<&str>,
    expected_issuer: Option<&str>,
    required: bool,
    authorize_url: &str,
) -> Result<(), FlowError> {
    let expected = match expected_issuer {
        Some(i) => i.to_string(),
        None => crate::url::HttpUrl::parse(authorize_url)
            .map(|u| u.origin())
            .unwrap_or_default(),
    };
    let Some(received) = received else {
        return if required {
            Err(FlowError::IssuerMissing { expected })
        } else {
            Ok(())
        };
    };
    // RFC 9207 §2.4: compared as strings; a configured issuer must match exactly.
    let matches = match expected_issuer {
        Some(i) => received == i,
        None => {
            let r = received.trim_end_matches('/');
            r == expected || r.starts_with(&format!("{expected}/"))
        }
    };
    if matches {
        return Ok(());
    }
    Err(FlowError::IssuerMismatch {
        received: received.to_string(),
        expected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(state: &str, created_at: f64) -> FlowRecord {
        FlowRecord {
            state: State::new(state),
            verifier: None,
            provider_id: "p".into(),
            client_id: "c".into(),
            redirect_uri: "http://127.0.0.1:8080/callback".into(),
            scopes: vec!["connect".into()],
            created_at,
            nonce: None,
            issuer: None,
            dpop: false,
        }
    }

    fn check(query: &str, lookup: Lookup) -> Result<(AuthCode, FlowRecord), FlowError> {
        validate_callback(
            &parse_callback(query, ""),
            lookup,
            1_000.0,
            StateRule::Required,
        )
    }

    #[test]
    fn state_missing_mismatched_or_reused_stops_the_flow() {
        assert_eq!(
            check("code=abc", Lookup::Pending(record("s1", 0.0)))
                .unwrap_err()
                .code(),
            "state_missing"
        );
        assert_eq!(
            check("code=abc&state=", Lookup::Unknown)
                .unwrap_err()
                .code(),
            "state_missing"
        );
        assert_eq!(
            check("code=abc&state=zz", Lookup::Unknown)
                .unwrap_err()
                .code(),
            "state_mismatch"
        );
        assert_eq!(
            check("code=abc&state=zz", Lookup::Pending(record("s1", 0.0)))
                .unwrap_err()
                .code(),
            "state_mismatch"
        );
        assert_eq!(
            check("code=abc&state=s1", Lookup::Completed)
                .unwrap_err()
                .code(),
            "already_completed"
        );
    }

    #[test]
    fn implicit_tokens_are_rejected_wherever_they_are() {
        let p = parse_callback("", "access_token=x&state=s1");
        assert_eq!(
            validate_callback(
                &p,
                Lookup::Pending(record("s1", 0.0)),
                0.0,
                StateRule::Required
            )
            .unwrap_err()
            .code(),
            "implicit_token_in_url"
        );
        assert_eq!(
            check(
                "code=a&state=s1&access_token=x",
                Lookup::Pending(record("s1", 0.0))
            )
            .unwrap_err()
            .code(),
            "implicit_token_in_url"
        );
    }

    #[test]
    fn provider_errors_are_explained_including_makes_error_message() {
        let e = check(
            "error=access_denied&error_description=User+said+no&state=s1",
            Lookup::Pending(record("s1", 0.0)),
        )
        .unwrap_err();
        assert_eq!(e.code(), "provider_error:access_denied");
        assert!(e.detail().contains("User said no") && e.detail().contains("Deny"));
        let e = check(
            "error.message=Scope+connect+is+required&state=s1",
            Lookup::Pending(record("s1", 0.0)),
        )
        .unwrap_err();
        assert_eq!(e.code(), "provider_error:error");
        assert!(
            e.detail().contains("Scope connect is required"),
            "{}",
            e.detail()
        );
    }

    #[test]
    fn stale_records_empty_pages_and_codeless_answers_fail_clearly() {
        let e = validate_callback(
            &parse_callback("code=a&state=s1", ""),
            Lookup::Pending(record("s1", 0.0)),
            FLOW_TTL_MS + 1.0,
            StateRule::Required,
        )
        .unwrap_err();
        assert_eq!(e.code(), "flow_expired");
        assert_eq!(
            check("", Lookup::Unknown).unwrap_err().code(),
            "nothing_to_complete"
        );
        assert_eq!(
            check("state=s1", Lookup::Pending(record("s1", 0.0)))
                .unwrap_err()
                .code(),
            "code_missing"
        );
    }

    #[test]
    fn a_good_answer_yields_the_code_and_its_record() {
        let (code, rec) =
            check("code=abc%2F1&state=s1", Lookup::Pending(record("s1", 0.0))).unwrap();
        assert_eq!(code.expose(), "abc/1");
        assert_eq!(rec.client_id, "c");
    }

    #[test]
    fn pasted_urls_codes_and_json_are_understood() {
        let p = parse_pasted("https://www.integromat.com/oauth/cb/app?code=abc&state=s1").unwrap();
        assert_eq!(
            (p.code.as_deref(), p.state.as_deref()),
            (Some("abc"), Some("s1"))
        );
        assert_eq!(
            parse_pasted("  c0de-123  ").unwrap().code.as_deref(),
            Some("c0de-123")
        );
        assert_eq!(
            parse_pasted(r#"{"code": "xyz"}"#).unwrap().code.as_deref(),
            Some("xyz")
        );
        assert!(
            parse_pasted("https://x/cb#access_token=t")
                .unwrap()
                .implicit_token
        );
        for (bad, code) in [
            ("", "paste_empty"),
            ("two words", "paste_unreadable"),
            ("{\"nope\":1}", "paste_unreadable"),
            ("https://x/cb", "paste_no_answer"),
        ] {
            assert_eq!(parse_pasted(bad).unwrap_err().code(), code, "{bad}");
        }
    }

    #[test]
    fn pasted_answers_check_state_only_when_present() {
        let bare = parse_pasted("abc").unwrap();
        let (code, _) = validate_callback(
            &bare,
            Lookup::Pending(record("s1", 0.0)),
            0.0,
            StateRule::IfPresent,
        )
        .unwrap();
        assert_eq!(code.expose(), "abc");
        assert_eq!(
            validate_callback(&bare, Lookup::Unknown, 0.0, StateRule::IfPresent)
                .unwrap_err()
                .code(),
            "no_pending_sign_in"
        );
        let wrong = parse_pasted("https://h/cb?code=abc&state=other").unwrap();
        assert_eq!(
            validate_callback(&wrong, Lookup::Unknown, 0.0, StateRule::IfPresent)
                .unwrap_err()
                .code(),
            "state_mismatch"
        );
    }

    #[test]
    fn issuer_must_match_when_sent() {
        assert!(check_issuer(None, None, false, "https://a.example/oauth/authorize").is_ok());
        assert!(check_issuer(
            Some("https://a.example"),
            None,
            false,
            "https://a.example/oauth/authorize"
        )
        .is_ok());
        assert!(check_issuer(
            Some("https://a.example/tenant"),
            None,
            false,
            "https://a.example/oauth/authorize"
        )
        .is_ok());
        assert_eq!(
            check_issuer(
                Some("https://evil.example"),
                None,
                false,
                "https://a.example/oauth/authorize"
            )
            .unwrap_err()
            .code(),
            "issuer_mismatch"
        );
        assert!(check_issuer(
            Some("https://a.example/other"),
            Some("https://a.example/tenant"),
            false,
            ""
        )
        .is_err());
        // A provider that always names itself is not believed without it (RFC 9207 §2.4).
        assert_eq!(
            check_issuer(None, Some("https://a.example"), true, "")
                .unwrap_err()
                .code(),
            "issuer_missing"
        );
        assert!(check_issuer(
            Some("https://a.example"),
            Some("https://a.example"),
            true,
            ""
        )
        .is_ok());
        // A configured issuer is compared exactly: no trailing-slash leniency.
        assert!(check_issuer(
            Some("https://a.example/"),
            Some("https://a.example"),
            true,
            ""
        )
        .is_err());
        assert_eq!(
            parse_callback("code=a&iss=https%3A%2F%2Fa.example", "")
                .issuer
                .as_deref(),
            Some("https://a.example")
        );
    }

    #[test]
    fn repeated_parameters_are_rejected() {
        let e = check(
            "state=s1&state=b&code=1",
            Lookup::Pending(record("s1", 0.0)),
        )
        .unwrap_err();
        assert_eq!(e.code(), "duplicate_parameter");
    }
}
