// The layer map of ARCHITECTURE.md, enforced: every `crate::<module>` a file of `src/` names
// must be one its layer may use, and the browser's bindings (web_sys, js_sys, wasm_bindgen)
// appear only in the layers that own the browser. Test code is not counted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each module of `src/` and the modules it may import (the layers run one way, leaves first).
const MAP: &[(&str, &[&str])] = &[
    ("types", &[]),
    ("url", &["types"]),
    ("wire", &["types"]),
    ("platform", &[]),
    ("config", &["types", "url"]),
    ("providers", &["config", "types", "url", "wire"]),
    ("catalog", &["providers", "types", "url", "wire"]),
    ("oauth", &["providers", "types", "url", "wire"]),
    (
        "session",
        &[
            "catalog",
            "oauth",
            "platform",
            "providers",
            "types",
            "url",
            "wire",
        ],
    ),
    (
        "http",
        &[
            "config",
            "oauth",
            "platform",
            "providers",
            "session",
            "types",
            "url",
            "wire",
        ],
    ),
    (
        "ui",
        &[
            "catalog",
            "config",
            "http",
            "oauth",
            "platform",
            "providers",
            "session",
            "types",
            "url",
            "wire",
        ],
    ),
];

/// The layers that own the browser: the only ones that name its bindings.
const BROWSER: &[&str] = &["platform", "http", "ui"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a file of `src/` belongs to (`src/session/store.rs` → `session`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The file's code without its test module (`#[cfg(test)] mod tests { … }` at the end, or a
/// `tests.rs` or `tests/` folder of its own).
fn code_of(file: &Path) -> String {
    let in_tests_folder = file
        .parent()
        .and_then(|d| d.file_name())
        .is_some_and(|n| n == "tests");
    if file.file_name().is_some_and(|n| n == "tests.rs") || in_tests_folder {
        return String::new();
    }
    let text = std::fs::read_to_string(file).unwrap();
    match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Every `crate::<name>` in `code`.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let at_word = i == 0
            || !rest.as_bytes()[i - 1].is_ascii_alphanumeric() && rest.as_bytes()[i - 1] != b'_';
        if at_word && !name.is_empty() {
            out.push(name);
        }
        rest = after;
    }
    out
}

/// What breaks the map: (file, what it names) for each forbidden use.
fn violations(src: &Path) -> Vec<String> {
    let map: BTreeMap<&str, &[&str]> = MAP.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut found = Vec::new();
    for file in files {
        let module = module_of(src, &file);
        if module == "lib" || module == "main" {
            continue;
        }
        let allowed = map.get(module.as_str()).unwrap_or_else(|| {
            panic!("{module} is not in the layer map: add it to MAP and ARCHITECTURE.md")
        });
        let code = code_of(&file);
        for dep in crate_paths(&code) {
            if dep != module && !allowed.contains(&dep.as_str()) {
                found.push(format!("{}: crate::{dep}", file.display()));
            }
        }
        if !BROWSER.contains(&module.as_str()) {
            for binding in ["web_sys::", "js_sys::", "wasm_bindgen"] {
                if code.contains(binding) {
                    found.push(format!(
                        "{}: {binding} outside the browser layers",
                        file.display()
                    ));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn every_import_follows_the_layer_map() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "imports the layer map forbids (see ARCHITECTURE.md):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_map_runs_one_way() {
    // A layer may only use layers listed before it: no circle can form.
    for (i, (module, deps)) in MAP.iter().enumerate() {
        for dep in *deps {
            let at = MAP
                .iter()
                .position(|(m, _)| m == dep)
                .unwrap_or_else(|| panic!("{dep} unknown"));
            assert!(at < i, "{module} uses {dep}, which comes after it");
        }
    }
}

#[test]
fn the_reader_finds_crate_paths_and_ignores_tests() {
    assert_eq!(
        crate_paths("use crate::oauth::FlowError;\nlet x = crate::wire::Method::Get; mycrate::y"),
        ["oauth", "wire"]
    );
    let dir = std::env::temp_dir().join(format!("handshake-layers-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("oauth")).unwrap();
    std::fs::write(dir.join("oauth/mod.rs"), "use crate::ui::App;\n").unwrap();
    std::fs::write(
        dir.join("types.rs"),
        "fn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::session::X;\n}\n",
    )
    .unwrap();
    let found = violations(&dir);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].ends_with("oauth/mod.rs: crate::ui"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The Sandbox crate has no map of its own, but its modules must not import each other in a
/// circle either (its pages take their data as arguments; `authz` is the shared core).
#[test]
fn the_sandbox_modules_form_no_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("sandbox/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files {
        let module = module_of(&src, &file);
        let deps = graph.entry(module.clone()).or_default();
        for dep in crate_paths(&code_of(&file)) {
            if dep != module && !deps.contains(&dep) {
                deps.push(dep);
            }
        }
    }
    // Depth-first search; a node met again while still on the path closes a circle.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, Vec<String>>,
        path: &mut Vec<String>,
        done: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            return Some(path[i..].to_vec());
        }
        if done.iter().any(|d| d == node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        done.push(node.to_string());
        None
    }
    let mut done = Vec::new();
    for node in graph.keys() {
        let circle = visit(node, &graph, &mut Vec::new(), &mut done);
        assert!(
            circle.is_none(),
            "sandbox/src modules import each other in a circle: {circle:?}"
        );
    }
}
