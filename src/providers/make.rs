// Make custom-app connections (shared/spec/make-connection.md, rules R1–R16): the provider a
// learner has just verified, and what the run showed, as the JSON of Make's connection tabs.

use super::{
    AuthStyle, BodyEncoding, CatalogId, ClientAuthMethod, ExpiryUnit, Flow, Provider, RevokeStyle,
};
use crate::types::Scope;
use serde_json::{json, Map, Value};

/// The callback Make asks new apps to register, and the legacy one (spec §1.2).
pub const MAKE_CALLBACK: &str = "https://www.make.com/oauth/cb/app";
pub const LEGACY_CALLBACK: &str = "https://www.integromat.com/oauth/cb/app";

const CLIENT_ID: &str = "{{ifempty(parameters.clientId, common.clientId)}}";
const CLIENT_SECRET: &str = "{{ifempty(parameters.clientSecret, common.clientSecret)}}";

/// What the learner's run showed: the facts the export must match.
#[derive(Clone, Debug, Default)]
pub struct Run<'a> {
    /// The redirect URI the flow used (the one registered at the provider).
    pub redirect_uri: &'a str,
    pub granted: &'a [Scope],
    /// The token answer's lifetimes, in the provider's unit.
    pub expires_in: Option<f64>,
    pub refresh_expires_in: Option<f64>,
    /// The `/info` (userinfo, `/about`) answer, when the learner called it.
    pub info: Option<&'a Value>,
}

/// Spec §1.1: Make knows two connection types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Oauth,
    Basic,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Oauth => "oauth",
            Kind::Basic => "basic",
        }
    }
}

/// One Make connection: each tab's JSON, the Base its modules would use, and what the
/// learner must still do or know.
#[derive(Clone, Debug, PartialEq)]
pub struct Connection {
    pub kind: Kind,
    pub label: String,
    pub communication: Value,
    pub parameters: Value,
    /// Default scope and scope list (OAuth only).
    pub scope: Option<Value>,
    pub scopes: Option<Value>,
    pub common: Value,
    pub base: Value,
    pub notes: Vec<String>,
}

impl Connection {
    /// Every tab in one strict-JSON document (R16), as Copy and Download give it.
    pub fn document(&self) -> Value {
        let mut doc = Map::new();
        doc.insert("type".into(), json!(self.kind.name()));
        doc.insert("label".into(), json!(self.label));
        for (tab, _, value) in self.tabs() {
            doc.insert(tab.into(), value.clone());
        }
        Value::Object(doc)
    }

    /// The tabs in Make's order: API name, the VS Code local-development file suffix, value.
    pub fn tabs(&self) -> Vec<(&'static str, &'static str, &Value)> {
        let communication = match self.kind {
            Kind::Oauth => "oauth-communication.iml.json",
            Kind::Basic => "communication.iml.json",
        };
        let mut tabs = vec![
            ("communication", communication, &self.communication),
            ("parameters", "params.iml.json", &self.parameters),
        ];
        if let Some(scope) = &self.scope {
            tabs.push(("scope", "default-scope.iml.json", scope));
        }
        if let Some(scopes) = &self.scopes {
            tabs.push(("scopes", "scope-list.iml.json", scopes));
        }
        tabs.push(("common", "common.json", &self.common));
        tabs.push(("base", "base.iml.json", &self.base));
        tabs
    }
}

/// The connection for `provider` as the learner ran it. `public` is the provider the run
/// stands in for (the real Academy behind the Sandbox), whose host the export names (R2).
pub fn connection(provider: &Provider, public: Option<&Provider>, run: &Run) -> Connection {
    let shown = public.unwrap_or(provider);
    let host = |url: &str| match public {
        Some(p) => rehost(url, &provider.api_base, &p.api_base),
        None => url.to_string(),
    };
    let name = short_name(&shown.name);
    let mut notes = Vec::new();
    if let Some(p) = public {
        notes.push(format!(
            "The Sandbox stood in for {}: the export names the real host, {}.",
            p.name,
            origin(&p.api_base)
        ));
    }
    if public.is_none() && provider.group == super::Group::Sandbox {
        notes.push(
            "These are the Sandbox's addresses on this machine, which Make cannot reach: put your API's in their place."
                .into(),
        );
    }
    let errors = ErrorPath::of(provider);
    let account = Account::from(run.info);
    match provider.flow {
        Flow::ApiKey => basic(provider, &host, &name, errors, &account, notes),
        Flow::AuthorizationCode => oauth(provider, &host, &name, errors, &account, run, notes),
    }
}

/// R1, R14: an API-key connection is one request that validates the key.
fn basic(
    provider: &Provider,
    host: &dyn Fn(&str) -> String,
    name: &str,
    errors: ErrorPath,
    account: &Account,
    mut notes: Vec<String>,
) -> Connection {
    let header = match &provider.auth {
        AuthStyle::ApiKeyHeader(h) => h.clone(),
        AuthStyle::Bearer => "authorization".into(),
    };
    let check = provider
        .userinfo
        .as_ref()
        .map(|e| host(&e.url))
        .unwrap_or_else(|| host(&provider.api_base));
    let mut response = Map::new();
    if let Some(name_expr) = &account.name {
        response.insert(
            "valid".into(),
            json!({
                "condition": format!("{{{{{name_expr}}}}}"),
                "message": format!("{name} accepted the key but returned no account."),
            }),
        );
    }
    account.write(&mut response, false);
    response.insert(
        "error".into(),
        json!({
            "message": errors.message(&format!("{name} could not check the API key.")),
            "401": { "message": format!("[401] {name} rejected the API key. Check the {header} value.") },
        }),
    );
    let sanitize = format!("request.headers.{}", iml_key(&header));
    if account.name.is_none() {
        notes.push(
            "Call the account endpoint once before exporting: its answer tells which field names the account."
                .into(),
        );
    }
    Connection {
        kind: Kind::Basic,
        label: format!("{name} (API key)"),
        communication: json!({
            "url": check,
            "method": "GET",
            "headers": { header.clone(): "{{parameters.apiKey}}" },
            "response": Value::Object(response),
            "log": { "sanitize": [sanitize] },
        }),
        parameters: json!([{
            "name": "apiKey",
            "type": "password",
            "label": "API key",
            "help": format!("The API key, sent as the {header} header."),
            "required": true,
            "editable": true,
        }]),
        scope: None,
        scopes: None,
        common: json!({}),
        base: json!({
            "baseUrl": host(&provider.api_base),
            "headers": { header: "{{connection.apiKey}}" },
            "response": { "error": { "message": errors.message(&format!("{name} returned an error.")) } },
            "log": { "sanitize": [sanitize] },
        }),
        notes,
    }
}

/// R1–R15: an OAuth 2 connection with the sections the provider has.
fn oauth(
    provider: &Provider,
    host: &dyn Fn(&str) -> String,
    name: &str,
    errors: ErrorPath,
    account: &Account,
    run: &Run,
    mut notes: Vec<String>,
) -> Connection {
    let redirect = match redirect_variable(run.redirect_uri) {
        Some(var) => var,
        None => {
            notes.push(format!(
                "This run used {} as the redirect URI. Register {MAKE_CALLBACK} at the provider before you create the connection in Make.",
                run.redirect_uri
            ));
            "{{oauth.localRedirectUri}}"
        }
    };
    let basic_auth = provider.standards.client_auth == ClientAuthMethod::ClientSecretBasic;
    let sends_secret = provider.standards.client_auth == ClientAuthMethod::ClientSecretPost;
    let unit = match provider.expiry_unit {
        ExpiryUnit::Minutes => "addMinutes",
        ExpiryUnit::Seconds => "addSeconds",
    };

    // authorize (R3, R10, R15)
    let mut qs = Map::new();
    qs.insert("response_type".into(), json!("code"));
    qs.insert("client_id".into(), json!(CLIENT_ID));
    qs.insert("redirect_uri".into(), json!(redirect));
    if !provider.scopes.is_empty() || !run.granted.is_empty() {
        qs.insert(
            "scope".into(),
            json!(format!(
                "{{{{join(oauth.scope, '{}')}}}}",
                provider.scope_separator
            )),
        );
    }
    let mut authorize = Map::new();
    authorize.insert("url".into(), json!(host(&provider.authorize_url)));
    if provider.pkce {
        // RFC 7636 §4.1: a verifier of 43 to 128 characters; one uuid has 36.
        authorize.insert(
            "temp".into(),
            json!({ "codeVerifier": "{{uuid}}.{{uuid}}" }),
        );
        qs.insert(
            "code_challenge".into(),
            json!("{{base64url(sha256(temp.codeVerifier, 'base64'))}}"),
        );
        qs.insert("code_challenge_method".into(), json!("S256"));
    }
    authorize.insert("qs".into(), Value::Object(qs));
    authorize.insert(
        "response".into(),
        json!({
            "valid": {
                "condition": "{{query.code}}",
                "message": format!("{name} did not grant access: {{{{{}}}}}", errors.callback()),
            },
            "temp": { "authCode": "{{query.code}}" },
        }),
    );

    // token (R4, R5, R6, R8, R14)
    let mut fields = Map::new();
    if provider.sends_grant_type {
        fields.insert("grant_type".into(), json!("authorization_code"));
    }
    fields.insert("code".into(), json!("{{temp.authCode}}"));
    if provider.sends_redirect_uri {
        fields.insert("redirect_uri".into(), json!(redirect));
    }
    if !basic_auth {
        fields.insert("client_id".into(), json!(CLIENT_ID));
    }
    if sends_secret {
        fields.insert("client_secret".into(), json!(CLIENT_SECRET));
    }
    if provider.pkce {
        fields.insert("code_verifier".into(), json!("{{temp.codeVerifier}}"));
    }
    let refreshes = provider.refresh.is_some() && run.expires_in.is_some();
    let mut data = Map::new();
    data.insert("accessToken".into(), json!("{{body.access_token}}"));
    if provider.refresh.is_some() {
        data.insert("refreshToken".into(), json!("{{body.refresh_token}}"));
    }
    if run.expires_in.is_some() {
        data.insert(
            "expires".into(),
            json!(format!("{{{{{unit}(now, body.expires_in)}}}}")),
        );
    }
    let connection_expires = run
        .refresh_expires_in
        .map(|_| json!(format!("{{{{{unit}(now, body.refresh_expires_in)}}}}")));
    let mut token_response = Map::new();
    token_response.insert("data".into(), Value::Object(data.clone()));
    if let Some(e) = &connection_expires {
        token_response.insert("expires".into(), e.clone());
    }
    token_response.insert(
        "error".into(),
        json!({ "message": errors.message(&format!("{name} refused the authorization code.")) }),
    );
    let place = if provider.token_body == BodyEncoding::Query {
        "qs"
    } else {
        "body"
    };
    let auth = provider.standards.client_auth;
    let issued: &[&str] = if provider.refresh.is_some() {
        &["access_token", "refresh_token"]
    } else {
        &["access_token"]
    };
    let token_sanitize = sanitize(format!("request.{place}.code"), place, auth, issued);
    let token = request(
        &host(&provider.token.url),
        provider.token_body,
        basic_auth,
        fields,
        token_response,
        token_sanitize,
    );

    let mut communication = Map::new();
    communication.insert("authorize".into(), Value::Object(authorize));
    communication.insert("token".into(), token);

    // info (R11)
    if let Some(info) = &provider.userinfo {
        let mut response = Map::new();
        account.write(&mut response, true);
        response.insert(
            "error".into(),
            json!({
                "message": errors.message(&format!("{name} could not confirm this connection.")),
                "401": { "message": format!("[401] {name} rejected the access token (expired or revoked). Reauthorize the connection.") },
            }),
        );
        communication.insert(
            "info".into(),
            json!({
                "url": host(&info.url),
                "method": "GET",
                "headers": { "authorization": "Bearer {{connection.accessToken}}" },
                "response": Value::Object(response),
                "log": { "sanitize": ["request.headers.authorization"] },
            }),
        );
        if account.name.is_none() && account.uid.is_none() {
            notes.push(format!(
                "Call {} once before exporting: its answer tells which fields name the account (uid, metadata).",
                info.url.rsplit('/').next().unwrap_or("info")
            ));
        }
    }

    // refresh (R6, R7, R8, R9)
    match (&provider.refresh, run.expires_in) {
        (Some(endpoint), Some(lifetime)) if refreshes => {
            let margin = refresh_margin(provider.expiry_unit, lifetime);
            let mut fields = Map::new();
            fields.insert("grant_type".into(), json!("refresh_token"));
            fields.insert("refresh_token".into(), json!("{{data.refreshToken}}"));
            if !basic_auth {
                fields.insert("client_id".into(), json!(CLIENT_ID));
            }
            if sends_secret {
                fields.insert("client_secret".into(), json!(CLIENT_SECRET));
            }
            let mut data = data.clone();
            data.insert(
                "refreshToken".into(),
                json!("{{ifempty(body.refresh_token, data.refreshToken)}}"),
            );
            let mut response = Map::new();
            response.insert("data".into(), Value::Object(data));
            if let Some(e) = &connection_expires {
                response.insert("expires".into(), e.clone());
            }
            response.insert(
                "error".into(),
                json!({ "message": errors.message(&format!("{name} did not refresh the token. Reauthorize the connection.")) }),
            );
            let hidden = sanitize(
                format!("request.{place}.refresh_token"),
                place,
                auth,
                &["access_token", "refresh_token"],
            );
            let mut refresh = Map::new();
            refresh.insert(
                "condition".into(),
                json!(format!("{{{{data.expires < addMinutes(now, {margin})}}}}")),
            );
            if let Value::Object(rest) = request(
                &host(&endpoint.url),
                provider.token_body,
                basic_auth,
                fields,
                response,
                hidden,
            ) {
                refresh.extend(rest);
            }
            communication.insert("refresh".into(), Value::Object(refresh));
        }
        (Some(_), None) => notes.push(
            "The token answer gave no expires_in, so the export has no refresh section: Make would not know when to refresh."
                .into(),
        ),
        _ => {}
    }

    // invalidate
    if let Some(revoke) = &provider.revoke {
        let section = match revoke.style {
            RevokeStyle::BearerCall => json!({
                "url": host(&revoke.endpoint.url),
                "method": revoke.endpoint.method.as_str(),
                "headers": { "authorization": "Bearer {{connection.accessToken}}" },
                "log": { "sanitize": ["request.headers.authorization"] },
            }),
            RevokeStyle::TokenForm => {
                let mut fields = Map::new();
                fields.insert("token".into(), json!("{{connection.accessToken}}"));
                if !basic_auth {
                    fields.insert("client_id".into(), json!(CLIENT_ID));
                }
                if sends_secret {
                    fields.insert("client_secret".into(), json!(CLIENT_SECRET));
                }
                request(
                    &host(&revoke.endpoint.url),
                    BodyEncoding::Form,
                    basic_auth,
                    fields,
                    Map::new(),
                    sanitize("request.body.token".into(), "body", auth, &[]),
                )
            }
        };
        communication.insert("invalidate".into(), section);
    }

    // Scopes (R10): what the learner was granted, and every scope the provider describes.
    let scope_list: Map<String, Value> = provider
        .scopes
        .iter()
        .map(|s| (s.name.to_string(), json!(capitalised(&s.meaning))))
        .chain(
            run.granted
                .iter()
                .filter(|g| !provider.scopes.iter().any(|s| &s.name == *g))
                .map(|g| (g.to_string(), json!(g.to_string()))),
        )
        .collect();
    let granted: Vec<String> = run.granted.iter().map(|s| s.to_string()).collect();

    Connection {
        kind: Kind::Oauth,
        label: format!("{name} (OAuth 2)"),
        communication: Value::Object(communication),
        parameters: json!([
            {
                "name": "clientId",
                "type": "text",
                "label": "Client ID",
                "help": "Optional. Leave empty to use the client ID in this app's common data.",
                "advanced": true,
                "editable": true,
            },
            {
                "name": "clientSecret",
                "type": "password",
                "label": "Client secret",
                "help": "Optional. Only needed when you fill in Client ID above.",
                "advanced": true,
                "editable": true,
            },
        ]),
        scope: Some(json!(granted)),
        scopes: Some(Value::Object(scope_list)),
        // R13: placeholders, never what the learner typed.
        common: json!({
            "clientId": "PASTE-YOUR-CLIENT-ID",
            "clientSecret": "PASTE-YOUR-CLIENT-SECRET",
        }),
        base: json!({
            "baseUrl": host(&provider.api_base),
            "headers": { "authorization": "Bearer {{connection.accessToken}}" },
            "response": { "error": { "message": errors.message(&format!("{name} returned an error.")) } },
            "log": { "sanitize": ["request.headers.authorization"] },
        }),
        notes,
    }
}

/// R14: what a request's log must hide: `sent` (the code, refresh token or token), the client's
/// credentials where they travel (`place`: body or qs), and the tokens the answer carries.
fn sanitize(sent: String, place: &str, auth: ClientAuthMethod, answered: &[&str]) -> Vec<String> {
    let mut hidden = vec![sent];
    match auth {
        ClientAuthMethod::ClientSecretPost => hidden.push(format!("request.{place}.client_secret")),
        ClientAuthMethod::ClientSecretBasic => hidden.push("request.headers.authorization".into()),
        ClientAuthMethod::None => {}
    }
    hidden.extend(answered.iter().map(|t| format!("response.body.{t}")));
    hidden
}

/// A POST carrying `fields` the way the provider wants them (R4), its client authentication (R5).
fn request(
    url: &str,
    encoding: BodyEncoding,
    basic_auth: bool,
    fields: Map<String, Value>,
    response: Map<String, Value>,
    sanitize: Vec<String>,
) -> Value {
    let mut r = Map::new();
    r.insert("url".into(), json!(url));
    r.insert("method".into(), json!("POST"));
    if basic_auth {
        r.insert(
            "headers".into(),
            json!({ "authorization": format!(
                "Basic {{{{base64({} + ':' + {})}}}}",
                CLIENT_ID.trim_matches(['{', '}']),
                CLIENT_SECRET.trim_matches(['{', '}'])
            ) }),
        );
    }
    match encoding {
        BodyEncoding::Json => {
            r.insert("type".into(), json!("json"));
            r.insert("body".into(), Value::Object(fields));
        }
        BodyEncoding::Form => {
            r.insert("type".into(), json!("urlencoded"));
            r.insert("body".into(), Value::Object(fields));
        }
        // Doorkeeper 4.2.6's documented style: the parameters in the query string of a POST.
        BodyEncoding::Query => {
            r.insert("qs".into(), Value::Object(fields));
        }
    }
    if !response.is_empty() {
        r.insert("response".into(), Value::Object(response));
    }
    r.insert("log".into(), json!({ "sanitize": sanitize }));
    Value::Object(r)
}

/// R3: the IML variable for a registered callback, or `None` when Make's is not registered.
pub fn redirect_variable(registered: &str) -> Option<&'static str> {
    match registered.trim_end_matches('/') {
        MAKE_CALLBACK => Some("{{oauth.localRedirectUri}}"),
        LEGACY_CALLBACK => Some("{{oauth.redirectUri}}"),
        _ => None,
    }
}

/// R7: refresh when less than a fifth of the access token's lifetime is left, 1 to 15 minutes.
pub fn refresh_margin(unit: ExpiryUnit, lifetime: f64) -> u32 {
    let minutes = unit.millis(lifetime) / 60_000.0;
    ((minutes / 5.0).floor() as i64).clamp(1, 15) as u32
}

/// R12: where the provider's error text is, in callbacks and in answers.
#[derive(Clone, Copy)]
enum ErrorPath {
    /// The Academy: `{"error": {"message": …}}`, and `error.message` on the callback.
    Academy,
    /// RFC 6749 §5.2: `error` and `error_description`.
    Rfc,
}

impl ErrorPath {
    fn of(provider: &Provider) -> Self {
        match provider.catalog {
            Some(CatalogId::AcademyV1 | CatalogId::AcademyV2) => ErrorPath::Academy,
            _ => ErrorPath::Rfc,
        }
    }

    fn message(self, fallback: &str) -> String {
        let path = match self {
            ErrorPath::Academy => "body.error.message",
            ErrorPath::Rfc => "ifempty(body.error_description, body.error)",
        };
        format!(
            "[{{{{statusCode}}}}] {{{{ifempty({path}, '{}')}}}}",
            iml_text(fallback)
        )
    }

    /// The expression that names why a callback carries no code (spec §5 Q2 for the Academy).
    fn callback(self) -> &'static str {
        match self {
            ErrorPath::Academy => "ifempty(query.`error.message`, ifempty(query.error.message, ifempty(query.error, 'no authorization code came back')))",
            ErrorPath::Rfc => "ifempty(query.error_description, ifempty(query.error, 'no authorization code came back'))",
        }
    }
}

/// R11: where the account's id and name are in the `/info` answer the learner saw.
#[derive(Clone, Debug, Default, PartialEq)]
struct Account {
    uid: Option<String>,
    name: Option<String>,
    email: bool,
}

impl Account {
    fn from(info: Option<&Value>) -> Self {
        let Some(info) = info else {
            return Account::default();
        };
        // IML arrays are 1-based (spec §1.13).
        let (mut path, mut object) = match info {
            Value::Array(items) => ("body[1]".to_string(), items.first()),
            other => ("body".to_string(), Some(other)),
        };
        if let Some(inner) = object.and_then(|o| o.get("data")).filter(|d| d.is_object()) {
            path.push_str(".data");
            object = Some(inner);
        }
        let Some(Value::Object(fields)) = object else {
            return Account::default();
        };
        let find = |keys: &[&str]| {
            keys.iter()
                .find(|k| {
                    fields
                        .get(**k)
                        .is_some_and(|v| v.is_string() || v.is_number())
                })
                .map(|k| format!("{path}.{}", iml_key(k)))
        };
        let name = find(&[
            "name",
            "user",
            "username",
            "login",
            "display_name",
            "nickname",
        ]);
        let email = find(&["email"]);
        Account {
            uid: find(&["id", "sub", "user_id", "uid"]),
            email: name.is_none() && email.is_some(),
            name: name.or(email),
        }
    }

    fn write(&self, response: &mut Map<String, Value>, with_uid: bool) {
        if let (true, Some(uid)) = (with_uid, &self.uid) {
            response.insert("uid".into(), json!(format!("{{{{{uid}}}}}")));
        }
        if let Some(name) = &self.name {
            response.insert(
                "metadata".into(),
                json!({
                    "type": if self.email { "email" } else { "text" },
                    "value": format!("{{{{{name}}}}}"),
                }),
            );
        }
    }
}

/// Spec §1.13: a property name with dots, dashes or spaces goes in back-ticks.
fn iml_key(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        name.to_string()
    } else {
        format!("`{name}`")
    }
}

/// Text inside an IML string literal: no quote may end it early.
fn iml_text(text: &str) -> String {
    text.replace('\'', "’")
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "Sandbox · Make App Academy v2 (OAuth2)" → "Make App Academy v2".
fn short_name(name: &str) -> String {
    let name = name.rsplit(" · ").next().unwrap_or(name);
    name.split(" (").next().unwrap_or(name).trim().to_string()
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> &str {
    match url.match_indices('/').nth(2) {
        Some((i, _)) => &url[..i],
        None => url,
    }
}

/// `url` moved from the Sandbox's copy of an API (API base `from`) to the real one (API base
/// `to`): the Sandbox serves the real paths under a root of its own.
fn rehost(url: &str, from: &str, to: &str) -> String {
    let path = &to[origin(to).len()..];
    let Some(root) = from.strip_suffix(path) else {
        return url.to_string();
    };
    match url.strip_prefix(root) {
        Some(rest) if rest.is_empty() || rest.starts_with(['/', '?']) => {
            format!("{}{rest}", origin(to))
        }
        _ => url.to_string(),
    }
}

/// The real provider a Sandbox preset stands in for (same catalog and flow; not a mock).
pub fn public_twin<'a>(provider: &Provider, all: &'a [Provider]) -> Option<&'a Provider> {
    if provider.group != super::Group::Sandbox {
        return None;
    }
    all.iter().find(|p| {
        p.group == super::Group::Real
            && p.catalog == provider.catalog
            && p.flow == provider.flow
            && !p.api_base.starts_with(super::SWAGGERHUB_BASE)
    })
}

#[cfg(test)]
mod tests;
