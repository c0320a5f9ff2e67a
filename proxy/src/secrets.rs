// Client-secret injection, deny by default: a secret is added only to a POST to one of its
// rule's token paths, for a request naming its client once, for a grant the rule allows, in the
// placement the provider expects (beside client_id, or HTTP Basic); an answer that holds it is
// never relayed.

use crate::error::ProxyError;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, Method};
use base64::Engine;

/// A client secret; `Debug` never prints it.
#[derive(Clone, PartialEq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Where the secret goes (RFC 8414 `token_endpoint_auth_methods_supported` names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_secret` beside `client_id`: JSON body, form body or query string (RFC 6749 §2.3.1).
    Post,
    /// `Authorization: Basic` with the form-encoded id and secret (RFC 6749 §2.3.1).
    Basic,
}

impl ClientAuth {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "post" | "client_secret_post" => Some(ClientAuth::Post),
            "basic" | "client_secret_basic" => Some(ClientAuth::Basic),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ClientAuth::Post => "client_secret_post",
            ClientAuth::Basic => "client_secret_basic",
        }
    }
}

/// The grants a secret may be used for (RFC 6749 §4.1.3, §6, §4.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    AuthorizationCode,
    RefreshToken,
    /// Off unless a rule names it: with it, anyone who can reach the proxy gets the client's tokens.
    ClientCredentials,
}

impl Grant {
    pub const DEFAULT: [Grant; 2] = [Grant::AuthorizationCode, Grant::RefreshToken];

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "authorization_code" => Some(Grant::AuthorizationCode),
            "refresh_token" => Some(Grant::RefreshToken),
            "client_credentials" => Some(Grant::ClientCredentials),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Grant::AuthorizationCode => "authorization_code",
            Grant::RefreshToken => "refresh_token",
            Grant::ClientCredentials => "client_credentials",
        }
    }
}

/// One client's secret and exactly where it may go.
#[derive(Clone, Debug, PartialEq)]
pub struct SecretRule {
    pub upstream: String,
    pub client_id: String,
    pub secret: Secret,
    /// Paths after `/proxy/<upstream>`, matched exactly as received.
    pub token_paths: Vec<String>,
    /// Endpoints that authenticate the client but grant no token (RFC 9126 PAR, RFC 7662
    /// introspection, RFC 7009 revocation, RFC 8628 device authorization): the secret goes to
    /// a POST there only when it carries no `grant_type` at all.
    pub auth_paths: Vec<String>,
    pub auth: ClientAuth,
    pub grants: Vec<Grant>,
}

impl SecretRule {
    /// What `/proxy/_info` tells the app about this rule (never the secret).
    pub fn describe(&self) -> serde_json::Value {
        serde_json::json!({
            "upstream": self.upstream,
            "client_id": self.client_id,
            "token_paths": self.token_paths,
            "auth_paths": self.auth_paths,
            "auth": self.auth.name(),
            "grants": self.grants.iter().map(|g| g.name()).collect::<Vec<_>>(),
        })
    }

    /// RFC 6749 §2.3.1: id and secret form-encoded, joined by ':', then base64.
    pub fn basic_credentials(&self) -> String {
        basic_credentials(&self.client_id, self.secret.expose())
    }

    /// Whether `bytes` hold the secret, as is or in an encoding an echo would use.
    pub fn leaks_into(&self, bytes: &[u8]) -> bool {
        let secret = self.secret.expose();
        let json = serde_json::to_string(secret).unwrap_or_default();
        let forms = [
            secret.to_string(),
            form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
            percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
                .to_string(),
            json.trim_matches('"').to_string(),
            self.basic_credentials(),
            base64::engine::general_purpose::STANDARD.encode(secret),
        ];
        forms
            .iter()
            .filter(|f| !f.is_empty())
            .any(|f| contains(bytes, f.as_bytes()))
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub fn basic_credentials(client_id: &str, secret: &str) -> String {
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", encode(client_id), encode(secret));
    base64::engine::general_purpose::STANDARD.encode(pair)
}

/// What to forward instead of the request's own query, body and Authorization header.
#[derive(Debug, PartialEq)]
pub struct Injection<'a> {
    pub rule: &'a SecretRule,
    pub query: Option<String>,
    pub body: Bytes,
    /// `Some`: replace the request's Authorization header with this value.
    pub authorization: Option<String>,
}

/// The parts of a request the decision reads.
pub struct TokenCall<'r> {
    pub method: &'r Method,
    pub upstream: &'r str,
    /// The path after `/proxy/<upstream>`, as received (still percent-encoded).
    pub path: &'r str,
    pub query: Option<&'r str>,
    pub headers: &'r HeaderMap,
    pub body: &'r Bytes,
}

/// A request's parameters, wherever they came from.
enum BodyParams {
    Form(Vec<(String, String)>),
    /// A JSON object's members in order (duplicate names refused while reading).
    Json(Vec<(String, serde_json::Value)>),
    /// Neither JSON nor a form: nothing to read or rewrite.
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Carrier {
    Query,
    Body,
    BasicHeader,
}

/// Decides whether `call` gets a secret, and how. `Ok(None)`: forward it untouched.
pub fn inject<'a>(
    rules: &'a [SecretRule],
    call: &TokenCall,
) -> Result<Option<Injection<'a>>, ProxyError> {
    if call.method != Method::POST {
        return Ok(None);
    }
    let candidates: Vec<&SecretRule> = rules
        .iter()
        .filter(|r| {
            r.upstream == call.upstream
                && (r.token_paths.iter().any(|p| p == call.path)
                    || r.auth_paths.iter().any(|p| p == call.path))
        })
        .collect();
    if candidates.is_empty() {
        return Ok(None);
    }

    let query: Vec<(String, String)> = call
        .query
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    let content_type = call
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let body = if content_type.starts_with("application/json") {
        BodyParams::Json(json_members(call.body).map_err(ProxyError::UnreadableTokenRequest)?)
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        BodyParams::Form(form_urlencoded::parse(call.body).into_owned().collect())
    } else {
        BodyParams::Other
    };
    let basic = basic_user(call.headers);

    let mut ids: Vec<(Carrier, String)> = query
        .iter()
        .filter(|(k, _)| k == "client_id")
        .map(|(_, v)| (Carrier::Query, v.clone()))
        .collect();
    ids.extend(
        body.values("client_id")
            .into_iter()
            .map(|v| (Carrier::Body, v)),
    );
    ids.extend(basic.map(|id| (Carrier::BasicHeader, id)));
    if ids.len() > 1 {
        return Err(ProxyError::ClientIdTwice(ids.len()));
    }
    let Some((carrier, client_id)) = ids.pop() else {
        return Ok(None);
    };
    let Some(rule) = candidates.into_iter().find(|r| r.client_id == client_id) else {
        return Ok(None);
    };

    let mut grants: Vec<String> = query
        .iter()
        .filter(|(k, _)| k == "grant_type")
        .map(|(_, v)| v.clone())
        .collect();
    grants.extend(body.values("grant_type"));
    if grants.len() > 1 {
        return Err(ProxyError::GrantTwice);
    }
    let named = |key: &str| query.iter().any(|(k, _)| k == key) || !body.values(key).is_empty();
    if !rule.token_paths.iter().any(|p| p == call.path) {
        // An authentication-only endpoint: a grant sent there would get the secret without
        // the grant check, so any grant_type is refused.
        if let Some(g) = grants.pop() {
            return Err(ProxyError::GrantAtAuthPath(g));
        }
        return place(rule, call, query, body, carrier, true).map(Some);
    }
    // Dialects without grant_type (the PHP-style API) are read by what they send.
    let grant = match grants.pop() {
        Some(g) => Grant::parse(&g).ok_or(g),
        None if named("code") => Ok(Grant::AuthorizationCode),
        None if named("refresh_token") => Ok(Grant::RefreshToken),
        None => Err("(none)".to_string()),
    };
    if !grant.as_ref().is_ok_and(|g| rule.grants.contains(g)) {
        return Err(ProxyError::GrantNotAllowed {
            grant: grant.map(|g| g.name().to_string()).unwrap_or_else(|g| g),
            client_id: rule.client_id.clone(),
            allowed: rule
                .grants
                .iter()
                .map(|g| g.name())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    place(rule, call, query, body, carrier, false).map(Some)
}

/// Puts the secret where the rule says: beside `client_id`, or as HTTP Basic. With Basic,
/// `client_id` leaves the parameters at a token path; at an auth path it stays (a pushed
/// authorization request carries it as one of the request's own, RFC 9126 §2.1).
fn place<'a>(
    rule: &'a SecretRule,
    call: &TokenCall,
    query: Vec<(String, String)>,
    body: BodyParams,
    carrier: Carrier,
    auth_path: bool,
) -> Result<Injection<'a>, ProxyError> {
    let secret = rule.secret.expose();
    let keep = |k: &str| {
        k != "client_secret" && (rule.auth == ClientAuth::Post || auth_path || k != "client_id")
    };
    let query_out = if query.iter().any(|(k, _)| !keep(k)) || carrier == Carrier::Query {
        let mut pairs: Vec<(String, String)> = query.into_iter().filter(|(k, _)| keep(k)).collect();
        if rule.auth == ClientAuth::Post && carrier == Carrier::Query {
            pairs.push(("client_secret".into(), secret.into()));
        }
        Some(form(&pairs)).filter(|q| !q.is_empty())
    } else {
        call.query.map(str::to_string)
    };
    let add_here = rule.auth == ClientAuth::Post && carrier == Carrier::Body;
    let body_out = match body {
        BodyParams::Form(pairs) => {
            let mut pairs: Vec<(String, String)> =
                pairs.into_iter().filter(|(k, _)| keep(k)).collect();
            if add_here {
                pairs.push(("client_secret".into(), secret.into()));
            }
            Bytes::from(form(&pairs))
        }
        BodyParams::Json(members) => {
            let mut members: Vec<(String, serde_json::Value)> =
                members.into_iter().filter(|(k, _)| keep(k)).collect();
            if add_here {
                members.push(("client_secret".into(), secret.into()));
            }
            Bytes::from(json_object(&members))
        }
        BodyParams::Other => call.body.clone(),
    };
    let authorization = match (rule.auth, carrier) {
        (ClientAuth::Basic, _) => Some(format!("Basic {}", rule.basic_credentials())),
        (ClientAuth::Post, Carrier::BasicHeader) => {
            return Err(ProxyError::ClientAuthMismatch(rule.client_id.clone()))
        }
        (ClientAuth::Post, _) => None,
    };
    Ok(Injection {
        rule,
        query: query_out,
        body: body_out,
        authorization,
    })
}

impl BodyParams {
    fn values(&self, key: &str) -> Vec<String> {
        match self {
            BodyParams::Form(pairs) => pairs
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .collect(),
            BodyParams::Json(members) => members
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect(),
            BodyParams::Other => Vec::new(),
        }
    }
}

/// The user name of an `Authorization: Basic` header, form-decoded (RFC 6749 §2.3.1).
fn basic_user(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let user = text.split(':').next().unwrap_or("");
    Some(
        form_urlencoded::parse(format!("u={user}").as_bytes())
            .next()?
            .1
            .into_owned(),
    )
}

fn form(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn json_object(members: &[(String, serde_json::Value)]) -> String {
    let inner: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("{}:{v}", serde_json::Value::from(k.as_str())))
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// A JSON object's members in order; a name given twice is an error (parsers disagree on
/// which one wins, so the proxy and the provider could read different clients).
fn json_members(bytes: &[u8]) -> Result<Vec<(String, serde_json::Value)>, String> {
    use serde::de::{Deserializer, MapAccess, Visitor};

    struct Members;
    impl<'de> Visitor<'de> for Members {
        type Value = Vec<(String, serde_json::Value)>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut members: Vec<(String, serde_json::Value)> = Vec::new();
            while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
                if members.iter().any(|(k, _)| *k == key) {
                    return Err(serde::de::Error::custom(format!(
                        "the member {key:?} is given twice"
                    )));
                }
                members.push((key, value));
            }
            Ok(members)
        }
    }

    let mut de = serde_json::Deserializer::from_slice(bytes);
    let members = (&mut de)
        .deserialize_map(Members)
        .map_err(|e| format!("the JSON body could not be read: {e}"))?;
    de.end()
        .map_err(|e| format!("the JSON body could not be read: {e}"))?;
    Ok(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn rule(auth: ClientAuth) -> SecretRule {
        SecretRule {
            upstream: "up".into(),
            client_id: "app".into(),
            secret: Secret::new("s3cr3t".into()),
            token_paths: vec!["/token".into()],
            auth_paths: vec!["/par".into()],
            auth,
            grants: Grant::DEFAULT.to_vec(),
        }
    }

    fn headers(content_type: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        if !content_type.is_empty() {
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(content_type).unwrap(),
            );
        }
        h
    }

    fn run<'a>(
        rules: &'a [SecretRule],
        method: Method,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        body: &str,
    ) -> Result<Option<Injection<'a>>, ProxyError> {
        let body = Bytes::from(body.to_string());
        inject(
            rules,
            &TokenCall {
                method: &method,
                upstream: "up",
                path,
                query,
                headers,
                body: &body,
            },
        )
    }

    #[test]
    fn rfc6749_basic_credentials_are_form_encoded_before_base64() {
        // `client id` / `client&secret` -> `client+id:client%26secret`
        let expected =
            base64::engine::general_purpose::STANDARD.encode("client+id:client%26secret");
        assert_eq!(basic_credentials("client id", "client&secret"), expected);
    }

    #[test]
    fn only_a_post_to_a_declared_path_is_considered() {
        let rules = [rule(ClientAuth::Post)];
        let form = headers("application/x-www-form-urlencoded");
        let body = "client_id=app&code=c&grant_type=authorization_code";
        assert!(run(&rules, Method::GET, "/token", Some(body), &form, "")
            .unwrap()
            .is_none());
        assert!(run(&rules, Method::POST, "/api/things", None, &form, body)
            .unwrap()
            .is_none());
        assert!(run(&rules, Method::POST, "/token/", None, &form, body)
            .unwrap()
            .is_none());
        assert!(run(&rules, Method::POST, "/%74oken", None, &form, body)
            .unwrap()
            .is_none());
        let other = run(
            &rules,
            Method::POST,
            "/token",
            None,
            &form,
            "client_id=other&code=c",
        );
        assert!(other.unwrap().is_none(), "another client gets nothing");
        let done = run(&rules, Method::POST, "/token", None, &form, body)
            .unwrap()
            .unwrap();
        assert_eq!(
            &done.body[..],
            b"client_id=app&code=c&grant_type=authorization_code&client_secret=s3cr3t"
        );
    }

    #[test]
    fn the_secret_goes_where_client_id_is() {
        let rules = [rule(ClientAuth::Post)];
        let json = run(
            &rules,
            Method::POST,
            "/token",
            None,
            &headers("application/json"),
            r#"{"client_id":"app","client_secret":"","code":"c"}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            &json.body[..],
            br#"{"client_id":"app","code":"c","client_secret":"s3cr3t"}"#
        );
        let query = run(
            &rules,
            Method::POST,
            "/token",
            Some("client_id=app&code=c&grant_type=authorization_code"),
            &headers(""),
            "",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            query.query.as_deref(),
            Some("client_id=app&code=c&grant_type=authorization_code&client_secret=s3cr3t")
        );
    }

    #[test]
    fn basic_moves_the_client_into_the_authorization_header() {
        let rules = [rule(ClientAuth::Basic)];
        let done = run(
            &rules,
            Method::POST,
            "/token",
            Some("extra=1"),
            &headers("application/x-www-form-urlencoded"),
            "grant_type=refresh_token&refresh_token=r&client_id=app&client_secret=typed",
        )
        .unwrap()
        .unwrap();
        assert_eq!(&done.body[..], b"grant_type=refresh_token&refresh_token=r");
        assert_eq!(done.query.as_deref(), Some("extra=1"), "untouched");
        assert_eq!(
            done.authorization.unwrap(),
            format!("Basic {}", basic_credentials("app", "s3cr3t"))
        );
        // The client may name itself in a Basic header with an empty password.
        let mut h = headers("application/x-www-form-urlencoded");
        let empty = base64::engine::general_purpose::STANDARD.encode("app:");
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {empty}")).unwrap(),
        );
        let done = run(
            &rules,
            Method::POST,
            "/token",
            None,
            &h,
            "grant_type=authorization_code&code=c",
        )
        .unwrap()
        .unwrap();
        assert!(done
            .authorization
            .unwrap()
            .ends_with(&basic_credentials("app", "s3cr3t")));
    }

    #[test]
    fn ambiguous_requests_are_refused() {
        let rules = [rule(ClientAuth::Post)];
        let form = headers("application/x-www-form-urlencoded");
        let twice = run(
            &rules,
            Method::POST,
            "/token",
            None,
            &form,
            "client_id=app&client_id=evil&code=c",
        );
        assert!(matches!(twice, Err(ProxyError::ClientIdTwice(2))));
        let split = run(
            &rules,
            Method::POST,
            "/token",
            Some("client_id=evil"),
            &form,
            "client_id=app&code=c",
        );
        assert!(matches!(split, Err(ProxyError::ClientIdTwice(2))));
        let json = run(
            &rules,
            Method::POST,
            "/token",
            None,
            &headers("application/json"),
            r#"{"client_id":"evil","client_id":"app","code":"c"}"#,
        );
        assert!(matches!(json, Err(ProxyError::UnreadableTokenRequest(m)) if m.contains("twice")));
        let grants = run(
            &rules,
            Method::POST,
            "/token",
            Some("grant_type=client_credentials"),
            &form,
            "client_id=app&grant_type=authorization_code&code=c",
        );
        assert!(matches!(grants, Err(ProxyError::GrantTwice)));
    }

    #[test]
    fn only_the_rules_grants_get_the_secret() {
        let mut r = rule(ClientAuth::Post);
        let form = headers("application/x-www-form-urlencoded");
        let cc = "client_id=app&grant_type=client_credentials";
        let refused = run(
            std::slice::from_ref(&r),
            Method::POST,
            "/token",
            None,
            &form,
            cc,
        );
        assert!(
            matches!(&refused, Err(ProxyError::GrantNotAllowed { grant, .. }) if grant == "client_credentials"),
            "{refused:?}"
        );
        let nothing = run(
            std::slice::from_ref(&r),
            Method::POST,
            "/token",
            None,
            &form,
            "client_id=app",
        );
        assert!(matches!(nothing, Err(ProxyError::GrantNotAllowed { .. })));
        // No grant_type, as the PHP-style API sends it: read from the parameters.
        let php = run(
            std::slice::from_ref(&r),
            Method::POST,
            "/token",
            None,
            &form,
            "code=c&client_id=app",
        );
        assert!(php.unwrap().is_some());
        r.grants.push(Grant::ClientCredentials);
        assert!(run(
            std::slice::from_ref(&r),
            Method::POST,
            "/token",
            None,
            &form,
            cc
        )
        .unwrap()
        .is_some());
    }

    #[test]
    fn an_auth_path_gets_the_secret_only_without_a_grant() {
        let rules = [rule(ClientAuth::Basic)];
        let form = headers("application/x-www-form-urlencoded");
        let par = run(
            &rules,
            Method::POST,
            "/par",
            None,
            &form,
            "client_id=app&response_type=code&scope=openid",
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            par.authorization.as_deref(),
            Some(format!("Basic {}", basic_credentials("app", "s3cr3t")).as_str())
        );
        assert_eq!(
            &par.body[..],
            b"client_id=app&response_type=code&scope=openid"
        );
        // A token request sent to the auth path would skip the grant check: refused.
        for grant in ["client_credentials", "authorization_code"] {
            let sneaky = run(
                &rules,
                Method::POST,
                "/par",
                None,
                &form,
                &format!("client_id=app&grant_type={grant}"),
            );
            assert!(
                matches!(&sneaky, Err(ProxyError::GrantAtAuthPath(g)) if g == grant),
                "{sneaky:?}"
            );
        }
        // Still only POSTs, still only the declared path.
        assert!(run(
            &rules,
            Method::GET,
            "/par",
            Some("client_id=app"),
            &form,
            ""
        )
        .unwrap()
        .is_none());
        assert!(
            run(&rules, Method::POST, "/par/x", None, &form, "client_id=app")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn echoes_of_the_secret_are_recognised() {
        let r = rule(ClientAuth::Basic);
        let mut weird = r.clone();
        weird.secret = Secret::new("a b&\"c".into());
        assert!(r.leaks_into(b"<input type=hidden value=s3cr3t>"));
        assert!(weird.leaks_into(br#"{"echo":"a b&\"c"}"#));
        assert!(weird.leaks_into(b"client_secret=a+b%26%22c"));
        assert!(weird.leaks_into(b"a%20b%26%22c"));
        assert!(r.leaks_into(basic_credentials("app", "s3cr3t").as_bytes()));
        assert!(!r.leaks_into(br#"{"access_token":"t","token_type":"Bearer"}"#));
        assert_eq!(format!("{:?}", r.secret), "[redacted]");
    }
}
