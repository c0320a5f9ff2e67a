// Entry point of handshake-proxy: parse flags (clap), start the log, then serve (see `--help`).

use clap::Parser;
use handshake_proxy::config::Cli;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let config = match cli.into_config(&|name| std::env::var(name).ok()) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("handshake-proxy: {message}");
            std::process::exit(2);
        }
    };
    let _log = handshake_proxy::log::init();
    if let Err(message) = handshake_proxy::serve::run(config).await {
        eprintln!("handshake-proxy: {message}");
        std::process::exit(1);
    }
}
