// Browser entry point: take a callback's answer off the address bar, put a static host's copy
// address back to its route's own, load the runtime configuration, then mount the app (the
// proxy and the Sandbox are probed after that).

use handshake::ui::{boot, routes, App};

fn main() {
    console_error_panic_hook::set_once();
    // The code and state leave the address bar before anything waits on the network.
    routes::stash_answer(&boot::router_base(&boot::page_base()));
    wasm_bindgen_futures::spawn_local(async {
        let boot = boot::load().await;
        routes::normalize_address(&boot.router_base());
        handshake::http::inpage::set_page(&boot.page_base, &boot.default_redirect_uri());
        handshake::ui::preload(&boot).await;
        leptos::mount::mount_to_body(move || leptos::view! { <App boot=boot/> });
        boot::mark_ready();
    });
}
