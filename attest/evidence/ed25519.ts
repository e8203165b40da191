/**
 * Ed25519 signature verification (RFC 8032 §5.1.7) on the fastest engine the
 * platform has: WebCrypto's `Ed25519` (Node 20, recent browsers; OpenSSL
 * underneath, about 0.6 ms a verify here) when `crypto.subtle` knows it, else
 * tweetnacl (pure JavaScript, about 20 ms). Both answer the same for valid
 * signatures; WebCrypto is the stricter on non-canonical encodings (it
 * refuses S >= L), which only ever turns a forgery into `false`. Still pure:
 * WebCrypto is computation, not I/O.
 */
import nacl from 'tweetnacl';

/** Verifies an Ed25519 signature; never throws for bad input, answers false. */
export type Ed25519Verify = (
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
) => Promise<boolean>;

const PUBLIC_KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
// Imported keys, by their hex, so a node's repeated evidence skips the import. Bounded.
const KEY_CACHE_LIMIT = 256;

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

// WebCrypto takes bytes over an ArrayBuffer (not a SharedArrayBuffer): copy only when needed.
function plain(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
}

function naclVerify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  return nacl.sign.detached.verify(message, signature, publicKey);
}

/**
 * A verifier over `subtle` (WebCrypto), falling back to tweetnacl when
 * `subtle` is undefined or does not support Ed25519 (the first refused import
 * switches it to tweetnacl for good). Exported so tests can take both paths.
 */
export function ed25519Verifier(subtle: SubtleCrypto | undefined): Ed25519Verify {
  let supported = subtle !== undefined;
  const keys = new Map<string, CryptoKey>();

  async function importKey(engine: SubtleCrypto, publicKey: Uint8Array): Promise<CryptoKey | undefined> {
    const id = hex(publicKey);
    const cached = keys.get(id);
    if (cached) return cached;
    let key: CryptoKey;
    try {
      key = await engine.importKey('raw', plain(publicKey), { name: 'Ed25519' }, false, ['verify']);
    } catch (err) {
      // NotSupportedError: this WebCrypto has no Ed25519; anything else: a key that is not a point.
      if ((err as { name?: unknown } | null)?.name === 'NotSupportedError') supported = false;
      return undefined;
    }
    if (keys.size >= KEY_CACHE_LIMIT) keys.delete(keys.keys().next().value as string);
    keys.set(id, key);
    return key;
  }

  return async (message, signature, publicKey) => {
    if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false;
    if (!supported || subtle === undefined) return naclVerify(message, signature, publicKey);
    const key = await importKey(subtle, publicKey);
    if (key === undefined) return supported ? false : naclVerify(message, signature, publicKey);
    try {
      return await subtle.verify({ name: 'Ed25519' }, key, plain(signature), plain(message));
    } catch {
      return false;
    }
  };
}

/**
 * Verify an Ed25519 signature (RFC 8032) of `message` by `publicKey`: true or
 * false, never a throw. Uses `globalThis.crypto.subtle` when it supports
 * Ed25519, tweetnacl otherwise.
 *
 * @example
 * ```ts
 * if (!(await verifyEd25519(input, evidence.signature, nodePublicKey))) refuse();
 * ```
 */
export const verifyEd25519: Ed25519Verify = ed25519Verifier(
  (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle,
);
