// The Academy's resources, shared by v1 (x-api-key) and v2 (Bearer): about, movies with the
// 6/14/20 rules, people with `q`, organizations, genres, awards, webhooks, files, custom fields.

use super::error;
use super::q;
use super::seed::{self, CUSTOM_FIELDS, FILES, GENRES, ORGANIZATIONS, PEOPLE};
use crate::http::{Params, Request, Response};
use crate::time::{parse_rfc3339, rfc3339};
use crate::{random_hex, Millis, Random};
use serde_json::{json, Map, Value};

/// Page size and the most records any list returns in total (spec §1.1).
pub const PAGE_SIZE: usize = 5;
pub const LIMIT: usize = 20;
/// Records a user may create on top of the six defaults.
pub const MAX_CREATED: usize = 14;

#[derive(Clone, Debug, PartialEq)]
pub struct CastMember {
    pub role: String,
    pub cast_id: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Movie {
    pub id: String,
    pub name: String,
    pub genres: Vec<String>,
    pub director_id: String,
    pub release_date: String,
    pub length: u32,
    pub top_cast: Vec<CastMember>,
    pub box_office: Option<(f64, f64)>,
    pub premieres: Option<(String, String)>,
    pub created_at: Millis,
    pub updated_at: Millis,
    /// One of the six seeded records: visible, never editable.
    pub default: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub watched: Vec<String>,
}

/// One account's records (a demo user for v2, the key's owner for v1).
#[derive(Clone, Debug)]
pub struct Account {
    pub movies: Vec<Movie>,
    pub webhook: Option<Webhook>,
}

impl Default for Account {
    fn default() -> Self {
        Account {
            movies: seed::default_movies(),
            webhook: None,
        }
    }
}

/// Who the account belongs to, for `/about`.
pub struct Owner<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub redirect_uri: &'a str,
}

impl Movie {
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("name".into(), json!(self.name));
        m.insert(
            "genres".into(),
            Value::Array(
                self.genres
                    .iter()
                    .map(|g| json!({"id": g, "name": seed::genre(g).unwrap_or("unknown")}))
                    .collect(),
            ),
        );
        m.insert("length".into(), json!(self.length));
        m.insert(
            "topCast".into(),
            Value::Array(
                self.top_cast
                    .iter()
                    .map(|c| {
                        json!({"role": c.role, "castId": c.cast_id,
                            "castName": seed::person(&c.cast_id).map(|p| p.name).unwrap_or("unknown")})
                    })
                    .collect(),
            ),
        );
        m.insert(
            "director".into(),
            json!({"directorId": self.director_id,
                "directorName": seed::person(&self.director_id).map(|p| p.name).unwrap_or("unknown")}),
        );
        if let Some((budget, gross)) = self.box_office {
            m.insert(
                "boxOffice".into(),
                json!({"budget": budget, "grossProfit": gross}),
            );
        }
        m.insert("createdAt".into(), json!(rfc3339(self.created_at)));
        if let Some((czech, original)) = &self.premieres {
            m.insert(
                "premieres".into(),
                json!({"czechPremiere": czech, "originalPremiere": original}),
            );
        }
        m.insert("updatedAt".into(), json!(rfc3339(self.updated_at)));
        m.insert("releaseDate".into(), json!(self.release_date));
        Value::Object(m)
    }
}

/// Routes `rest` (the path after `/api/v1/` or `/api/v2/`) for one account.
pub fn route(
    account: &mut Account,
    owner: &Owner,
    req: &Request,
    rest: &str,
    now: Millis,
    rng: &mut dyn Random,
) -> Response {
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let method = req.method.as_str();
    match (method, segments.as_slice()) {
        ("GET", ["about"]) => about(account, owner),
        ("GET", ["movies"]) => list_movies(account, &req.query_pairs()),
        ("POST", ["movies"]) => create_movie(account, req, now, rng),
        ("GET", ["movies", id]) => match account.movies.iter().find(|m| m.id == *id) {
            Some(m) => Response::json(200, &m.to_json()),
            None => record_not_found(id),
        },
        ("PUT", ["movies", id]) => update_movie(account, id, req, now, false),
        ("PATCH", ["movies", id]) => update_movie(account, id, req, now, true),
        ("DELETE", ["movies", id]) => delete_movie(account, id),
        ("GET", ["people"]) => people(&req.query_pairs()),
        ("GET", ["organizations"]) => organizations(&req.query_pairs()),
        ("GET", ["genres"]) => genres(&req.query_pairs()),
        ("GET", ["awards", movie_id]) => awards(account, movie_id),
        ("POST", ["webhooks"]) => attach_webhook(account, req, rng),
        ("DELETE", ["webhooks", id]) => detach_webhook(account, id),
        ("GET", ["files"]) => files(),
        ("GET", ["files", id, "export"]) => export_file(id),
        ("POST", ["files", "import"]) => Response::json(
            200,
            &json!({"message": "File received. The Academy API does not keep imported files: it will not appear in GET /files."}),
        ),
        ("GET", ["custom-fields"]) => custom_fields(),
        (
            _,
            ["about" | "movies" | "people" | "organizations" | "genres" | "webhooks" | "files"
            | "custom-fields", ..],
        )
        | (_, ["awards", _]) => error(405, &format!("Method {method} is not allowed on /{rest}")),
        _ => error(404, &format!("Not found: no endpoint /{rest}")),
    }
}

fn record_not_found(id: &str) -> Response {
    error(
        404,
        &format!("Record not found: no movie with id {id:?} in your account"),
    )
}

fn about(account: &Account, owner: &Owner) -> Response {
    let webhook = account.webhook.as_ref();
    Response::json(
        200,
        &json!([{
            "name": owner.name,
            "email": owner.email,
            "webhook": webhook.map(|w| w.url.clone()),
            "webhook-watched-items": webhook.map(|w| w.watched.join(", ")),
            "webhook-id": webhook.map(|w| w.id.clone()),
            "redirect-URI": owner.redirect_uri,
        }]),
    )
}

/// A positive whole number parameter, or a 400 naming it.
fn positive(params: &Params, name: &str, default: usize) -> Result<usize, Response> {
    match params.get(name) {
        None | Some("") => Ok(default),
        Some(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                error(
                    400,
                    &format!("{name} must be a whole number of at least 1, got {v:?}"),
                )
            }),
    }
}

fn non_negative(params: &Params, name: &str, default: usize) -> Result<usize, Response> {
    match params.get(name) {
        None | Some("") => Ok(default),
        Some(v) => v.trim().parse::<usize>().map_err(|_| {
            error(
                400,
                &format!("{name} must be a whole number of at least 0, got {v:?}"),
            )
        }),
    }
}

/// GET /movies: page-based (`page`), filtered by `since`, sorted by `orderBy` and `order`.
fn list_movies(account: &Account, params: &Params) -> Response {
    let page = match positive(params, "page", 1) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let order_by = params.non_empty("orderBy").unwrap_or("createdAt");
    let descending = match params.non_empty("order").unwrap_or("asc") {
        "asc" => false,
        "desc" => true,
        other => return error(400, &format!("order must be asc or desc, got {other:?}")),
    };
    let key = |m: &Movie| -> Option<String> {
        Some(match order_by {
            "createdAt" => format!("{:020}", m.created_at),
            "updatedAt" => format!("{:020}", m.updated_at),
            "name" => m.name.to_lowercase(),
            "originalPremiere" => m
                .premieres
                .as_ref()
                .map(|p| p.1.clone())
                .unwrap_or_default(),
            "czechPremiere" => m
                .premieres
                .as_ref()
                .map(|p| p.0.clone())
                .unwrap_or_default(),
            _ => return None,
        })
    };
    if key(&account.movies[0]).is_none() {
        return error(
            400,
            &format!("orderBy must be one of createdAt, updatedAt, name, originalPremiere, czechPremiere; got {order_by:?}"),
        );
    }
    let since = match params.non_empty("since") {
        None => None,
        Some(text) => match parse_rfc3339(text) {
            Some(t) => Some(t),
            None => {
                return error(
                    400,
                    &format!("since must look like 2023-04-13T17:04:47Z, got {text:?}"),
                )
            }
        },
    };
    let since_field = |m: &Movie| -> Option<Millis> {
        match order_by {
            "updatedAt" => Some(m.updated_at),
            "originalPremiere" => m.premieres.as_ref().and_then(|p| parse_rfc3339(&p.1)),
            "czechPremiere" => m.premieres.as_ref().and_then(|p| parse_rfc3339(&p.0)),
            _ => Some(m.created_at),
        }
    };
    let mut movies: Vec<&Movie> = account
        .movies
        .iter()
        .filter(|m| since.is_none_or(|s| since_field(m).is_some_and(|t| t > s)))
        .collect();
    movies.sort_by_key(|m| key(m));
    if descending {
        movies.reverse();
    }
    let page_items: Vec<Value> = movies
        .into_iter()
        .take(LIMIT)
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(Movie::to_json)
        .collect();
    Response::json(200, &Value::Array(page_items))
}

/// What a movie body may hold, each field validated.
#[derive(Default)]
struct MovieFields {
    name: Option<String>,
    genres: Option<Vec<String>>,
    director_id: Option<String>,
    release_date: Option<String>,
    length: Option<u32>,
    top_cast: Option<Vec<CastMember>>,
    box_office: Option<(f64, f64)>,
    premieres: Option<(String, String)>,
}

fn read_movie_fields(body: &Value) -> Result<MovieFields, Vec<String>> {
    let Some(obj) = body.as_object() else {
        return Err(vec![
            "the body must be a JSON object describing a movie".into()
        ]);
    };
    let mut problems = Vec::new();
    let mut f = MovieFields::default();
    if let Some(v) = obj.get("name") {
        match v.as_str().map(str::trim) {
            Some(n) if !n.is_empty() && n.chars().count() <= 200 => f.name = Some(n.to_string()),
            _ => problems.push("name must be a non-empty string of at most 200 characters".into()),
        }
    }
    if let Some(v) = obj.get("directorId") {
        match v.as_str() {
            Some(id) if seed::person(id).is_some() => f.director_id = Some(id.to_string()),
            Some(id) => problems.push(format!(
                "directorId {id:?} is not a known person (see GET /people)"
            )),
            None => problems.push("directorId must be a string".into()),
        }
    }
    if let Some(v) = obj.get("releaseDate") {
        let text = match v {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        match text {
            Some(t)
                if t.len() == 4
                    && t.bytes().all(|b| b.is_ascii_digit())
                    && ("1888".."2100").contains(&t.as_str()) =>
            {
                f.release_date = Some(t)
            }
            _ => problems
                .push("releaseDate must be a year between 1888 and 2099, like \"2008\"".into()),
        }
    }
    if let Some(v) = obj.get("length") {
        match v.as_u64() {
            Some(n) if (1..=1000).contains(&n) => f.length = Some(n as u32),
            _ => {
                problems.push("length must be a whole number of minutes between 1 and 1000".into())
            }
        }
    }
    if let Some(v) = obj.get("genres") {
        let ids: Option<Vec<String>> = v
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|g| g.get("id").and_then(|id| id.as_str()).map(str::to_string))
                    .collect()
            })
            .unwrap_or(None);
        match ids {
            Some(ids) if ids.iter().all(|id| seed::genre(id).is_some()) => f.genres = Some(ids),
            Some(_) => problems.push("genres holds an unknown genre id (see GET /genres)".into()),
            None => problems.push("genres must be a list like [{\"id\": \"1\"}]".into()),
        }
    }
    if let Some(v) = obj.get("topCast") {
        let cast: Option<Vec<CastMember>> = v
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|c| {
                        Some(CastMember {
                            role: c.get("role")?.as_str()?.to_string(),
                            cast_id: c.get("castId")?.as_str()?.to_string(),
                        })
                    })
                    .collect()
            })
            .unwrap_or(None);
        match cast {
            Some(cast) if cast.iter().all(|c| seed::person(&c.cast_id).is_some()) => f.top_cast = Some(cast),
            Some(_) => problems.push("topCast names an unknown castId (see GET /people)".into()),
            None => problems.push("topCast must be a list like [{\"role\": \"Tony Stark\", \"castId\": \"5bfb3056c5e4\"}]".into()),
        }
    }
    if let Some(v) = obj.get("boxOffice") {
        match (
            v.get("budget").and_then(Value::as_f64),
            v.get("grossProfit").and_then(Value::as_f64),
        ) {
            (Some(b), Some(g)) if b >= 0.0 => f.box_office = Some((b, g)),
            _ => problems.push(
                "boxOffice must be {\"budget\": number >= 0, \"grossProfit\": number}".into(),
            ),
        }
    }
    if let Some(v) = obj.get("premieres") {
        let date = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .filter(|s| parse_rfc3339(s).is_some())
                .map(str::to_string)
        };
        match (date("czechPremiere"), date("originalPremiere")) {
            (Some(c), Some(o)) => f.premieres = Some((c, o)),
            _ => problems.push(
                "premieres must hold czechPremiere and originalPremiere as times like 2008-04-30T22:00:00+00:00".into(),
            ),
        }
    }
    if problems.is_empty() {
        Ok(f)
    } else {
        Err(problems)
    }
}

fn bad_body(problems: Vec<String>) -> Response {
    error(400, &format!("Bad request: {}", problems.join("; ")))
}

fn required(f: &MovieFields) -> Vec<String> {
    let mut missing = Vec::new();
    if f.name.is_none() {
        missing.push("name is required".to_string());
    }
    if f.director_id.is_none() {
        missing.push("directorId is required".to_string());
    }
    if f.release_date.is_none() {
        missing.push("releaseDate is required".to_string());
    }
    if f.length.is_none() {
        missing.push("length is required".to_string());
    }
    missing
}

fn movie_body(req: &Request) -> Result<MovieFields, Response> {
    let body = req
        .body_json()
        .map_err(|e| error(400, &format!("Bad request: {e}")))?;
    read_movie_fields(&body).map_err(bad_body)
}

fn create_movie(
    account: &mut Account,
    req: &Request,
    now: Millis,
    rng: &mut dyn Random,
) -> Response {
    let created = account.movies.iter().filter(|m| !m.default).count();
    if created >= MAX_CREATED {
        return error(
            400,
            &format!("Record limit reached: you have created {created} movies, the most allowed ({MAX_CREATED} on top of the 6 default ones, 20 in all). Delete one first."),
        );
    }
    let f = match movie_body(req) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let missing = required(&f);
    if !missing.is_empty() {
        return bad_body(missing);
    }
    let movie = Movie {
        id: random_hex(rng, 6),
        name: f.name.unwrap_or_default(),
        genres: f.genres.unwrap_or_default(),
        director_id: f.director_id.unwrap_or_default(),
        release_date: f.release_date.unwrap_or_default(),
        length: f.length.unwrap_or_default(),
        top_cast: f.top_cast.unwrap_or_default(),
        box_office: f.box_office,
        premieres: f.premieres,
        created_at: now,
        updated_at: now,
        default: false,
    };
    let answer = movie.to_json();
    account.movies.push(movie);
    Response::json(200, &answer)
}

/// PUT replaces every field (all required again); PATCH changes only the fields sent.
fn update_movie(
    account: &mut Account,
    id: &str,
    req: &Request,
    now: Millis,
    partial: bool,
) -> Response {
    let Some(index) = account.movies.iter().position(|m| m.id == id) else {
        return record_not_found(id);
    };
    if account.movies[index].default {
        return error(
            400,
            "Default records are read-only: only movies you created can be changed or deleted",
        );
    }
    let f = match movie_body(req) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let m = &mut account.movies[index];
    if partial {
        let MovieFields {
            name,
            genres,
            director_id,
            release_date,
            length,
            top_cast,
            box_office,
            premieres,
        } = f;
        if [
            name.is_some(),
            genres.is_some(),
            director_id.is_some(),
            release_date.is_some(),
            length.is_some(),
            top_cast.is_some(),
            box_office.is_some(),
            premieres.is_some(),
        ]
        .iter()
        .all(|set| !set)
        {
            return error(400, "Bad request: PATCH needs at least one field to change");
        }
        if let Some(v) = name {
            m.name = v;
        }
        if let Some(v) = genres {
            m.genres = v;
        }
        if let Some(v) = director_id {
            m.director_id = v;
        }
        if let Some(v) = release_date {
            m.release_date = v;
        }
        if let Some(v) = length {
            m.length = v;
        }
        if let Some(v) = top_cast {
            m.top_cast = v;
        }
        if box_office.is_some() {
            m.box_office = box_office;
        }
        if premieres.is_some() {
            m.premieres = premieres;
        }
    } else {
        let missing = required(&f);
        if !missing.is_empty() {
            return bad_body(missing);
        }
        m.name = f.name.unwrap_or_default();
        m.genres = f.genres.unwrap_or_default();
        m.director_id = f.director_id.unwrap_or_default();
        m.release_date = f.release_date.unwrap_or_default();
        m.length = f.length.unwrap_or_default();
        m.top_cast = f.top_cast.unwrap_or_default();
        m.box_office = f.box_office;
        m.premieres = f.premieres;
    }
    m.updated_at = now;
    Response::json(200, &m.to_json())
}

fn delete_movie(account: &mut Account, id: &str) -> Response {
    let Some(index) = account.movies.iter().position(|m| m.id == id) else {
        return record_not_found(id);
    };
    if account.movies[index].default {
        return error(
            400,
            "Default records are read-only: only movies you created can be changed or deleted",
        );
    }
    account.movies.remove(index);
    Response::json(200, &json!({"message": "Movie deleted", "id": id}))
}

/// GET /people: offset-based (`offset`, `limit` up to 5), searched with `q`.
fn people(params: &Params) -> Response {
    let offset = match non_negative(params, "offset", 0) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let limit = match positive(params, "limit", PAGE_SIZE) {
        Ok(l) => l.min(PAGE_SIZE),
        Err(r) => return r,
    };
    let conditions = match params.get("q").filter(|q| !q.trim().is_empty()) {
        None => Vec::new(),
        Some(text) => match q::parse(text) {
            Ok(c) => c,
            Err(e) => {
                return error(
                    400,
                    &format!(
                        "Bad request: {e}. Example: contains = \"Rob\" AND endsWith = \"Jr.\""
                    ),
                )
            }
        },
    };
    let found: Vec<Value> = PEOPLE
        .iter()
        .filter(|p| conditions.iter().all(|c| c.matches(p.name)))
        .take(LIMIT)
        .skip(offset)
        .take(limit)
        .map(|p| json!({"id": p.id, "name": p.name}))
        .collect();
    Response::json(200, &Value::Array(found))
}

/// GET /organizations: has-more style (`page`, answer `{organizations, hasMore}`).
fn organizations(params: &Params) -> Response {
    let page = match positive(params, "page", 1) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let start = (page - 1) * PAGE_SIZE;
    let visible = ORGANIZATIONS.len().min(LIMIT);
    let items: Vec<Value> = ORGANIZATIONS
        .iter()
        .take(visible)
        .skip(start)
        .take(PAGE_SIZE)
        .map(|(id, name, country)| json!({"id": id, "name": name, "country": country}))
        .collect();
    Response::json(
        200,
        &json!({"organizations": items, "hasMore": start + PAGE_SIZE < visible}),
    )
}

/// GET /genres: page-based like movies.
fn genres(params: &Params) -> Response {
    let page = match positive(params, "page", 1) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let items: Vec<Value> = GENRES
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect();
    Response::json(200, &Value::Array(items))
}

fn awards(account: &Account, movie_id: &str) -> Response {
    if !account.movies.iter().any(|m| m.id == movie_id) {
        return record_not_found(movie_id);
    }
    let items: Vec<Value> = seed::AWARDS
        .iter()
        .filter(|a| a.0 == movie_id)
        .map(|(_, award, category, year, result)| json!({"award": award, "category": category, "year": year, "result": result}))
        .collect();
    Response::json(200, &Value::Array(items))
}

fn attach_webhook(account: &mut Account, req: &Request, rng: &mut dyn Random) -> Response {
    if let Some(existing) = &account.webhook {
        return error(
            400,
            &format!(
                "Only one webhook per user: detach webhook {} (DELETE /webhooks/{}) first",
                existing.id, existing.id
            ),
        );
    }
    let body = match req.body_json() {
        Ok(b) => b,
        Err(e) => return error(400, &format!("Bad request: {e}")),
    };
    let Some(url) = body
        .get("url")
        .and_then(Value::as_str)
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
    else {
        return error(400, "Bad request: url must be the http(s) address of your webhook, e.g. https://hook.eu1.make.com/abc");
    };
    let watched = match body.get("watchedItems") {
        None => vec!["create".to_string(), "update".to_string()],
        Some(v) => {
            let items: Option<Vec<String>> = v
                .as_array()
                .map(|a| a.iter().map(|i| i.as_str().map(str::to_string)).collect())
                .unwrap_or(None);
            match items {
                Some(items)
                    if !items.is_empty()
                        && items
                            .iter()
                            .all(|i| matches!(i.as_str(), "create" | "update" | "delete")) =>
                {
                    items
                }
                _ => return error(
                    400,
                    "Bad request: watchedItems must be a non-empty list of create, update, delete",
                ),
            }
        }
    };
    let hook = Webhook {
        id: random_hex(rng, 6),
        url: url.to_string(),
        watched,
    };
    let answer = json!({"id": hook.id, "url": hook.url, "watchedItems": hook.watched});
    account.webhook = Some(hook);
    Response::json(200, &answer)
}

fn detach_webhook(account: &mut Account, id: &str) -> Response {
    match &account.webhook {
        Some(w) if w.id == id => {
            account.webhook = None;
            Response::json(200, &json!({"message": "Webhook detached", "id": id}))
        }
        _ => error(404, &format!("Record not found: no webhook with id {id:?}. GET /about shows the webhook attached to your account.")),
    }
}

fn files() -> Response {
    let items: Vec<Value> = FILES
        .iter()
        .map(|f| json!({"id": f.id, "name": f.name, "size": f.content.len()}))
        .collect();
    Response::json(200, &Value::Array(items))
}

fn export_file(id: &str) -> Response {
    match FILES.iter().find(|f| f.id == id) {
        Some(f) => Response::new(200)
            .with_header("content-type", "text/csv; charset=utf-8")
            .with_header(
                "content-disposition",
                &format!("attachment; filename=\"{}\"", f.name),
            )
            .with_body(f.content.as_bytes().to_vec()),
        None => error(404, &format!("Record not found: no file with id {id:?}")),
    }
}

fn custom_fields() -> Response {
    let items: Vec<Value> = CUSTOM_FIELDS
        .iter()
        .map(|(name, label, kind)| json!({"name": name, "label": label, "type": kind}))
        .collect();
    Response::json(200, &Value::Array(items))
}
