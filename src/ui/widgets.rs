// Small reusable views: copy button, countdown text, response display, not-found page.

use crate::client::ApiOutcome;
use leptos::prelude::*;
use std::time::Duration;

/// Writes `text` to the clipboard and shows `message` as a toast.
pub fn copy_text(text: String, message: &'static str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(&text);
    }
    if let Some(state) = use_context::<super::AppState>() {
        state.toast.set(Some(message.to_string()));
        set_timeout(
            move || {
                if state.toast.get_untracked().as_deref() == Some(message) {
                    state.toast.set(None);
                }
            },
            Duration::from_secs(2),
        );
    }
}

/// The toast area (polite live region, so screen readers hear confirmations).
#[component]
pub fn Toast() -> impl IntoView {
    let state = expect_context::<super::AppState>();
    view! {
        <div class="toast-area" role="status" aria-live="polite">
            {move || state.toast.get().map(|t| view! { <p class="toast" id="toast">{t}</p> })}
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
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_string())
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
pub fn Outcome(outcome: ApiOutcome) -> impl IntoView {
    let note = outcome
        .note
        .map(|n| view! { <p class="banner info outcome-note">{n}</p> });
    let result = match outcome.result {
        Ok(resp) => {
            let class = if (200..300).contains(&resp.status) {
                "status ok"
            } else {
                "status bad"
            };
            view! {
                <div class="outcome">
                    <p class="outcome-head">
                        <span class=class>{resp.status}" "{resp.status_text.clone()}</span>
                        <span class="muted">{format!("{} · {}", millis(resp.elapsed_ms), human_size(resp.size()))}</span>
                    </p>
                    <pre class="body" tabindex="0" data-testid="response-body">{match resp.large {
                        Some(_) => format!("[{} of body: open it in the explorer to read it]", human_size(resp.size())),
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
    const KEY: &'static str = "handshake.v1.theme";

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
        use crate::session::KeyValue;
        match crate::session::local_storage().get(Self::KEY).as_deref() {
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
        use crate::session::KeyValue;
        self.apply();
        let store = crate::session::local_storage();
        match self {
            Theme::System => store.remove(Self::KEY),
            other => store.set(Self::KEY, other.name()),
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
