// Waiting without blocking the page.

/// Waits `ms` milliseconds (0: until the browser had its turn).
pub async fn sleep_ms(ms: i32) {
    let tick = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(tick).await;
}
