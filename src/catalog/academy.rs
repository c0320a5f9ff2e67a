// Every Make App Academy endpoint (shared/spec/academy-api.md §1.2-1.3): the same resources
// under v1 (x-api-key) and v2 (Bearer, with scopes), plus v2's info and invalidate.

use super::{Endpoint, In, Kind, Paging, Param};
use crate::wire::Method;

const fn path(name: &'static str, help: &'static str, example: &'static str) -> Param {
    Param {
        name,
        location: In::Path,
        kind: Kind::Text,
        required: true,
        help,
        example,
    }
}

const fn query(name: &'static str, kind: Kind, help: &'static str, example: &'static str) -> Param {
    Param {
        name,
        location: In::Query,
        kind,
        required: false,
        help,
        example,
    }
}

const MOVIE_ID: Param = path(
    "id",
    "A movie id (12 hex characters); one of yours to change or delete.",
    "0c841ade9610",
);

const MOVIE_LIST: &[Param] = &[
    query(
        "page",
        Kind::Integer { min: 1 },
        "Page number, from 1; pages hold 5 movies.",
        "1",
    ),
    query(
        "since",
        Kind::DateTime,
        "Only movies whose sort date is after this time.",
        "2023-04-13T17:05:00Z",
    ),
    query(
        "order",
        Kind::Choice(&["asc", "desc"]),
        "Sort direction (default asc).",
        "asc",
    ),
    query(
        "orderBy",
        Kind::Choice(&[
            "createdAt",
            "updatedAt",
            "name",
            "originalPremiere",
            "czechPremiere",
        ]),
        "Field to sort by (default createdAt).",
        "createdAt",
    ),
];

const PEOPLE: &[Param] = &[
    query(
        "q",
        Kind::Text,
        "Search: operator = \"value\" joined by AND; contains, startsWith, endsWith, equal.",
        "contains = \"Rob\" AND endsWith = \"Jr.\"",
    ),
    query(
        "offset",
        Kind::Integer { min: 0 },
        "How many people to skip.",
        "0",
    ),
    query(
        "limit",
        Kind::Integer { min: 1 },
        "How many to return (at most 5).",
        "5",
    ),
];

const MOVIE_BODY: &str = r#"{
  "name": "Iron Man",
  "genres": [{ "id": "1" }],
  "directorId": "f841a38b77be",
  "releaseDate": "2008",
  "length": 126,
  "topCast": [{ "role": "Tony Stark", "castId": "5bfb3056c5e4" }],
  "boxOffice": { "budget": 140, "grossProfit": 585.8 },
  "premieres": {
    "czechPremiere": "2008-04-30T22:00:00+00:00",
    "originalPremiere": "2008-05-01T22:00:00+00:00"
  }
}"#;

const ENDPOINTS: &[Endpoint] = &[
    Endpoint { id: "about", group: "Account", title: "About the account", method: Method::Get, path: "/about", params: &[], body: None, scope: None, paging: None,
        help: "Who the key or token belongs to, the webhook attached, and the registered redirect URI." },
    Endpoint { id: "movies.list", group: "Movies", title: "List movies", method: Method::Get, path: "/movies", params: MOVIE_LIST, body: None, scope: None,
        paging: Some(Paging::Page { param: "page", size: 5 }),
        help: "Page-based: 5 per page, at most 20 movies in all (6 default ones plus up to 14 of yours)." },
    Endpoint { id: "movies.create", group: "Movies", title: "Create a movie", method: Method::Post, path: "/movies", params: &[], body: Some(MOVIE_BODY), scope: None, paging: None,
        help: "name, directorId, releaseDate and length are required. You can create 14 movies." },
    Endpoint { id: "movies.get", group: "Movies", title: "Get a movie", method: Method::Get, path: "/movies/{id}", params: &[MOVIE_ID], body: None, scope: None, paging: None,
        help: "One movie by id; 404 \"Record not found\" when it is not in your account." },
    Endpoint { id: "movies.replace", group: "Movies", title: "Replace a movie (PUT)", method: Method::Put, path: "/movies/{id}", params: &[MOVIE_ID], body: Some(MOVIE_BODY), scope: None, paging: None,
        help: "Full replace: fields you leave out are cleared. The 6 default movies are read-only." },
    Endpoint { id: "movies.update", group: "Movies", title: "Update a movie (PATCH)", method: Method::Patch, path: "/movies/{id}", params: &[MOVIE_ID],
        body: Some(r#"{"name": "Iron Man (director's cut)", "length": 135}"#), scope: None, paging: None,
        help: "Partial update: only the fields you send change." },
    Endpoint { id: "movies.delete", group: "Movies", title: "Delete a movie", method: Method::Delete, path: "/movies/{id}", params: &[MOVIE_ID], body: None, scope: None, paging: None,
        help: "Only movies you created can be deleted." },
    Endpoint { id: "people.search", group: "People", title: "Search people", method: Method::Get, path: "/people", params: PEOPLE, body: None, scope: None,
        paging: Some(Paging::Offset { offset: "offset", limit: "limit", size: 5 }),
        help: "Offset-based. Directors and cast members of movies are people." },
    Endpoint { id: "organizations.list", group: "Organizations", title: "List organizations", method: Method::Get, path: "/organizations",
        params: &[query("page", Kind::Integer { min: 1 }, "Page number, from 1.", "1")], body: None, scope: None,
        paging: Some(Paging::HasMore { param: "page", flag: "hasMore" }),
        help: "Has-more style: keep asking for the next page while hasMore is true." },
    Endpoint { id: "genres.list", group: "Genres", title: "List genres", method: Method::Get, path: "/genres",
        params: &[query("page", Kind::Integer { min: 1 }, "Page number, from 1.", "1")], body: None, scope: None,
        paging: Some(Paging::Page { param: "page", size: 5 }), help: "Genre ids are numeric strings, used in movie bodies." },
    Endpoint { id: "awards.list", group: "Awards", title: "Awards of a movie", method: Method::Get, path: "/awards/{movieId}",
        params: &[path("movieId", "The movie's id.", "1d952bef0a21")], body: None, scope: None, paging: None, help: "Awards a movie won or was nominated for." },
    Endpoint { id: "webhooks.attach", group: "Webhooks", title: "Attach the webhook", method: Method::Post, path: "/webhooks", params: &[],
        body: Some(r#"{"url": "https://hook.eu1.make.com/abcdef123", "watchedItems": ["create", "update"]}"#), scope: None, paging: None,
        help: "One webhook per user; its id comes back (and shows in /about)." },
    Endpoint { id: "webhooks.detach", group: "Webhooks", title: "Detach the webhook", method: Method::Delete, path: "/webhooks/{id}",
        params: &[path("id", "The webhook id (see /about).", "")], body: None, scope: None, paging: None, help: "If detaching fails, /about shows the webhook attached." },
    Endpoint { id: "files.list", group: "Files", title: "List files", method: Method::Get, path: "/files", params: &[], body: None, scope: None, paging: None,
        help: "The account's files." },
    Endpoint { id: "files.export", group: "Files", title: "Export a file", method: Method::Get, path: "/files/{id}/export",
        params: &[path("id", "A file id from List files.", "f11e5a1b2c3d")], body: None, scope: None, paging: None, help: "The file's content (CSV)." },
    Endpoint { id: "files.import", group: "Files", title: "Import a file", method: Method::Post, path: "/files/import", params: &[],
        body: Some(r#"{"name": "my-movies.csv", "content": "name,releaseDate,length\nHandshake,2026,90\n"}"#), scope: None, paging: None,
        help: "Accepted, but nothing is stored: the file never appears in List files." },
    Endpoint { id: "custom-fields.list", group: "Custom fields", title: "Custom fields of movies", method: Method::Get, path: "/custom-fields", params: &[], body: None,
        scope: None, paging: None, help: "Definitions only: values sent with movies are not stored." },
];

const V2_ONLY: &[Endpoint] = &[
    Endpoint {
        id: "info",
        group: "OAuth",
        title: "Who is connected (/info)",
        method: Method::Get,
        path: "/info",
        params: &[],
        body: None,
        scope: Some("connect"),
        paging: None,
        help: "The connected user's id and name. Needs connect, not read.",
    },
    Endpoint {
        id: "invalidate",
        group: "OAuth",
        title: "Invalidate the token",
        method: Method::Get,
        path: "/invalidate",
        params: &[],
        body: None,
        scope: None,
        paging: None,
        help: "Ends this connection: the access and refresh tokens stop working.",
    },
];

/// The scope a v2 resource call needs (spec §1.3): GET read, POST/PUT/PATCH write, DELETE delete.
pub fn scope_for(method: Method) -> &'static str {
    match method {
        Method::Get | Method::Head => "read",
        Method::Delete => "delete",
        _ => "write",
    }
}

/// The Academy catalog; v2 adds info/invalidate and the scope each method needs.
pub fn endpoints(v2: bool) -> Vec<Endpoint> {
    let mut list: Vec<Endpoint> = ENDPOINTS.to_vec();
    if v2 {
        for e in &mut list {
            e.scope = Some(scope_for(e.method));
        }
        list.extend_from_slice(V2_ONLY);
    }
    list
}
