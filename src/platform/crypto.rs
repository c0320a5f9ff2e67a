// The browser's WebCrypto for what needs a key: verifying a JWS signature with a public JWK
// (`SubtleCrypto.verify`), and this tab's DPoP key — a P-256 pair made non-extractable, kept in
// IndexedDB under the tab's id so it survives reloads without its private half ever leaving
// the browser's key store.

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen(inline_js = r#"
const DB = 'handshake-dpop', STORE = 'keys';
let cached = null;
function done(r) { return new Promise((ok, fail) => { r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); }); }
async function open() {
  const r = indexedDB.open(DB, 1);
  r.onupgradeneeded = () => r.result.createObjectStore(STORE);
  return done(r);
}
async function pair(tab) {
  if (cached && cached.tab === tab) return cached.pair;
  let db = null, found = null;
  try { db = await open(); found = await done(db.transaction(STORE).objectStore(STORE).get(tab)); } catch (e) { db = null; }
  if (!found) {
    found = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    if (db) { try { await done(db.transaction(STORE, 'readwrite').objectStore(STORE).put(found, tab)); } catch (e) { /* memory only */ } }
  }
  if (db) db.close();
  cached = { tab, pair: found };
  return found;
}
export async function dpopPublicKey(tab) {
  const p = await pair(tab);
  const jwk = await crypto.subtle.exportKey('jwk', p.publicKey);
  return JSON.stringify({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, extractable: p.privateKey.extractable });
}
// The byte arguments are views into the wasm memory: copied before the first await, since
// memory growing meanwhile (any allocation by another task) would detach them.
export async function dpopSign(tab, view) {
  const input = view.slice();
  const p = await pair(tab);
  return new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, p.privateKey, input));
}
export async function verifySignature(alg, jwk, inputView, signatureView) {
  const input = inputView.slice(), signature = signatureView.slice();
  const a = JSON.parse(alg);
  const params = a.name === 'ECDSA' ? { name: a.name, namedCurve: a.curve } : { name: a.name, hash: a.hash };
  const key = await crypto.subtle.importKey('jwk', JSON.parse(jwk), params, false, ['verify']);
  const how = a.name === 'RSA-PSS' ? { name: a.name, saltLength: a.saltLength } : a.name === 'ECDSA' ? { name: a.name, hash: a.hash } : { name: a.name };
  return crypto.subtle.verify(how, key, signature, input);
}
"#)]
extern "C" {
    #[wasm_bindgen(catch, js_name = dpopPublicKey)]
    async fn dpop_public_key_js(tab: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = dpopSign)]
    async fn dpop_sign_js(tab: &str, input: &[u8]) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = verifySignature)]
    async fn verify_js(
        alg: &str,
        jwk: &str,
        input: &[u8],
        signature: &[u8],
    ) -> Result<JsValue, JsValue>;
}

fn message(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "WebCrypto failed".into())
}

/// `SubtleCrypto.verify` of `signature` over `input` with the public `jwk`; `alg` is the JSON
/// of `{name, hash, saltLength?, curve?}`.
pub async fn verify_signature(
    alg: &str,
    jwk: &str,
    input: &[u8],
    signature: &[u8],
) -> Result<bool, String> {
    let result = verify_js(alg, jwk, input, signature)
        .await
        .map_err(message)?;
    Ok(result.as_bool().unwrap_or(false))
}

/// The public half of this tab's DPoP key as a JWK (made on first use); `extractable` says
/// whether the private half could ever be exported (it never can).
pub async fn dpop_public_key(tab: &str) -> Result<String, String> {
    dpop_public_key_js(tab)
        .await
        .map_err(message)?
        .as_string()
        .ok_or_else(|| "WebCrypto gave no key".into())
}

/// An ES256 signature (R ‖ S) by this tab's DPoP key.
pub async fn dpop_sign(tab: &str, input: &[u8]) -> Result<Vec<u8>, String> {
    let bytes = dpop_sign_js(tab, input).await.map_err(message)?;
    Ok(js_sys::Uint8Array::new(&bytes).to_vec())
}
