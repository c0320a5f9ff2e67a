// The explorer's endpoints, read from OpenAPI documents (the built-in ones ship next to
// index.html and are fetched when a provider that uses them is selected), and the pure steps of
// the request builder: validate a draft, build the URL, page through answers.

pub mod import;
pub mod openapi;

use crate::providers::CatalogId;
use crate::types::Scope;
use crate::url::HttpUrl;
use crate::wire::{is_header_name, is_header_value, HttpRequest, Method};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum In {
    Path,
    Query,
    Header,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A whole number, of at least `min` when the document says so.
    Integer {
        min: Option<i64>,
    },
    Number,
    /// RFC 3339, e.g. 2023-04-13T17:04:47Z.
    DateTime,
    Choice(Vec<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub location: In,
    pub kind: Kind,
    pub required: bool,
    pub help: String,
    pub example: String,
}

/// How a list endpoint pages (the course shows all three styles on purpose); a document says
/// it with `x-handshake-paging`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Paging {
    /// `param` = 1, 2, …; the answer is an array; a short or empty page is the last.
    Page { param: String, size: usize },
    /// `offset` advances by `limit`.
    Offset {
        offset: String,
        limit: String,
        size: usize,
    },
    /// `param` = 1, 2, … while the answer's boolean `flag` says there is more.
    HasMore { param: String, flag: String },
    /// Metamaps: `page` follows the answer's `page.next_page` (0 = none).
    Envelope { param: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub id: String,
    pub group: String,
    pub title: String,
    pub method: Method,
    /// Below the provider's API base, with `{name}` for path parameters.
    pub path: String,
    pub params: Vec<Param>,
    /// A valid example body (JSON) for methods that send one.
    pub body: Option<String>,
    /// The body's schema, its `$ref`s resolved, checked before sending.
    pub body_schema: Option<serde_json::Value>,
    /// The scope the call needs, when the provider has scopes.
    pub scope: Option<String>,
    pub paging: Option<Paging>,
    pub help: String,
}

impl CatalogId {
    /// The built-in document's path below the app's base URL (`None` for an imported one,
    /// which is kept in this browser).
    pub fn document(self) -> Option<&'static str> {
        match self {
            CatalogId::AcademyV1 => Some("openapi/academy-v1.json"),
            CatalogId::AcademyV2 => Some("openapi/academy-v2.json"),
            CatalogId::Metamaps => Some("openapi/metamaps.json"),
            CatalogId::Php => Some("openapi/php.json"),
            CatalogId::Imported => None,
        }
    }
}

/// The endpoints of a document's text, or the problem said with its place.
pub fn endpoints(text: &str) -> Result<Vec<Endpoint>, String> {
    openapi::parse(text)
        .map(|api| api.endpoints)
        .map_err(|e| e.to_string())
}

/// A built-in catalog read from `public/` (tests only: the app fetches it).
#[cfg(test)]
pub fn builtin(id: CatalogId) -> Vec<Endpoint> {
    let path = format!(
        "{}/public/{}",
        env!("CARGO_MANIFEST_DIR"),
        id.document().expect("built in")
    );
    endpoints(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// What a draft describes: an endpoint of the catalog, or a free-form request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Endpoint(String),
    #[default]
    Custom,
}

/// What the user has typed for one request; kept in sessionStorage so it survives a
/// re-authorization round trip.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub target: Target,
    pub values: BTreeMap<String, String>,
    pub body: String,
    /// For custom requests: method, full URL and extra headers (`Name: value` per line).
    pub method: Method,
    pub url: String,
    pub headers: String,
}

impl Draft {
    /// A fresh draft for `endpoint`, pre-filled with its example body (as written, field order
    /// kept) and the examples of its required parameters.
    pub fn for_endpoint(endpoint: &Endpoint) -> Draft {
        let values = endpoint
            .params
            .iter()
            .filter(|p| p.required && !p.example.is_empty())
            .map(|p| (p.name.clone(), p.example.clone()))
            .collect();
        Draft {
            target: Target::Endpoint(endpoint.id.clone()),
            values,
            body: endpoint.body.clone().unwrap_or_default(),
            method: endpoint.method,
            url: String::new(),
            headers: String::new(),
        }
    }

    pub fn custom(api_base: &str) -> Draft {
        Draft {
            target: Target::Custom,
            method: Method::Get,
            url: format!("{}/", api_base.trim_end_matches('/')),
            ..Draft::default()
        }
    }

    /// The catalog endpoint this draft is for, if it is for one.
    pub fn endpoint_id(&self) -> Option<&str> {
        match &self.target {
            Target::Endpoint(id) => Some(id),
            Target::Custom => None,
        }
    }

    pub fn is_custom(&self) -> bool {
        self.target == Target::Custom
    }
}

/// A problem with one field of the draft, said so a person can fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

fn problem(field: &str, message: impl Into<String>) -> Problem {
    Problem {
        field: field.to_string(),
        message: message.into(),
    }
}

/// Characters kept as they are in a path segment (RFC 3986 unreserved); all else is escaped.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Fills `{name}` placeholders with percent-encoded values (a value can never add a segment).
pub fn fill_path(path: &str, values: &BTreeMap<String, String>) -> Result<String, Vec<Problem>> {
    let mut out = String::new();
    let mut problems = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        match values.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            Some(v) if v == "." || v == ".." => problems.push(problem(name, "cannot be . or ..")),
            Some(v) => out.push_str(&percent_encoding::utf8_percent_encode(v, SEGMENT).to_string()),
            None => problems.push(problem(name, "required: it is part of the path")),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn check_value(param: &Param, value: &str) -> Option<String> {
    match &param.kind {
        Kind::Text => None,
        Kind::Integer { min } => match (value.parse::<i64>(), min) {
            (Ok(n), Some(min)) if n < *min => {
                Some(format!("must be a whole number of at least {min}"))
            }
            (Ok(_), _) => None,
            (Err(_), Some(min)) => Some(format!("must be a whole number of at least {min}")),
            (Err(_), None) => Some("must be a whole number".into()),
        },
        Kind::Number => value
            .parse::<f64>()
            .is_err()
            .then(|| "must be a number".into()),
        Kind::DateTime => {
            let ok = value.len() >= 20
                && value.as_bytes().get(4) == Some(&b'-')
                && value.as_bytes().get(10) == Some(&b'T')
                && (value.ends_with('Z')
                    || value
                        .get(19..)
                        .is_some_and(|zone| zone.contains(['+', '-'])));
            (!ok).then(|| "must look like 2023-04-13T17:04:47Z".to_string())
        }
        Kind::Choice(options) => (!options.iter().any(|o| o == value))
            .then(|| format!("must be one of {}", options.join(", "))),
    }
}

/// Where a JSON syntax error is, in words and as (line, column).
pub fn json_problem(body: &str) -> Option<(usize, usize, String)> {
    serde_json::from_str::<serde_json::Value>(body)
        .err()
        .map(|e| (e.line(), e.column(), syntax_message(&e)))
}

fn syntax_message(e: &serde_json::Error) -> String {
    format!(
        "The body is not valid JSON: line {}, column {}: {e}",
        e.line(),
        e.column()
    )
}

/// Builds the request for a catalog endpoint (credentials are attached later, by the client,
/// in `credential_header`, which a header parameter may not set).
pub fn build(
    endpoint: &Endpoint,
    draft: &Draft,
    api_base: &str,
    credential_header: &str,
) -> Result<HttpRequest, Vec<Problem>> {
    let mut problems = Vec::new();
    let path = match fill_path(&endpoint.path, &draft.values) {
        Ok(p) => p,
        Err(mut list) => {
            problems.append(&mut list);
            String::new()
        }
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    let mut has_query = false;
    let mut headers = Vec::new();
    for param in &endpoint.params {
        let value = draft
            .values
            .get(&param.name)
            .map(|v| v.trim())
            .unwrap_or("");
        if value.is_empty() {
            if param.required && param.location != In::Path {
                problems.push(problem(&param.name, "required"));
            }
            continue;
        }
        if let Some(why) = check_value(param, value) {
            problems.push(problem(&param.name, why));
            continue;
        }
        match param.location {
            In::Query => {
                query.append_pair(&param.name, value);
                has_query = true;
            }
            In::Header if reserved_header(&param.name, credential_header) => {
                problems.push(problem(
                    &param.name,
                    "this header is set by Handshake or the browser",
                ))
            }
            In::Header if is_header_name(&param.name) && is_header_value(value) => {
                headers.push((param.name.as_str(), value));
            }
            In::Header => problems.push(problem(&param.name, "cannot be sent as a header")),
            In::Path => {}
        }
    }
    let sends_body = endpoint.method.sends_body();
    if sends_body && !draft.body.trim().is_empty() {
        match serde_json::from_str::<serde_json::Value>(&draft.body) {
            Err(e) => problems.push(problem("body", syntax_message(&e))),
            Ok(value) => {
                let found = endpoint
                    .body_schema
                    .as_ref()
                    .map(|schema| openapi::check(schema, &value, 8))
                    .unwrap_or_default();
                if !found.is_empty() {
                    problems.push(problem(
                        "body",
                        format!("Against the API's schema: {}.", found.join("; ")),
                    ));
                }
            }
        }
    } else if sends_body && endpoint.body.is_some() {
        problems.push(problem("body", "this call needs a JSON body"));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut url = format!("{}{}", api_base.trim_end_matches('/'), path);
    if has_query {
        url.push('?');
        url.push_str(&query.finish());
    }
    let mut req = HttpRequest::new(endpoint.method, url).header("Accept", "application/json");
    for (name, value) in headers {
        req = req.header(name, value);
    }
    if sends_body && !draft.body.trim().is_empty() {
        req = req.body("application/json", draft.body.clone());
    }
    Ok(req)
}

/// Headers a custom request may not set: the client attaches credentials itself, and the
/// browser owns the rest.
/// Headers a custom request may not set: the ones that carry this session's credential (or
/// cookies), and those the browser owns. Other credential-looking headers the user may add
/// (they are masked in the log all the same).
fn reserved_header(name: &str, credential_header: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == credential_header.to_ascii_lowercase()
        || matches!(
            n.as_str(),
            "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
        )
        || matches!(n.as_str(), "host" | "origin" | "referer" | "content-length")
        || n.starts_with("sec-")
        || n.starts_with("proxy-")
}

/// Whether a custom request with this method sends its body (DELETE may; GET, HEAD and
/// OPTIONS cannot in a browser).
pub fn carries_body(method: Method) -> bool {
    method.sends_body() || method == Method::Delete
}

/// Builds a free-form request: any method, a URL under the API base, headers, a body.
pub fn build_custom(
    draft: &Draft,
    api_base: &str,
    credential_header: &str,
) -> Result<HttpRequest, Vec<Problem>> {
    let mut problems = Vec::new();
    let base = HttpUrl::parse(api_base).ok();
    // The URL as the browser will send it (its own percent-encoding), so what is shown is sent.
    let url = match HttpUrl::parse(&draft.url) {
        Ok(url) if base.as_ref().is_some_and(|b| url.is_under(b)) => url.to_string(),
        Ok(_) => {
            problems.push(problem(
                "url",
                format!("must be under the provider's API base, {api_base}"),
            ));
            String::new()
        }
        Err(e) => {
            problems.push(problem("url", e.to_string()));
            String::new()
        }
    };
    let mut headers = Vec::new();
    for (i, line) in draft
        .headers
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        match line.split_once(':') {
            Some((name, value)) if is_header_name(name.trim()) && is_header_value(value) => {
                if reserved_header(name.trim(), credential_header) {
                    problems.push(problem(
                        "headers",
                        format!(
                            "line {}: {} is set by Handshake or the browser",
                            i + 1,
                            name.trim()
                        ),
                    ));
                } else {
                    headers.push((name.trim().to_string(), value.trim().to_string()));
                }
            }
            _ => problems.push(problem(
                "headers",
                format!("line {}: write headers as Name: value", i + 1),
            )),
        }
    }
    // The method decides whether the body goes: GET, HEAD and OPTIONS never carry one (the
    // draft keeps it for when the method changes back).
    let body = if carries_body(draft.method) {
        draft.body.trim()
    } else {
        ""
    };
    let content_type = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone());
    if !body.is_empty() && content_type.as_deref().is_none_or(|t| t.contains("json")) {
        if let Some((_, _, message)) = json_problem(body) {
            problems.push(problem("body", message));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut req = HttpRequest::new(draft.method, url);
    for (n, v) in headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("content-type"))
    {
        req = req.header(n, v);
    }
    if !body.is_empty() {
        req = req.body(
            content_type.as_deref().unwrap_or("application/json"),
            draft.body.clone(),
        );
    }
    Ok(req)
}

/// A paging parameter's whole number, or `default` when it is empty or not a number.
fn page_number(values: &BTreeMap<String, String>, name: &str, default: i64) -> i64 {
    values
        .get(name)
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(default)
}

/// The values for the next page after `answer`, or `None` when this was the last.
pub fn next_page(
    paging: &Paging,
    values: &BTreeMap<String, String>,
    answer: &serde_json::Value,
) -> Option<BTreeMap<String, String>> {
    let number = |name: &str, default: i64| page_number(values, name, default);
    let mut next = values.clone();
    match paging {
        Paging::Page { param, size } => {
            let len = answer.as_array()?.len();
            if len < *size {
                return None;
            }
            next.insert(param.clone(), (number(param, 1) + 1).to_string());
        }
        Paging::Offset {
            offset,
            limit,
            size,
        } => {
            let len = answer.as_array()?.len();
            let step = number(limit, *size as i64).max(1);
            if (len as i64) < step {
                return None;
            }
            next.insert(offset.clone(), (number(offset, 0) + step).to_string());
        }
        Paging::HasMore { param, flag } => {
            if answer.get(flag)?.as_bool() != Some(true) {
                return None;
            }
            next.insert(param.clone(), (number(param, 1) + 1).to_string());
        }
        Paging::Envelope { param } => {
            let n = answer.get("page")?.get("next_page")?.as_i64()?;
            if n <= 0 {
                return None;
            }
            next.insert(param.clone(), n.to_string());
        }
    }
    Some(next)
}

/// The values for the previous page, or `None` on the first.
pub fn previous_page(
    paging: &Paging,
    values: &BTreeMap<String, String>,
) -> Option<BTreeMap<String, String>> {
    let number = |name: &str, default: i64| page_number(values, name, default);
    let mut prev = values.clone();
    match paging {
        Paging::Page { param, .. } | Paging::HasMore { param, .. } | Paging::Envelope { param } => {
            let page = number(param, 1);
            if page <= 1 {
                return None;
            }
            prev.insert(param.clone(), (page - 1).to_string());
        }
        Paging::Offset {
            offset,
            limit,
            size,
        } => {
            let at = number(offset, 0);
            if at <= 0 {
                return None;
            }
            prev.insert(
                offset.clone(),
                (at - number(limit, *size as i64)).max(0).to_string(),
            );
        }
    }
    Some(prev)
}

/// The scope a call needs but the session lacks, if any, and the fix in words.
pub fn missing_scope(needed: Option<&str>, granted: &[Scope]) -> Option<String> {
    let needed = needed?;
    if granted.iter().any(|g| g == needed) {
        return None;
    }
    let names: Vec<&str> = granted.iter().map(Scope::as_str).collect();
    Some(format!(
        "This call needs the {needed} scope, and this token has {}. The provider will answer 403. \
         Tick {needed} under Scopes and authorize again.",
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    ))
}

/// For custom requests: the scope of the catalog's endpoint with this method whose path
/// matches (literal segments before `{placeholders}`), if the catalog names one.
pub fn scope_for_call(
    endpoints: &[Endpoint],
    method: Method,
    path_below_base: &str,
) -> Option<String> {
    let asked: Vec<&str> = path_below_base.trim_end_matches('/').split('/').collect();
    endpoints
        .iter()
        .filter(|e| e.method == method)
        .filter_map(|e| {
            let template: Vec<&str> = e.path.trim_end_matches('/').split('/').collect();
            if template.len() != asked.len() {
                return None;
            }
            let mut literal = 0;
            for (t, a) in template.iter().zip(&asked) {
                if t.starts_with('{') && t.ends_with('}') && !a.is_empty() {
                    continue;
                }
                if t != a {
                    return None;
                }
                literal += 1;
            }
            Some((literal, e))
        })
        .max_by_key(|(literal, _)| *literal)
        .and_then(|(_, e)| e.scope.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn endpoint(id: &str) -> Endpoint {
        builtin(CatalogId::AcademyV2)
            .into_iter()
            .find(|e| e.id == id)
            .unwrap()
    }

    #[test]
    fn a_date_with_a_multi_byte_character_is_refused_not_a_crash() {
        let since = Param {
            name: "since".into(),
            location: In::Query,
            kind: Kind::DateTime,
            required: false,
            help: String::new(),
            example: String::new(),
        };
        for value in [
            "2023-04-13T17:04:4é+01:00",
            "2023-04-13T17:04:47ééé",
            "ü".repeat(12).as_str(),
        ] {
            assert!(check_value(&since, value).is_some(), "{value}");
        }
        assert_eq!(check_value(&since, "2023-04-13T17:04:47+01:00"), None);
    }

    #[test]
    fn path_values_are_escaped_and_cannot_add_segments() {
        assert_eq!(
            fill_path("/movies/{id}", &values(&[("id", "0c841ade9610")])).unwrap(),
            "/movies/0c841ade9610"
        );
        assert_eq!(
            fill_path("/movies/{id}", &values(&[("id", "a/../b?x#y")])).unwrap(),
            "/movies/a%2F..%2Fb%3Fx%23y"
        );
        assert_eq!(
            fill_path("/x/{id}", &values(&[("id", "é %")])).unwrap(),
            "/x/%C3%A9%20%25"
        );
        assert_eq!(
            fill_path("/x/{id}", &values(&[("id", "..")])).unwrap_err()[0].message,
            "cannot be . or .."
        );
        assert_eq!(
            fill_path("/x/{id}", &values(&[])).unwrap_err()[0].field,
            "id"
        );
    }

    #[test]
    fn build_puts_query_and_body_where_they_belong() {
        let mut d = Draft::for_endpoint(&endpoint("movies.list"));
        d.values.insert("page".into(), "2".into());
        d.values.insert("orderBy".into(), "name".into());
        let req = build(
            &endpoint("movies.list"),
            &d,
            "http://h/api/v2",
            "authorization",
        )
        .unwrap();
        assert_eq!(req.url, "http://h/api/v2/movies?page=2&orderBy=name");
        assert_eq!(req.body, None);
        let create = Draft::for_endpoint(&endpoint("movies.create"));
        let req = build(
            &endpoint("movies.create"),
            &create,
            "http://h/api/v2/",
            "authorization",
        )
        .unwrap();
        assert_eq!(
            (req.method.as_str(), req.url.as_str()),
            ("POST", "http://h/api/v2/movies")
        );
        assert_eq!(req.header_value("content-type"), Some("application/json"));
    }

    #[test]
    fn a_header_parameter_is_sent_unless_it_would_carry_a_credential() {
        let mut e = endpoint("about");
        let header = |name: &str| Param {
            name: name.into(),
            location: In::Header,
            kind: Kind::Text,
            required: false,
            help: String::new(),
            example: String::new(),
        };
        e.params = vec![header("X-Trace")];
        let mut d = Draft::for_endpoint(&e);
        d.values.insert("X-Trace".into(), "t1".into());
        let req = build(&e, &d, "http://h", "x-api-key").unwrap();
        assert_eq!(req.header_value("x-trace"), Some("t1"));
        for name in ["X-Api-Key", "Authorization", "Cookie", "Host"] {
            e.params = vec![header(name)];
            let mut d = Draft::for_endpoint(&e);
            d.values.insert(name.into(), "mine".into());
            let refused = build(&e, &d, "http://h", "x-api-key").unwrap_err();
            assert_eq!(refused[0].field, name);
        }
    }

    #[test]
    fn build_reports_every_problem_with_its_field() {
        let mut d = Draft::for_endpoint(&endpoint("movies.list"));
        d.values.insert("page".into(), "0".into());
        d.values.insert("order".into(), "sideways".into());
        d.values.insert("since".into(), "yesterday".into());
        let fields: Vec<String> = build(&endpoint("movies.list"), &d, "http://h", "authorization")
            .unwrap_err()
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["page", "since", "order"]);
        let mut d = Draft::for_endpoint(&endpoint("movies.create"));
        d.body = "{\n  \"name\": \"x\",\n  oops\n}".into();
        let e = build(&endpoint("movies.create"), &d, "http://h", "authorization").unwrap_err();
        assert_eq!(e[0].field, "body");
        assert!(
            e[0].message.contains("line 3, column 3"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn custom_requests_stay_under_the_api_base_and_leave_credentials_alone() {
        let mut d = Draft::custom("http://h/api/v2");
        d.url = "http://h/api/v2/movies?page=1".into();
        d.headers = "X-Trace: 1".into();
        let req = build_custom(&d, "http://h/api/v2", "authorization").unwrap();
        assert_eq!(req.header_value("x-trace"), Some("1"));
        d.url = "http://elsewhere/api/v2/movies".into();
        assert_eq!(
            build_custom(&d, "http://h/api/v2", "authorization").unwrap_err()[0].field,
            "url"
        );
        d.url = "http://h/api/v2/x".into();
        d.headers = "Authorization: Bearer mine".into();
        assert!(
            build_custom(&d, "http://h/api/v2", "authorization").unwrap_err()[0]
                .message
                .contains("set by Handshake")
        );
        d.headers = "x-api-key: k".into();
        assert!(build_custom(&d, "http://h/api/v1", "x-api-key").is_err());
        d.headers = "no colon".into();
        assert!(build_custom(&d, "http://h/api/v2", "authorization").is_err());
        d.headers = "X-Split: a\u{85}b".into();
        assert!(build_custom(&d, "http://h/api/v2", "authorization").is_err());
        // The method decides whether the body goes: a GET after a POST sends none.
        d.headers.clear();
        d.body = "{\"a\": 1}".into();
        d.method = Method::Get;
        assert_eq!(
            build_custom(&d, "http://h/api/v2", "authorization")
                .unwrap()
                .body,
            None
        );
        d.method = Method::Put;
        let put = build_custom(&d, "http://h/api/v2", "authorization").unwrap();
        assert_eq!(put.body.as_deref(), Some("{\"a\": 1}"));
    }

    #[test]
    fn every_style_of_pagination_moves_forward_and_stops() {
        let page = Paging::Page {
            param: "page".into(),
            size: 5,
        };
        let full = serde_json::json!([1, 2, 3, 4, 5]);
        assert_eq!(next_page(&page, &values(&[]), &full).unwrap()["page"], "2");
        assert_eq!(
            next_page(&page, &values(&[("page", "2")]), &serde_json::json!([1])),
            None
        );
        assert_eq!(
            previous_page(&page, &values(&[("page", "2")])).unwrap()["page"],
            "1"
        );
        assert_eq!(previous_page(&page, &values(&[])), None);

        let offset = Paging::Offset {
            offset: "offset".into(),
            limit: "limit".into(),
            size: 5,
        };
        assert_eq!(
            next_page(&offset, &values(&[("offset", "5")]), &full).unwrap()["offset"],
            "10"
        );
        assert_eq!(
            previous_page(&offset, &values(&[("offset", "3")])).unwrap()["offset"],
            "0"
        );

        let more = Paging::HasMore {
            param: "page".into(),
            flag: "hasMore".into(),
        };
        assert_eq!(
            next_page(&more, &values(&[]), &serde_json::json!({"hasMore": true})).unwrap()["page"],
            "2"
        );
        assert_eq!(
            next_page(&more, &values(&[]), &serde_json::json!({"hasMore": false})),
            None
        );

        let envelope = Paging::Envelope {
            param: "page".into(),
        };
        assert_eq!(
            next_page(
                &envelope,
                &values(&[]),
                &serde_json::json!({"page": {"next_page": 3}})
            )
            .unwrap()["page"],
            "3"
        );
        assert_eq!(
            next_page(
                &envelope,
                &values(&[]),
                &serde_json::json!({"page": {"next_page": 0}})
            ),
            None
        );
    }

    #[test]
    fn scopes_are_checked_before_sending() {
        assert_eq!(
            missing_scope(Some("write"), &["connect".into(), "write".into()]),
            None
        );
        let warning = missing_scope(Some("delete"), &["connect".into(), "read".into()]).unwrap();
        assert!(warning.contains("needs the delete scope") && warning.contains("connect, read"));
        let v2 = builtin(CatalogId::AcademyV2);
        let scope = |m, path| scope_for_call(&v2, m, path);
        assert_eq!(scope(Method::Patch, "/movies/1").as_deref(), Some("write"));
        assert_eq!(
            scope(Method::Delete, "/movies/1/").as_deref(),
            Some("delete")
        );
        assert_eq!(scope(Method::Get, "/info").as_deref(), Some("connect"));
        assert_eq!(
            scope(Method::Post, "/files/import").as_deref(),
            Some("write")
        );
        assert_eq!(scope(Method::Get, "/nowhere/at/all"), None);
        let v1 = builtin(CatalogId::AcademyV1);
        assert_eq!(scope_for_call(&v1, Method::Delete, "/movies/1"), None);
    }

    #[test]
    fn catalogs_have_unique_ids_and_bodies_for_body_methods() {
        for id in [
            CatalogId::AcademyV1,
            CatalogId::AcademyV2,
            CatalogId::Metamaps,
            CatalogId::Php,
        ] {
            let list = builtin(id);
            let mut ids: Vec<&str> = list.iter().map(|e| e.id.as_str()).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), list.len(), "{id:?}");
            for e in &list {
                if e.method.sends_body() {
                    let body = e
                        .body
                        .as_deref()
                        .unwrap_or_else(|| panic!("{} has no example body", e.id));
                    assert!(
                        json_problem(body).is_none(),
                        "{}: example body is not JSON",
                        e.id
                    );
                    let value = serde_json::from_str(body).unwrap();
                    let schema = e.body_schema.as_ref().expect("a schema for the body");
                    assert_eq!(
                        openapi::check(schema, &value, 8),
                        Vec::<String>::new(),
                        "{}",
                        e.id
                    );
                }
                for p in e.params.iter().filter(|p| p.location == In::Path) {
                    assert!(
                        e.path.contains(&format!("{{{}}}", p.name)),
                        "{}: {} not in path",
                        e.id,
                        p.name
                    );
                }
            }
        }
    }
}
