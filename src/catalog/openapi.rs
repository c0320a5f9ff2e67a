// OpenAPI 3.0 and 3.1 documents (JSON) read into the explorer's endpoints: paths, parameters,
// request bodies with an example (given or made from the schema), local `$ref`s, servers and
// security schemes. A document that cannot be read is refused with the place of the problem.

use super::{Endpoint, In, Kind, Paging, Param};
use crate::wire::Method;
use serde_json::{Map, Value};

/// A document read: what the explorer lists, and what the import turns into a provider.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    pub title: String,
    /// Server URLs with their variables filled by the defaults, as written (maybe relative).
    pub servers: Vec<String>,
    pub schemes: Vec<(String, Scheme)>,
    pub endpoints: Vec<Endpoint>,
    /// What was read but left aside (a cookie parameter, an operation without a usable body).
    pub skipped: Vec<String>,
}

/// A security scheme (OpenAPI `components.securitySchemes`).
#[derive(Clone, Debug, PartialEq)]
pub enum Scheme {
    OAuth2 {
        authorization_url: Option<String>,
        token_url: Option<String>,
        refresh_url: Option<String>,
        device_url: Option<String>,
        /// Name and meaning, in the document's order.
        scopes: Vec<(String, String)>,
        /// The grants its flows name (`authorization_code`, `client_credentials`, …).
        grants: Vec<&'static str>,
    },
    OpenIdConnect {
        url: String,
    },
    ApiKey {
        name: String,
        location: String,
    },
    Http {
        scheme: String,
    },
}

/// A problem with a document, and where it is (a path like `paths./movies.get.parameters[0]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocError {
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for DocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.at.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "At {}: {}", self.at, self.message)
        }
    }
}

fn fail<T>(at: &str, message: impl Into<String>) -> Result<T, DocError> {
    Err(DocError {
        at: at.to_string(),
        message: message.into(),
    })
}

/// How many `$ref`s one lookup may follow, and how deep a schema is copied for body checks.
const MAX_HOPS: usize = 32;
const MAX_DEPTH: usize = 16;
/// How many schema nodes one body's schema may copy (a document cannot make this explode).
const MAX_NODES: usize = 20_000;

/// The method a path item's key names: OpenAPI writes them in lower case (`trace` is not sent).
fn method_key(key: &str) -> Option<Method> {
    Method::parse(key).filter(|m| m.as_str().to_ascii_lowercase() == key)
}

/// Reads a document from its text.
pub fn parse(text: &str) -> Result<Api, DocError> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return fail("", "The document is empty.");
    }
    let root: Value = match serde_json::from_str(trimmed) {
        Ok(v) => v,
        Err(_) if !trimmed.starts_with(['{', '[']) => return fail(
            "",
            "This is not JSON. Handshake reads OpenAPI documents written in JSON; for a YAML one, \
                 convert it first (for example `yq -o=json api.yaml > api.json`).",
        ),
        Err(e) => {
            return fail(
                &format!("line {}, column {}", e.line(), e.column()),
                format!("the document is not valid JSON: {e}"),
            )
        }
    };
    read(&root)
}

fn read(root: &Value) -> Result<Api, DocError> {
    let Some(top) = root.as_object() else {
        return fail("", "An OpenAPI document is a JSON object.");
    };
    match top.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.") => {}
        Some(v) => {
            return fail(
                "openapi",
                format!("version {v} is not read; 3.0 and 3.1 are"),
            )
        }
        None if top.contains_key("swagger") => {
            return fail(
                "swagger",
                "Swagger 2.0 is not read: convert it to OpenAPI 3 first",
            )
        }
        None => {
            return fail(
                "openapi",
                "missing: this does not say it is an OpenAPI document",
            )
        }
    }
    let title = top
        .get("info")
        .and_then(|i| i.get("title"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("Imported API")
        .to_string();
    let servers = servers(top.get("servers"), "servers")?;
    let schemes = match top.get("components").and_then(|c| c.get("securitySchemes")) {
        Some(v) => security_schemes(root, v)?,
        None => Vec::new(),
    };
    let paths = match top.get("paths") {
        Some(Value::Object(p)) => p,
        Some(_) => return fail("paths", "must be an object of paths"),
        None => return fail("paths", "missing: the document has no operations"),
    };
    let mut api = Api {
        title,
        servers,
        schemes,
        endpoints: Vec::new(),
        skipped: Vec::new(),
    };
    let root_security = top.get("security");
    for (path, item) in paths {
        let at = format!("paths.{path}");
        if !path.starts_with('/') {
            return fail(&at, "a path starts with /");
        }
        let item = object(resolve(root, item, &at)?, &at)?;
        let shared = item.get("parameters");
        // In the document's order (the first operation is the one a provider opens on).
        for (name, op) in item {
            let Some(method) = method_key(name) else {
                continue;
            };
            let at = format!("{at}.{name}");
            let op = object(resolve(root, op, &at)?, &at)?;
            let endpoint = operation(root, path, method, op, shared, root_security, &at, &mut api)?;
            if api.endpoints.iter().any(|e| e.id == endpoint.id) {
                return fail(
                    &format!("{at}.operationId"),
                    format!("{} is used twice", endpoint.id),
                );
            }
            api.endpoints.push(endpoint);
        }
    }
    if api.endpoints.is_empty() {
        return fail(
            "paths",
            "no operation (get, post, put, patch, delete…) was found",
        );
    }
    Ok(api)
}

fn object<'a>(v: &'a Value, at: &str) -> Result<&'a Map<String, Value>, DocError> {
    v.as_object()
        .map_or_else(|| fail(at, "must be an object"), Ok)
}

fn text<'a>(v: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Follows local `$ref`s (`#/components/…`) to the value they name.
pub fn resolve<'a>(root: &'a Value, mut v: &'a Value, at: &str) -> Result<&'a Value, DocError> {
    for _ in 0..MAX_HOPS {
        let Some(target) = v.get("$ref") else {
            return Ok(v);
        };
        let Some(pointer) = target.as_str().and_then(|r| r.strip_prefix('#')) else {
            return fail(
                at,
                format!(
                    "$ref {} points outside this document; only local references (#/components/…) are read",
                    target
                ),
            );
        };
        v = match root.pointer(pointer) {
            Some(found) => found,
            None => {
                return fail(
                    at,
                    format!("$ref #{pointer} names nothing in this document"),
                )
            }
        };
    }
    fail(at, "$ref goes round in a circle")
}

fn servers(v: Option<&Value>, at: &str) -> Result<Vec<String>, DocError> {
    let Some(v) = v else {
        return Ok(Vec::new());
    };
    let Some(list) = v.as_array() else {
        return fail(at, "must be a list of {\"url\": …}");
    };
    let mut out = Vec::new();
    for (i, s) in list.iter().enumerate() {
        let at = format!("{at}[{i}]");
        let Some(url) = s.get("url").and_then(Value::as_str) else {
            return fail(&at, "a server has a url");
        };
        let mut url = url.to_string();
        if let Some(Value::Object(vars)) = s.get("variables") {
            for (name, var) in vars {
                let value = var.get("default").and_then(Value::as_str).unwrap_or("");
                url = url.replace(&format!("{{{name}}}"), value);
            }
        }
        out.push(url);
    }
    Ok(out)
}

fn security_schemes(root: &Value, v: &Value) -> Result<Vec<(String, Scheme)>, DocError> {
    let at = "components.securitySchemes";
    let mut out = Vec::new();
    for (name, scheme) in object(v, at)? {
        let at = format!("{at}.{name}");
        let s = object(resolve(root, scheme, &at)?, &at)?;
        let scheme = match text(s, "type") {
            Some("oauth2") => oauth2(s, &at)?,
            Some("openIdConnect") => match text(s, "openIdConnectUrl") {
                Some(url) => Scheme::OpenIdConnect { url: url.into() },
                None => return fail(&at, "an openIdConnect scheme has an openIdConnectUrl"),
            },
            Some("apiKey") => match (text(s, "name"), text(s, "in")) {
                (Some(n), Some(l)) => Scheme::ApiKey {
                    name: n.into(),
                    location: l.into(),
                },
                _ => return fail(&at, "an apiKey scheme has a name and an in"),
            },
            Some("http") => Scheme::Http {
                scheme: text(s, "scheme").unwrap_or("bearer").to_ascii_lowercase(),
            },
            Some(other) => {
                return fail(
                    &format!("{at}.type"),
                    format!("{other} is not a scheme type Handshake reads (oauth2, openIdConnect, apiKey, http)"),
                )
            }
            None => return fail(&format!("{at}.type"), "missing"),
        };
        out.push((name.clone(), scheme));
    }
    Ok(out)
}

fn oauth2(s: &Map<String, Value>, at: &str) -> Result<Scheme, DocError> {
    let Some(Value::Object(flows)) = s.get("flows") else {
        return fail(at, "an oauth2 scheme has flows");
    };
    let (mut authorization_url, mut token_url, mut refresh_url, mut device_url) =
        (None, None, None, None);
    let mut scopes: Vec<(String, String)> = Vec::new();
    let mut grants = Vec::new();
    for (flow, spec) in flows {
        let at = format!("{at}.flows.{flow}");
        let spec = object(spec, &at)?;
        let url = |key: &str| -> Result<Option<String>, DocError> {
            match spec.get(key) {
                None => Ok(None),
                Some(Value::String(u)) => Ok(Some(u.clone())),
                Some(_) => fail(&format!("{at}.{key}"), "must be a URL"),
            }
        };
        let grant = match flow.as_str() {
            "authorizationCode" => {
                authorization_url = url("authorizationUrl")?;
                if authorization_url.is_none() {
                    return fail(&at, "an authorizationCode flow has an authorizationUrl");
                }
                "authorization_code"
            }
            "clientCredentials" => "client_credentials",
            "deviceAuthorization" => {
                device_url = url("deviceAuthorizationUrl")?;
                "urn:ietf:params:oauth:grant-type:device_code"
            }
            "implicit" | "password" => continue,
            other => return fail(&at, format!("{other} is not an OAuth 2 flow")),
        };
        grants.push(grant);
        if let Some(t) = url("tokenUrl")? {
            token_url.get_or_insert(t);
        }
        if let Some(r) = url("refreshUrl")? {
            refresh_url.get_or_insert(r);
        }
        match spec.get("scopes") {
            Some(Value::Object(list)) => {
                for (name, meaning) in list {
                    if !scopes.iter().any(|(n, _)| n == name) {
                        scopes.push((name.clone(), meaning.as_str().unwrap_or("").into()));
                    }
                }
            }
            Some(_) => {
                return fail(
                    &format!("{at}.scopes"),
                    "must be an object of name: meaning",
                )
            }
            None => {}
        }
    }
    if grants.is_empty() {
        return fail(
            at,
            "no flow Handshake can run (authorizationCode, clientCredentials or deviceAuthorization)",
        );
    }
    Ok(Scheme::OAuth2 {
        authorization_url,
        token_url,
        refresh_url,
        device_url,
        scopes,
        grants,
    })
}

#[allow(clippy::too_many_arguments)]
fn operation(
    root: &Value,
    path: &str,
    method: Method,
    op: &Map<String, Value>,
    shared: Option<&Value>,
    root_security: Option<&Value>,
    at: &str,
    api: &mut Api,
) -> Result<Endpoint, DocError> {
    let id = text(op, "operationId")
        .map(str::to_string)
        .unwrap_or_else(|| format!("{} {path}", method.as_str()));
    let mut params: Vec<Param> = Vec::new();
    for (list, list_at) in [
        (shared, format!("paths.{path}.parameters")),
        (op.get("parameters"), format!("{at}.parameters")),
    ] {
        let Some(list) = list else { continue };
        let Some(list) = list.as_array() else {
            return fail(&list_at, "must be a list");
        };
        for (i, p) in list.iter().enumerate() {
            let at = format!("{list_at}[{i}]");
            let Some(param) = parameter(root, resolve(root, p, &at)?, &at, api)? else {
                continue;
            };
            params.retain(|q| !(q.name == param.name && q.location == param.location));
            params.push(param);
        }
    }
    for name in placeholders(path) {
        if !params
            .iter()
            .any(|p| p.location == In::Path && p.name == name)
        {
            params.push(Param {
                name: name.to_string(),
                location: In::Path,
                kind: Kind::Text,
                required: true,
                help: String::new(),
                example: String::new(),
            });
        }
    }
    let (body, body_schema) = match op.get("requestBody") {
        Some(b) => request_body(
            root,
            resolve(root, b, &format!("{at}.requestBody"))?,
            &format!("{at}.requestBody"),
        )?,
        None => (None, None),
    };
    if body.is_none() && op.get("requestBody").is_some() {
        api.skipped
            .push(format!("{at}: its body is not JSON, so it is sent empty"));
    }
    let security = op.get("security").or(root_security);
    Ok(Endpoint {
        id,
        group: op
            .get("tags")
            .and_then(|t| t.get(0))
            .and_then(Value::as_str)
            .unwrap_or("Other")
            .to_string(),
        title: text(op, "summary")
            .map(str::to_string)
            .unwrap_or_else(|| format!("{} {path}", method.as_str())),
        method,
        path: path.to_string(),
        params,
        body,
        body_schema,
        scope: scope(security),
        paging: paging(
            op.get("x-handshake-paging"),
            &format!("{at}.x-handshake-paging"),
        )?,
        help: text(op, "description").unwrap_or("").trim().to_string(),
    })
}

fn placeholders(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// The first scope the operation's first security requirement names.
fn scope(security: Option<&Value>) -> Option<String> {
    security?
        .as_array()?
        .iter()
        .filter_map(Value::as_object)
        .flat_map(|req| req.values())
        .filter_map(Value::as_array)
        .flatten()
        .find_map(Value::as_str)
        .map(str::to_string)
}

fn paging(v: Option<&Value>, at: &str) -> Result<Option<Paging>, DocError> {
    let Some(v) = v else { return Ok(None) };
    let word = |key: &str| -> Result<String, DocError> {
        v.get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .map_or_else(|| fail(&format!("{at}.{key}"), "missing"), Ok)
    };
    let size = |key: &str| -> Result<usize, DocError> {
        v.get(key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n > 0)
            .map_or_else(
                || fail(&format!("{at}.{key}"), "must be a whole number above 0"),
                Ok,
            )
    };
    Ok(Some(match v.get("style").and_then(Value::as_str) {
        Some("page") => Paging::Page {
            param: word("param")?,
            size: size("size")?,
        },
        Some("offset") => Paging::Offset {
            offset: word("offset")?,
            limit: word("limit")?,
            size: size("size")?,
        },
        Some("has-more") => Paging::HasMore {
            param: word("param")?,
            flag: word("flag")?,
        },
        Some("envelope") => Paging::Envelope {
            param: word("param")?,
        },
        _ => {
            return fail(
                &format!("{at}.style"),
                "one of page, offset, has-more, envelope",
            )
        }
    }))
}

fn parameter(root: &Value, p: &Value, at: &str, api: &mut Api) -> Result<Option<Param>, DocError> {
    let p = object(p, at)?;
    let Some(name) = text(p, "name").filter(|n| !n.is_empty()) else {
        return fail(at, "a parameter has a name");
    };
    let location = match text(p, "in") {
        Some("path") => In::Path,
        Some("query") => In::Query,
        Some("header") => In::Header,
        Some("cookie") => {
            api.skipped.push(format!("{at}: cookie parameter {name} (a browser page cannot set cookies for another site)"));
            return Ok(None);
        }
        _ => return fail(&format!("{at}.in"), "must be path, query, header or cookie"),
    };
    let schema = match p.get("schema") {
        Some(s) => resolve(root, s, &format!("{at}.schema"))?,
        None => &Value::Null,
    };
    let example = p
        .get("example")
        .or_else(|| schema.get("example"))
        .or_else(|| {
            p.get("examples")
                .and_then(Value::as_object)
                .and_then(|e| e.values().next())
                .and_then(|e| e.get("value"))
        })
        .or_else(|| schema.get("default"))
        .or_else(|| schema.get("enum").and_then(|e| e.get(0)))
        .map(scalar)
        .unwrap_or_default();
    Ok(Some(Param {
        name: name.to_string(),
        location,
        kind: kind(schema),
        required: location == In::Path || p.get("required") == Some(&Value::Bool(true)),
        help: text(p, "description").unwrap_or("").trim().to_string(),
        example,
    }))
}

/// A parameter value as typed in a field.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The first of a schema's types (3.1 lists them; `null` aside).
fn first_type(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(t) => Some(t),
        Value::Array(list) => list.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

fn kind(schema: &Value) -> Kind {
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        let words: Vec<String> = options.iter().map(scalar).collect();
        if !words.is_empty() {
            return Kind::Choice(words);
        }
    }
    match first_type(schema) {
        Some("integer") => Kind::Integer {
            min: schema.get("minimum").and_then(Value::as_i64),
        },
        Some("number") => Kind::Number,
        Some("boolean") => Kind::Choice(vec!["true".into(), "false".into()]),
        Some("string") if schema.get("format").and_then(Value::as_str) == Some("date-time") => {
            Kind::DateTime
        }
        _ => Kind::Text,
    }
}

type Body = (Option<String>, Option<Value>);

fn request_body(root: &Value, b: &Value, at: &str) -> Result<Body, DocError> {
    let Some(content) = b.get("content").and_then(Value::as_object) else {
        return fail(at, "a request body has content");
    };
    let Some((media_type, media)) = content
        .iter()
        .find(|(t, _)| t.starts_with("application/json"))
        .or_else(|| content.iter().find(|(t, _)| t.ends_with("+json")))
    else {
        return Ok((None, None));
    };
    let at = format!("{at}.content.{media_type}");
    let media = object(media, &at)?;
    let mut budget = MAX_NODES;
    let schema = match media.get("schema") {
        Some(s) => Some(inline(root, s, 0, &mut budget, &format!("{at}.schema"))?),
        None => None,
    };
    let example = media
        .get("example")
        .cloned()
        .or_else(|| {
            media
                .get("examples")
                .and_then(Value::as_object)
                .and_then(|e| e.values().next())
                .and_then(|e| resolve(root, e, &at).ok())
                .and_then(|e| e.get("value"))
                .cloned()
        })
        .or_else(|| schema.as_ref().map(|s| example_of(s, 0)))
        .unwrap_or_else(|| Value::Object(Map::new()));
    let text = serde_json::to_string_pretty(&example).unwrap_or_default();
    Ok((Some(text), schema))
}

/// A copy of `schema` with its `$ref`s replaced by what they name (cut off below MAX_DEPTH, so
/// a recursive schema ends in "anything").
fn inline(
    root: &Value,
    schema: &Value,
    depth: usize,
    budget: &mut usize,
    at: &str,
) -> Result<Value, DocError> {
    if depth > MAX_DEPTH || *budget == 0 {
        return Ok(Value::Object(Map::new()));
    }
    *budget -= 1;
    let schema = resolve(root, schema, at)?;
    let Some(map) = schema.as_object() else {
        return Ok(schema.clone());
    };
    let mut out = Map::new();
    for (key, value) in map {
        let copied = match key.as_str() {
            "properties" | "patternProperties" | "$defs" | "definitions" => match value {
                Value::Object(props) => {
                    let mut each = Map::new();
                    for (name, sub) in props {
                        each.insert(name.clone(), inline(root, sub, depth + 1, budget, at)?);
                    }
                    Value::Object(each)
                }
                other => other.clone(),
            },
            "items" | "additionalProperties" | "not" => match value {
                Value::Object(_) => inline(root, value, depth + 1, budget, at)?,
                other => other.clone(),
            },
            "allOf" | "anyOf" | "oneOf" => match value {
                Value::Array(list) => Value::Array(
                    list.iter()
                        .map(|sub| inline(root, sub, depth + 1, budget, at))
                        .collect::<Result<_, _>>()?,
                ),
                other => other.clone(),
            },
            _ => value.clone(),
        };
        out.insert(key.clone(), copied);
    }
    Ok(Value::Object(out))
}

/// An example value made from a schema: its own example or default, else the first option,
/// else a placeholder of the right type; objects get their required properties (all of them
/// when none is required).
pub fn example_of(schema: &Value, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(v) = schema.get("example").or_else(|| schema.get("default")) {
        return v.clone();
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(m) = example_of(part, depth + 1) {
                merged.extend(m);
            }
        }
        if let Value::Object(own) = example_of(&without(schema, "allOf"), depth + 1) {
            merged.extend(own);
        }
        return Value::Object(merged);
    }
    if let Some(first) = ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(|l| l.get(0)))
    {
        return example_of(first, depth + 1);
    }
    let object_like = schema.get("properties").is_some();
    match first_type(schema).or(object_like.then_some("object")) {
        Some("object") => {
            let props = schema.get("properties").and_then(Value::as_object);
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut out = Map::new();
            for (name, sub) in props.into_iter().flatten() {
                if required.is_empty() || required.contains(&name.as_str()) {
                    out.insert(name.clone(), example_of(sub, depth + 1));
                }
            }
            Value::Object(out)
        }
        Some("array") => {
            let item = schema
                .get("items")
                .map(|i| example_of(i, depth + 1))
                .unwrap_or(Value::Null);
            Value::Array(vec![item])
        }
        Some("integer") => schema
            .get("minimum")
            .cloned()
            .unwrap_or_else(|| Value::from(0)),
        Some("number") => schema
            .get("minimum")
            .cloned()
            .unwrap_or_else(|| Value::from(0.0)),
        Some("boolean") => Value::Bool(false),
        Some("string") => Value::String(
            match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => "2026-01-01T00:00:00Z",
                Some("date") => "2026-01-01",
                Some("email") => "user@example.com",
                Some("uri") | Some("url") => "https://example.com/",
                Some("uuid") => "00000000-0000-4000-8000-000000000000",
                _ => "string",
            }
            .into(),
        ),
        _ => Value::Null,
    }
}

fn without(schema: &Value, key: &str) -> Value {
    let mut copy = schema.clone();
    if let Some(m) = copy.as_object_mut() {
        m.remove(key);
    }
    copy
}

/// What is wrong with `value` for `schema` (required properties, types, options, bounds), each
/// with the JSON path of the problem; at most `limit` problems.
pub fn check(schema: &Value, value: &Value, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    check_at(schema, value, "$", limit, &mut out);
    out
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "a whole number",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn fits(ty: &str, v: &Value) -> bool {
    match ty {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "number" => v.is_number(),
        "integer" => v.as_f64().is_some_and(|n| n.fract() == 0.0),
        _ => true,
    }
}

fn check_at(schema: &Value, value: &Value, path: &str, limit: usize, out: &mut Vec<String>) {
    if out.len() >= limit || !schema.is_object() {
        return;
    }
    check_own(schema, value, path, limit, out);
    // Then what the parts of an allOf say (a required list beside it reads first).
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        for part in parts {
            check_at(part, value, path, limit, out);
        }
    }
}

fn check_own(schema: &Value, value: &Value, path: &str, limit: usize, out: &mut Vec<String>) {
    let mut say = |message: String| {
        if out.len() < limit {
            out.push(format!("{path}: {message}"));
        }
    };
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(l)) => l.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let fitting =
        types.is_empty() || (value.is_null() && nullable) || types.iter().any(|t| fits(t, value));
    if !fitting {
        let wanted: Vec<&str> = types
            .iter()
            .map(|t| match *t {
                "object" => "an object",
                "array" => "a list",
                "string" => "a string",
                "boolean" => "true or false",
                "integer" => "a whole number",
                "number" => "a number",
                "null" => "null",
                other => other,
            })
            .collect();
        say(format!(
            "must be {}, not {}",
            wanted.join(" or "),
            type_name(value)
        ));
        return;
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            let words: Vec<String> = options.iter().map(Value::to_string).collect();
            say(format!("must be one of {}", words.join(", ")));
        }
    }
    match value {
        Value::Object(map) => {
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !map.contains_key(name) {
                    say(format!("{name} is required"));
                }
            }
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (name, sub) in props {
                    if let Some(v) = map.get(name) {
                        check_at(sub, v, &format!("{path}.{name}"), limit, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
                if (items.len() as u64) < min {
                    say(format!("needs at least {min} item(s)"));
                }
            }
            if let Some(sub) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    check_at(sub, v, &format!("{path}[{i}]"), limit, out);
                }
            }
        }
        Value::String(s) => {
            let len = s.chars().count() as u64;
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
                if len < min {
                    say(format!("needs at least {min} character(s)"));
                }
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                if len > max {
                    say(format!("may have at most {max} characters"));
                }
            }
        }
        Value::Number(n) => {
            let n = n.as_f64().unwrap_or_default();
            if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
                if n < min {
                    say(format!("must be at least {min}"));
                }
            }
            if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
                if n > max {
                    say(format!("must be at most {max}"));
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::import::propose;
    use crate::catalog::{build, Draft};
    use crate::providers::Flow;
    use serde_json::json;

    fn fixture() -> String {
        let path = format!(
            "{}/tests/e2e/fixtures/sandbox-maps.openapi.json",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(path).unwrap()
    }

    fn with(mut doc: Value, pointer: &str, value: Value) -> String {
        *doc.pointer_mut(pointer).unwrap() = value;
        doc.to_string()
    }

    #[test]
    fn a_hand_made_3_1_document_is_read_through_its_refs() {
        let api = parse(&fixture()).unwrap();
        assert_eq!(api.title, "Maps of the Sandbox");
        assert_eq!(api.servers, ["http://127.0.0.1:8090/metamaps/api/v2"]);
        let ids: Vec<&str> = api.endpoints.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["whoAmI", "listMaps", "createMap", "getMap"]);
        let get = &api.endpoints[3];
        assert_eq!(get.params[0].name, "id", "a path-level $ref parameter");
        assert_eq!(get.params[0].kind, Kind::Integer { min: Some(1) });
        let list = &api.endpoints[1];
        assert_eq!(list.params[0].example, "1", "the schema's default");
        assert_eq!(list.params[1].example, "5");
        let create = &api.endpoints[2];
        let body: Value = serde_json::from_str(create.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({"name": "Imported map", "desc": "Made from an imported description", "permission": "commons"}),
            "an example made from the schema, through allOf and $refs"
        );
        let schema = create.body_schema.as_ref().unwrap();
        assert!(check(schema, &body, 8).is_empty());
        assert_eq!(
            check(
                schema,
                &json!({"name": "", "permission": "secret", "desc": 3}),
                8
            ),
            [
                "$.name: needs at least 1 character(s)",
                "$.desc: must be a string or null, not a whole number",
                "$.permission: must be one of \"commons\", \"public\", \"private\"",
            ]
        );
        assert_eq!(
            check(schema, &json!({"desc": null}), 8),
            ["$: name is required", "$: permission is required"]
        );
        let mut draft = Draft::for_endpoint(create);
        draft.body = r#"{"desc": "no name"}"#.into();
        let problems = build(create, &draft, "http://h", "authorization").unwrap_err();
        assert!(
            problems[0].message.contains("$: name is required"),
            "{problems:?}"
        );
    }

    #[test]
    fn its_oauth2_scheme_and_server_become_a_provider() {
        let api = parse(&fixture()).unwrap();
        let proposal = propose(&api, None);
        let d = &proposal.draft;
        assert_eq!(d.flow, Flow::AuthorizationCode);
        assert_eq!(
            d.authorize_url,
            "http://127.0.0.1:8090/metamaps/oauth/authorize"
        );
        assert_eq!(d.token_url, "http://127.0.0.1:8090/metamaps/oauth/token");
        assert_eq!(d.api_base, "http://127.0.0.1:8090/metamaps/api/v2");
        assert_eq!(d.grant_types, "authorization_code refresh_token");
        assert!(d.openapi);
        let p = d.to_provider().unwrap();
        assert_eq!(p.catalog, Some(crate::providers::CatalogId::Imported));
        assert!(
            crate::providers::custom::import_json(&crate::providers::custom::export_json(&p))
                .unwrap()
                .catalog
                .is_some(),
            "the export remembers that the provider reads a document"
        );
    }

    #[test]
    fn other_schemes_become_keys_discovery_or_client_credentials() {
        let doc: Value = serde_json::from_str(&fixture()).unwrap();
        let scheme = "/components/securitySchemes/doorkeeper";
        let read = |v: Value| {
            propose(
                &parse(&with(doc.clone(), scheme, v)).unwrap(),
                Some("https://api.example.com/docs/openapi.json"),
            )
        };
        let key = read(json!({"type": "apiKey", "in": "header", "name": "X-Key"}));
        assert_eq!(
            (key.draft.flow, key.draft.auth_header.as_str()),
            (Flow::ApiKey, "X-Key")
        );
        let oidc = read(
            json!({"type": "openIdConnect", "openIdConnectUrl": "https://id.example.com/realms/a/.well-known/openid-configuration"}),
        );
        assert_eq!(
            oidc.discover.as_deref(),
            Some("https://id.example.com/realms/a")
        );
        let machine = read(
            json!({"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://id.example.com/token", "scopes": {"read": "Read"}}}}),
        );
        assert_eq!(machine.draft.grant_types, "client_credentials");
        assert_eq!(machine.draft.scopes, "read");
        // A relative server is made absolute against the document's own address.
        let relative = with(doc.clone(), "/servers", json!([{"url": "/v2"}]));
        let p = propose(
            &parse(&relative).unwrap(),
            Some("https://api.example.com/docs/openapi.json"),
        );
        assert_eq!(p.draft.api_base, "https://api.example.com/v2");
        let p = propose(&parse(&relative).unwrap(), None);
        assert_eq!(p.draft.api_base, "");
        assert!(p.notes[0].contains("type the API base"), "{:?}", p.notes);
    }

    #[test]
    fn a_bad_document_is_refused_with_the_place_of_the_problem() {
        let doc: Value = serde_json::from_str(&fixture()).unwrap();
        let cases = [
            (with(doc.clone(), "/paths/~1maps/get/parameters/0", json!({"$ref": "#/components/parameters/Nope"})),
             "At paths./maps.get.parameters[0]: $ref #/components/parameters/Nope names nothing in this document"),
            (with(doc.clone(), "/paths/~1maps/get/parameters/1", json!({"name": "x", "in": "body"})),
             "At paths./maps.get.parameters[1].in: must be path, query, header or cookie"),
            (with(doc.clone(), "/components/parameters/Page", json!({"$ref": "#/components/parameters/Page"})),
             "At paths./maps.get.parameters[0]: $ref goes round in a circle"),
            (with(doc.clone(), "/paths/~1maps/post/requestBody", json!({"$ref": "other.json#/x"})),
             "At paths./maps.post.requestBody: $ref \"other.json#/x\" points outside this document; only local references (#/components/…) are read"),
            (with(doc.clone(), "/openapi", json!("2.0")), "At openapi: version 2.0 is not read; 3.0 and 3.1 are"),
            (with(doc.clone(), "/paths", json!({})), "At paths: no operation (get, post, put, patch, delete…) was found"),
            (with(doc.clone(), "/components/securitySchemes/doorkeeper/flows", json!({"implicit": {"authorizationUrl": "x", "scopes": {}}})),
             "At components.securitySchemes.doorkeeper: no flow Handshake can run (authorizationCode, clientCredentials or deviceAuthorization)"),
            ("{\"openapi\": \"3.1.0\",\n \"paths\": {,}}".to_string(), "At line 2, column 12: the document is not valid JSON: key must be a string at line 2 column 12"),
            ("openapi: 3.1.0\npaths: {}".to_string(), "This is not JSON. Handshake reads OpenAPI documents written in JSON; for a YAML one, convert it first (for example `yq -o=json api.yaml > api.json`)."),
        ];
        for (text, said) in cases {
            assert_eq!(parse(&text).unwrap_err().to_string(), said);
        }
    }

    #[test]
    fn a_recursive_schema_is_cut_off_not_followed_forever() {
        let doc: Value = serde_json::from_str(&fixture()).unwrap();
        let tree = json!({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/components/schemas/MapFields"}}}});
        let text = with(doc, "/components/schemas/MapFields", tree);
        let api = parse(&text).unwrap();
        let create = api.endpoints.iter().find(|e| e.id == "createMap").unwrap();
        let schema = create.body_schema.as_ref().unwrap();
        assert!(check(
            schema,
            &json!({"name": "a", "permission": "x", "children": [{"children": [{}]}]}),
            8
        )
        .contains(&"$.children[0].children[0]: name is required".to_string()));
        assert!(schema.to_string().len() < 200_000);
    }
}
