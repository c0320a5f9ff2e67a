// The Settings card: where the proxy and the Sandbox are, overriding config.json for this
// browser (two addresses, kept as preferences), and what the proxy says about itself.

use super::boot::save_overrides;
use super::state::{BootInfo, Client};
use crate::config::Overrides;
use crate::http::route::ProxyState;
use crate::platform::reload;
use leptos::prelude::*;

#[component]
pub fn Settings() -> impl IntoView {
    let client = expect_context::<Client>();
    let (overrides, page_base, config) = expect_context::<BootInfo>()
        .0
        .with_value(|b| (b.overrides.clone(), b.page_base.clone(), b.config.clone()));
    let proxy = RwSignal::new(overrides.proxy_base.clone().unwrap_or_default());
    let sandbox = RwSignal::new(overrides.sandbox_url.clone().unwrap_or_default());
    let problem = RwSignal::new(None::<String>);
    let base_for_save = page_base.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = Overrides {
            proxy_base: Some(proxy.get_untracked()).filter(|s| !s.trim().is_empty()),
            sandbox_url: Some(sandbox.get_untracked()).filter(|s| !s.trim().is_empty()),
        };
        match save_overrides(&wanted, &base_for_save) {
            Ok(()) => reload(),
            Err(why) => problem.set(Some(why)),
        }
    };
    let reset = move |_| {
        let _ = save_overrides(&Overrides::default(), &page_base);
        reload();
    };
    let proxy_status = move || {
        match client.routes().proxy().clone() {
        ProxyState::Checking => "Checking the proxy…".to_string(),
        ProxyState::Handshake(i) if i.secrets.is_empty() => format!("handshake-proxy answers, forwarding to: {}.", i.upstreams.join(", ")),
        ProxyState::Handshake(i) => format!(
            "handshake-proxy answers, forwarding to: {}. It holds the client secret of: {}.",
            i.upstreams.join(", "),
            i.secrets.iter().map(|s| format!("{} ({})", s.client_id, s.upstream)).collect::<Vec<_>>().join(", ")
        ),
        ProxyState::Forwarding(names) => format!("Something at this address forwards {} (trunk serve's proxy rules), without handshake-proxy's /_info.", names.join(", ")),
        ProxyState::Absent => "No proxy answers at this address: providers whose token endpoint needs one are marked unavailable.".into(),
    }
    };
    view! {
        <section class="card" aria-labelledby="settings-title">
            <details id="settings">
                <summary><h2 id="settings-title">"Settings"</h2></summary>
                <p class="hint">"In use: proxy "<code id="effective-proxy">{config.proxy_base.clone()}</code>", Sandbox "<code>{config.sandbox_url.to_string()}</code>"."</p>
                <p class="hint" id="proxy-status">{proxy_status}</p>
                <form class="form" on:submit=save novalidate>
                    <label for="setting-proxy">"Proxy base URL"</label>
                    <input id="setting-proxy" type="url" spellcheck="false" placeholder="https://proxy.example.com/proxy"
                        prop:value=move || proxy.get() on:input=move |ev| proxy.set(event_target_value(&ev))/>
                    <label for="setting-sandbox">"Sandbox URL"</label>
                    <input id="setting-sandbox" type="url" spellcheck="false" placeholder="http://127.0.0.1:8090"
                        prop:value=move || sandbox.get() on:input=move |ev| sandbox.set(event_target_value(&ev))/>
                    <p class="hint">"Empty fields use config.json. Saved in this browser as preferences (two addresses, nothing else); the page reloads to apply them."</p>
                    {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
                    <div class="actions">
                        <button id="settings-save" type="submit" class="primary">"Save and reload"</button>
                        <button type="button" class="ghost" on:click=reset>"Back to config.json"</button>
                    </div>
                </form>
            </details>
        </section>
    }
}
