// Metamaps' /api/v2 records as the Sandbox serves them: users, maps and topics, visible by
// permission, written only by their creator, listed in the `{data, page}` envelope with
// Metamaps' pagination headers.

use super::{api_error, Doorkeeper, USERS};
use crate::http::{Params, Request, Response};
use crate::time::rfc3339;
use crate::Millis;
use serde_json::{json, Map, Value};

#[derive(Clone, Debug)]
pub(super) struct Record {
    id: u64,
    kind: &'static str,
    fields: Map<String, Value>,
    user_id: u64,
    permission: String,
    created_at: Millis,
    updated_at: Millis,
}

impl Doorkeeper {
    pub(super) fn insert(
        &mut self,
        kind: &'static str,
        fields: Map<String, Value>,
        user_id: u64,
        permission: &str,
        at: Millis,
    ) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.records.push(Record {
            id,
            kind,
            fields,
            user_id,
            permission: permission.to_string(),
            created_at: at,
            updated_at: at,
        });
        id
    }

    fn unauthorized() -> Response {
        Response::new(401).with_header(
            "www-authenticate",
            "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"The access token is invalid\"",
        )
    }

    pub(super) fn api(&mut self, req: &Request, rest: &str, now: Millis) -> Response {
        self.counters.api_requests += 1;
        if rest.starts_with("/api/v1") {
            return api_error(
                410,
                "/api/v1 has been deprecated! Please use /api/v2 instead.",
            );
        }
        let Some(path) = rest.strip_prefix("/api/v2/") else {
            return api_error(404, "404 Not found");
        };
        let viewer = self.bearer(req, now).and_then(|t| t.grant);
        let presented_token =
            req.bearer_token().is_some() || req.query_pairs().get("access_token").is_some();
        if presented_token && viewer.is_none() {
            return Self::unauthorized();
        }
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let params = req.query_pairs();
        match (req.method.as_str(), segments.as_slice()) {
            ("GET", ["users", "current"]) => match viewer {
                Some(id) => Response::json(200, &json!({ "data": user_json(id, true) })),
                None => Self::unauthorized(),
            },
            ("GET", ["users"]) => {
                let items: Vec<Value> = USERS.iter().map(|u| user_json(u.id, false)).collect();
                paged(items, &params, "users")
            }
            ("GET", ["users", id]) => match id
                .parse::<u64>()
                .ok()
                .filter(|i| USERS.iter().any(|u| u.id == *i))
            {
                Some(i) => Response::json(200, &json!({ "data": user_json(i, false) })),
                None => api_error(404, "404 Not found"),
            },
            (method, [kind @ ("maps" | "topics"), rest @ ..]) => {
                let kind = if *kind == "maps" { "map" } else { "topic" };
                self.records_api(method, kind, rest, viewer, req, &params, now)
            }
            _ => api_error(404, "404 Not found"),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn records_api(
        &mut self,
        method: &str,
        kind: &'static str,
        rest: &[&str],
        viewer: Option<u64>,
        req: &Request,
        params: &Params,
        now: Millis,
    ) -> Response {
        let visible =
            |r: &Record| r.kind == kind && (r.permission != "private" || Some(r.user_id) == viewer);
        match (method, rest) {
            ("GET", []) => {
                let mut items: Vec<&Record> = self.records.iter().filter(|r| visible(r)).collect();
                if let Some(q) = params.non_empty("q") {
                    let q = q.to_lowercase();
                    items.retain(|r| {
                        ["name", "desc"].iter().any(|f| {
                            r.fields
                                .get(*f)
                                .and_then(Value::as_str)
                                .is_some_and(|v| v.to_lowercase().contains(&q))
                        })
                    });
                }
                if let Some(user) = params
                    .non_empty("user_id")
                    .and_then(|u| u.parse::<u64>().ok())
                {
                    items.retain(|r| r.user_id == user);
                }
                if let Some(sort) = params.non_empty("sort") {
                    for key in sort.split(',').rev() {
                        let (desc, field) = match key.strip_prefix('-') {
                            Some(f) => (true, f),
                            None => (false, key),
                        };
                        items.sort_by(|a, b| {
                            let ord = sort_key(a, field).cmp(&sort_key(b, field));
                            if desc {
                                ord.reverse()
                            } else {
                                ord
                            }
                        });
                    }
                }
                let values = items.into_iter().map(record_json).collect();
                paged(values, params, kind)
            }
            ("POST", []) => {
                let Some(user) = viewer else {
                    return Self::unauthorized();
                };
                let fields = match writable_fields(kind, req, true) {
                    Ok(f) => f,
                    Err(r) => return r,
                };
                let permission = fields
                    .get("permission")
                    .and_then(Value::as_str)
                    .unwrap_or("commons")
                    .to_string();
                let mut fields = fields;
                fields.remove("permission");
                let id = self.insert(kind, fields, user, &permission, now);
                let record = self
                    .records
                    .iter()
                    .find(|r| r.id == id)
                    .expect("just inserted");
                Response::json(200, &json!({ "data": record_json(record) }))
            }
            (_, [id]) => {
                let Some(index) = id
                    .parse::<u64>()
                    .ok()
                    .and_then(|id| self.records.iter().position(|r| r.id == id && visible(r)))
                else {
                    return api_error(404, "404 Not found");
                };
                match method {
                    "GET" => {
                        Response::json(200, &json!({ "data": record_json(&self.records[index]) }))
                    }
                    "PUT" | "PATCH" | "DELETE" => {
                        let Some(user) = viewer else {
                            return Self::unauthorized();
                        };
                        if self.records[index].user_id != user {
                            return api_error(
                                403,
                                "You are not allowed to change this record: only its creator may.",
                            );
                        }
                        if method == "DELETE" {
                            self.records.remove(index);
                            return Response::new(204);
                        }
                        let fields = match writable_fields(kind, req, false) {
                            Ok(f) => f,
                            Err(r) => return r,
                        };
                        let record = &mut self.records[index];
                        for (k, v) in fields {
                            if k == "permission" {
                                record.permission = v.as_str().unwrap_or("commons").to_string();
                            } else {
                                record.fields.insert(k, v);
                            }
                        }
                        record.updated_at = now;
                        Response::json(200, &json!({ "data": record_json(record) }))
                    }
                    _ => api_error(405, "Method not allowed"),
                }
            }
            _ => api_error(404, "404 Not found"),
        }
    }
}

fn sort_key(r: &Record, field: &str) -> String {
    match field {
        "id" => format!("{:020}", r.id),
        "created_at" => format!("{:020}", r.created_at),
        "updated_at" => format!("{:020}", r.updated_at),
        f => r
            .fields
            .get(f)
            .map(|v| v.to_string().to_lowercase())
            .unwrap_or_default(),
    }
}

/// The fields a body may set; `name` is required on create.
fn writable_fields(
    kind: &str,
    req: &Request,
    creating: bool,
) -> Result<Map<String, Value>, Response> {
    let params = req.body_params().map_err(|e| api_error(400, &e))?;
    let allowed: &[&str] = if kind == "map" {
        &["name", "desc", "permission"]
    } else {
        &["name", "desc", "link", "permission", "metacode_id"]
    };
    let mut fields = Map::new();
    for (k, v) in params.0 {
        // Rails-style nested keys (map[name]) are accepted too.
        let key = k
            .strip_prefix(&format!("{kind}["))
            .and_then(|k| k.strip_suffix(']'))
            .unwrap_or(&k)
            .to_string();
        if allowed.contains(&key.as_str()) {
            fields.insert(key, json!(v));
        }
    }
    if let Some(p) = fields.get("permission").and_then(Value::as_str) {
        if !matches!(p, "commons" | "public" | "private") {
            return Err(api_error(
                400,
                "permission must be commons, public or private",
            ));
        }
    }
    if creating
        && fields
            .get("name")
            .and_then(Value::as_str)
            .is_none_or(|n| n.trim().is_empty())
    {
        return Err(api_error(400, "name can't be blank"));
    }
    if fields.is_empty() {
        return Err(api_error(
            400,
            &format!("nothing to change: send any of {}", allowed.join(", ")),
        ));
    }
    Ok(fields)
}

fn user_json(id: u64, current: bool) -> Value {
    let u = USERS.iter().find(|u| u.id == id).expect("known user");
    let mut v = json!({
        "id": u.id,
        "name": u.name,
        "avatar": format!("https://metamaps.example/avatars/{}.png", u.id),
        "generation": 0,
    });
    if current {
        v["is_admin"] = json!(false);
        v["email"] = json!(u.email);
    }
    v
}

fn record_json(r: &Record) -> Value {
    let mut v = Value::Object(r.fields.clone());
    v["id"] = json!(r.id);
    v["user_id"] = json!(r.user_id);
    v["permission"] = json!(r.permission);
    v["created_at"] = json!(rfc3339(r.created_at));
    v["updated_at"] = json!(rfc3339(r.updated_at));
    v
}

/// Metamaps' list envelope and pagination headers (`page`, `per`; 0 means "none").
fn paged(items: Vec<Value>, params: &Params, what: &str) -> Response {
    let page = params
        .get("page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let per = params
        .get("per")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| (1..=100).contains(p))
        .unwrap_or(25);
    let total = items.len();
    let total_pages = total.div_ceil(per).max(1);
    let data: Vec<Value> = items.into_iter().skip((page - 1) * per).take(per).collect();
    let next = if page < total_pages { page + 1 } else { 0 };
    let prev = page - 1;
    let mut links = Vec::new();
    let base = format!("/metamaps/api/v2/{what}s");
    if next > 0 {
        links.push(format!("<{base}?page={next}&per={per}>; rel=\"next\""));
    }
    if prev > 0 {
        links.push(format!("<{base}?page={prev}&per={per}>; rel=\"prev\""));
    }
    links.push(format!(
        "<{base}?page={total_pages}&per={per}>; rel=\"last\""
    ));
    Response::json(
        200,
        &json!({
            "data": data,
            "page": {"current_page": page, "next_page": next, "prev_page": prev,
                     "total_pages": total_pages, "total_count": total, "per": per},
        }),
    )
    .with_header("link", &links.join(", "))
    .with_header("x-total-pages", &total_pages.to_string())
    .with_header("x-total-count", &total.to_string())
    .with_header("x-per-page", &per.to_string())
}
