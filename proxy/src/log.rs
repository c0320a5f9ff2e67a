// The request log: tracing to stderr through a bounded, lossy queue and its own thread, so a
// slow or blocked stderr can never stall a request (lines are dropped and counted instead).

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};

/// Lines waiting for stderr before new ones are dropped.
const QUEUE_LINES: usize = 1024;

/// Starts the log; keep the guard for the life of the process (it flushes on drop).
pub fn init() -> WorkerGuard {
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(QUEUE_LINES)
        .thread_name("handshake-proxy-log")
        .finish(std::io::stderr());
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false)
        .init();
    guard
}

/// Text safe for one log line: control characters, quotes, backslashes and non-ASCII
/// characters are written as escapes, so no input can start a line of its own.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            ' '..='~' => out.push(c),
            other => out.extend(other.escape_unicode()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn nothing_can_break_the_line() {
        assert_eq!(
            super::escape("/a\nproxy forged\r"),
            "/a\\u{a}proxy forged\\u{d}"
        );
        assert_eq!(super::escape("/ok/%0A"), "/ok/%0A");
        assert_eq!(super::escape("é\u{2028}"), "\\u{e9}\\u{2028}");
    }
}
