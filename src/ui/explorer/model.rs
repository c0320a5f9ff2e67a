// The explorer's decisions, as pure functions: the draft a provider starts with, the request a
// draft describes, the scope it needs, and how a history entry is labelled.

use crate::catalog::{build, build_custom, catalog, scope_for_method, Draft, Endpoint, Problem};
use crate::providers::Provider;
use crate::url::HttpUrl;
use crate::wire::HttpRequest;

/// The first endpoint of the provider's catalog, or a custom request under its API base.
pub fn default_draft(p: &Provider) -> Draft {
    match p
        .catalog
        .map(catalog)
        .and_then(|list| list.first().copied())
    {
        Some(first) => Draft::for_endpoint(&first),
        None => Draft::custom(&p.api_base),
    }
}

/// The catalog endpoint a draft is for, among `endpoints`.
pub fn endpoint_of(draft: &Draft, endpoints: &[Endpoint]) -> Option<Endpoint> {
    let id = draft.endpoint_id()?;
    endpoints.iter().find(|e| e.id == id).copied()
}

/// The request the draft describes, without credentials.
pub fn build_request(
    p: &Provider,
    d: &Draft,
    endpoint: Option<&Endpoint>,
) -> Result<HttpRequest, Vec<Problem>> {
    match endpoint {
        Some(e) if !d.is_custom() => build(e, d, &p.api_base),
        _ => build_custom(d, &p.api_base, p.credential_header()),
    }
}

/// The scope the draft's call needs, if the provider has scopes.
pub fn needed_scope(p: &Provider, d: &Draft, endpoint: Option<&Endpoint>) -> Option<&'static str> {
    match endpoint {
        Some(e) if !d.is_custom() => e.scope,
        _ => {
            let below = HttpUrl::parse(&d.url)
                .ok()
                .zip(HttpUrl::parse(&p.api_base).ok())
                .and_then(|(u, b)| u.path_below(&b).map(str::to_string))
                .unwrap_or_default();
            scope_for_method(p.catalog, d.method, &below)
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
    fn a_provider_starts_on_its_first_endpoint_or_a_custom_request() {
        let v2 = provider("sandbox-academy-v2");
        assert_eq!(default_draft(&v2).endpoint_id(), Some("about"));
        let mut none = v2.clone();
        none.catalog = None;
        let d = default_draft(&none);
        assert!(d.is_custom());
        assert_eq!(d.url, "http://127.0.0.1:8090/api/v2/");
    }

    #[test]
    fn the_scope_comes_from_the_endpoint_or_the_method_of_a_custom_call() {
        let v2 = provider("sandbox-academy-v2");
        let endpoints = catalog(v2.catalog.unwrap());
        let create =
            Draft::for_endpoint(endpoints.iter().find(|e| e.id == "movies.create").unwrap());
        let e = endpoint_of(&create, &endpoints);
        assert_eq!(needed_scope(&v2, &create, e.as_ref()), Some("write"));
        let mut custom = Draft::custom(&v2.api_base);
        custom.method = Method::Delete;
        custom.url = format!("{}/movies/1", v2.api_base);
        assert_eq!(needed_scope(&v2, &custom, None), Some("delete"));
        custom.url = format!("{}/info", v2.api_base);
        custom.method = Method::Get;
        assert_eq!(needed_scope(&v2, &custom, None), None);
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
