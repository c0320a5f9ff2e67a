// Small reusable views: the header, copy button, toasts, number and time formatting, an API
// answer, the theme toggle, the not-found page.

use super::state::{Client, Guided, Outcome, Providers, Toasts};
use crate::platform::{local_storage, KeyValue};
use crate::session::{keys, GuideStep};
use leptos::prelude::*;
use std::time::Duration;

/// The top bar: the name, the provider and whether this tab is signed in, guided mode, theme.
#[component]
pub fn Header() -> impl IntoView {
    let client = expect_context::<Client>();
    let providers = expect_context::<Providers>();
    let guided = expect_context::<Guided>();
    let provider_name = move || providers.current().map(|p| p.name).unwrap_or_default();
    let signed_in = move || client.session(&providers.selected.get()).is_some();
    view! {
        <header class="topbar">
            <h1 class="brand-title">
                <a class="brand" href="./">
                    <span class="brand-mark" aria-hidden="true">"⇄"</span>
                    <span>"Handshake"</span>
                </a>
            </h1>
            <span class="tagline">"OAuth2 playground & API explorer"</span>
            <span class="status-chip" class:on=signed_in data-testid="status-chip">
                <span class="dot" aria-hidden="true"></span>
                {provider_name}
                {move || if signed_in() { " · signed in" } else { " · signed out" }}
            </span>
            <button type="button" class="ghost small" id="guide-toggle"
                aria-pressed=move || guided.0.get().to_string()
                on:click=move |_| guided.set(!guided.0.get_untracked())>"Guided mode"</button>
            <ThemeToggle/>
        </header>
    }
}

/// The element id of the flow-log entry at `index` (oldest first).
pub fn log_entry_id(index: usize) -> String {
    format!("log-{index}")
}

/// The element id of a guide step.
pub fn guide_step_id(step: GuideStep) -> String {
    format!("guide-{}", step.key())
}

/// Scrolls to the element `id`, opens its `<details>` when asked, and moves the focus there
/// (links between the flow log and the guide).
pub fn reveal(id: &str, open_details: bool) {
    let Some(item) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    else {
        return;
    };
    if open_details {
        if let Ok(Some(details)) = item.query_selector("details") {
            let _ = details.set_attribute("open", "");
        }
    }
    item.scroll_into_view();
    if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(item) {
        let _ = el.focus();
    }
}

/// Writes `text` to the clipboard and shows `message` as a toast.
pub fn copy_text(text: String, message: &'static str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(&text);
    }
    if let Some(Toasts(toast)) = use_context::<Toasts>() {
        toast.set(Some(message.to_string()));
        set_timeout(
            move || {
                if toast.get_untracked().as_deref() == Some(message) {
                    toast.set(None);
                }
            },
            Duration::from_secs(2),
        );
    }
}

/// The toast area (polite live region, so screen readers hear confirmations).
#[component]
pub fn Toast() -> impl IntoView {
    let Toasts(toast) = expect_context::<Toasts>();
    view! {
        <div class="toast-area" role="status" aria-live="polite">
            {move || toast.get().map(|t| view! { <p class="toast" id="toast">{t}</p> })}
        </div>
    }
}

/// Copies `text` to the clipboard and says so for two seconds.
#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>, label: &'static str) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        copy_text(text.get_untracked(), "Copied");
        copied.set(true);
        set_timeout(move || copied.set(false), Duration::from_secs(2));
    };
    view! {
        <button type="button" class="ghost small" on:click=copy aria-live="polite">
            {move || if copied.get() { "Copied" } else { label }}
        </button>
    }
}

// Numbers are formatted with integer arithmetic: float formatting would add ~11 KB to the bundle.

/// `123 ms`
pub fn millis(ms: f64) -> String {
    format!("{} ms", ms.max(0.0).round() as u64)
}

/// A count as the provider sent it: `5`, `7200`, `0.5` (one decimal at most).
pub fn plain_number(n: f64) -> String {
    let tenths = (n * 10.0).round() as i64;
    if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, (tenths % 10).abs())
    }
}

/// `512 bytes`, `2.8 KB`, `10.0 MB`
pub fn human_size(bytes: usize) -> String {
    let tenths = |unit: usize| {
        let t = bytes * 10 / unit;
        format!("{}.{}", t / 10, t % 10)
    };
    match bytes {
        b if b < 1024 => format!("{b} bytes"),
        b if b < 1024 * 1024 => format!("{} KB", tenths(1024)),
        _ => format!("{} MB", tenths(1024 * 1024)),
    }
}

/// "4 min 05 s" style remaining time; "expired" at or below zero.
pub fn remaining(ms: f64) -> String {
    if ms <= 0.0 {
        return "expired".into();
    }
    let total = (ms / 1000.0).ceil() as u64;
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, _) => format!("{m} min {s:02} s"),
        _ => format!("{h} h {m:02} min"),
    }
}

/// Pretty JSON when the body parses, else the text as it came.
pub fn pretty_body(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .map(|v| pretty_json(&v))
        .unwrap_or_else(|| body.to_string())
}

/// A JSON value indented by two spaces, keys in their order.
pub fn pretty_json(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// A banner for a message signal; nothing when it is `None`.
#[component]
pub fn ErrorBanner(message: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|m| view! { <p class="banner error" role="alert">{m}</p> })
    }
}

/// Status line and body of an API answer, or why there is none. Text nodes only.
#[component]
pub fn Answer(outcome: Outcome) -> impl IntoView {
    let note = outcome
        .note
        .map(|n| view! { <p class="banner info outcome-note">{n}</p> });
    let result = match outcome.result {
        Ok(reply) => {
            let resp = reply.response;
            let class = if (200..300).contains(&resp.status) {
                "status ok"
            } else {
                "status bad"
            };
            view! {
                <div class="outcome">
                    <p class="outcome-head">
                        <span class=class>{resp.status}" "{resp.status_text.clone()}</span>
                        <span class="muted">{format!("{} · {}", millis(resp.elapsed_ms), human_size(resp.size))}</span>
                    </p>
                    <pre class="body" tabindex="0" data-testid="response-body">{match reply.large {
                        Some(_) => format!("[{} of body: open it in the explorer to read it]", human_size(resp.size)),
                        None => pretty_body(&resp.body),
                    }}</pre>
                </div>
            }
            .into_any()
        }
        Err(e) => view! { <p class="banner error" role="alert">{e.message()}</p> }.into_any(),
    };
    view! { {note} {result} }
}

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="card narrow">
            <h2>"Nothing here"</h2>
            <p>"This address is not a page of Handshake."</p>
            <a href="./">"Go to the start"</a>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_reads_naturally() {
        assert_eq!(remaining(0.0), "expired");
        assert_eq!(remaining(1.0), "1 s");
        assert_eq!(remaining(245_000.0), "4 min 05 s");
        assert_eq!(remaining(7_200_000.0), "2 h 00 min");
    }

    #[test]
    fn numbers_read_naturally_without_float_formatting() {
        assert_eq!(millis(12.6), "13 ms");
        assert_eq!(plain_number(5.0), "5");
        assert_eq!(plain_number(0.5), "0.5");
        assert_eq!(plain_number(7200.0), "7200");
        assert_eq!(human_size(900), "900 bytes");
        assert_eq!(human_size(2_900), "2.8 KB");
        assert_eq!(human_size(10 * 1024 * 1024), "10.0 MB");
    }

    #[test]
    fn pretty_body_keeps_non_json() {
        assert_eq!(pretty_body("<b>x</b>"), "<b>x</b>");
        assert_eq!(pretty_body("{\"a\":1}"), "{\n  \"a\": 1\n}");
    }
}

/// The colour theme: the system's unless the user picked one (kept in localStorage).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    fn next(self) -> Theme {
        match self {
            Theme::System => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::System,
        }
    }

    pub fn saved() -> Theme {
        match local_storage().get(&keys::theme()).as_deref() {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::System,
        }
    }

    /// Sets `data-theme` on the root element (none: follow the system).
    pub fn apply(self) {
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(root) = root {
            let _ = match self {
                Theme::System => root.remove_attribute("data-theme"),
                other => root.set_attribute("data-theme", other.name()),
            };
        }
    }

    /// Applies the user's choice and remembers it for the next visit.
    fn choose(self) {
        self.apply();
        let store = local_storage();
        match self {
            Theme::System => store.remove(&keys::theme()),
            other => {
                let _ = store.set(&keys::theme(), other.name());
            }
        }
    }
}

/// A button that cycles the theme: system, light, dark.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = RwSignal::new(Theme::saved());
    let label = move || match theme.get() {
        Theme::System => "◐ System theme",
        Theme::Light => "☀ Light theme",
        Theme::Dark => "☾ Dark theme",
    };
    view! {
        <button type="button" class="ghost small theme-toggle" id="theme-toggle"
            title="Switch between the system's theme, light and dark"
            on:click=move |_| {
                let next = theme.get_untracked().next();
                next.choose();
                theme.set(next);
            }>{label}</button>
    }
}
