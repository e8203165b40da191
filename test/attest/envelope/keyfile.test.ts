import t from 'tap';
import {
  EnvelopeError,
  encodeDataKeyFile,
  generateDataKey,
  dataKeyId,
  parseDataKeyFile,
} from '../../../attest/index.js';

/** Lowercase hex of `bytes`. */
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const enc = new TextEncoder();
const dek = generateDataKey();

/** The code `parseDataKeyFile` fails with on `text`. */
function codeOf(bytes: Uint8Array): string {
  try {
    parseDataKeyFile(bytes);
    return 'no error';
  } catch (err) {
    return err instanceof EnvelopeError ? err.code : `not an EnvelopeError: ${String(err)}`;
  }
}

t.test('a key file round-trips and names its key id', (t) => {
  const text = encodeDataKeyFile(dek);
  t.ok(text.endsWith('\n'));
  const doc = JSON.parse(text) as Record<string, unknown>;
  t.equal(doc.kind, 'sealgate-data-key');
  t.equal(doc.algorithm, 'AES-256-GCM-HKDF-SHA256-STREAM');
  t.equal(doc.keyId, hex(dataKeyId(dek)));
  t.same(parseDataKeyFile(enc.encode(text)), dek);
  t.end();
});

t.test('a bare 32-byte key file is accepted', (t) => {
  t.same(parseDataKeyFile(dek), dek);
  t.end();
});

t.test('anything else is ENVELOPE_KEY_FILE_INVALID', (t) => {
  const doc = JSON.parse(encodeDataKeyFile(dek)) as Record<string, unknown>;
  const variant = (patch: Record<string, unknown>): Uint8Array =>
    enc.encode(JSON.stringify({ ...doc, ...patch }));
  const cases: [string, Uint8Array][] = [
    ['not JSON', enc.encode('hello')],
    ['not UTF-8', new Uint8Array([0xff, 0xfe, 0x7b])],
    ['JSON null', enc.encode('null')],
    ['another kind', variant({ kind: 'ssh-key' })],
    ['another version', variant({ version: 2 })],
    ['a short key', variant({ key: 'AAAA' })],
    ['a key that is not base64', variant({ key: '!'.repeat(44) })],
    ['a key that is not a string', variant({ key: 5 })],
    ['non-canonical base64', variant({ key: (doc.key as string).replace(/=$/, '') })],
    ['a key id of another key', variant({ keyId: hex(dataKeyId(generateDataKey())) })],
    ['no key id', variant({ keyId: undefined })],
  ];
  for (const [name, bytes] of cases) t.equal(codeOf(bytes), 'ENVELOPE_KEY_FILE_INVALID', name);
  t.end();
});
