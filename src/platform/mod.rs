// The browser's basics behind small functions and one trait: the clock, random bytes, timers,
// Web Storage, the address bar, and WebCrypto keys. Nothing here knows about OAuth; everything above may use it.
// Natively (tests) only the pure parts run: `KeyValue` and `MemoryStore`.

mod clock;
mod crypto;
mod location;
mod random;
mod storage;
mod timers;

pub use clock::{elapsed_ms, now_ms};
pub use crypto::{dpop_public_key, dpop_sign, verify_signature};
pub use location::{
    assign, base_uri, location_hash, location_pathname, location_search, open_new_tab, reload,
    replace_url,
};
pub use random::{fill_random, random_bytes};
pub use storage::{
    local_storage, session_storage, KeyValue, MemoryStore, StorageError, WebStorage,
};
pub use timers::sleep_ms;
