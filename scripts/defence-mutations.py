# Removes one defence at a time, runs the test meant to catch it, restores the file.
import subprocess, sys, pathlib
root = pathlib.Path('/work/main')
M = [
 ("F1 paths", "proxy/src/secrets.rs", "(r.token_paths.iter().any(|p| p == call.path)\n                    || r.auth_paths.iter().any(|p| p == call.path))", "true", "the_secret_reaches_only_posts_to_declared_token_paths"),
 ("F1 no grant at an auth path", "proxy/src/secrets.rs", "        if let Some(g) = grants.pop() {\n            return Err(ProxyError::GrantAtAuthPath(g));\n        }\n", "", "an_auth_path_gets_the_secret_but_never_grants_a_token"),
 ("F1 POST only", "proxy/src/secrets.rs", "    if call.method != Method::POST {\n        return Ok(None);\n    }\n", "", "the_secret_reaches_only_posts_to_declared_token_paths"),
 ("F1 grants", "proxy/src/secrets.rs", "if !grant.as_ref().is_ok_and(|g| rule.grants.contains(g)) {", "if false {", "client_credentials_gets_the_secret_only_when_the_rule_names_it"),
 ("F1 basic encoding", "proxy/src/secrets.rs", "let pair = format!(\"{}:{}\", encode(client_id), encode(secret));", "let pair = format!(\"{client_id}:{secret}\"); let _ = encode;", "the_secret_is_placed_as_the_provider_expects"),
 ("F1 client_id twice", "proxy/src/secrets.rs", "    if ids.len() > 1 {", "    if false {", "a_request_naming_its_client_twice_is_refused"),
 ("F1 JSON duplicate names", "proxy/src/secrets.rs", "if members.iter().any(|(k, _)| *k == key) {", "if false {", "a_request_naming_its_client_twice_is_refused"),
 ("F1 answer scan", "proxy/src/forward.rs", "if in_headers || injection.rule.leaks_into(&bytes) {", "if false && in_headers {", "an_answer_that_holds_the_secret_is_not_relayed"),
 ("F2 dot segments", "proxy/src/target.rs", "    check_segments(rest)?;\n", "", "dot_segments_in_any_encoding_never_leave_the_base"),
 ("F3 raw path", "proxy/src/forward.rs", "let mut url = crate::target::upstream_url(upstream, rest, parts.uri.query())?;", "let decoded = percent_encoding::percent_decode_str(rest).decode_utf8_lossy().to_string(); let mut url = crate::target::upstream_url(upstream, &decoded, parts.uri.query())?;", "the_path_is_forwarded_exactly_as_received"),
 ("F4 log escaping (log the decoded path)", "proxy/src/forward.rs", "path = %crate::log::escape(req.uri().path()),", "path = %percent_encoding::percent_decode_str(req.uri().path()).decode_utf8_lossy(),", "control_characters_never_forge_log_lines"),
 ("F5 header timeout", "proxy/src/serve.rs", "        .header_read_timeout(limits.header_timeout);", ";", "slow_headers_and_idle_sockets_are_closed"),
 ("F5 body timeout", "proxy/src/forward.rs", "match tokio::time::timeout(limits.body_timeout, axum::body::to_bytes", "match tokio::time::timeout(limits.body_timeout * 100, axum::body::to_bytes", "a_dripping_body_meets_the_body_time_limit"),
 ("F5 connection cap", "proxy/src/serve.rs", "Semaphore::new(limits.max_connections)", "Semaphore::new(100_000)", "connections_over_the_cap_wait_outside"),
 ("F5 streaming", "proxy/src/forward.rs", "        None => stream_capped(answer, limits.max_response)?,", "        None => Body::from(read_capped(answer, limits.max_response).await?),", "answers_are_streamed_not_held_whole"),
 ("F6 hop-by-hop", "proxy/src/forward.rs", "            || named.iter().any(|c| c == n);\n", "            ;\n", "hop_by_hop_and_forwarding_headers_never_reach_the_upstream"),
 ("F6 forwarding headers", "proxy/src/forward.rs", "    \"x-original-url\",\n", "", "hop_by_hop_and_forwarding_headers_never_reach_the_upstream"),
 ("F6 TRACE", "proxy/src/forward.rs", "    if !FORWARDED_METHODS.contains(&parts.method) {", "    if false {", "trace_connect_and_unknown_methods_are_refused"),
 ("F7 admin through a proxy", "proxy/src/serve.rs", "    if PROXIED.iter().any(|name| h.contains_key(*name)) {", "    if false {", "the_sandbox_admin_is_reachable_only_directly_and_on_purpose"),
 ("F7 admin header", "proxy/src/serve.rs", "    if !h.contains_key(ADMIN_HEADER) {", "    if false {", "the_sandbox_admin_is_reachable_only_directly_and_on_purpose"),
 ("F7 admin from a web page", "proxy/src/serve.rs", "    if h.contains_key(\"origin\") || fetch_site", "    if false && fetch_site", "the_sandbox_admin_is_reachable_only_directly_and_on_purpose"),
 ("F8 info origin", "proxy/src/forward.rs", "    if from.is_none() {", "    if false && from.is_none() {", "info_answers_allowed_origins_only"),
 ("log never blocks", "proxy/src/log.rs", ".lossy(true)", ".lossy(false)", "a_stalled_log_reader_never_stalls_the_proxy"),
]
only = sys.argv[1:]
for name, path, old, new, test in M:
    if only and not any(o in name for o in only): continue
    p = root / path
    text = p.read_text()
    assert text.count(old) == 1, (name, text.count(old))
    p.write_text(text.replace(old, new))
    try:
        r = subprocess.run(["cargo", "test", "-q", "-p", "handshake-proxy", "--test", "proxy_http", "--", "--exact", test],
                           cwd=root, capture_output=True, text=True, timeout=600)
        out = r.stdout + r.stderr
        verdict = "FAILS without the defence (good)" if r.returncode != 0 and "test result: FAILED" in out else ("BUILD ERROR" if "error[" in out else "still PASSES (bad)")
        print(f"{name:45s} {test}: {verdict}", flush=True)
        if verdict.startswith("BUILD"): print(out[-2000:])
    finally:
        p.write_text(text)
