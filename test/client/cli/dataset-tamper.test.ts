/**
 * `sealgate dataset decrypt` on damaged envelopes and wrong keys: exit 1, one
 * line naming the code, and no plaintext (partial or not) left at OUT.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, assertCleanFailure, dataset, encrypt, flipByte, workdir } from './sealgate.js';

/** Where chunk `i` starts at the default 1 MiB chunk size (header 106 bytes, tag 16). */
const chunkAt = (i: number): number => 106 + i * (1024 * 1024 + 16);

t.test('a tampered envelope: exit 1, one line with the code, no plaintext at OUT', async (t) => {
  const { dir, path } = workdir(t);
  await encrypt(t, path);
  const cases: [string, (file: string) => void, string][] = [
    ['a flipped bit in chunk 2', (f) => flipByte(f, chunkAt(2) + 100), 'ENVELOPE_CHUNK_TAMPERED'],
    ['a flipped bit in the header', (f) => flipByte(f, 40), 'ENVELOPE_HEADER_TAMPERED'],
    [
      'truncated after chunk 0',
      (f) => writeFileSync(f, readFileSync(f).subarray(0, chunkAt(1))),
      'ENVELOPE_TRUNCATED',
    ],
    [
      'a byte appended',
      (f) => writeFileSync(f, Buffer.concat([readFileSync(f), Buffer.from('x')])),
      'ENVELOPE_TRAILING_DATA',
    ],
  ];
  for (const [name, tamper, code] of cases) {
    t.test(name, async (t) => {
      writeFileSync(path('bad.env'), readFileSync(path('data.env')));
      tamper(path('bad.env'));
      const r = await dataset('decrypt', path('bad.env'), path('out.csv'), path('key.json'));
      assertCleanFailure(t, r, code, dir, path('out.csv'));
    });
  }
  t.test('an existing OUT is left as it was', async (t) => {
    writeFileSync(path('keep.csv'), 'old contents\n');
    flipByte(path('bad.env'), chunkAt(0) + 5);
    const r = await dataset('decrypt', path('bad.env'), path('keep.csv'), path('key.json'));
    t.equal(r.code, 1);
    t.equal(readFileSync(path('keep.csv'), 'utf8'), 'old contents\n');
  });
});

t.test('the wrong key, or a damaged key file, fails with its own code', async (t) => {
  const { dir, path } = workdir(t);
  await encrypt(t, path);
  writeFileSync(path('other.key'), randomBytes(32));
  const wrong = await dataset('decrypt', path('data.env'), path('o'), path('other.key'));
  assertCleanFailure(t, wrong, 'ENVELOPE_WRONG_KEY', dir, path('o'));
  writeFileSync(path('junk.key'), 'not a key');
  const junk = await dataset('decrypt', path('data.env'), path('o'), path('junk.key'));
  assertCleanFailure(t, junk, 'ENVELOPE_KEY_FILE_INVALID', dir, path('o'));
  const json = await dataset('decrypt', path('data.env'), path('o'), path('other.key'), '--json');
  t.match(JSON.parse(json.stdout), { error: { code: 'ENVELOPE_WRONG_KEY' } }, '--json: the error on stdout');
});

t.test('SIGINT stops a running decryption and leaves nothing behind', async (t) => {
  // A large envelope, so the signal lands while it runs; if it finished first anyway, say so.
  const dir = t.testdir({});
  const path = (n: string): string => join(dir, n);
  writeFileSync(path('big.bin'), Buffer.alloc(64 * 1024 * 1024, 7));
  t.equal((await dataset('encrypt', path('big.bin'), path('big.env'), path('k'))).code, 0);
  const args = [CLI, 'dataset', 'decrypt', path('big.env'), '--out', path('o'), '--key-file', path('k')];
  const child = spawn(process.execPath, args);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // the temporary file appearing means the decryption is under way
  while (!readdirSync(dir).some((f) => f.includes('sealgate-tmp')) && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 2));
  }
  child.kill('SIGINT');
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code === 0) {
    t.comment('the decryption finished before the signal arrived');
    t.pass('nothing to check');
    return;
  }
  t.equal(code, 1);
  t.match(stderr, /^sealgate: interrupted; nothing was written \(CLI_IO\)\n$/);
  t.notOk(existsSync(path('o')));
  t.same(readdirSync(dir).sort(), ['big.bin', 'big.env', 'k']);
});
