// "Check my setup": before a real sign-in, whether the proxy is there and forwards the
// provider, who holds the client secret, whether the provider accepts the client id and the
// redirect URI (a trial authorize request, never followed), and which endpoints a browser may
// call directly (CORS). Each finding says how to fix it.

use super::{Clock, Controller, Crypto, Transport};
use crate::oauth::redirect::near_miss;
use crate::platform::KeyValue;
use crate::providers::{BodyEncoding, ClientAuthMethod, Provider};
use crate::session::log::FlowStep;
use crate::wire::{HttpRequest, Method};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Good,
    /// Works, with something the user should know.
    Note,
    Problem,
    /// Cannot be told from this page.
    Unknown,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Good => "good",
            Verdict::Note => "note",
            Verdict::Problem => "problem",
            Verdict::Unknown => "unknown",
        }
    }
}

/// One finding of the setup check.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// Stable name (`proxy`, `secret`, `authorize`, `redirect`, `cors-token`…).
    pub id: String,
    pub title: String,
    pub verdict: Verdict,
    pub found: String,
    pub fix: Option<String>,
}

fn check(id: &str, title: &str, verdict: Verdict, found: String, fix: Option<String>) -> Check {
    Check {
        id: id.into(),
        title: title.into(),
        verdict,
        found,
        fix,
    }
}

/// `body` without its `<style>` and `<script>` elements (their text is not the page's words).
fn without_code(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    loop {
        let lower = rest.to_ascii_lowercase();
        let next = ["<style", "<script"]
            .iter()
            .filter_map(|open| lower.find(open).map(|i| (i, &open[1..])))
            .min_by_key(|(i, _)| *i);
        let Some((start, name)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..start]);
        let close = format!("</{name}>");
        match lower[start..].find(&close) {
            Some(end) => rest = &rest[start + end + close.len()..],
            None => return out,
        }
    }
}

/// The words of an HTML or text page, tags dropped, spaces collapsed.
fn page_text(body: &str) -> String {
    let body = without_code(body);
    let mut out = String::with_capacity(body.len().min(4096));
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The sentence of `text` around the first of `needles` (at most about 240 characters).
fn around(text: &str, needles: &[&str]) -> Option<String> {
    let lower = text.to_lowercase();
    let at = needles.iter().filter_map(|n| lower.find(n)).min()?;
    let start = text[..at]
        .rfind(['.', '!', '?'])
        .map(|i| i + 1)
        .unwrap_or(0);
    let rest = text[start..].trim();
    let mut snippet: String = rest.chars().take(240).collect();
    if snippet.len() < rest.len() {
        snippet.push('…');
    }
    Some(snippet)
}

/// What a provider's answer to a trial authorize request says about the client and the
/// redirect URI (RFC 6749 §4.1.2.1: a bad client or redirect URI is shown, not redirected).
pub fn read_trial(status: u16, body: &str) -> (Verdict, Verdict, Option<String>) {
    if status < 400 {
        return (Verdict::Good, Verdict::Good, None);
    }
    let text = page_text(body);
    let redirect = around(&text, &["redirect_uri", "redirect uri"]);
    let client = around(&text, &["client_id", "client id", "unknown client"]);
    match (redirect, client) {
        (Some(r), _) => (Verdict::Good, Verdict::Problem, Some(r)),
        (None, Some(c)) => (Verdict::Problem, Verdict::Unknown, Some(c)),
        (None, None) => (
            Verdict::Unknown,
            Verdict::Unknown,
            Some(text.chars().take(240).collect()),
        ),
    }
}

impl<S, C, R, T> Controller<S, C, R, T>
where
    S: KeyValue + 'static,
    C: Clock + 'static,
    R: Crypto + 'static,
    T: Transport + 'static,
{
    /// Runs every check for `provider` with what the Connect form holds now.
    pub async fn check_setup(&self, provider: &Provider, form: &super::ClientForm) -> Vec<Check> {
        let mut checks = vec![
            self.proxy_check(provider),
            self.secret_check(provider, form),
        ];
        checks.extend(self.client_checks(provider, form).await);
        checks.extend(self.cors_checks(provider).await);
        checks
    }

    fn proxy_check(&self, provider: &Provider) -> Check {
        let token = &provider.token.url;
        if !self.transport.via_proxy(token) {
            return check(
                "proxy",
                "Proxy",
                Verdict::Good,
                "Not needed: the token endpoint is reached without one.".into(),
                None,
            );
        }
        match self.transport.reach(token) {
            Ok(()) => check(
                "proxy",
                "Proxy",
                Verdict::Good,
                "handshake-proxy answers and forwards the provider's host.".into(),
                None,
            ),
            Err(why) => check(
                "proxy",
                "Proxy",
                Verdict::Problem,
                "The token request needs handshake-proxy, and it is not there or does not forward this provider.".into(),
                Some(why),
            ),
        }
    }

    fn secret_check(&self, provider: &Provider, form: &super::ClientForm) -> Check {
        let client_id = form.client_id();
        let typed = form.client_secret.expose().trim();
        let path = crate::url::HttpUrl::parse(&provider.token.url)
            .map(|u| u.path().to_string())
            .unwrap_or_default();
        let proxy_rule = format!(
            "handshake-proxy --secret <upstream>:{}=MY_CLIENT_SECRET,path={path} with MY_CLIENT_SECRET in its environment (README, \u{201c}The proxy\u{201d})",
            client_id.as_str()
        );
        if provider.standards.client_auth == ClientAuthMethod::None {
            check(
                "secret",
                "Client secret",
                Verdict::Good,
                "A public client: no secret; PKCE proves the token request.".into(),
                None,
            )
        } else if self.secret_held(provider, &client_id) {
            check(
                "secret",
                "Client secret",
                Verdict::Good,
                "handshake-proxy holds this client's secret and adds it to token requests only; the page never sees it.".into(),
                None,
            )
        } else if !typed.is_empty() && provider.demo_client_secret.as_deref() == Some(typed) {
            check(
                "secret",
                "Client secret",
                Verdict::Good,
                "The Sandbox's published demo secret.".into(),
                None,
            )
        } else if !typed.is_empty() {
            check(
                "secret",
                "Client secret",
                Verdict::Note,
                "You typed it: it stays in this tab (sessionStorage) and goes only to the token endpoint.".into(),
                Some(format!("On a shared computer or a public page, let the proxy hold it instead: {proxy_rule}.")),
            )
        } else {
            check(
                "secret",
                "Client secret",
                Verdict::Problem,
                "None typed, and the proxy does not hold one for this client id: the token request would fail after you consent.".into(),
                Some(format!("Type the secret the provider gave you, or run {proxy_rule}.")),
            )
        }
    }

    /// The redirect URI against Handshake's callback, then a trial authorize request.
    async fn client_checks(&self, provider: &Provider, form: &super::ClientForm) -> Vec<Check> {
        let typed = form.redirect_uri.trim().to_string();
        let mut checks = Vec::new();
        if let Some(fix) = near_miss(&typed, &self.app_callback) {
            checks.push(check(
                "redirect",
                "Redirect URI",
                Verdict::Problem,
                format!("{typed} is almost Handshake's callback, {}, but not exactly: providers compare every character.", self.app_callback),
                Some(fix),
            ));
        } else if typed != self.app_callback && !typed.is_empty() {
            checks.push(check(
                "redirect",
                "Redirect URI",
                Verdict::Note,
                format!("The provider will send the code to {typed}, not back to Handshake."),
                Some("After consenting, copy the address you land on and paste it under \u{201c}Paste the address you landed on\u{201d}.".into()),
            ));
        }
        if form.validate(provider).is_err()
            || self.transport.reach(&provider.authorize_url).is_err()
        {
            return checks;
        }
        let attempt = self.attempt(provider);
        let url = self.authorize_url(provider, form, &attempt);
        let req = HttpRequest::new(Method::Get, url).header("Accept", "text/html");
        let answer = self
            .send_logged(
                FlowStep::Authorize,
                "Setup check: a trial authorize request (not followed)",
                &req,
                provider,
            )
            .await;
        let (client, redirect, said) = match &answer {
            Ok(d) => read_trial(d.response.status, &d.response.body),
            Err(e) => (Verdict::Unknown, Verdict::Unknown, Some(e.message())),
        };
        let quoted = said
            .map(|s| format!(" The provider said: \u{201c}{s}\u{201d}"))
            .unwrap_or_default();
        checks.push(match (client, redirect) {
            (Verdict::Good, Verdict::Good) => check(
                "authorize",
                "Client id and redirect URI",
                Verdict::Good,
                format!(
                    "The provider's authorize endpoint accepted client id {} with redirect URI {typed} (it answered with its sign-in or consent page).",
                    form.client_id()
                ),
                None,
            ),
            (Verdict::Problem, _) => check(
                "authorize",
                "Client id",
                Verdict::Problem,
                format!("The provider does not know client id {}.{quoted}", form.client_id()),
                Some("Copy the client id exactly as the provider shows it for your application.".into()),
            ),
            (_, Verdict::Problem) => check(
                "authorize",
                "Redirect URI",
                Verdict::Problem,
                format!("The provider refused {typed}: it is not the redirect URI registered for this client.{quoted}"),
                Some(format!("Register exactly {typed} with the provider, or type the redirect URI you registered (scheme, host, port, path and trailing slash must all match).")),
            ),
            _ => check(
                "authorize",
                "Client id and redirect URI",
                Verdict::Unknown,
                format!("The authorize page could not be read from here, so the provider will check them when you authorize.{quoted}"),
                None,
            ),
        });
        checks
    }

    /// RFC 6749 §3.2 endpoints and the API: may the browser call each directly?
    async fn cors_checks(&self, provider: &Provider) -> Vec<Check> {
        let content_type = match provider.token_body {
            BodyEncoding::Json => "application/json",
            BodyEncoding::Form | BodyEncoding::Query => "application/x-www-form-urlencoded",
        };
        let mut endpoints = vec![("token", "Token endpoint", provider.token.url.clone(), true)];
        if let Some(r) = &provider.refresh {
            endpoints.push(("refresh", "Refresh endpoint", r.url.clone(), true));
        }
        if let Some(u) = &provider.userinfo {
            endpoints.push(("info", "Account endpoint", u.url.clone(), false));
        }
        if let Some(r) = &provider.revoke {
            let post = r.endpoint.method == Method::Post;
            endpoints.push(("revoke", "Revoke endpoint", r.endpoint.url.clone(), post));
        }
        let mut seen = Vec::new();
        let mut checks = Vec::new();
        for (id, title, url, post) in endpoints {
            if seen.contains(&url) {
                continue;
            }
            seen.push(url.clone());
            let req = if post {
                HttpRequest::new(Method::Post, url.clone()).body(content_type, String::new())
            } else {
                HttpRequest::new(Method::Get, url.clone()).header("Authorization", "Bearer check")
            };
            let Some(direct) = self.transport.direct_allowed(&req).await else {
                continue;
            };
            let proxied = self.transport.via_proxy(&url);
            let (verdict, found, fix) = match (direct, proxied) {
                (true, true) => (
                    Verdict::Good,
                    format!("{url}: browsers may call it directly; Handshake still uses the proxy for its host."),
                    None,
                ),
                (true, false) => (Verdict::Good, format!("{url}: browsers may call it directly."), None),
                (false, true) => (
                    Verdict::Good,
                    format!("{url}: browsers may not call it (CORS, or unreachable from here), so it goes through handshake-proxy."),
                    None,
                ),
                (false, false) => (
                    Verdict::Problem,
                    format!("{url}: browsers may not call it (CORS, or unreachable from here), and no proxy is set for its host."),
                    Some("Name its host as an upstream of handshake-proxy (--upstream name=https://host) and in config.json, or check the address.".into()),
                ),
            };
            checks.push(check(&format!("cors-{id}"), title, verdict, found, fix));
        }
        checks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trial_authorize_answer_names_what_is_wrong() {
        assert_eq!(
            read_trial(200, "<h1>Allow?</h1>"),
            (Verdict::Good, Verdict::Good, None)
        );
        assert_eq!(read_trial(302, "").0, Verdict::Good);
        let (client, redirect, said) = read_trial(
            400,
            "<html><h1>redirect_uri does not match</h1><p>\u{201c}http://x/cb/\u{201d} is not the redirect URI registered for this client.</p></html>",
        );
        assert_eq!((client, redirect), (Verdict::Good, Verdict::Problem));
        assert!(said.unwrap().starts_with("redirect_uri does not match"));
        let (client, _, said) = read_trial(
            400,
            "<h1>Unknown client_id</h1><p>No application is registered.</p>",
        );
        assert_eq!(client, Verdict::Problem);
        assert!(said.unwrap().contains("Unknown client_id"));
        assert_eq!(read_trial(500, "<p>oops</p>").0, Verdict::Unknown);
    }

    #[test]
    fn page_text_drops_tags_and_keeps_words() {
        assert_eq!(page_text("<p>a <b>b</b></p>\n<p>c</p>"), "a b c");
        assert_eq!(
            page_text("<head><STYLE>h1{color:red}</style><script>x()</script></head><h1>Hi</h1>"),
            "Hi"
        );
        assert_eq!(
            around("One. Two redirect_uri bad. Three", &["redirect_uri"]).unwrap(),
            "Two redirect_uri bad. Three"
        );
    }
}
