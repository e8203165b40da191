/**
 * The sealed box on WebCrypto X25519 (attest/keywrap-fast.ts) is byte-compatible
 * with keywrap.ts both ways, refuses what keywrap refuses with the same codes,
 * and falls back to tweetnacl where WebCrypto lacks X25519.
 */
import t from 'tap';
import {
  SEALED_BOX_OVERHEAD,
  generateBoxKeyPair,
  generateDataKey,
  unwrapKey,
  unwrapKeyFast,
  wrapKey,
  wrapKeyFast,
} from '../../attest/index.js';

t.test('fast and tweetnacl boxes open each other', async (t) => {
  const recipient = generateBoxKeyPair();
  const dek = generateDataKey();
  const fast = await wrapKeyFast(dek, recipient.publicKey);
  t.equal(fast.length, dek.length + SEALED_BOX_OVERHEAD);
  t.same(unwrapKey(fast, recipient.secretKey), dek, 'tweetnacl opens the fast box');
  t.same(
    await unwrapKeyFast(wrapKey(dek, recipient.publicKey), recipient),
    dek,
    'the fast path opens a tweetnacl box',
  );
  t.same(await unwrapKeyFast(fast, recipient), dek, 'and its own (cached private key)');
});

t.test('refusals keep keywrap codes', async (t) => {
  const recipient = generateBoxKeyPair();
  const dek = generateDataKey();
  // RFC 7748 §6.1: the all-zero point is of small order; the shared secret would be zero.
  await t.rejects(wrapKeyFast(dek, new Uint8Array(32)), { code: 'KEYWRAP_WEAK_KEY' });
  await t.rejects(wrapKeyFast(dek, new Uint8Array(31)), { code: 'KEYWRAP_MALFORMED' });
  await t.rejects(unwrapKeyFast(new Uint8Array(10), recipient), { code: 'KEYWRAP_MALFORMED' });
  const sealed = await wrapKeyFast(dek, recipient.publicKey);
  sealed[40] ^= 1;
  await t.rejects(unwrapKeyFast(sealed, recipient), { code: 'KEYWRAP_FAILED' });
  await t.rejects(unwrapKeyFast(await wrapKeyFast(dek, recipient.publicKey), generateBoxKeyPair()), {
    code: 'KEYWRAP_FAILED',
  });
  const zeroEpk = new Uint8Array(SEALED_BOX_OVERHEAD + 32);
  await t.rejects(unwrapKeyFast(zeroEpk, recipient), { code: 'KEYWRAP_FAILED' });
});

t.test('without WebCrypto X25519 it falls back to tweetnacl', async (t) => {
  const subtle = globalThis.crypto.subtle;
  const fail = () => Promise.reject(Object.assign(new Error('no X25519'), { name: 'NotSupportedError' }));
  const fake = new Proxy(subtle, {
    get: (target, name) =>
      name === 'generateKey' || name === 'importKey'
        ? fail
        : (Reflect.get(target, name) as unknown as () => unknown).bind(target),
  });
  Object.defineProperty(globalThis.crypto, 'subtle', { value: fake, configurable: true });
  t.teardown(() => Object.defineProperty(globalThis.crypto, 'subtle', { value: subtle, configurable: true }));
  // The module notices on its first refused call and stays on tweetnacl (this is the file's last test).
  const [u, w] = [unwrapKeyFast, wrapKeyFast];
  const recipient = generateBoxKeyPair();
  const dek = generateDataKey();
  const sealed = await w(dek, recipient.publicKey);
  t.same(unwrapKey(sealed, recipient.secretKey), dek);
  t.same(await u(wrapKey(dek, recipient.publicKey), recipient), dek);
  t.same(await u(sealed, generateBoxKeyPair()).catch((e: { code: string }) => e.code), 'KEYWRAP_FAILED');
});
