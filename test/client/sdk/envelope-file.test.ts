import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { decryptFile, encryptFile, writeAtomically } from '../../../client/index.js';
import { generateDataKey } from '../../../attest/index.js';

t.test('encryptFile and decryptFile round-trip and report progress', async (t) => {
  const plain = randomBytes(300_000);
  const dir = t.testdir({ 'in.bin': plain });
  const key = generateDataKey();
  const seen: number[] = [];
  const enc = await encryptFile(join(dir, 'in.bin'), join(dir, 'in.env'), key, {
    chunkSize: 4096,
    onProgress: (done, total) => {
      t.equal(total, 300_000);
      seen.push(done);
    },
  });
  t.equal(enc.plaintextBytes, 300_000);
  t.equal(enc.header.chunkCount, Math.ceil(300_000 / 4096));
  t.equal(seen.at(-1), 300_000, 'progress reaches the total');
  const dec = await decryptFile(join(dir, 'in.env'), join(dir, 'out.bin'), key, { inFlight: 2 });
  t.equal(dec.envelopeBytes, enc.envelopeBytes);
  t.ok(readFileSync(join(dir, 'out.bin')).equals(plain));
});

t.test('an aborted operation leaves neither output nor temporary file', async (t) => {
  const dir = t.testdir({ 'in.bin': randomBytes(100_000) });
  const abort = new AbortController();
  abort.abort();
  const p = encryptFile(join(dir, 'in.bin'), join(dir, 'in.env'), generateDataKey(), {
    signal: abort.signal,
  });
  await t.rejects(p, { name: 'AbortError' });
  t.same(readdirSync(dir), ['in.bin']);
});

t.test('writeAtomically removes its temporary file when the write fails', async (t) => {
  const dir = t.testdir({});
  await t.rejects(
    writeAtomically(join(dir, 'out'), 0o600, (out) => {
      out.write('partial');
      return Promise.reject(new Error('boom'));
    }),
    { message: 'boom' },
  );
  t.same(readdirSync(dir), []);
  t.notOk(existsSync(join(dir, 'out')));
});
