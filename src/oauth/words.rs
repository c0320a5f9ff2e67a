// What a person reads about a `FlowError`: a title and a detail that says what to do. Kept
// apart from the protocol steps, which only report what happened.

use super::error::FlowError;

fn said(description: Option<&str>) -> String {
    description
        .filter(|d| !d.trim().is_empty())
        .map(|d| format!("The provider said: \u{201c}{d}\u{201d}. "))
        .unwrap_or_default()
}

/// Plain words for RFC 6749 §4.1.2.1 error codes (and Make's message-only errors).
fn provider_refusal(code: &str) -> (&'static str, &'static str) {
    match code {
        "access_denied" => (
            "Access was denied",
            "Someone pressed Deny on the consent screen. Authorize again and choose Allow.",
        ),
        "invalid_scope" => (
            "The provider refused the scopes",
            "A scope is unknown or required one is missing (the Academy needs connect). Adjust the scopes and retry.",
        ),
        "unsupported_response_type" => (
            "The provider does not support this response type",
            "Handshake asks for response_type=code; this provider or client is not set up for it.",
        ),
        "unauthorized_client" => (
            "This client may not use this flow",
            "The application is not allowed the authorization-code grant; check its registration.",
        ),
        "invalid_request" => (
            "The provider found the request malformed",
            "A required parameter is missing or invalid: check the client id and redirect URI.",
        ),
        "server_error" | "temporarily_unavailable" => (
            "The provider had a problem",
            "It failed on its side; waiting a moment and trying again usually helps.",
        ),
        _ => (
            "The provider returned an error",
            "It did not issue a code. Check the client id, redirect URI and scopes, then try again.",
        ),
    }
}

fn token_hint(code: &str) -> &'static str {
    match code {
        "invalid_grant" | "invalid_code" => {
            "The code is wrong, expired (they live minutes) or was already used, or redirect_uri differs from the one used to authorize. Authorize again."
        }
        "invalid_client" | "401" => {
            "The client id or secret is wrong. Check them (or the secret the proxy holds)."
        }
        "unsupported_grant_type" | "501" => "The provider does not accept this grant type here.",
        "invalid_request" | "400" => "A required parameter is missing or malformed.",
        "server_error" | "temporarily_unavailable" => {
            "The provider failed on its side; try again in a moment."
        }
        _ => "The provider refused the request.",
    }
}

impl FlowError {
    pub fn title(&self) -> String {
        use FlowError::*;
        match self {
            ImplicitTokenInUrl => "Tokens arrived in the address bar".into(),
            DuplicateParameter(_) => "The answer repeats a parameter".into(),
            NothingToComplete => "No sign-in in progress here".into(),
            NoPendingSignIn => "No sign-in is waiting for a code".into(),
            StateMissing => "The answer carries no state".into(),
            AlreadyCompleted => "This sign-in already completed".into(),
            StateMismatch => "State did not match".into(),
            FlowExpired => "This sign-in took too long".into(),
            ProviderRefused { code, .. } => provider_refusal(code).0.into(),
            CodeMissing => "No authorization code in the answer".into(),
            PasteEmpty => "Nothing pasted".into(),
            PasteNoAnswer => "That address carries no answer".into(),
            PasteNotACode => "That does not look like a code".into(),
            PasteJsonWithoutCode => "No code in that JSON".into(),
            IssuerMismatch { .. } => "The answer came from another provider".into(),
            IssuerMissing { .. } => "The answer does not say who sent it".into(),
            IssuerChanged { .. } => "The provider changed during the sign-in".into(),
            UnknownProvider(_) => "Unknown provider".into(),
            ParRefused { .. } => "The provider refused the pushed request".into(),
            IdTokenInvalid { .. } => "The ID token did not pass its checks".into(),
            DpopNotRequested => "An unexpected DPoP-bound token".into(),
            DpopKey(_) => "The DPoP key is not available".into(),
            DeviceExpired => "The device code expired".into(),
            NoEndpoint(which) => format!("This provider has no {which} endpoint"),
            Network { refresh: false, .. } => "The token request did not complete".into(),
            Network { refresh: true, .. } => "The refresh request did not complete".into(),
            TokenRefused {
                status,
                status_text,
                ..
            } => format!("The token request failed ({status} {status_text})"),
            TokenHttp {
                status,
                status_text,
                html,
                ..
            } if *html || *status >= 500 => {
                format!("The token endpoint failed ({status} {status_text})")
            }
            TokenHttp { status, .. } => {
                format!("The token endpoint refused the request ({status})")
            }
            TokenHtml { .. } => "The token endpoint answered with a web page".into(),
            TokenNotJson { .. } => "The token answer is not valid JSON".into(),
            TokenNotObject { .. } => "The token answer is not a JSON object".into(),
            TokenMissingAccessToken { .. } => "The token answer has no access_token".into(),
            TokenTypeUnsupported(_) => "Unsupported token type".into(),
            TokenBadExpiry { .. } => "The token answer has an unreadable lifetime".into(),
            NoSession => "Not signed in".into(),
            NoRefreshToken => "No refresh token".into(),
            RefreshExpired => "The refresh token expired".into(),
            NoRefreshEndpoint => "This provider cannot refresh".into(),
        }
    }

    pub fn detail(&self) -> String {
        use FlowError::*;
        match self {
            ImplicitTokenInUrl => "The provider put an access token in the URL (the implicit flow). Handshake only uses the \
                 authorization-code flow, so this answer is rejected: tokens in URLs leak through history and logs."
                .into(),
            DuplicateParameter(name) => format!(
                "{name} appears more than once, which RFC 6749 §3.1 forbids; the answer may have been tampered with."
            ),
            NothingToComplete => "This page finishes a sign-in when a provider sends you back to it. Start from the home page.".into(),
            NoPendingSignIn => "Press Authorize first: Handshake exchanges a pasted code only for a sign-in this tab started.".into(),
            StateMissing => "Handshake sends a random state with every sign-in and accepts only answers that return it. \
                 An answer without one could have been started by someone else, so no token was requested. \
                 If this provider never returns state, paste the URL you landed on into the home page instead."
                .into(),
            AlreadyCompleted => "The answer was used once already (a reload or a second visit of the same link). \
                 Your session is on the home page; nothing was sent again."
                .into(),
            StateMismatch => "This answer is not for a request this tab sent, so no token was requested. It can happen \
                 when you sign in from another tab, restart the browser mid-way, or follow a link someone \
                 else made. Start again from the home page."
                .into(),
            FlowExpired => "More than 15 minutes passed since you left for the provider; start again.".into(),
            ProviderRefused { code, description } => {
                format!("{}{}", said(description.as_deref()), provider_refusal(code).1)
            }
            CodeMissing => "The provider came back without a code or an error. Check the redirect URI and try again.".into(),
            PasteEmpty => "Paste the address you landed on, or the code the provider showed.".into(),
            PasteNoAnswer => "It has neither a code nor an error. Copy the whole address of the page the provider sent you to.".into(),
            PasteNotACode => "A code is one word without spaces. Paste just the code, or the whole address you landed on.".into(),
            PasteJsonWithoutCode => "Expected something like {\"code\": \"…\"}.".into(),
            IssuerMismatch { received, expected } => format!(
                "It says it was issued by {received}, but this sign-in went to {expected}. No token was requested (a mix-up attack looks like this)."
            ),
            IssuerMissing { expected } => format!(
                "{expected} says it always sends iss with its answer (RFC 9207), and this one has none. \
                 No token was requested: an answer without it may come from another server (a mix-up attack)."
            ),
            IssuerChanged { bound, now } => format!(
                "This sign-in went to {bound}, and the provider now names {now}. No token was requested; authorize again."
            ),
            UnknownProvider(id) => format!("{id} is not configured here."),
            ParRefused { code, description, .. } => format!(
                "{}{} No browser redirect happened.",
                said(description.as_deref()),
                token_hint(code)
            ),
            IdTokenInvalid { detail, .. } => format!(
                "{detail} The tokens were not kept: an ID token that fails a check cannot be trusted to say who signed in."
            ),
            DpopNotRequested => "The token answer says token_type DPoP, but this sign-in sent no DPoP proof. The tokens were not kept.".into(),
            DpopKey(why) => format!(
                "{why} A DPoP-bound token can only be used with the key it was bound to: sign in again to make a new one."
            ),
            DeviceExpired => "Nobody confirmed the code in time (RFC 8628 §3.5 expired_token). Start again to get a new code.".into(),
            NoEndpoint(which) => format!("Add its {which} URL to the provider (or rediscover it from the issuer)."),
            Network { error, .. } => error.message(),
            TokenRefused {
                code, description, ..
            } => format!("{}{}", said(description.as_deref()), token_hint(code)),
            TokenHttp { html: true, .. } => "It answered with a web page, not an OAuth error: the provider or a proxy in between is failing. Try again in a moment.".into(),
            TokenHttp { preview, .. } => format!("No OAuth error in the answer: {preview}"),
            TokenHtml { status } => format!(
                "Status {status}, an HTML page instead of JSON. Usually the token URL is wrong, or a proxy or \
                 firewall answered instead of the provider."
            ),
            TokenNotJson { status, preview } => format!(
                "Status {status}; the body could not be read as JSON: {preview}"
            ),
            TokenNotObject { preview } => format!("Expected {{\"access_token\": …}}, got: {preview}"),
            TokenMissingAccessToken { status, preview } => format!(
                "The provider answered {status} but without an access token: {preview}"
            ),
            TokenTypeUnsupported(kind) => format!(
                "The provider issued a {} token; Handshake can send Bearer and DPoP tokens only.",
                crate::types::quote(kind)
            ),
            TokenBadExpiry { field, value } => {
                format!("{field} should be a non-negative number, got {value}.")
            }
            NoSession => "There is no session to refresh.".into(),
            NoRefreshToken => "The provider gave no refresh token, so the session cannot be extended.".into(),
            RefreshExpired => "It can no longer extend the session.".into(),
            NoRefreshEndpoint => "It has no refresh endpoint; authorize again.".into(),
        }
    }
}
