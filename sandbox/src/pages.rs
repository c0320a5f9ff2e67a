// HTML pages the Sandbox renders itself: the provider's consent screens and error pages, from
// the data each provider hands over. Every echoed value goes through `escape_html`; the pages
// carry no script.

use crate::http::{escape_html, Params, Response};

/// An account the consent page offers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Account {
    pub key: &'static str,
    pub name: &'static str,
    pub email: &'static str,
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f4f1ea;color:#1f1d1a}\
main{max-width:30rem;margin:4rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 12px #0002}\
h1{font-size:1.3rem;margin:0 0 .25rem}p.sub{margin:0 0 1.5rem;color:#5a554c}\
label.acct{display:flex;gap:.75rem;align-items:center;border:1px solid #ddd6c8;border-radius:8px;padding:.75rem 1rem;margin:.5rem 0;cursor:pointer}\
label.acct:has(input:checked){border-color:#6d28d9;background:#f5f0ff}\
ul{padding-left:1.2rem}.actions{display:flex;gap:.75rem;margin-top:1.5rem}\
button{font:inherit;padding:.6rem 1.4rem;border-radius:8px;border:1px solid #6d28d9;cursor:pointer}\
button.allow{background:#6d28d9;color:#fff}button.deny{background:#fff;color:#6d28d9}\
button:focus-visible,input:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}\
code{background:#f4f1ea;padding:0 .25rem;border-radius:4px;word-break:break-all}.badge{font-size:.75rem;background:#fde68a;border-radius:4px;padding:0 .4rem}";

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"referrer\" content=\"no-referrer\">\
<title>{title}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        title = escape_html(title),
    )
}

pub fn index() -> String {
    layout(
        "Handshake Sandbox",
        "<h1>Handshake Sandbox <span class=\"badge\">simulated</span></h1>\
<p class=\"sub\">A local simulation of the Make App Academy API. Open Handshake to use it.</p>",
    )
}

/// What a scope lets the application do, as the consent screen says it.
pub(crate) fn scope_line(scope: &str) -> &'static str {
    match scope {
        "connect" => "connect to your account and see who you are",
        "read" => "read your movies, people and other records",
        "write" => "create and change your records",
        "delete" => "delete your records",
        _ => "an unknown permission",
    }
}

/// The Academy's account chooser: pick John Doe or Jane Black, then Allow or Deny.
pub fn account_chooser(
    client_id: &str,
    scopes: &[String],
    users: &[Account],
    params: &Params,
) -> Response {
    let hidden = hidden_fields(params, &["account", "decision"]);
    let mut accounts = String::new();
    for (i, user) in users.iter().enumerate() {
        accounts.push_str(&format!(
            "<label class=\"acct\"><input type=\"radio\" name=\"account\" value=\"{key}\"{checked} required>\
<span><strong>{name}</strong><br><small>{email}</small></span></label>",
            key = user.key,
            name = user.name,
            email = user.email,
            checked = if i == 0 { " checked" } else { "" },
        ));
    }
    let scope_items: String = scopes
        .iter()
        .map(|s| {
            format!(
                "<li><code>{}</code>: {}</li>",
                escape_html(s),
                scope_line(s)
            )
        })
        .collect();
    let body = format!(
        "<h1>Make App Academy <span class=\"badge\">Sandbox</span></h1>\
<p class=\"sub\">The application <code>{client}</code> asks to use your account.</p>\
<form method=\"post\" action=\"authorize\">{hidden}\
<fieldset style=\"border:0;padding:0;margin:0\"><legend>Choose an account</legend>{accounts}</fieldset>\
<p>It will be able to:</p><ul>{scope_items}</ul>\
<div class=\"actions\"><button class=\"allow\" name=\"decision\" value=\"allow\" type=\"submit\">Allow</button>\
<button class=\"deny\" name=\"decision\" value=\"deny\" type=\"submit\">Deny</button></div></form>",
        client = escape_html(client_id),
    );
    Response::html(200, layout("Authorize application", &body))
}

/// An authorization error shown by the provider itself (nothing is sent back to the client).
pub fn authorize_error(title: &str, detail: &str) -> Response {
    let body = format!(
        "<h1>{}</h1><p>{}</p><p class=\"sub\">The provider stops here and does not send you back \
to the application, because it cannot trust where it would send you.</p>",
        escape_html(title),
        escape_html(detail)
    );
    Response::html(400, layout(title, &body))
}

fn hidden_fields(params: &Params, skip: &[&str]) -> String {
    let mut hidden = String::new();
    for (name, value) in &params.0 {
        if skip.contains(&name.as_str()) {
            continue;
        }
        hidden.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape_html(name),
            escape_html(value)
        ));
    }
    hidden
}

/// Doorkeeper's consent screen for the signed-in Metamaps user.
pub fn doorkeeper_consent(client_id: &str, user: &str, params: &Params) -> Response {
    let body = format!(
        "<h1>Metamaps <span class=\"badge\">Sandbox</span></h1>\
<p class=\"sub\">Signed in as <strong>{user}</strong>.</p>\
<p>Authorize <code>{client}</code> to use your account?</p>\
<form method=\"post\" action=\"authorize\">{hidden}\
<div class=\"actions\"><button class=\"allow\" name=\"decision\" value=\"allow\" type=\"submit\">Authorize</button>\
<button class=\"deny\" name=\"decision\" value=\"deny\" type=\"submit\">Deny</button></div></form>",
        user = escape_html(user),
        client = escape_html(client_id),
        hidden = hidden_fields(params, &["decision"]),
    );
    Response::html(200, layout("Authorization required", &body))
}

/// The out-of-band page: the code shown for the user to copy into the application.
pub fn oob_code(code: &str) -> String {
    let body = format!(
        "<h1>Authorization code</h1><p class=\"sub\">Copy this code and paste it into the application.</p>\
<p><code id=\"authorization_code\">{}</code></p>",
        escape_html(code)
    );
    layout("Authorization code", &body)
}

/// The PHP API's sign-in-and-grant page (the Sandbox user and password are shown on the page).
pub fn php_login(params: &Params, user: (&str, &str), problem: Option<&str>) -> Response {
    let problem = problem
        .map(|p| {
            format!(
                "<p role=\"alert\" style=\"color:#b91c1c\">{}</p>",
                escape_html(p)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "<h1>PHP Demo API <span class=\"badge\">Sandbox</span></h1>\
<p class=\"sub\">Sign in to let <code>{client}</code> read your profile. Sandbox user: <code>{user}</code>, password <code>{password}</code>.</p>{problem}\
<form method=\"post\" action=\"authorize.php\">{hidden}\
<p><label>Username<br><input name=\"username\" value=\"{user}\" autocomplete=\"username\"></label></p>\
<p><label>Password<br><input name=\"password\" type=\"password\" autocomplete=\"current-password\"></label></p>\
<div class=\"actions\"><button class=\"allow\" name=\"decision\" value=\"grant\" type=\"submit\">Sign in and grant</button>\
<button class=\"deny\" name=\"decision\" value=\"deny\" type=\"submit\" formnovalidate>Deny</button></div></form>",
        client = escape_html(params.get("client_id").unwrap_or("")),
        user = escape_html(user.0),
        password = escape_html(user.1),
        hidden = hidden_fields(params, &["decision", "username", "password"]),
    );
    Response::html(200, layout("Sign in", &body))
}
