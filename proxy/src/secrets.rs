// Client-secret injection: a request to an upstream that names a configured client_id gets
// that client's secret filled in (JSON body, form body or query string), so the browser never holds it.

use crate::config::SecretRule;
use axum::body::Bytes;

/// Returns the (query, body) to forward, with `client_secret` set where a rule matches.
pub fn inject(
    rules: &[&SecretRule],
    content_type: &str,
    query: Option<String>,
    body: Bytes,
) -> (Option<String>, Bytes) {
    if rules.is_empty() {
        return (query, body);
    }
    let query = query.map(|q| inject_form(rules, &q).unwrap_or(q));
    let body = if content_type.starts_with("application/json") {
        inject_json(rules, &body).map(Bytes::from).unwrap_or(body)
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        std::str::from_utf8(&body)
            .ok()
            .and_then(|text| inject_form(rules, text))
            .map(Bytes::from)
            .unwrap_or(body)
    } else {
        body
    };
    (query, body)
}

fn rule_for<'a>(rules: &[&'a SecretRule], client_id: &str) -> Option<&'a SecretRule> {
    rules.iter().copied().find(|r| r.client_id == client_id)
}

fn inject_form(rules: &[&SecretRule], text: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect();
    let client_id = pairs
        .iter()
        .find(|(k, _)| k == "client_id")
        .map(|(_, v)| v.as_str())?;
    let rule = rule_for(rules, client_id)?;
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(k, _)| k != "client_secret") {
        out.append_pair(k, v);
    }
    out.append_pair("client_secret", &rule.secret);
    Some(out.finish())
}

fn inject_json(rules: &[&SecretRule], body: &[u8]) -> Option<Vec<u8>> {
    let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object_mut()?;
    let client_id = object.get("client_id")?.as_str()?;
    let rule = rule_for(rules, client_id)?;
    object.insert("client_secret".into(), rule.secret.clone().into());
    serde_json::to_vec(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> SecretRule {
        SecretRule {
            upstream: "sb".into(),
            client_id: "app".into(),
            secret: "s3cr3t".into(),
        }
    }

    #[test]
    fn fills_json_form_and_query_only_for_the_configured_client() {
        let r = rule();
        let rules = [&r];
        let (_, body) = inject(
            &rules,
            "application/json",
            None,
            Bytes::from_static(br#"{"client_id":"app","client_secret":""}"#),
        );
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["client_secret"], "s3cr3t");
        let (_, body) = inject(
            &rules,
            "application/x-www-form-urlencoded",
            None,
            Bytes::from_static(b"client_id=app&code=x"),
        );
        assert_eq!(&body[..], b"client_id=app&code=x&client_secret=s3cr3t");
        let (query, _) = inject(
            &rules,
            "",
            Some("client_id=app&client_secret=placeholder".into()),
            Bytes::new(),
        );
        assert_eq!(query.unwrap(), "client_id=app&client_secret=s3cr3t");
        let (_, body) = inject(
            &rules,
            "application/json",
            None,
            Bytes::from_static(br#"{"client_id":"other"}"#),
        );
        assert_eq!(&body[..], br#"{"client_id":"other"}"#);
    }
}
