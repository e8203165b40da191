/** `sealgate dataset encrypt|decrypt`: round trips, key files, --json, usage and I/O errors. */
import t from 'tap';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_BYTES, assertCleanFailure, dataset, encrypt, sealgate, workdir } from './sealgate.js';

t.test('round trip: a new key file (0600), the envelope, the same bytes back', async (t) => {
  const { dir, path, plain } = workdir(t);
  const enc = await dataset('encrypt', path('data.csv'), path('data.env'), path('key.json'));
  t.equal(enc.code, 0);
  const summary = `data.csv -> .*data.env: ${DATA_BYTES} bytes in 4 chunks, key id [0-9a-f]{32} \\(new key`;
  t.match(enc.stdout, new RegExp(`^encrypted .*${summary}`));
  t.equal(enc.stderr, '', 'no progress bar when stderr is not a terminal');
  t.equal(statSync(path('key.json')).mode & 0o777, 0o600, 'key file mode 0600');
  const key = JSON.parse(readFileSync(path('key.json'), 'utf8')) as { key: string; keyId: string };
  t.equal(Buffer.from(key.key, 'base64').length, 32, 'a 32-byte key');
  t.ok(enc.stdout.includes(key.keyId), 'the key id is reported');

  const dec = await dataset('decrypt', path('data.env'), path('out.csv'), path('key.json'));
  t.equal(dec.code, 0);
  t.equal(dec.stderr, '');
  t.ok(readFileSync(path('out.csv')).equals(plain), 'the same bytes back');
  t.equal(statSync(path('out.csv')).mode & 0o777, 0o600, 'plaintext written 0600');
  t.same(readdirSync(dir).sort(), ['data.csv', 'data.env', 'key.json', 'out.csv']);
});

t.test('--json results, and an existing key file is reused', async (t) => {
  const { path } = workdir(t);
  const first = await encrypt(t, path);
  t.match(first, { keyCreated: true, plaintextBytes: DATA_BYTES, chunkSize: 1024 * 1024 });
  const second = await encrypt(t, path);
  t.equal(second.keyCreated, false);
  t.equal(second.keyId, first.keyId);
  const r = await dataset('decrypt', path('data.env'), path('o'), path('key.json'), '--json');
  t.equal(r.code, 0);
  const { keyId, envelopeBytes } = first;
  t.match(JSON.parse(r.stdout), { keyId, envelopeBytes, plaintextBytes: DATA_BYTES });
});

t.test('bad usage and file-system problems: CLI_USAGE and CLI_IO, nothing written', async (t) => {
  const { dir, path } = workdir(t);
  const missingInput = await dataset('encrypt', path('missing.csv'), path('o'), path('k'));
  assertCleanFailure(t, missingInput, 'CLI_IO', dir, path('o'));
  t.notOk(existsSync(path('k')), 'no key file is made for an input that is not there');
  const missingKey = await dataset('decrypt', path('data.csv'), path('o'), path('k'));
  assertCleanFailure(t, missingKey, 'CLI_IO', dir, path('o'));
  const keyIsDir = await dataset('encrypt', path('data.csv'), path('o'), dir);
  assertCleanFailure(t, keyIsDir, 'CLI_IO', dir, path('o'));
  const inputIsDir = await dataset('encrypt', dir, path('o'), path('k'));
  assertCleanFailure(t, inputIsDir, 'CLI_IO', dir, path('o'));
  const noOut = await sealgate('dataset', 'encrypt', path('data.csv'), '--key-file', path('k'));
  assertCleanFailure(t, noOut, 'CLI_USAGE', dir, path('o'));
  const samePath = await dataset('encrypt', path('data.csv'), path('data.csv'), path('k'));
  t.equal(samePath.code, 1);
  t.match(samePath.stderr, /^sealgate: [^\n]+ \(CLI_USAGE\)\n$/, 'OUT may not be FILE');
  await encrypt(t, path);
  const notAnEnvelope = await dataset('decrypt', path('data.csv'), path('o'), path('key.json'));
  assertCleanFailure(t, notAnEnvelope, 'ENVELOPE_MALFORMED', dir, path('o'));
  const noDir = await dataset('decrypt', path('data.env'), join(dir, 'nope', 'o'), path('key.json'));
  t.match(noDir.stderr, /^sealgate: [^\n]+ \(CLI_IO\)\n$/, 'an output directory that does not exist');
});

t.test('a new key file is removed again when the encryption fails', async (t) => {
  const { dir, path } = workdir(t);
  const r = await dataset('encrypt', path('data.csv'), join(dir, 'missing-dir', 'data.env'), path('new.key'));
  t.equal(r.code, 1);
  t.match(r.stderr, /^sealgate: [^\n]+ \(CLI_IO\)\n$/);
  t.notOk(existsSync(path('new.key')), 'the key it made is gone: no key without its ciphertext');
});

t.test('--help lists the dataset commands', async (t) => {
  const r = await sealgate('--help');
  t.match(r.stdout, /sealgate dataset encrypt FILE --out OUT --key-file KEY/);
  t.match(r.stdout, /sealgate dataset decrypt FILE --key-file KEY --out OUT/);
});
