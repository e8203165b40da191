import t from 'tap';
import {
  KeywrapError,
  SEALED_BOX_OVERHEAD,
  generateBoxKeyPair,
  unwrapKey,
  utf8,
  wrapKey,
} from '../../attest/index.js';

const dek = new Uint8Array(32).map((_, i) => i);

t.test('round trip', (t) => {
  const recipient = generateBoxKeyPair();
  const sealed = wrapKey(dek, recipient.publicKey);
  t.equal(sealed.length, dek.length + SEALED_BOX_OVERHEAD);
  t.same(unwrapKey(sealed, recipient.secretKey), dek);
  t.same(unwrapKey(wrapKey(new Uint8Array(0), recipient.publicKey), recipient.secretKey), new Uint8Array(0));
  t.not(
    Buffer.from(wrapKey(dek, recipient.publicKey)).toString('hex'),
    Buffer.from(sealed).toString('hex'),
    'a fresh ephemeral key each time',
  );
  t.end();
});

t.test('the wrong recipient cannot open it', (t) => {
  const sealed = wrapKey(dek, generateBoxKeyPair().publicKey);
  t.throws(() => unwrapKey(sealed, generateBoxKeyPair().secretKey), { code: 'KEYWRAP_FAILED' });
  t.end();
});

t.test('a flipped bit anywhere fails', (t) => {
  const recipient = generateBoxKeyPair();
  const sealed = wrapKey(utf8('a dataset key, 32 bytes long....'), recipient.publicKey);
  for (const at of [0, 31, 32, 47, 48, sealed.length - 1]) {
    const bad = sealed.slice();
    bad[at] ^= 0x01;
    t.throws(() => unwrapKey(bad, recipient.secretKey), { code: 'KEYWRAP_FAILED' }, `byte ${at}`);
  }
  t.end();
});

t.test('malformed input', (t) => {
  const recipient = generateBoxKeyPair();
  t.throws(() => unwrapKey(new Uint8Array(SEALED_BOX_OVERHEAD - 1), recipient.secretKey), {
    code: 'KEYWRAP_MALFORMED',
  });
  t.throws(() => wrapKey(dek, new Uint8Array(31)), { code: 'KEYWRAP_MALFORMED' });
  t.throws(() => unwrapKey(new Uint8Array(64), new Uint8Array(31)), TypeError);
  t.end();
});

t.test('small-order public keys are refused (RFC 7748 §6.1)', (t) => {
  // The all-zero point and the point of order 8 with u = 1 give an all-zero shared secret.
  const one = new Uint8Array(32);
  one[0] = 1;
  for (const weak of [new Uint8Array(32), one]) {
    t.throws(() => wrapKey(dek, weak), { code: 'KEYWRAP_WEAK_KEY' });
    const sealed = new Uint8Array(SEALED_BOX_OVERHEAD + 4);
    sealed.set(weak);
    t.throws(() => unwrapKey(sealed, generateBoxKeyPair().secretKey), { code: 'KEYWRAP_FAILED' });
  }
  t.type(new KeywrapError('KEYWRAP_FAILED', 'x'), Error);
  t.end();
});
