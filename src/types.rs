// One small type per OAuth concept, so a state cannot be passed where a code belongs,
// and secrets print as [redacted] unless read explicitly with `.expose()`.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! public_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_string())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name(value)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }
            /// The secret value itself: every call site is a place a secret leaves its box.
            pub fn expose(&self) -> &str {
                &self.0
            }
            /// The last four characters after a mask, for display.
            pub fn masked(&self) -> String {
                crate::types::mask(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "([redacted])"))
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name(String::new())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }
    };
}

public_string!(
    /// RFC 6749 §2.2: the client identifier.
    ClientId
);
public_string!(
    /// Which provider (a preset or the user's own) a session, flow or draft belongs to.
    ProviderId
);
public_string!(
    /// RFC 6749 §3.3: one scope token.
    Scope
);
public_string!(
    /// RFC 6749 §10.12: the opaque value binding a callback to the request this tab sent.
    State
);
public_string!(
    /// RFC 7636 §4.2: the code challenge sent at authorize.
    PkceChallenge
);

secret_string!(
    /// RFC 6749 §2.3.1: the client secret.
    ClientSecret
);
secret_string!(
    /// RFC 6749 §4.1.2: the authorization code (one-time, short-lived).
    AuthCode
);
secret_string!(
    /// RFC 6749 §1.4: the access token.
    AccessToken
);
secret_string!(
    /// RFC 6749 §1.5: the refresh token.
    RefreshToken
);
secret_string!(
    /// An API key sent in a header (Academy v1's `x-api-key`).
    ApiKey
);
secret_string!(
    /// OpenID Connect Core §2: the ID token (a signed JWT about the user's authentication).
    IdToken
);
secret_string!(
    /// RFC 8628 §3.2: the device code the client polls with.
    DeviceCode
);
public_string!(
    /// OpenID Connect Core §3.1.2.1: the value binding an id_token to this sign-in.
    Nonce
);

/// RFC 7636 §4.1: the code verifier. Not `Clone`: it is spent by the token request.
#[derive(PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PkceVerifier(String);

impl PkceVerifier {
    pub fn new(value: impl Into<String>) -> Self {
        PkceVerifier(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PkceVerifier([redacted])")
    }
}

/// Text between typographic quotes, for messages (cheaper in the bundle than `{:?}`).
pub fn quote(text: &str) -> String {
    format!("\u{201c}{text}\u{201d}")
}

/// `••••` and the last four characters, or only the mask for short values.
pub fn mask(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 8 {
        return "••••••••".to_string();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("••••••••{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let t = AccessToken::new("abcdef0123456789");
        assert_eq!(format!("{t:?}"), "AccessToken([redacted])");
        assert_eq!(format!("{t}"), "[redacted]");
        assert_eq!(t.masked(), "••••••••6789");
        assert_eq!(t.expose(), "abcdef0123456789");
        assert_eq!(
            format!("{:?}", PkceVerifier::new("v")),
            "PkceVerifier([redacted])"
        );
    }

    #[test]
    fn short_secrets_are_fully_masked() {
        assert_eq!(mask("abc"), "••••••••");
    }
}
