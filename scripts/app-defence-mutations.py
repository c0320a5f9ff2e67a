# Removes one of the app's defences at a time, rebuilds the app (trunk, release), runs the
# browser test meant to catch it, and restores the file. Slow (a build each): run by hand.
#   python3 scripts/app-defence-mutations.py [name-substring...]
import subprocess, sys, pathlib, os
root = pathlib.Path(__file__).resolve().parent.parent
M = [
 ("ID token signature", "src/session/controller/oidc.rs",
  "            Ok(false) => check(\n                \"signature\",\n                Verdict::Failed,",
  "            Ok(false) => check(\n                \"signature\",\n                Verdict::Passed,",
  "oidc.test.mjs", "ID token signature"),
 ("JWKS fetched again on an unknown kid", "src/session/controller/oidc.rs",
  "KeyChoice::UnknownKid(_) if !refetched => {", "KeyChoice::UnknownKid(_) if false && !refetched => {",
  "oidc.test.mjs", "ID token signature"),
 ("iss required when advertised", "src/session/controller/signin.rs",
  "                provider.standards.iss_required,\n", "                false,\n",
  "oidc.test.mjs", "mix-up"),
 ("iss compared", "src/oauth/callback.rs",
  "    if matches {\n        return Ok(());\n    }", "    if matches || true {\n        return Ok(());\n    }",
  "oidc.test.mjs", "mix-up"),
]
only = sys.argv[1:]
env = dict(os.environ, HANDSHAKE_DIST=str(root / "target/dist-mutant"))
for name, path, old, new, test_file, pattern in M:
    if only and not any(o in name for o in only):
        continue
    p = root / path
    text = p.read_text()
    assert text.count(old) == 1, (name, text.count(old))
    p.write_text(text.replace(old, new))
    try:
        b = subprocess.run(["trunk", "build", "--release", "--dist", "target/dist-mutant"], cwd=root, capture_output=True, text=True)
        if b.returncode != 0:
            print(f"{name}: BUILD ERROR\n{b.stderr[-2000:]}", flush=True)
            continue
        r = subprocess.run(["node", "--test", "--test-concurrency=1", f"--test-name-pattern={pattern}", test_file],
                           cwd=root / "tests/e2e", capture_output=True, text=True, env=env, timeout=900)
        failed = "# fail 0" not in r.stdout
        print(f"{name:40s} {test_file} /{pattern}/: {'FAILS without the defence (good)' if failed else 'still PASSES (bad)'}", flush=True)
    finally:
        p.write_text(text)
