import t from 'tap';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  KeyError,
  accountId,
  bytesToBase32,
  bytesToBase64,
  decodeKeyFile,
  deriveKeyId,
  domainSeparated,
  encodeKeyFile,
  generateSigningKeyPair,
  isKeyId,
  nodeId,
  signDetached,
  signingKeyPairFromSeed,
  utf8,
  verifyDetached,
} from '../../attest/index.js';

// RFC 8032 §7.1 TEST 1: the secret key (seed) and its public key.
const RFC8032_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const RFC8032_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));

t.test('a seed gives its RFC 8032 public key', (t) => {
  const pair = signingKeyPairFromSeed(hex(RFC8032_SEED));
  t.same(pair.publicKey, hex(RFC8032_PUBLIC));
  t.equal(pair.secretKey.length, 64);
  t.throws(() => signingKeyPairFromSeed(new Uint8Array(31)), { code: 'KEY_INVALID' });
  t.end();
});

t.test('ids: prefix + base32 of the first 20 bytes of SHA-256(label ‖ public key)', (t) => {
  const pk = hex(RFC8032_PUBLIC);
  const expected = (label: string) => {
    const input = new Uint8Array([...utf8(label), ...pk]);
    return bytesToBase32(sha256(input).subarray(0, 20));
  };
  t.equal(accountId(pk), 'acct_' + expected('sealgate/v1/account-id'));
  t.equal(nodeId(pk), 'node_' + expected('sealgate/v1/node-id'));
  t.not(accountId(pk).slice(5), nodeId(pk).slice(5), 'the label separates the two kinds');
  t.ok(isKeyId('account', accountId(pk)));
  t.ok(isKeyId('node', nodeId(pk)));
  t.notOk(isKeyId('node', accountId(pk)));
  t.notOk(isKeyId('account', 'acct_' + 'A'.repeat(32)));
  t.notOk(isKeyId('account', 42));
  t.equal(deriveKeyId('node', pk).length, 37);
  t.throws(() => accountId(new Uint8Array(33)), KeyError);
  t.throws(() => nodeId(new Uint8Array(0)), { code: 'KEY_INVALID' });
  t.end();
});

t.test('key files round trip and are checked', (t) => {
  const pair = generateSigningKeyPair();
  const text = encodeKeyFile('node', pair);
  const doc = JSON.parse(text) as Record<string, unknown>;
  t.equal(doc.type, 'sealgate/node-key');
  t.equal(doc.version, 1);
  t.equal(doc.id, nodeId(pair.publicKey));
  t.equal(doc.secretKey, bytesToBase64(pair.secretKey.subarray(0, 32)));
  const back = decodeKeyFile(text);
  t.equal(back.kind, 'node');
  t.equal(back.id, nodeId(pair.publicKey));
  t.same(back.keyPair.secretKey, pair.secretKey);
  t.same(decodeKeyFile(text, 'node').keyPair.publicKey, pair.publicKey);
  t.throws(() => decodeKeyFile(text, 'account'), { code: 'KEY_FILE_UNSUPPORTED' });
  t.equal(decodeKeyFile(encodeKeyFile('account', pair)).id, accountId(pair.publicKey));
  t.end();
});

t.test('malformed, unsupported and mismatched key files are refused with their codes', (t) => {
  const pair = generateSigningKeyPair();
  const other = generateSigningKeyPair();
  const good = JSON.parse(encodeKeyFile('account', pair)) as Record<string, unknown>;
  const variant = (patch: Record<string, unknown>) => JSON.stringify({ ...good, ...patch });
  t.throws(() => decodeKeyFile('{not json'), { code: 'KEY_FILE_MALFORMED' });
  t.throws(() => decodeKeyFile('[]'), { code: 'KEY_FILE_MALFORMED' });
  t.throws(() => decodeKeyFile('null'), { code: 'KEY_FILE_MALFORMED' });
  t.throws(() => decodeKeyFile(variant({ extra: 1 })), { code: 'KEY_FILE_MALFORMED' });
  t.throws(() => decodeKeyFile(variant({ type: 7 })), { code: 'KEY_FILE_MALFORMED' });
  t.throws(() => decodeKeyFile(variant({ type: 'ssh-ed25519' })), { code: 'KEY_FILE_UNSUPPORTED' });
  t.throws(() => decodeKeyFile(variant({ version: 2 })), { code: 'KEY_FILE_UNSUPPORTED' });
  t.throws(() => decodeKeyFile(variant({ publicKey: 'AAAA' })), { code: 'KEY_FILE_MALFORMED' });
  t.throws(() => decodeKeyFile(variant({ secretKey: 'not base64!' })), { code: 'KEY_FILE_MALFORMED' });
  t.throws(() => decodeKeyFile(variant({ publicKey: bytesToBase64(other.publicKey) })), {
    code: 'KEY_MISMATCH',
  });
  t.throws(() => decodeKeyFile(variant({ id: accountId(other.publicKey) })), { code: 'KEY_MISMATCH' });
  t.throws(() => decodeKeyFile(variant({ id: undefined })), { code: 'KEY_FILE_MALFORMED' });
  t.throws(() => encodeKeyFile('account', { publicKey: other.publicKey, secretKey: pair.secretKey }), {
    code: 'KEY_MISMATCH',
  });
  t.end();
});

t.test('domain-separated signatures', (t) => {
  const pair = generateSigningKeyPair();
  const msg = utf8('hello');
  const sig = signDetached('sealgate/v1/test', msg, pair.secretKey);
  t.ok(verifyDetached('sealgate/v1/test', msg, sig, pair.publicKey));
  t.notOk(verifyDetached('sealgate/v1/other', msg, sig, pair.publicKey), 'another label');
  t.notOk(verifyDetached('sealgate/v1/test', utf8('hellp'), sig, pair.publicKey), 'another message');
  t.notOk(verifyDetached('sealgate/v1/test', msg, sig.subarray(1), pair.publicKey), 'short signature');
  t.notOk(verifyDetached('sealgate/v1/test', msg, sig, pair.publicKey.subarray(1)), 'short key');
  t.same(domainSeparated('ab', utf8('c')), new Uint8Array([0x61, 0x62, 0, 0x63]));
  t.throws(() => domainSeparated('', msg), TypeError);
  t.throws(() => domainSeparated('a\0b', msg), TypeError);
  t.throws(() => signDetached('x', msg, pair.publicKey), TypeError);
  t.end();
});
