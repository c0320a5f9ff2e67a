// handshake-proxy's configuration: command-line flags and an optional JSON file, validated
// once at start-up with errors that say what to change.

use serde::Deserialize;
use std::net::SocketAddr;
use std::time::Duration;

pub const HELP: &str = "\
handshake-proxy: the token-mediating proxy for Handshake, and the Sandbox server.

USAGE
  handshake-proxy [--config FILE] [FLAGS]
  handshake-proxy --sandbox [--listen ADDR] [--sandbox-config FILE]

MODES
  --sandbox                 serve the simulated Academy API (and friends) at this address
                            instead of forwarding; see sandbox/SANDBOX.md
  (default)                 forward /proxy/<upstream>/<path> to an allowlisted upstream

FLAGS
  --listen ADDR             address to bind (default 127.0.0.1:8787, or 127.0.0.1:8090 with --sandbox);
                            port 0 picks a free port. The bound URL is printed as
                            `listening on http://ADDR`.
  --upstream NAME=URL       allow forwarding /proxy/NAME/... to URL (repeatable). URL is
                            http(s)://host[:port][/base], no query, no credentials.
  --allow-origin ORIGIN     a browser origin allowed to use the proxy, e.g. http://127.0.0.1:8080
                            (repeatable; exact match; never '*')
  --allow-no-origin         also accept requests without an Origin header (curl, scripts)
  --secret UPSTREAM:CLIENT_ID=ENV_VAR
                            inject the client secret read from environment variable ENV_VAR into
                            token/refresh requests to UPSTREAM that carry client_id=CLIENT_ID
                            (repeatable). The secret itself never appears on the command line.
  --max-body BYTES          largest request body accepted (default 1048576)
  --max-response BYTES      largest upstream answer relayed (default 33554432)
  --timeout SECONDS         upstream time limit (default 30)
  --sandbox-config FILE     JSON file with the Sandbox's clients (see README)
  --config FILE             JSON file with any of: listen, upstreams {name: url}, allowed_origins [..],
                            allow_no_origin, secrets [{upstream, client_id, env}], max_body,
                            max_response, timeout_seconds. Flags given on the command line win.
  -h, --help                this text

Every forwarded request must carry the header `X-Handshake-Proxy: 1` (it forces a CORS preflight).
Cookie, Origin and Referer are stripped; redirects are not followed; bodies and tokens are never logged.
";

/// The header every proxied request must carry.
pub const REQUIRED_HEADER: &str = "x-handshake-proxy";

#[derive(Clone, Debug, PartialEq)]
pub struct Upstream {
    pub name: String,
    /// `scheme://host[:port]` plus an optional base path without a trailing slash.
    pub base: String,
}

#[derive(Clone, PartialEq)]
pub struct SecretRule {
    pub upstream: String,
    pub client_id: String,
    pub secret: String,
}

impl std::fmt::Debug for SecretRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SecretRule({}:{}=[redacted])",
            self.upstream, self.client_id
        )
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub sandbox: bool,
    pub sandbox_config: Option<String>,
    pub upstreams: Vec<Upstream>,
    pub allowed_origins: Vec<String>,
    pub allow_no_origin: bool,
    pub secrets: Vec<SecretRule>,
    pub max_body: usize,
    pub max_response: usize,
    pub timeout: Duration,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    #[serde(default)]
    upstreams: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    allowed_origins: Vec<String>,
    allow_no_origin: Option<bool>,
    #[serde(default)]
    secrets: Vec<FileSecret>,
    max_body: Option<usize>,
    max_response: Option<usize>,
    timeout_seconds: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSecret {
    upstream: String,
    client_id: String,
    env: String,
}

/// What the command line asked for: run with a config, or print help.
pub enum Command {
    Run(Box<Config>),
    Help,
}

/// Parses flags (and the file they name); `env` reads environment variables for secrets.
pub fn parse(args: &[String], env: &dyn Fn(&str) -> Option<String>) -> Result<Command, String> {
    let mut listen: Option<String> = None;
    let mut sandbox = false;
    let mut sandbox_config = None;
    let mut upstreams: Vec<(String, String)> = Vec::new();
    let mut origins: Vec<String> = Vec::new();
    let mut allow_no_origin = None;
    let mut secrets: Vec<(String, String, String)> = Vec::new();
    let mut max_body = None;
    let mut max_response = None;
    let mut timeout = None;
    let mut file: Option<String> = None;

    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") && !f.contains(':') => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value (see --help)"))
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "--sandbox" => sandbox = true,
            "--allow-no-origin" => allow_no_origin = Some(true),
            "--listen" => listen = Some(value("--listen")?),
            "--sandbox-config" => sandbox_config = Some(value("--sandbox-config")?),
            "--config" => file = Some(value("--config")?),
            "--upstream" => {
                let v = value("--upstream")?;
                let (name, url) = v
                    .split_once('=')
                    .ok_or_else(|| format!("--upstream {v:?}: expected NAME=URL"))?;
                upstreams.push((name.to_string(), url.to_string()));
            }
            "--allow-origin" => origins.push(value("--allow-origin")?),
            "--secret" => {
                let v = value("--secret")?;
                let parsed = v.split_once('=').and_then(|(left, var)| {
                    let (up, id) = left.split_once(':')?;
                    Some((up.to_string(), id.to_string(), var.to_string()))
                });
                secrets.push(parsed.ok_or_else(|| {
                    format!("--secret {v:?}: expected UPSTREAM:CLIENT_ID=ENV_VAR")
                })?);
            }
            "--max-body" => max_body = Some(number("--max-body", &value("--max-body")?)?),
            "--max-response" => {
                max_response = Some(number("--max-response", &value("--max-response")?)?)
            }
            "--timeout" => timeout = Some(number("--timeout", &value("--timeout")?)? as u64),
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }

    let from_file = match &file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--config {path}: cannot read it: {e}"))?;
            serde_json::from_str::<FileConfig>(&text)
                .map_err(|e| format!("--config {path}: {e}"))?
        }
        None => FileConfig::default(),
    };

    let default_listen = if sandbox {
        "127.0.0.1:8090"
    } else {
        "127.0.0.1:8787"
    };
    let listen_text = listen
        .or(from_file.listen)
        .unwrap_or_else(|| default_listen.to_string());
    let listen: SocketAddr = listen_text
        .parse()
        .map_err(|_| format!("--listen {listen_text:?}: expected IP:PORT, e.g. 127.0.0.1:8787"))?;

    let mut all_upstreams: Vec<(String, String)> = from_file.upstreams.into_iter().collect();
    for (name, url) in upstreams {
        all_upstreams.retain(|(n, _)| *n != name);
        all_upstreams.push((name, url));
    }
    let upstreams = all_upstreams
        .into_iter()
        .map(|(name, url)| validate_upstream(&name, &url))
        .collect::<Result<Vec<_>, _>>()?;

    let mut allowed_origins = from_file.allowed_origins;
    allowed_origins.extend(origins);
    for origin in &allowed_origins {
        validate_origin(origin)?;
    }

    let mut secret_specs: Vec<(String, String, String)> = from_file
        .secrets
        .into_iter()
        .map(|s| (s.upstream, s.client_id, s.env))
        .collect();
    secret_specs.extend(secrets);
    let mut secrets = Vec::new();
    for (upstream, client_id, var) in secret_specs {
        if !upstreams.iter().any(|u| u.name == upstream) {
            return Err(format!(
                "secret for {upstream}:{client_id}: no upstream named {upstream:?} (add --upstream {upstream}=URL)"
            ));
        }
        let secret = env(&var).filter(|s| !s.is_empty()).ok_or_else(|| {
            format!(
                "secret for {upstream}:{client_id}: environment variable {var} is not set or empty"
            )
        })?;
        secrets.push(SecretRule {
            upstream,
            client_id,
            secret,
        });
    }

    if !sandbox && upstreams.is_empty() {
        return Err(
            "nothing to do: give at least one --upstream NAME=URL, or --sandbox (see --help)"
                .into(),
        );
    }
    if !sandbox
        && allowed_origins.is_empty()
        && from_file.allow_no_origin != Some(true)
        && allow_no_origin.is_none()
    {
        return Err("no --allow-origin given: name the origin Handshake is served from, e.g. --allow-origin http://127.0.0.1:8080".into());
    }

    Ok(Command::Run(Box::new(Config {
        listen,
        sandbox,
        sandbox_config,
        upstreams,
        allowed_origins,
        allow_no_origin: allow_no_origin
            .or(from_file.allow_no_origin)
            .unwrap_or(false),
        secrets,
        max_body: max_body.or(from_file.max_body).unwrap_or(1 << 20),
        max_response: max_response.or(from_file.max_response).unwrap_or(32 << 20),
        timeout: Duration::from_secs(timeout.or(from_file.timeout_seconds).unwrap_or(30)),
    })))
}

fn number(flag: &str, text: &str) -> Result<usize, String> {
    text.parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{flag} {text:?}: expected a positive whole number"))
}

fn validate_upstream(name: &str, url: &str) -> Result<Upstream, String> {
    let bad = |why: &str| Err(format!("upstream {name}={url}: {why}"));
    // A leading letter or digit keeps names apart from the proxy's own `/proxy/_info`.
    if !name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric())
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return bad(
            "the name starts with a letter or digit and holds only letters, digits, '-' and '_'",
        );
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return bad("expected http://host or https://host");
    };
    if scheme != "http" && scheme != "https" {
        return bad("only http and https upstreams are allowed");
    }
    if url.contains(['?', '#', '@', ' ', '\\']) {
        return bad("no query, fragment, credentials or spaces allowed");
    }
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() {
        return bad("the host is missing");
    }
    Ok(Upstream {
        name: name.to_string(),
        base: url.trim_end_matches('/').to_string(),
    })
}

fn validate_origin(origin: &str) -> Result<(), String> {
    let ok = (origin.starts_with("http://") || origin.starts_with("https://"))
        && origin.split_once("://").is_some_and(|(_, rest)| {
            !rest.is_empty() && !rest.contains(['/', '?', '#', '@', '*', ' '])
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "allowed origin {origin:?}: expected scheme://host[:port] with no path and no wildcard"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn run(list: &[&str]) -> Result<Config, String> {
        let env = |k: &str| (k == "SECRET_VAR").then(|| "s3cr3t".to_string());
        match parse(&args(list), &env)? {
            Command::Run(c) => Ok(*c),
            Command::Help => Err("help".into()),
        }
    }

    #[test]
    fn sandbox_mode_has_working_defaults() {
        let c = run(&["--sandbox"]).unwrap();
        assert!(c.sandbox);
        assert_eq!(c.listen.to_string(), "127.0.0.1:8090");
    }

    #[test]
    fn forwarding_needs_an_upstream_and_an_origin() {
        assert!(run(&[]).unwrap_err().contains("--upstream"));
        let e = run(&["--upstream", "sb=http://127.0.0.1:1"]).unwrap_err();
        assert!(e.contains("--allow-origin"), "{e}");
        let c = run(&[
            "--upstream=sb=http://127.0.0.1:1/",
            "--allow-origin",
            "http://127.0.0.1:8080",
        ])
        .unwrap();
        assert_eq!(c.upstreams[0].base, "http://127.0.0.1:1");
    }

    #[test]
    fn bad_values_are_named() {
        let e = run(&["--sandbox", "--listen", "nowhere"]).unwrap_err();
        assert!(e.contains("--listen \"nowhere\""), "{e}");
        let e = run(&["--upstream", "x=ftp://a", "--allow-no-origin"]).unwrap_err();
        assert!(e.contains("only http and https"), "{e}");
        let e = run(&["--upstream", "x=http://u:p@a", "--allow-no-origin"]).unwrap_err();
        assert!(e.contains("credentials"), "{e}");
        let e = run(&["--upstream", "x=http://a", "--allow-origin", "*"]).unwrap_err();
        assert!(e.contains("no wildcard"), "{e}");
        let e = run(&["--bogus"]).unwrap_err();
        assert!(e.contains("unknown argument"), "{e}");
        let e = run(&["--max-body", "-3", "--sandbox"]).unwrap_err();
        assert!(e.contains("positive whole number"), "{e}");
    }

    #[test]
    fn secrets_come_from_the_environment_and_never_print() {
        let c = run(&[
            "--upstream",
            "sb=http://127.0.0.1:1",
            "--allow-no-origin",
            "--secret",
            "sb:client-1=SECRET_VAR",
        ])
        .unwrap();
        assert_eq!(c.secrets[0].secret, "s3cr3t");
        assert!(!format!("{c:?}").contains("s3cr3t"));
        let e = run(&[
            "--upstream",
            "sb=http://a",
            "--allow-no-origin",
            "--secret",
            "sb:c=MISSING",
        ])
        .unwrap_err();
        assert!(e.contains("MISSING is not set"), "{e}");
        let e = run(&[
            "--upstream",
            "sb=http://a",
            "--allow-no-origin",
            "--secret",
            "zz:c=SECRET_VAR",
        ])
        .unwrap_err();
        assert!(e.contains("no upstream named"), "{e}");
    }

    #[test]
    fn help_is_offered() {
        assert!(matches!(
            parse(&args(&["--help"]), &|_| None),
            Ok(Command::Help)
        ));
    }
}
