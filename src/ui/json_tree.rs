// A collapsible JSON tree over the browser's own JSON.parse result: children render only when
// opened, long arrays in chunks, so multi-megabyte answers stay responsive. Text nodes only.

use super::widgets::copy_text;
use js_sys::{Array, Object, Reflect, JSON};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` of a string that is already on the JS side (js-sys's takes a `&str`,
    /// which would copy the text out of Rust again).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_js_string(text: &JsValue) -> Result<JsValue, JsValue>;
}

/// How many children an opened node shows before "Show more".
const CHUNK: usize = 100;

#[derive(Clone, Debug, PartialEq)]
pub enum Key {
    Index(usize),
    Name(String),
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The JSONPath-style path of a child: `$.data[3].name`, `$["odd key"]`.
pub fn child_path(parent: &str, key: &Key) -> String {
    match key {
        Key::Index(i) => format!("{parent}[{i}]"),
        Key::Name(n) if is_identifier(n) => format!("{parent}.{n}"),
        Key::Name(n) => format!("{parent}[{}]", serde_json::to_string(n).unwrap_or_default()),
    }
}

/// Parses a JS string in place.
pub fn parse_js(text: &JsValue) -> Option<JsValue> {
    parse_js_string(text).ok()
}

/// A small copy of a parsed answer for decisions such as "is there a next page": arrays keep
/// their length (as nulls), objects their keys two levels deep, strings are dropped.
pub fn outline(value: &JsValue) -> serde_json::Value {
    outline_at(value, 0)
}

fn outline_at(value: &JsValue, depth: usize) -> serde_json::Value {
    use serde_json::Value;
    match shape(value) {
        Shape::Array(n) => Value::Array(vec![Value::Null; n]),
        Shape::Object(names) if depth < 2 => Value::Object(
            names
                .into_iter()
                .map(|n| {
                    let v = outline_at(&child(value, &Key::Name(n.clone())), depth + 1);
                    (n, v)
                })
                .collect(),
        ),
        Shape::Object(_) => Value::Object(Default::default()),
        Shape::Leaf("bool") => Value::Bool(value.as_bool().unwrap_or(false)),
        Shape::Leaf("number") => value
            .as_f64()
            .and_then(|n| {
                if n.fract() == 0.0 && n.abs() < 9e15 {
                    Some(Value::from(n as i64))
                } else {
                    serde_json::Number::from_f64(n).map(Value::Number)
                }
            })
            .unwrap_or(Value::Null),
        Shape::Leaf(_) => Value::Null,
    }
}

fn stringify(value: &JsValue) -> String {
    JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

fn pretty(value: &JsValue) -> String {
    JSON::stringify_with_replacer_and_space(value, &JsValue::NULL, &JsValue::from_f64(2.0))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

enum Shape {
    Array(usize),
    Object(Vec<String>),
    Leaf(&'static str),
}

fn shape(value: &JsValue) -> Shape {
    if Array::is_array(value) {
        Shape::Array(Array::from(value).length() as usize)
    } else if value.is_object() {
        let keys = Object::keys(&Object::from(value.clone()));
        Shape::Object(keys.iter().filter_map(|k| k.as_string()).collect())
    } else if value.is_null() {
        Shape::Leaf("null")
    } else if value.as_bool().is_some() {
        Shape::Leaf("bool")
    } else if value.as_f64().is_some() {
        Shape::Leaf("number")
    } else {
        Shape::Leaf("string")
    }
}

fn child(value: &JsValue, key: &Key) -> JsValue {
    match key {
        Key::Index(i) => Array::from(value).get(*i as u32),
        Key::Name(n) => Reflect::get(value, &JsValue::from_str(n)).unwrap_or(JsValue::UNDEFINED),
    }
}

/// One place in an answer whose key or value contains what was searched for.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub path: String,
    /// The value there (shortened), or the key's name when only the key matched.
    pub text: String,
}

/// Up to `limit` places in `value` whose key or value contains `needle` (ignoring case), in
/// document order, looking at no more than `budget` nodes; and whether the search stopped
/// before the end.
pub fn find(value: &JsValue, needle: &str, limit: usize, budget: usize) -> (Vec<Hit>, bool) {
    let needle = needle.to_lowercase();
    let mut hits = Vec::new();
    let mut left = budget;
    // Depth-first with an explicit stack (deep answers cannot overflow the wasm stack); each
    // entry carries the name it is found under, so a matching key is a hit in document order.
    let mut stack: Vec<(String, JsValue, Option<String>)> = vec![("$".into(), value.clone(), None)];
    while let Some((path, v, name)) = stack.pop() {
        if hits.len() >= limit || left == 0 {
            return (hits, true);
        }
        left -= 1;
        let key_matches = name.is_some_and(|n| n.to_lowercase().contains(&needle));
        let keys: Vec<Key> = match shape(&v) {
            Shape::Array(n) => (0..n).map(Key::Index).collect(),
            Shape::Object(names) => names.into_iter().map(Key::Name).collect(),
            Shape::Leaf(_) => {
                let text = v.as_string().unwrap_or_else(|| stringify(&v));
                if key_matches || text.to_lowercase().contains(&needle) {
                    hits.push(Hit {
                        path,
                        text: text.chars().take(120).collect(),
                    });
                }
                continue;
            }
        };
        if key_matches {
            hits.push(Hit {
                path: path.clone(),
                text: format!("({} inside)", keys.len()),
            });
        }
        for key in keys.into_iter().rev() {
            let at = child_path(&path, &key);
            let name = match &key {
                Key::Name(n) => Some(n.clone()),
                Key::Index(_) => None,
            };
            stack.push((at, child(&v, &key), name));
        }
    }
    (hits, false)
}

fn label_view(label: &Option<Key>) -> impl IntoView {
    label.as_ref().map(|k| match k {
        Key::Index(i) => view! { <span class="json-index">{i.to_string()}</span><span class="json-punct">": "</span> }.into_any(),
        Key::Name(n) => view! { <span class="json-key">{format!("\"{n}\"")}</span><span class="json-punct">": "</span> }.into_any(),
    })
}

#[component]
fn NodeActions(value: SendWrapper<JsValue>, path: String) -> impl IntoView {
    let copy_value = move |_| copy_text(pretty(&value), "Value copied");
    let path_for_copy = path.clone();
    view! {
        <span class="node-actions">
            <button type="button" class="mini" on:click=copy_value title="Copy this value as JSON">"copy"</button>
            <button type="button" class="mini" on:click=move |_| copy_text(path_for_copy.clone(), "Path copied") title=path.clone()>"path"</button>
        </span>
    }
}

#[component]
fn JsonNode(
    label: Option<Key>,
    value: SendWrapper<JsValue>,
    path: String,
    depth: usize,
) -> impl IntoView {
    let keys: Vec<Key> = match shape(&value) {
        Shape::Leaf(kind) => {
            let text = stringify(&value);
            let path_attr = path.clone();
            return view! {
                <li class="json-leaf" role="treeitem" data-path=path_attr>
                    {label_view(&label)}
                    <span class=format!("json-{kind}")>{text}</span>
                    <NodeActions value=value path=path/>
                </li>
            }
            .into_any();
        }
        Shape::Array(n) => (0..n).map(Key::Index).collect(),
        Shape::Object(names) => names.into_iter().map(Key::Name).collect(),
    };
    let is_array = Array::is_array(&value);
    let count = keys.len();
    let open = RwSignal::new(depth < 2 && count <= 50);
    let shown = RwSignal::new(CHUNK.min(count));
    let (opening, closing) = if is_array { ("[", "]") } else { ("{", "}") };
    let summary = if is_array {
        format!("{count} item{}", if count == 1 { "" } else { "s" })
    } else {
        format!("{count} key{}", if count == 1 { "" } else { "s" })
    };
    let keys = SendWrapper::new(keys);
    let parent = value.clone();
    let children_path = path.clone();
    let children = move || {
        open.get().then(|| {
            let limit = shown.get();
            let items = keys
                .iter()
                .take(limit)
                .map(|k| {
                    let v = SendWrapper::new(child(&parent, k));
                    view! { <JsonNode label=Some(k.clone()) value=v path=child_path(&children_path, k) depth=depth + 1/> }
                })
                .collect_view();
            let more = (limit < count).then(|| {
                view! {
                    <li class="json-more">
                        <button type="button" class="ghost small" on:click=move |_| shown.update(|s| *s = (*s + CHUNK).min(count))>
                            {format!("Show {} more of {count}", CHUNK.min(count - limit))}
                        </button>
                    </li>
                }
            });
            view! { <ul role="group">{items}{more}</ul> }
        })
    };
    let path_attr = path.clone();
    view! {
        <li class="json-branch" role="treeitem" aria-expanded=move || open.get().to_string() data-path=path_attr>
            <button type="button" class="toggle" on:click=move |_| open.update(|o| *o = !*o)
                aria-label=move || if open.get() { "Collapse" } else { "Expand" }>
                {move || if open.get() { "▾" } else { "▸" }}
            </button>
            {label_view(&label)}
            <span class="json-punct">{opening}</span>
            {move || (!open.get()).then(|| view! { <span class="json-summary">{summary.clone()}</span><span class="json-punct">{closing}</span> })}
            <NodeActions value=value path=path/>
            {children}
            {move || open.get().then(|| view! { <span class="json-punct close">{closing}</span> })}
        </li>
    }
    .into_any()
}

/// The whole tree of a parsed value.
#[component]
pub fn JsonTree(value: SendWrapper<JsValue>) -> impl IntoView {
    view! {
        <ul class="json-tree" role="tree" aria-label="Response body">
            <JsonNode label=None value=value path="$".to_string() depth=0/>
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_like_jsonpath() {
        let p = child_path("$", &Key::Name("data".into()));
        let p = child_path(&p, &Key::Index(3));
        assert_eq!(child_path(&p, &Key::Name("name".into())), "$.data[3].name");
        assert_eq!(
            child_path("$", &Key::Name("webhook-watched-items".into())),
            "$[\"webhook-watched-items\"]"
        );
        assert_eq!(child_path("$", &Key::Name("".into())), "$[\"\"]");
        assert_eq!(
            child_path("$", &Key::Name("with \"quote\"".into())),
            "$[\"with \\\"quote\\\"\"]"
        );
    }
}
