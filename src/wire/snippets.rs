// A request as code to paste elsewhere: curl, JavaScript fetch, Python requests, Rust reqwest,
// HTTPie. Credentials are redacted unless the user asks; each prints a runnable program.

use super::curl::{redacted, shell_quote, to_curl};
use super::HttpRequest;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Curl,
    Fetch,
    Python,
    Reqwest,
    Httpie,
}

impl Lang {
    pub const ALL: [Lang; 5] = [
        Lang::Curl,
        Lang::Fetch,
        Lang::Python,
        Lang::Reqwest,
        Lang::Httpie,
    ];

    /// Stable name (the selector's value).
    pub fn id(self) -> &'static str {
        match self {
            Lang::Curl => "curl",
            Lang::Fetch => "fetch",
            Lang::Python => "python",
            Lang::Reqwest => "reqwest",
            Lang::Httpie => "httpie",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Lang::Curl => "curl",
            Lang::Fetch => "JavaScript fetch",
            Lang::Python => "Python requests",
            Lang::Reqwest => "Rust reqwest",
            Lang::Httpie => "HTTPie",
        }
    }

    pub fn parse(id: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.id() == id)
    }
}

/// A string literal valid in JavaScript and Python (JSON's escaping).
fn literal(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// The request in `lang`; credentials redacted unless `reveal`.
pub fn snippet(lang: Lang, req: &HttpRequest, credential_header: &str, reveal: bool) -> String {
    if lang == Lang::Curl {
        return to_curl(req, credential_header, reveal);
    }
    let req = redacted(req, credential_header, reveal);
    match lang {
        Lang::Curl => unreachable!("handled above"),
        Lang::Fetch => fetch(&req),
        Lang::Python => python(&req),
        Lang::Reqwest => reqwest(&req),
        Lang::Httpie => httpie(&req),
    }
}

fn fetch(req: &HttpRequest) -> String {
    let mut out = format!(
        "const response = await fetch({}, {{\n  method: {},\n",
        literal(&req.url),
        literal(req.method.as_str())
    );
    if !req.headers.is_empty() {
        out.push_str("  headers: {\n");
        for (name, value) in &req.headers {
            out.push_str(&format!("    {}: {},\n", literal(name), literal(value)));
        }
        out.push_str("  },\n");
    }
    if let Some(body) = &req.body {
        out.push_str(&format!("  body: {},\n", literal(body)));
    }
    out.push_str("});\nconsole.log(response.status, await response.text());");
    out
}

fn python(req: &HttpRequest) -> String {
    let mut out = format!(
        "import requests\n\nresponse = requests.request(\n    {},\n    {},\n",
        literal(req.method.as_str()),
        literal(&req.url)
    );
    if !req.headers.is_empty() {
        out.push_str("    headers={\n");
        for (name, value) in &req.headers {
            out.push_str(&format!("        {}: {},\n", literal(name), literal(value)));
        }
        out.push_str("    },\n");
    }
    if let Some(body) = &req.body {
        // Bytes: requests would send a str as Latin-1.
        out.push_str(&format!("    data={}.encode(\"utf-8\"),\n", literal(body)));
    }
    out.push_str("    allow_redirects=False,\n)\nprint(response.status_code, response.text)");
    out
}

fn reqwest(req: &HttpRequest) -> String {
    let mut out = String::from(
        "// Cargo.toml: reqwest = { version = \"0.12\", features = [\"blocking\"] }\n\
         fn main() -> Result<(), Box<dyn std::error::Error>> {\n\
         \x20   let response = reqwest::blocking::Client::builder()\n\
         \x20       .redirect(reqwest::redirect::Policy::none())\n\
         \x20       .build()?\n",
    );
    out.push_str(&format!(
        "        .request(reqwest::Method::{}, {:?})\n",
        req.method.as_str(),
        req.url
    ));
    for (name, value) in &req.headers {
        out.push_str(&format!("        .header({name:?}, {value:?})\n"));
    }
    if let Some(body) = &req.body {
        out.push_str(&format!("        .body({body:?})\n"));
    }
    out.push_str(
        "        .send()?;\n    println!(\"{} {}\", response.status(), response.text()?);\n    Ok(())\n}",
    );
    out
}

fn httpie(req: &HttpRequest) -> String {
    let mut parts = vec![format!(
        "http {} {}",
        req.method.as_str(),
        shell_quote(&req.url)
    )];
    for (name, value) in &req.headers {
        parts.push(shell_quote(&format!("{name}:{value}")));
    }
    if let Some(body) = &req.body {
        parts.push(format!("--raw {}", shell_quote(body)));
    }
    parts.join(" \\\n  ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Method;

    fn request() -> HttpRequest {
        HttpRequest::new(Method::Post, "https://h/api/v2/movies?page=1")
            .header("Accept", "application/json")
            .header("Authorization", "Bearer s3cret-token")
            .body(
                "application/json",
                "{\"name\": \"It's \\\"here\\\" é\"}".into(),
            )
    }

    #[test]
    fn every_language_redacts_unless_asked() {
        for lang in Lang::ALL {
            let hidden = snippet(lang, &request(), "authorization", false);
            assert!(!hidden.contains("s3cret-token"), "{lang:?}: {hidden}");
            assert!(hidden.contains("Bearer [redacted]"), "{lang:?}");
            let shown = snippet(lang, &request(), "authorization", true);
            assert!(shown.contains("s3cret-token"), "{lang:?}");
            assert_eq!(Lang::parse(lang.id()), Some(lang));
        }
        let key =
            HttpRequest::new(Method::Get, "https://h/api/v1/about").header("x-api-key", "k3y");
        for lang in Lang::ALL {
            assert!(
                !snippet(lang, &key, "x-api-key", false).contains("k3y"),
                "{lang:?}"
            );
        }
    }

    #[test]
    fn fetch_and_python_quote_as_json_does() {
        assert_eq!(
            snippet(Lang::Fetch, &request(), "authorization", true),
            "const response = await fetch(\"https://h/api/v2/movies?page=1\", {\n  method: \"POST\",\n  headers: {\n    \"Accept\": \"application/json\",\n    \"Authorization\": \"Bearer s3cret-token\",\n    \"Content-Type\": \"application/json\",\n  },\n  body: \"{\\\"name\\\": \\\"It's \\\\\\\"here\\\\\\\" é\\\"}\",\n});\nconsole.log(response.status, await response.text());"
        );
        let py = snippet(Lang::Python, &request(), "authorization", false);
        assert!(py.starts_with("import requests\n\nresponse = requests.request(\n    \"POST\",\n    \"https://h/api/v2/movies?page=1\",\n"));
        assert!(py.contains(".encode(\"utf-8\")"));
        assert!(py.contains("allow_redirects=False"));
    }

    #[test]
    fn reqwest_uses_rust_literals_and_httpie_shell_quotes() {
        let rs = snippet(Lang::Reqwest, &request(), "authorization", true);
        assert!(rs.contains(".request(reqwest::Method::POST, \"https://h/api/v2/movies?page=1\")"));
        assert!(
            rs.contains(".body(\"{\\\"name\\\": \\\"It's \\\\\\\"here\\\\\\\" é\\\"}\")"),
            "{rs}"
        );
        let hostile = HttpRequest::new(Method::Get, "https://h/x?q=$(id)'");
        assert_eq!(
            snippet(Lang::Httpie, &hostile, "authorization", false),
            "http GET 'https://h/x?q=$(id)'\\'''"
        );
        assert!(snippet(Lang::Httpie, &request(), "authorization", true)
            .contains("--raw '{\"name\": \"It'\\''s"));
    }
}
