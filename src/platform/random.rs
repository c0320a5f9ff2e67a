// Random bytes from the browser's CSPRNG (crypto.getRandomValues).

/// Fills `bytes` from the browser's CSPRNG.
pub fn fill_random(bytes: &mut [u8]) {
    let crypto = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .expect("Handshake needs window.crypto (a secure context)");
    crypto
        .get_random_values_with_u8_array(bytes)
        .expect("crypto.getRandomValues works");
}

/// `N` bytes from the browser's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    fill_random(&mut bytes);
    bytes
}
