// Browser entry point: load the runtime configuration, then mount the app.

fn main() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let boot = handshake::boot::load().await;
        handshake::local::set_page(&boot.page_base, &boot.default_redirect_uri());
        leptos::mount::mount_to_body(move || leptos::view! { <handshake::ui::App boot=boot/> });
        handshake::boot::mark_ready();
    });
}
