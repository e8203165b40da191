import t from 'tap';
import {
  base64ToBytes,
  base64UrlToBytes,
  bytesToBase32,
  bytesToBase64,
  bytesToBase64Url,
  bytesToHex,
  constantTimeEqual,
  constantTimeEqualText,
  constantTimeIncludes,
  randomNonce,
  utf8,
} from '../../attest/index.js';

// RFC 4648 §10 test vectors (base32 lowercased and unpadded, as sealgate ids use it).
const vectors: [string, string, string][] = [
  ['', '', ''],
  ['f', 'Zg==', 'my'],
  ['fo', 'Zm8=', 'mzxq'],
  ['foo', 'Zm9v', 'mzxw6'],
  ['foob', 'Zm9vYg==', 'mzxw6yq'],
  ['fooba', 'Zm9vYmE=', 'mzxw6ytb'],
  ['foobar', 'Zm9vYmFy', 'mzxw6ytboi'],
];

t.test('RFC 4648 §10 vectors', (t) => {
  for (const [plain, b64, b32] of vectors) {
    const bytes = utf8(plain);
    t.equal(bytesToBase64(bytes), b64, `base64(${plain})`);
    t.same(base64ToBytes(b64), bytes, `unbase64(${b64})`);
    t.equal(bytesToBase32(bytes), b32, `base32(${plain})`);
    t.equal(bytesToBase64Url(bytes), b64.replace(/=+$/, ''), `base64url(${plain})`);
    t.same(base64UrlToBytes(b64.replace(/=+$/, '')), bytes);
  }
  t.end();
});

t.test('base64url uses - and _', (t) => {
  const bytes = new Uint8Array([0xfb, 0xff, 0xbf]);
  t.equal(bytesToBase64(bytes), '+/+/');
  t.equal(bytesToBase64Url(bytes), '-_-_');
  t.same(base64UrlToBytes('-_-_'), bytes);
  t.equal(base64UrlToBytes('+/+/'), undefined);
  t.end();
});

t.test('decoders refuse non-canonical and malformed text', (t) => {
  for (const bad of [
    'Zg',
    'Zg=',
    'Zh==',
    'Zm9=',
    'Z===',
    'Zm9v\n',
    ' Zm9v',
    'Zm 9',
    'Zm9vé===',
    '=Zm9',
    'Z',
  ]) {
    t.equal(base64ToBytes(bad), undefined, JSON.stringify(bad));
  }
  for (const bad of ['Zg==', 'Zh', 'Z', 'Zm9', 'Zm-_=', 'Zm9v+']) {
    t.equal(base64UrlToBytes(bad), undefined, JSON.stringify(bad));
  }
  t.end();
});

t.test('random round trips', (t) => {
  for (let n = 0; n < 70; n++) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 37 + n) & 0xff);
    t.same(base64ToBytes(bytesToBase64(bytes)), bytes);
    t.same(base64UrlToBytes(bytesToBase64Url(bytes)), bytes);
  }
  t.end();
});

t.test('hex', (t) => {
  t.equal(bytesToHex(new Uint8Array([0, 1, 0xab, 0xff])), '0001abff');
  t.end();
});

t.test('constant-time comparisons', (t) => {
  t.ok(constantTimeEqual(utf8('abc'), utf8('abc')));
  t.notOk(constantTimeEqual(utf8('abc'), utf8('abd')));
  t.notOk(constantTimeEqual(utf8('abc'), utf8('ab')));
  t.ok(constantTimeEqualText('é', 'é'));
  t.notOk(constantTimeEqualText('e', 'é'));
  t.ok(constantTimeIncludes(['a', 'b', 'c'], 'b'));
  t.notOk(constantTimeIncludes(['a', 'b', 'c'], 'd'));
  t.notOk(constantTimeIncludes([], 'a'));
  t.end();
});

t.test('random nonces', (t) => {
  const a = randomNonce();
  t.match(a, /^[A-Za-z0-9_-]{22}$/);
  t.not(a, randomNonce());
  t.equal(base64UrlToBytes(randomNonce(64))?.length, 64);
  t.throws(() => randomNonce(8), TypeError);
  t.throws(() => randomNonce(65), TypeError);
  t.end();
});
