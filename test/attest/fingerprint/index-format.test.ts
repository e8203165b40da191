import t from 'tap';
import { createHmac } from 'node:crypto';
import {
  DEFAULT_SCAN,
  FingerprintError,
  generateFingerprintKey,
  IndexBuilder,
  loadIndex,
  MIN_PATTERN,
} from '../../../attest/index.js';
import { SYNTHETIC_COLUMNS } from '../../../client/index.js';
import { KEY, rows } from './helpers.js';

// The serialised index: its checks, in order, each with its code.
const data = rows(200);
const build = (key = KEY): Uint8Array => {
  const b = new IndexBuilder(key, SYNTHETIC_COLUMNS, DEFAULT_SCAN);
  for (const r of data) b.addRecord(r);
  return b.finish();
};
const bytes = build();
const fails =
  (b: Uint8Array, code: string, key = KEY) =>
  () =>
    t.throws(() => loadIndex(b, key), { name: 'FingerprintError', code });

t.test('round trip: the header records parameters, classification and counts', (t) => {
  const index = loadIndex(bytes, KEY);
  t.equal(index.header.params.anchor, MIN_PATTERN);
  t.equal(index.header.counts.records, 200);
  t.same(
    index.header.columns.map((c) => c.kind),
    ['name', 'id', 'email', 'low', 'low', 'low', 'low', 'low', 'low', 'low', 'low'],
  );
  t.ok(index.tableBytes > 0 && index.tableBytes < bytes.length);
  // An unaligned copy loads too.
  const shifted = new Uint8Array(bytes.length + 1).subarray(1);
  shifted.set(bytes);
  t.equal(loadIndex(shifted, KEY).header.counts.records, 200);
  t.end();
});

t.test('a key is 32 random bytes', (t) => {
  const a = generateFingerprintKey();
  t.equal(a.length, 32);
  t.notSame(a, generateFingerprintKey());
  t.throws(() => loadIndex(bytes, new Uint8Array(16)), TypeError);
  t.end();
});

t.test('a wrong key fails with FINGERPRINT_WRONG_KEY', (t) => {
  t.throws(() => loadIndex(bytes, new Uint8Array(32).fill(8)), {
    name: 'FingerprintError',
    code: 'FINGERPRINT_WRONG_KEY',
  });
  t.end();
});

t.test('bad magic, version, length', (t) => {
  const m = bytes.slice();
  m[0] = 0x58;
  t.throws(() => loadIndex(m, KEY), { code: 'FINGERPRINT_BAD_MAGIC' });
  const v = bytes.slice();
  v[4] = 9;
  t.throws(() => loadIndex(v, KEY), { code: 'FINGERPRINT_BAD_VERSION' });
  t.throws(() => loadIndex(bytes.subarray(0, 40), KEY), { code: 'FINGERPRINT_TRUNCATED' });
  t.throws(() => loadIndex(bytes.subarray(0, bytes.length - 1), KEY), { code: 'FINGERPRINT_TRUNCATED' });
  const longer = new Uint8Array(bytes.length + 8);
  longer.set(bytes);
  t.throws(() => loadIndex(longer, KEY), { code: 'FINGERPRINT_BAD_HEADER' });
  t.end();
});

t.test('any tampered byte after the key check fails with FINGERPRINT_TAMPERED', (t) => {
  for (const at of [40, 100, Math.floor(bytes.length / 2), bytes.length - 40, bytes.length - 1]) {
    const x = bytes.slice();
    x[at] ^= 1;
    t.throws(
      () => loadIndex(x, KEY),
      { name: 'FingerprintError', code: 'FINGERPRINT_TAMPERED' },
      `byte ${at}`,
    );
  }
  t.ok(fails);
  t.end();
});

t.test('the builder refuses bad parameters and bad rows', (t) => {
  t.throws(() => new IndexBuilder(KEY, ['a'], { ...DEFAULT_SCAN, lshBands: 3 }), {
    name: 'FingerprintError',
    code: 'FINGERPRINT_BAD_PARAMETERS',
  });
  const b = new IndexBuilder(KEY, ['a', 'b'], DEFAULT_SCAN);
  t.throws(() => b.addRecord(['x']), TypeError);
  b.finish();
  t.throws(() => b.addRecord(['x', 'y']), TypeError);
  t.ok(FingerprintError);
  t.end();
});

t.test('an empty index loads and scans', (t) => {
  const b = new IndexBuilder(KEY, ['a'], { ...DEFAULT_SCAN, shingleUnit: 'token', shingleSize: 2 });
  const index = loadIndex(b.finish(), KEY);
  t.equal(index.header.counts.records, 0);
  t.end();
});

t.test('the MAC function is a seam: a native HMAC-SHA256 writes and checks the same bytes', (t) => {
  // RFC 4231 test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?").
  const rfc4231 = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
  const calls: number[] = [];
  const counted = (key: Uint8Array, data: Uint8Array): Uint8Array => {
    calls.push(data.length);
    return createHmac('sha256', key).update(data).digest();
  };
  const jefe = new TextEncoder().encode('Jefe');
  const want = new TextEncoder().encode('what do ya want for nothing?');
  t.equal(Buffer.from(counted(jefe, want)).toString('hex'), rfc4231, 'the native function is HMAC-SHA256');
  calls.length = 0;
  const b = new IndexBuilder(KEY, SYNTHETIC_COLUMNS, DEFAULT_SCAN, { hmacSha256: counted });
  for (const r of data) b.addRecord(r);
  const native = b.finish();
  t.same(calls, [native.length - 32], 'the builder MACs everything before the MAC once');
  t.ok(Buffer.from(native).equals(Buffer.from(bytes)), 'byte for byte the index the default MAC wrote');
  t.equal(loadIndex(native, KEY, { hmacSha256: counted }).header.counts.records, 200);
  t.equal(calls.length, 2, 'loading checked the MAC with it');
  const tampered = native.slice();
  tampered[native.length - 40] ^= 1;
  t.throws(() => loadIndex(tampered, KEY, { hmacSha256: counted }), {
    name: 'FingerprintError',
    code: 'FINGERPRINT_TAMPERED',
  });
  const short = (): Uint8Array => new Uint8Array(16);
  t.throws(() => loadIndex(native, KEY, { hmacSha256: short }), {
    name: 'TypeError',
    message: /32 bytes/,
  });
  const shortBuilder = new IndexBuilder(KEY, SYNTHETIC_COLUMNS, DEFAULT_SCAN, { hmacSha256: short });
  shortBuilder.addRecord(data[0]);
  t.throws(() => shortBuilder.finish(), { name: 'TypeError', message: /32 bytes/ });
  t.end();
});
