// A decoder under raw HTTP: the parameters of a URL, request or answer as a table, each with
// one line of what it means (text nodes only; the values are already redacted).

use crate::oauth::decode::decode;
use leptos::prelude::*;

#[component]
pub fn Decoded(text: Signal<String>, #[prop(into)] id: String) -> impl IntoView {
    move || {
        let rows = decode(&text.get());
        (!rows.is_empty()).then(|| {
            let count = rows.len();
            let body = rows
                .into_iter()
                .map(|r| {
                    view! {
                        <tr>
                            <th scope="row"><code>{r.name}</code></th>
                            <td><code>{r.value}</code></td>
                            <td class="muted">{r.meaning}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <details class="decoded" id=id.clone()>
                    <summary>{format!("Decoded: {count} parameter{}", if count == 1 { "" } else { "s" })}</summary>
                    <table>
                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Value"</th><th scope="col">"What it means"</th></tr></thead>
                        <tbody>{body}</tbody>
                    </table>
                </details>
            }
        })
    }
}
