// The request log: one line per request, written by its own thread. Handlers hand lines over
// without waiting, so a slow or blocked stderr can never stall the proxy (lines are dropped
// and counted instead).

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::OnceLock;

static SENDER: OnceLock<SyncSender<String>> = OnceLock::new();
static DROPPED: AtomicU64 = AtomicU64::new(0);

fn sender() -> &'static SyncSender<String> {
    SENDER.get_or_init(|| {
        let (tx, rx) = sync_channel::<String>(4096);
        std::thread::spawn(move || {
            let stderr = std::io::stderr();
            for line in rx {
                let dropped = DROPPED.swap(0, Ordering::Relaxed);
                let mut out = stderr.lock();
                if dropped > 0 {
                    let _ = writeln!(
                        out,
                        "proxy: {dropped} log lines dropped (stderr was not keeping up)"
                    );
                }
                let _ = writeln!(out, "{line}");
            }
        });
        tx
    })
}

/// Queues a line for stderr; never blocks.
pub fn line(text: String) {
    match sender().try_send(text) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
            DROPPED.fetch_add(1, Ordering::Relaxed);
        }
    }
}
