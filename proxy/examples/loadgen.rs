// A bounded loopback load generator for the benchmarks: N workers send GETs for S seconds and
// report requests/s, errors and latency percentiles as one JSON line.
//   cargo run --release -p handshake-proxy --example loadgen -- URL [--seconds 5] [--concurrency 8] [-H 'Name: value']...

use std::time::{Duration, Instant};

struct Args {
    url: String,
    seconds: u64,
    concurrency: usize,
    headers: Vec<(String, String)>,
}

fn parse() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut parsed = Args {
        url: String::new(),
        seconds: 5,
        concurrency: 8,
        headers: Vec::new(),
    };
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--seconds" => {
                parsed.seconds = value()?.parse().map_err(|_| "--seconds: a whole number")?
            }
            "--concurrency" => {
                parsed.concurrency = value()?
                    .parse()
                    .map_err(|_| "--concurrency: a whole number")?
            }
            "-H" | "--header" => {
                let h = value()?;
                let (n, v) = h.split_once(':').ok_or("headers are Name: value")?;
                parsed
                    .headers
                    .push((n.trim().to_string(), v.trim().to_string()));
            }
            url if parsed.url.is_empty() && url.starts_with("http") => parsed.url = url.to_string(),
            other => return Err(format!("unexpected argument {other}")),
        }
    }
    if parsed.url.is_empty() {
        return Err("usage: loadgen URL [--seconds N] [--concurrency N] [-H 'Name: value']".into());
    }
    Ok(parsed)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main]
async fn main() {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("loadgen: {e}");
            std::process::exit(2);
        }
    };
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency {
        let client = client.clone();
        let url = args.url.clone();
        let headers = args.headers.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            while Instant::now() < deadline {
                let mut req = client.get(&url);
                for (n, v) in &headers {
                    req = req.header(n, v);
                }
                let t = Instant::now();
                match req.send().await {
                    Ok(resp) if resp.status().is_success() => match resp.bytes().await {
                        Ok(_) => latencies.push(t.elapsed().as_secs_f64() * 1000.0),
                        Err(_) => errors += 1,
                    },
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (l, e) = w.await.unwrap();
        all.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.total_cmp(b));
    let report = serde_json::json!({
        "url": args.url,
        "seconds": elapsed,
        "concurrency": args.concurrency,
        "requests": all.len(),
        "errors": errors,
        "rps": all.len() as f64 / elapsed,
        "p50_ms": percentile(&all, 0.50),
        "p90_ms": percentile(&all, 0.90),
        "p99_ms": percentile(&all, 0.99),
        "max_ms": all.last().copied().unwrap_or(0.0),
    });
    println!("{report}");
}
