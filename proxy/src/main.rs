// Entry point of handshake-proxy: parse flags, then serve (see `--help`).

use handshake_proxy::config::{self, Command, HELP};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match config::parse(&args, &|name| std::env::var(name).ok()) {
        Ok(Command::Help) => {
            print!("{HELP}");
            return;
        }
        Ok(Command::Run(config)) => *config,
        Err(message) => {
            eprintln!("handshake-proxy: {message}");
            std::process::exit(2);
        }
    };
    if let Err(message) = handshake_proxy::serve::run(config).await {
        eprintln!("handshake-proxy: {message}");
        std::process::exit(1);
    }
}
