// handshake-proxy's configuration: command-line flags (clap) and an optional JSON file, checked
// once at start-up with errors that say what to change. Flags win over the file.

use crate::secrets::{ClientAuth, Grant, Secret, SecretRule};
use clap::Parser;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The header every proxied request must carry (it forces a CORS preflight).
pub const REQUIRED_HEADER: &str = "x-handshake-proxy";

const AFTER_HELP: &str = "\
SECRETS
  --secret UPSTREAM:CLIENT_ID=ENV_VAR,path=PATH[,path=PATH...][,auth_path=PATH...][,auth=post|basic][,grant=GRANT...]
  The secret is read from the environment variable ENV_VAR (never from the command line). It is
  added only to POST requests to the listed paths (as they appear after /proxy/UPSTREAM), only
  for a request whose client_id is CLIENT_ID, and only for the grants listed (default:
  grant=authorization_code,grant=refresh_token; add grant=client_credentials to allow that one).
  auth=post (default) puts client_secret beside client_id (JSON body, form body or query
  string); auth=basic sends `Authorization: Basic` (RFC 6749 §2.3.1) instead.
  auth_path=PATH names an endpoint that authenticates the client without granting a token
  (pushed authorization requests, introspection, revocation, device authorization): POSTs there
  get the secret only when they carry no grant_type.
  Examples:
    --secret academy:my-client=ACADEMY_SECRET,path=/api/v2/token,path=/api/v2/refresh
    --secret metamaps:my-uid=METAMAPS_SECRET,path=/oauth/token
    --secret corp:app=CORP_SECRET,path=/oauth2/token,auth=basic
    --secret op:app=OP_SECRET,path=/token,auth_path=/request,auth_path=/token/introspection,auth=basic

Every forwarded request must carry the header `X-Handshake-Proxy: 1`. Cookie, Origin, Referer,
hop-by-hop and forwarding headers are stripped; redirects are not followed; TRACE and CONNECT are
refused; bodies, query strings and tokens are never logged. See README.md, \"The proxy\".";

/// handshake-proxy: the token-mediating proxy for Handshake, and the Sandbox server.
///
/// Forwards /proxy/<upstream>/<path> to an allowlisted upstream for allowlisted browser origins,
/// adding a client secret only where a --secret rule says so. With --sandbox it serves the
/// simulated Academy API (and friends) instead; see sandbox/SANDBOX.md.
#[derive(Parser, Debug, Default)]
#[command(name = "handshake-proxy", version, after_long_help = AFTER_HELP)]
pub struct Cli {
    /// Serve the Sandbox (simulated Academy, Metamaps and PHP APIs) instead of forwarding.
    #[arg(long)]
    pub sandbox: bool,

    /// Address to bind [default: 127.0.0.1:8787, or 127.0.0.1:8090 with --sandbox]; port 0 picks
    /// a free port. The bound URL is printed as `listening on http://ADDR`.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,

    /// Allow forwarding /proxy/NAME/... to URL (http(s)://host[:port][/base], no query or
    /// credentials). Repeatable.
    #[arg(long = "upstream", value_name = "NAME=URL")]
    pub upstreams: Vec<String>,

    /// A browser origin allowed to use the proxy, e.g. http://127.0.0.1:8080 (exact match, never
    /// '*'). Repeatable.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allowed_origins: Vec<String>,

    /// Also forward requests without an Origin header (curl, scripts). /proxy/_info still
    /// answers allowed origins only.
    #[arg(long)]
    pub allow_no_origin: bool,

    /// Add a client secret from the environment to declared token requests (see SECRETS
    /// below). Repeatable.
    #[arg(long = "secret", value_name = "UPSTREAM:CLIENT_ID=ENV_VAR,path=PATH")]
    pub secrets: Vec<String>,

    /// Largest request body accepted, in bytes [default: 1048576].
    #[arg(long, value_name = "BYTES")]
    pub max_body: Option<usize>,

    /// Largest upstream answer relayed, in bytes [default: 33554432]. Answers are streamed;
    /// one over the limit is cut off.
    #[arg(long, value_name = "BYTES")]
    pub max_response: Option<usize>,

    /// Upstream time limit: connect, answer and body, in seconds [default: 30].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,

    /// A connection must deliver a whole request head within this many seconds of being ready
    /// for one; new, idle keep-alive and slow-header connections are closed after it [default: 10].
    #[arg(long, value_name = "SECONDS")]
    pub header_timeout: Option<u64>,

    /// A request body must arrive whole within this many seconds [default: 10].
    #[arg(long, value_name = "SECONDS")]
    pub body_timeout: Option<u64>,

    /// Most connections served at once; more wait in the kernel's queue [default: 2048].
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,

    /// JSON file with the Sandbox's clients (see sandbox/SANDBOX.md).
    #[arg(long, value_name = "FILE")]
    pub sandbox_config: Option<PathBuf>,

    /// JSON file with any of: listen, upstreams {name: url}, allowed_origins [..],
    /// allow_no_origin, secrets [{upstream, client_id, env, token_paths, auth, grants}],
    /// max_body, max_response, timeout_seconds, header_timeout_seconds, body_timeout_seconds,
    /// max_connections. Flags given on the command line win.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Upstream {
    pub name: String,
    /// `scheme://host[:port]` plus an optional base path, without a trailing slash.
    pub base: url::Url,
}

impl Upstream {
    /// The base path without its trailing slash ("" at the root).
    pub fn base_path(&self) -> &str {
        self.base.path().trim_end_matches('/')
    }
}

/// Time and size limits.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_body: usize,
    pub max_response: usize,
    pub upstream_timeout: Duration,
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 1 << 20,
            max_response: 32 << 20,
            upstream_timeout: Duration::from_secs(30),
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_connections: 2048,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub sandbox: bool,
    pub sandbox_config: Option<PathBuf>,
    pub upstreams: Vec<Upstream>,
    /// ASCII serialisations (`scheme://host[:port]`), compared exactly with the Origin header.
    pub allowed_origins: Vec<String>,
    pub allow_no_origin: bool,
    pub secrets: Vec<SecretRule>,
    pub limits: Limits,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    #[serde(default)]
    upstreams: BTreeMap<String, String>,
    #[serde(default)]
    allowed_origins: Vec<String>,
    allow_no_origin: Option<bool>,
    #[serde(default)]
    secrets: Vec<FileSecret>,
    max_body: Option<usize>,
    max_response: Option<usize>,
    timeout_seconds: Option<u64>,
    header_timeout_seconds: Option<u64>,
    body_timeout_seconds: Option<u64>,
    max_connections: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSecret {
    upstream: String,
    client_id: String,
    env: String,
    #[serde(default)]
    token_paths: Vec<String>,
    #[serde(default)]
    auth_paths: Vec<String>,
    auth: Option<String>,
    grants: Option<Vec<String>>,
}

/// A secret rule as written, before its environment variable is read.
#[derive(Debug, PartialEq)]
pub struct SecretSpec {
    pub upstream: String,
    pub client_id: String,
    pub env: String,
    pub token_paths: Vec<String>,
    pub auth_paths: Vec<String>,
    pub auth: ClientAuth,
    pub grants: Vec<Grant>,
}

/// Reads `--secret UPSTREAM:CLIENT_ID=ENV_VAR,path=P[,path=P][,auth=A][,grant=G]`.
pub fn parse_secret_flag(text: &str) -> Result<SecretSpec, String> {
    let bad = |why: &str| format!("--secret {text:?}: {why}");
    let mut parts = text.split(',');
    let head = parts.next().unwrap_or("");
    let (upstream, rest) = head
        .split_once(':')
        .ok_or_else(|| bad("expected UPSTREAM:CLIENT_ID=ENV_VAR,path=PATH"))?;
    // An environment variable name holds no '=', so the last one ends the client id.
    let (client_id, env) = rest
        .rsplit_once('=')
        .ok_or_else(|| bad("expected UPSTREAM:CLIENT_ID=ENV_VAR,path=PATH"))?;
    let (mut paths, mut auth_paths, mut auth, mut grants) =
        (Vec::new(), Vec::new(), None, Vec::new());
    for option in parts {
        match option.split_once('=') {
            Some(("path", p)) => paths.push(p.to_string()),
            Some(("auth_path", p)) => auth_paths.push(p.to_string()),
            Some(("auth", a)) => auth = Some(a.to_string()),
            Some(("grant", g)) => grants.push(g.to_string()),
            _ => {
                return Err(bad(&format!(
                    "unknown option {option:?}: use path=, auth_path=, auth= or grant="
                )))
            }
        }
    }
    let grants = (!grants.is_empty()).then_some(grants);
    secret_spec(
        upstream,
        client_id,
        env,
        (paths, auth_paths),
        auth.as_deref(),
        grants,
    )
    .map_err(|e| bad(&e))
}

fn secret_spec(
    upstream: &str,
    client_id: &str,
    env: &str,
    (token_paths, auth_paths): (Vec<String>, Vec<String>),
    auth: Option<&str>,
    grants: Option<Vec<String>>,
) -> Result<SecretSpec, String> {
    if client_id.is_empty() || env.is_empty() {
        return Err("the client id and the variable name must not be empty".into());
    }
    if token_paths.is_empty() {
        return Err(format!(
            "no token path: name the paths that get the secret, e.g. ,path=/oauth/token \
             (as they appear after /proxy/{upstream}); no path means no request gets it"
        ));
    }
    for path in token_paths.iter().chain(&auth_paths) {
        check_token_path(path)?;
    }
    if let Some(both) = auth_paths.iter().find(|p| token_paths.contains(p)) {
        return Err(format!(
            "{both:?} is both a token path and an auth_path: a token path checks the grant, \
             an auth_path refuses every grant; name it once"
        ));
    }
    let auth = match auth {
        None => ClientAuth::Post,
        Some(a) => ClientAuth::parse(a).ok_or_else(|| {
            format!("auth={a}: expected post (client_secret_post) or basic (client_secret_basic)")
        })?,
    };
    let grants = match grants {
        None => Grant::DEFAULT.to_vec(),
        Some(list) => list
            .iter()
            .map(|g| {
                Grant::parse(g).ok_or_else(|| {
                    format!("grant={g}: expected authorization_code, refresh_token or client_credentials")
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(SecretSpec {
        upstream: upstream.to_string(),
        client_id: client_id.to_string(),
        env: env.to_string(),
        token_paths,
        auth_paths,
        auth,
        grants,
    })
}

fn check_token_path(path: &str) -> Result<(), String> {
    let ok = path.starts_with('/')
        && !path.contains(['?', '#', '%', '\\', ' '])
        && !path.split('/').any(|s| s == "." || s == "..");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "token path {path:?}: expected an absolute path such as /oauth/token, with no query, \
             dot segments or percent-encoding"
        ))
    }
}

impl Cli {
    /// Checks the flags (and the file they name) into a `Config`; `env` reads environment
    /// variables for secrets.
    pub fn into_config(self, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, String> {
        let file = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("--config {}: cannot read it: {e}", path.display()))?;
                serde_json::from_str::<FileConfig>(&text)
                    .map_err(|e| format!("--config {}: {e}", path.display()))?
            }
            None => FileConfig::default(),
        };

        let default_listen = if self.sandbox {
            "127.0.0.1:8090"
        } else {
            "127.0.0.1:8787"
        };
        let listen_text = self
            .listen
            .or(file.listen)
            .unwrap_or_else(|| default_listen.to_string());
        let listen: SocketAddr = listen_text.parse().map_err(|_| {
            format!("--listen {listen_text:?}: expected IP:PORT, e.g. 127.0.0.1:8787")
        })?;

        let mut named: Vec<(String, String)> = file.upstreams.into_iter().collect();
        for flag in &self.upstreams {
            let (name, url) = flag
                .split_once('=')
                .ok_or_else(|| format!("--upstream {flag:?}: expected NAME=URL"))?;
            named.retain(|(n, _)| n != name);
            named.push((name.to_string(), url.to_string()));
        }
        let upstreams = named
            .iter()
            .map(|(name, url)| parse_upstream(name, url))
            .collect::<Result<Vec<_>, _>>()?;

        let allowed_origins = file
            .allowed_origins
            .iter()
            .chain(&self.allowed_origins)
            .map(|o| parse_origin(o))
            .collect::<Result<Vec<_>, _>>()?;

        let mut specs = file
            .secrets
            .into_iter()
            .map(|s| {
                secret_spec(
                    &s.upstream,
                    &s.client_id,
                    &s.env,
                    (s.token_paths, s.auth_paths),
                    s.auth.as_deref(),
                    s.grants,
                )
                .map_err(|e| format!("secret for {}:{}: {e}", s.upstream, s.client_id))
            })
            .collect::<Result<Vec<_>, _>>()?;
        for flag in &self.secrets {
            specs.push(parse_secret_flag(flag)?);
        }
        let mut secrets: Vec<SecretRule> = Vec::new();
        for spec in specs {
            let who = format!("{}:{}", spec.upstream, spec.client_id);
            if !upstreams.iter().any(|u| u.name == spec.upstream) {
                return Err(format!(
                    "secret for {who}: no upstream named {:?} (add --upstream {}=URL)",
                    spec.upstream, spec.upstream
                ));
            }
            if secrets
                .iter()
                .any(|r| r.upstream == spec.upstream && r.client_id == spec.client_id)
            {
                return Err(format!("secret for {who}: given twice"));
            }
            let value = env(&spec.env).filter(|s| !s.is_empty()).ok_or_else(|| {
                format!(
                    "secret for {who}: environment variable {} is not set or empty",
                    spec.env
                )
            })?;
            secrets.push(SecretRule {
                upstream: spec.upstream,
                client_id: spec.client_id,
                secret: Secret::new(value),
                token_paths: spec.token_paths,
                auth_paths: spec.auth_paths,
                auth: spec.auth,
                grants: spec.grants,
            });
        }

        let allow_no_origin = self.allow_no_origin || file.allow_no_origin == Some(true);
        if !self.sandbox && upstreams.is_empty() {
            return Err(
                "nothing to do: give at least one --upstream NAME=URL, or --sandbox (see --help)"
                    .into(),
            );
        }
        if !self.sandbox && allowed_origins.is_empty() && !allow_no_origin {
            return Err("no --allow-origin given: name the origin Handshake is served from, e.g. --allow-origin http://127.0.0.1:8080".into());
        }

        let defaults = Limits::default();
        let seconds = |flag: &str, v: Option<u64>, default: Duration| match v {
            Some(0) => Err(format!("{flag}: expected a positive whole number")),
            Some(s) => Ok(Duration::from_secs(s)),
            None => Ok(default),
        };
        let count = |flag: &str, v: Option<usize>, default: usize| match v {
            Some(0) => Err(format!("{flag}: expected a positive whole number")),
            Some(n) => Ok(n),
            None => Ok(default),
        };
        let limits = Limits {
            max_body: count(
                "--max-body",
                self.max_body.or(file.max_body),
                defaults.max_body,
            )?,
            max_response: count(
                "--max-response",
                self.max_response.or(file.max_response),
                defaults.max_response,
            )?,
            upstream_timeout: seconds(
                "--timeout",
                self.timeout.or(file.timeout_seconds),
                defaults.upstream_timeout,
            )?,
            header_timeout: seconds(
                "--header-timeout",
                self.header_timeout.or(file.header_timeout_seconds),
                defaults.header_timeout,
            )?,
            body_timeout: seconds(
                "--body-timeout",
                self.body_timeout.or(file.body_timeout_seconds),
                defaults.body_timeout,
            )?,
            max_connections: count(
                "--max-connections",
                self.max_connections.or(file.max_connections),
                defaults.max_connections,
            )?,
        };

        Ok(Config {
            listen,
            sandbox: self.sandbox,
            sandbox_config: self.sandbox_config,
            upstreams,
            allowed_origins,
            allow_no_origin,
            secrets,
            limits,
        })
    }
}

/// Parses the command line (without the program name) into a `Config`. `Err` carries clap's
/// own message for help, version and flag errors, or ours for the checks after it.
pub fn parse(args: &[&str], env: &dyn Fn(&str) -> Option<String>) -> Result<Config, String> {
    let cli = Cli::try_parse_from(std::iter::once("handshake-proxy").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    cli.into_config(env)
}

fn parse_upstream(name: &str, text: &str) -> Result<Upstream, String> {
    let bad = |why: &str| Err(format!("upstream {name}={text}: {why}"));
    // A leading letter or digit keeps names apart from the proxy's own `/proxy/_info`.
    let name_ok = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !name_ok {
        return bad(
            "the name starts with a letter or digit and holds only letters, digits, '-' and '_'",
        );
    }
    if text.contains([' ', '\\']) {
        return bad("no spaces or backslashes allowed");
    }
    let Ok(url) = url::Url::parse(text) else {
        return bad("expected http://host or https://host");
    };
    if url.scheme() != "http" && url.scheme() != "https" {
        return bad("only http and https upstreams are allowed");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return bad("no credentials allowed in the URL");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return bad("no query or fragment allowed");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return bad("the host is missing");
    }
    Ok(Upstream {
        name: name.to_string(),
        base: url,
    })
}

fn parse_origin(text: &str) -> Result<String, String> {
    let bad = || {
        Err(format!(
            "allowed origin {text:?}: expected scheme://host[:port] with no path and no wildcard"
        ))
    };
    if text.contains(['*', ' ']) {
        return bad();
    }
    let Ok(url) = url::Url::parse(text) else {
        return bad();
    };
    let origin = url.origin().ascii_serialization();
    // The origin must be all there is: no path, query, credentials or trailing slash.
    if !matches!(url.scheme(), "http" | "https") || origin != text {
        return bad();
    }
    Ok(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(list: &[&str]) -> Result<Config, String> {
        let env = |k: &str| (k == "SECRET_VAR").then(|| "s3cr3t".to_string());
        parse(list, &env)
    }

    #[test]
    fn sandbox_mode_has_working_defaults() {
        let c = run(&["--sandbox"]).unwrap();
        assert!(c.sandbox);
        assert_eq!(c.listen.to_string(), "127.0.0.1:8090");
        assert_eq!(c.limits.header_timeout, Duration::from_secs(10));
    }

    #[test]
    fn forwarding_needs_an_upstream_and_an_origin() {
        assert!(run(&[]).unwrap_err().contains("--upstream"));
        let e = run(&["--upstream", "sb=http://127.0.0.1:1"]).unwrap_err();
        assert!(e.contains("--allow-origin"), "{e}");
        let c = run(&[
            "--upstream=sb=http://127.0.0.1:1/base/",
            "--allow-origin",
            "http://127.0.0.1:8080",
        ])
        .unwrap();
        assert_eq!(c.upstreams[0].base_path(), "/base");
        assert_eq!(c.allowed_origins, ["http://127.0.0.1:8080"]);
    }

    #[test]
    fn bad_values_are_named() {
        let e = run(&["--sandbox", "--listen", "nowhere"]).unwrap_err();
        assert!(e.contains("--listen \"nowhere\""), "{e}");
        let e = run(&["--upstream", "x=ftp://a", "--allow-no-origin"]).unwrap_err();
        assert!(e.contains("only http and https"), "{e}");
        let e = run(&["--upstream", "x=http://u:p@a", "--allow-no-origin"]).unwrap_err();
        assert!(e.contains("credentials"), "{e}");
        let e = run(&["--upstream", "x=http://a?q=1", "--allow-no-origin"]).unwrap_err();
        assert!(e.contains("no query"), "{e}");
        for origin in ["*", "http://a/", "http://a/path", "ftp://a", "http://u@a"] {
            let e = run(&["--upstream", "x=http://a", "--allow-origin", origin]).unwrap_err();
            assert!(e.contains("no wildcard"), "{origin}: {e}");
        }
        let e = run(&["--bogus"]).unwrap_err();
        assert!(e.contains("--bogus"), "{e}");
        let e = run(&["--max-body=-3", "--sandbox"]).unwrap_err();
        assert!(e.contains("--max-body"), "{e}");
        let e = run(&["--header-timeout", "0", "--sandbox"]).unwrap_err();
        assert!(e.contains("positive whole number"), "{e}");
    }

    #[test]
    fn secrets_come_from_the_environment_and_never_print() {
        let c = run(&[
            "--upstream",
            "sb=http://127.0.0.1:1",
            "--allow-no-origin",
            "--secret",
            "sb:client-1=SECRET_VAR,path=/token",
        ])
        .unwrap();
        assert_eq!(c.secrets[0].secret.expose(), "s3cr3t");
        assert!(!format!("{c:?}").contains("s3cr3t"));
        let e = run(&[
            "--upstream",
            "sb=http://a",
            "--allow-no-origin",
            "--secret",
            "sb:c=MISSING,path=/token",
        ])
        .unwrap_err();
        assert!(e.contains("MISSING is not set"), "{e}");
        let e = run(&[
            "--upstream",
            "sb=http://a",
            "--allow-no-origin",
            "--secret",
            "zz:c=SECRET_VAR,path=/token",
        ])
        .unwrap_err();
        assert!(e.contains("no upstream named"), "{e}");
    }

    #[test]
    fn a_secret_rule_names_its_paths_placement_and_grants() {
        let spec = parse_secret_flag(
            "corp:app=ENV,path=/oauth2/token,path=/oauth2/refresh,auth=basic,grant=client_credentials",
        )
        .unwrap();
        assert_eq!(
            spec,
            SecretSpec {
                upstream: "corp".into(),
                client_id: "app".into(),
                env: "ENV".into(),
                token_paths: vec!["/oauth2/token".into(), "/oauth2/refresh".into()],
                auth_paths: Vec::new(),
                auth: ClientAuth::Basic,
                grants: vec![Grant::ClientCredentials],
            }
        );
        let plain = parse_secret_flag("a:id=with=equals=ENV,path=/t").unwrap();
        assert_eq!(
            (plain.client_id.as_str(), plain.env.as_str()),
            ("id=with=equals", "ENV")
        );
        assert_eq!(plain.auth, ClientAuth::Post);
        assert_eq!(plain.grants, Grant::DEFAULT);
        let op = parse_secret_flag("op:app=ENV,path=/token,auth_path=/request,auth_path=/revoke")
            .unwrap();
        assert_eq!(op.auth_paths, vec!["/request", "/revoke"]);
        let e = parse_secret_flag("op:app=ENV,path=/token,auth_path=/token").unwrap_err();
        assert!(e.contains("both a token path and an auth_path"), "{e}");
        // No default of "every path".
        let e = parse_secret_flag("a:id=ENV").unwrap_err();
        assert!(e.contains("no token path"), "{e}");
        for (flag, why) in [
            ("a:id=ENV,path=token", "absolute path"),
            ("a:id=ENV,path=/a/../b", "dot segments"),
            ("a:id=ENV,path=/t?x=1", "no query"),
            ("a:id=ENV,path=/t,auth=jwt", "auth=jwt"),
            ("a:id=ENV,path=/t,grant=password", "grant=password"),
            ("a:id=ENV,path=/t,paths=/u", "unknown option"),
        ] {
            let e = parse_secret_flag(flag).unwrap_err();
            assert!(e.contains(why), "{flag}: {e}");
        }
    }

    #[test]
    fn the_file_and_the_flags_merge() {
        let dir = std::env::temp_dir().join(format!("hs-proxy-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("proxy.json");
        std::fs::write(
            &file,
            r#"{"upstreams": {"sb": "http://127.0.0.1:1"}, "allowed_origins": ["http://x.test"],
                "secrets": [{"upstream": "sb", "client_id": "c", "env": "SECRET_VAR",
                             "token_paths": ["/token"], "auth": "client_secret_basic"}],
                "header_timeout_seconds": 3}"#,
        )
        .unwrap();
        let path = file.to_str().unwrap();
        let c = run(&["--config", path, "--header-timeout", "4"]).unwrap();
        assert_eq!(c.secrets[0].auth, ClientAuth::Basic);
        assert_eq!(c.limits.header_timeout, Duration::from_secs(4), "flags win");
        std::fs::write(
            &file,
            r#"{"upstreams": {"sb": "http://127.0.0.1:1"}, "allow_no_origin": true,
                "secrets": [{"upstream": "sb", "client_id": "c", "env": "SECRET_VAR"}]}"#,
        )
        .unwrap();
        let e = run(&["--config", path]).unwrap_err();
        assert!(e.contains("secret for sb:c: no token path"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn help_is_generated() {
        let e = run(&["--help"]).unwrap_err();
        assert!(
            e.contains("--secret <UPSTREAM:CLIENT_ID=ENV_VAR,path=PATH>"),
            "{e}"
        );
        assert!(e.contains("auth=basic"), "{e}");
    }
}
