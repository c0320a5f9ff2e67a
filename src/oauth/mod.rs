// The OAuth2 protocol as pure steps: state and PKCE, authorize URL (or a pushed request),
// callback validation, token request and answer, refresh, revoke, introspection, the device
// grant, ID token checks, JWS and DPoP proofs. Inputs in, a value or a typed error out; no
// I/O, clock or randomness inside (they are passed in).

pub mod authorize;
pub mod callback;
pub mod decode;
pub mod device;
pub mod dpop;
mod error;
pub mod id_token;
pub mod introspect;
pub mod jws;
pub mod jwt;
pub mod pkce;
pub mod redirect;
pub mod refresh;
pub mod revoke;
pub mod token;
mod words;

pub use error::{FlowError, ProviderSaid};

/// RFC 6749-era out-of-band redirect: the provider shows the code for the user to paste.
pub const OOB_REDIRECT: &str = "urn:ietf:wg:oauth:2.0:oob";
