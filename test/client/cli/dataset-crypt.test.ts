/**
 * `sealgate dataset encrypt|decrypt`, run as the real CLI in a child process on
 * temporary files (random data made by the test itself).
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../client/cli/main.js', import.meta.url));

/** A subtest, as tap hands it to a callback. */
type Test = Parameters<Parameters<typeof t.test>[0]>[0];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sealgate(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A temporary directory with a 1 MiB + 5 byte random `data.csv` (several default-size chunks). */
function workdir(t: Test): { dir: string; path: (name: string) => string; plain: Buffer } {
  const plain = randomBytes(1024 * 1024 + 5);
  const dir = t.testdir({ 'data.csv': plain });
  return { dir, path: (name) => join(dir, name), plain };
}

/** Encrypt data.csv into data.env with a new key.json; returns the parsed --json result. */
async function encrypt(t: Test, path: (n: string) => string): Promise<Record<string, unknown>> {
  const r = await sealgate(
    'dataset',
    'encrypt',
    path('data.csv'),
    '--out',
    path('data.env'),
    '--key-file',
    path('key.json'),
    '--json',
  );
  t.equal(r.code, 0, 'encrypt exits 0');
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function flipByte(file: string, offset: number): void {
  const bytes = readFileSync(file);
  bytes[offset] = bytes[offset] ^ 0x10;
  writeFileSync(file, bytes);
}

/** Exit 1, exactly one stderr line ending in `(CODE)`, no OUT, no temporary file left. */
function assertCleanFailure(t: Test, r: Run, code: string, dir: string, out: string): void {
  t.equal(r.code, 1, 'exit 1');
  t.match(r.stderr, new RegExp(`^sealgate: [^\\n]+ \\(${code}\\)\\n$`), `one line naming ${code}`);
  t.notOk(existsSync(out), 'nothing at OUT');
  t.same(
    readdirSync(dir).filter((f) => f.includes('sealgate-tmp')),
    [],
    'no temporary file left',
  );
}

t.test('round trip: a new key file (0600), the envelope, the same bytes back', async (t) => {
  const { dir, path, plain } = workdir(t);
  const enc = await sealgate(
    'dataset',
    'encrypt',
    path('data.csv'),
    '--out',
    path('data.env'),
    '--key-file',
    path('key.json'),
  );
  t.equal(enc.code, 0);
  t.match(
    enc.stdout,
    /^encrypted .*data\.csv -> .*data\.env: 1048581 bytes in 5 chunks, key id [0-9a-f]{32} \(new key/,
  );
  t.equal(enc.stderr, '', 'no progress bar when stderr is not a terminal');
  t.equal(statSync(path('key.json')).mode & 0o777, 0o600, 'key file mode 0600');
  const key = JSON.parse(readFileSync(path('key.json'), 'utf8')) as { key: string; keyId: string };
  t.equal(Buffer.from(key.key, 'base64').length, 32, 'a 32-byte key');
  t.ok(enc.stdout.includes(key.keyId), 'the key id is reported');

  const dec = await sealgate(
    'dataset',
    'decrypt',
    path('data.env'),
    '--key-file',
    path('key.json'),
    '--out',
    path('out.csv'),
  );
  t.equal(dec.code, 0);
  t.equal(dec.stderr, '');
  t.ok(readFileSync(path('out.csv')).equals(plain), 'the same bytes back');
  t.equal(statSync(path('out.csv')).mode & 0o777, 0o600, 'plaintext written 0600');
  t.same(readdirSync(dir).sort(), ['data.csv', 'data.env', 'key.json', 'out.csv']);
});

t.test('--json results, and an existing key file is reused', async (t) => {
  const { path } = workdir(t);
  const first = await encrypt(t, path);
  t.equal(first.keyCreated, true);
  t.equal(first.plaintextBytes, 1048581);
  t.equal(first.chunkSize, 256 * 1024);
  const second = await encrypt(t, path);
  t.equal(second.keyCreated, false);
  t.equal(second.keyId, first.keyId);
  const r = await sealgate(
    'dataset',
    'decrypt',
    path('data.env'),
    '--key-file',
    path('key.json'),
    '--out',
    path('o'),
    '--json',
  );
  t.equal(r.code, 0);
  t.match(JSON.parse(r.stdout), {
    keyId: first.keyId,
    plaintextBytes: 1048581,
    envelopeBytes: first.envelopeBytes,
  });
});

t.test('a tampered envelope: exit 1, one line with the code, no plaintext at OUT', async (t) => {
  const { dir, path } = workdir(t);
  await encrypt(t, path);
  const cases: [string, (file: string) => void, string][] = [
    [
      'a flipped bit in chunk 2',
      (f) => flipByte(f, 106 + 2 * (256 * 1024 + 16) + 100),
      'ENVELOPE_CHUNK_TAMPERED',
    ],
    ['a flipped bit in the header', (f) => flipByte(f, 40), 'ENVELOPE_HEADER_TAMPERED'],
    [
      'truncated',
      (f) => writeFileSync(f, readFileSync(f).subarray(0, 106 + 256 * 1024 + 16)),
      'ENVELOPE_TRUNCATED',
    ],
    [
      'bytes appended',
      (f) => writeFileSync(f, Buffer.concat([readFileSync(f), Buffer.from('x')])),
      'ENVELOPE_TRAILING_DATA',
    ],
  ];
  for (const [name, tamper, code] of cases) {
    t.test(name, async (t) => {
      writeFileSync(path('bad.env'), readFileSync(path('data.env')));
      tamper(path('bad.env'));
      const r = await sealgate(
        'dataset',
        'decrypt',
        path('bad.env'),
        '--key-file',
        path('key.json'),
        '--out',
        path('out.csv'),
      );
      assertCleanFailure(t, r, code, dir, path('out.csv'));
    });
  }
  t.test('an existing OUT is left as it was', async (t) => {
    writeFileSync(path('keep.csv'), 'old contents\n');
    flipByte(path('bad.env'), 106 + 5);
    const r = await sealgate(
      'dataset',
      'decrypt',
      path('bad.env'),
      '--key-file',
      path('key.json'),
      '--out',
      path('keep.csv'),
    );
    t.equal(r.code, 1);
    t.equal(readFileSync(path('keep.csv'), 'utf8'), 'old contents\n');
  });
});

t.test('the wrong key, or a damaged key file, fails with its own code', async (t) => {
  const { dir, path } = workdir(t);
  await encrypt(t, path);
  writeFileSync(path('other.key'), randomBytes(32));
  const wrong = await sealgate(
    'dataset',
    'decrypt',
    path('data.env'),
    '--key-file',
    path('other.key'),
    '--out',
    path('o'),
  );
  assertCleanFailure(t, wrong, 'ENVELOPE_WRONG_KEY', dir, path('o'));
  writeFileSync(path('junk.key'), 'not a key');
  const junk = await sealgate(
    'dataset',
    'decrypt',
    path('data.env'),
    '--key-file',
    path('junk.key'),
    '--out',
    path('o'),
  );
  assertCleanFailure(t, junk, 'ENVELOPE_KEY_FILE_INVALID', dir, path('o'));
  const json = await sealgate(
    'dataset',
    'decrypt',
    path('data.env'),
    '--key-file',
    path('other.key'),
    '--out',
    path('o'),
    '--json',
  );
  t.match(
    JSON.parse(json.stdout),
    { error: { code: 'ENVELOPE_WRONG_KEY' } },
    '--json reports the error on stdout',
  );
});

t.test('bad usage and missing files', async (t) => {
  const { dir, path } = workdir(t);
  const noInput = await sealgate(
    'dataset',
    'encrypt',
    path('missing.csv'),
    '--out',
    path('o'),
    '--key-file',
    path('k'),
  );
  assertCleanFailure(t, noInput, 'CLI_IO', dir, path('o'));
  t.notOk(existsSync(path('k')), 'no key file is created for a failed encryption');
  const noKey = await sealgate(
    'dataset',
    'decrypt',
    path('data.csv'),
    '--out',
    path('o'),
    '--key-file',
    path('k'),
  );
  assertCleanFailure(t, noKey, 'CLI_IO', dir, path('o'));
  const dirIn = await sealgate('dataset', 'encrypt', dir, '--out', path('o'), '--key-file', path('k'));
  assertCleanFailure(t, dirIn, 'CLI_IO', dir, path('o'));
  const noOut = await sealgate('dataset', 'encrypt', path('data.csv'), '--key-file', path('k'));
  assertCleanFailure(t, noOut, 'CLI_USAGE', dir, path('o'));
  const same = await sealgate(
    'dataset',
    'encrypt',
    path('data.csv'),
    '--out',
    path('data.csv'),
    '--key-file',
    path('k'),
  );
  t.equal(same.code, 1);
  t.match(same.stderr, /\(CLI_USAGE\)\n$/);
  const notEnvelope = await sealgate(
    'dataset',
    'decrypt',
    path('data.csv'),
    '--out',
    path('o'),
    '--key-file',
    path('k2'),
  );
  t.match(notEnvelope.stderr, /\(CLI_IO\)\n$/, 'a missing key file is reported before the input is read');
  await encrypt(t, path);
  const plainIn = await sealgate(
    'dataset',
    'decrypt',
    path('data.csv'),
    '--out',
    path('o'),
    '--key-file',
    path('key.json'),
  );
  assertCleanFailure(t, plainIn, 'ENVELOPE_MALFORMED', dir, path('o'));
  const noDir = await sealgate(
    'dataset',
    'decrypt',
    path('data.env'),
    '--out',
    join(dir, 'nope', 'o'),
    '--key-file',
    path('key.json'),
  );
  t.match(noDir.stderr, /^sealgate: [^\n]+ \(CLI_IO\)\n$/, 'an output directory that does not exist');
  t.ok(readFileSync(path('key.json')).length > 0);
});

t.test('--help lists the dataset commands', async (t) => {
  const r = await sealgate('--help');
  t.match(r.stdout, /sealgate dataset encrypt FILE --out OUT --key-file KEY/);
  t.match(r.stdout, /sealgate dataset decrypt FILE --key-file KEY --out OUT/);
});
