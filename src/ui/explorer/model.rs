// The explorer's decisions, as pure functions: the draft a provider starts with, the request a
// draft describes, the scope it needs, and how a history entry is labelled.

use crate::catalog::{build, build_custom, scope_for_call, Draft, Endpoint, Problem};
use crate::providers::Provider;
use crate::url::HttpUrl;
use crate::wire::HttpRequest;

/// The draft to show once the provider's endpoints are known: the endpoint a deep link names,
/// else the draft this tab kept, else the first endpoint, else a custom request.
pub fn settle(
    kept: Option<Draft>,
    linked: Option<&str>,
    endpoints: &[Endpoint],
    api_base: &str,
) -> Draft {
    let linked = linked.and_then(|id| endpoints.iter().find(|e| e.id == id));
    match (kept, linked) {
        (Some(d), Some(e)) if d.endpoint_id() == Some(e.id.as_str()) => d,
        (_, Some(e)) => Draft::for_endpoint(e),
        (Some(d), None) => d,
        (None, None) => endpoints
            .first()
            .map(Draft::for_endpoint)
            .unwrap_or_else(|| Draft::custom(api_base)),
    }
}

/// The catalog endpoint a draft is for, among `endpoints`.
pub fn endpoint_of(draft: &Draft, endpoints: &[Endpoint]) -> Option<Endpoint> {
    let id = draft.endpoint_id()?;
    endpoints.iter().find(|e| e.id == id).cloned()
}

/// The request the draft describes, without credentials.
pub fn build_request(
    p: &Provider,
    d: &Draft,
    endpoint: Option<&Endpoint>,
) -> Result<HttpRequest, Vec<Problem>> {
    match endpoint {
        Some(e) if !d.is_custom() => build(e, d, &p.api_base, p.credential_header()),
        None if !d.is_custom() => Err(vec![Problem {
            field: "endpoint".into(),
            message: "This endpoint is not in the API's description (not read yet, or it could not be read).".into(),
        }]),
        _ => build_custom(d, &p.api_base, p.credential_header()),
    }
}

/// The scope the draft's call needs, if the provider has scopes: the endpoint's, or for a
/// custom request the one of the catalog endpoint its method and path match.
pub fn needed_scope(
    p: &Provider,
    d: &Draft,
    endpoint: Option<&Endpoint>,
    endpoints: &[Endpoint],
) -> Option<String> {
    match endpoint {
        Some(e) if !d.is_custom() => e.scope.clone(),
        _ => {
            let below = HttpUrl::parse(&d.url)
                .ok()
                .zip(HttpUrl::parse(&p.api_base).ok())
                .and_then(|(u, b)| u.path_below(&b).map(str::to_string))?;
            scope_for_call(endpoints, d.method, &below)
        }
    }
}

/// A sent URL as the history lists it: its path and query.
pub fn history_label(url: &str) -> String {
    HttpUrl::parse(url)
        .map(|u| {
            let query = u.query().map(|q| format!("?{q}")).unwrap_or_default();
            format!("{}{query}", u.path())
        })
        .unwrap_or_else(|_| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::builtin;
    use crate::config::AppConfig;
    use crate::providers::presets;
    use crate::wire::Method;

    fn provider(id: &str) -> Provider {
        presets(&AppConfig::from_file(None, "http://127.0.0.1:8080/").unwrap())
            .into_iter()
            .find(|p| p.id == id)
            .unwrap()
    }

    #[test]
    fn a_provider_starts_on_the_linked_the_kept_or_the_first_endpoint() {
        let v2 = provider("sandbox-academy-v2");
        let list = builtin(v2.catalog.unwrap());
        assert_eq!(
            settle(None, None, &list, &v2.api_base).endpoint_id(),
            Some("about")
        );
        let kept = Draft::for_endpoint(&list[3]);
        assert_eq!(
            settle(Some(kept.clone()), None, &list, "").endpoint_id(),
            Some(list[3].id.as_str())
        );
        assert_eq!(
            settle(Some(kept), Some("genres.list"), &list, "").endpoint_id(),
            Some("genres.list")
        );
        assert_eq!(
            settle(None, Some("no.such"), &list, "").endpoint_id(),
            Some("about")
        );
        let d = settle(None, None, &[], &v2.api_base);
        assert!(d.is_custom());
        assert_eq!(d.url, "http://127.0.0.1:8090/api/v2/");
    }

    #[test]
    fn the_scope_comes_from_the_endpoint_or_the_method_of_a_custom_call() {
        let v2 = provider("sandbox-academy-v2");
        let endpoints = builtin(v2.catalog.unwrap());
        let create =
            Draft::for_endpoint(endpoints.iter().find(|e| e.id == "movies.create").unwrap());
        let e = endpoint_of(&create, &endpoints);
        assert_eq!(
            needed_scope(&v2, &create, e.as_ref(), &endpoints).as_deref(),
            Some("write")
        );
        let mut custom = Draft::custom(&v2.api_base);
        custom.method = Method::Delete;
        custom.url = format!("{}/movies/1", v2.api_base);
        assert_eq!(
            needed_scope(&v2, &custom, None, &endpoints).as_deref(),
            Some("delete")
        );
        custom.url = format!("{}/info", v2.api_base);
        custom.method = Method::Get;
        assert_eq!(
            needed_scope(&v2, &custom, None, &endpoints).as_deref(),
            Some("connect")
        );
        // An endpoint draft whose description is missing is not sent as something else.
        assert_eq!(
            build_request(&v2, &create, None).unwrap_err()[0].field,
            "endpoint"
        );
    }

    #[test]
    fn custom_requests_use_the_providers_credential_header() {
        let v1 = provider("sandbox-academy-v1");
        let mut d = Draft::custom(&v1.api_base);
        d.url = format!("{}/about", v1.api_base);
        d.headers = "x-api-key: mine".into();
        assert!(
            build_request(&v1, &d, None).is_err(),
            "the key header is Handshake's to set"
        );
        assert_eq!(
            history_label("http://h/api/v1/genres?page=3"),
            "/api/v1/genres?page=3"
        );
    }
}
