// Time: wall-clock milliseconds for expiry, a monotonic clock for durations.

/// Milliseconds since the Unix epoch (Date.now()).
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A monotonic millisecond clock (performance.now()), for measuring how long something took.
pub fn elapsed_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}
