import t from 'tap';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { decryptFile, encryptFile, writeAtomically, writeFileAtomically } from '../../../client/index.js';
import { decryptBytes, encryptBytes, generateDataKey, webCryptoChunkCipher } from '../../../attest/index.js';

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

t.test('many 1 MiB chunks through the reused buffers: the same bytes, readable in memory too', async (t) => {
  // 5.5 MiB: more chunks than the pools keep, so every buffer is reused.
  const plain = randomBytes(5.5 * 1024 * 1024);
  const dir = t.testdir({ 'in.bin': plain });
  const key = generateDataKey();
  const p = (name: string): string => join(dir, name);
  for (const inFlight of [1, 4]) {
    await encryptFile(p('in.bin'), p('in.env'), key, { inFlight });
    const envelope = readFileSync(p('in.env'));
    t.ok(
      Buffer.from(await decryptBytes(envelope, { key })).equals(plain),
      `inFlight ${inFlight}: WebCrypto reads it`,
    );
    await decryptFile(p('in.env'), p('out.bin'), key, { inFlight });
    t.ok(readFileSync(p('out.bin')).equals(plain), `inFlight ${inFlight}: decryptFile reads it`);
  }
  // And the other way: an envelope made in memory, decrypted from a file, and WebCrypto on files.
  writeFileSync(p('mem.env'), await encryptBytes(plain, { key }));
  await decryptFile(p('mem.env'), p('mem.bin'), key);
  t.ok(readFileSync(p('mem.bin')).equals(plain), 'decryptFile reads encryptBytes');
  await encryptFile(p('in.bin'), p('web.env'), key, { cipher: webCryptoChunkCipher });
  await decryptFile(p('web.env'), p('web.bin'), key, { cipher: webCryptoChunkCipher });
  t.ok(readFileSync(p('web.bin')).equals(plain), 'WebCrypto through the file path');
});

t.test('decryptFile on a damaged envelope: the code, and no output at all', async (t) => {
  const dir = t.testdir({ 'in.bin': randomBytes(3 * 1024 * 1024) });
  const key = generateDataKey();
  const p = (name: string): string => join(dir, name);
  await encryptFile(p('in.bin'), p('in.env'), key);
  const damaged = readFileSync(p('in.env'));
  damaged[106 + 2 * (1024 * 1024 + 16) + 5] ^= 1; // inside chunk 2
  writeFileSync(p('bad.env'), damaged);
  await t.rejects(decryptFile(p('bad.env'), p('out.bin'), key), {
    name: 'EnvelopeError',
    code: 'ENVELOPE_CHUNK_TAMPERED',
  });
  writeFileSync(p('short.env'), damaged.subarray(0, 50));
  await t.rejects(decryptFile(p('short.env'), p('out.bin'), key), {
    name: 'EnvelopeError',
    code: 'ENVELOPE_TRUNCATED',
  });
  t.same(readdirSync(dir).sort(), ['bad.env', 'in.bin', 'in.env', 'short.env']);
});

t.test('writeFileAtomically: the result on success, nothing on failure', async (t) => {
  const dir = t.testdir({ out: 'old' });
  const out = join(dir, 'out');
  const n = await writeFileAtomically(out, 0o600, async (file) => {
    await file.write(Buffer.from('new'), 0, 3, 0);
    return 3;
  });
  t.equal(n, 3);
  t.equal(readFileSync(out, 'utf8'), 'new');
  t.equal(statSync(out).mode & 0o777, 0o600);
  await t.rejects(
    writeFileAtomically(out, 0o600, async (file) => {
      await file.write(Buffer.from('partial'));
      throw new Error('boom');
    }),
    { message: 'boom' },
  );
  t.same(readdirSync(dir), ['out'], 'no temporary file left');
  t.equal(readFileSync(out, 'utf8'), 'new', 'the old output untouched');
  await t.rejects(
    writeFileAtomically(join(dir, 'missing', 'out'), 0o600, () => Promise.resolve()),
    { code: 'ENOENT' },
  );
  await t.rejects(
    writeFileAtomically(join(dir, 'dir-out'), 0o600, () => {
      mkdirSync(join(dir, 'dir-out', 'x'), { recursive: true }); // rename over a non-empty directory fails
      return Promise.resolve();
    }),
    { code: /^(ENOTEMPTY|EISDIR|EEXIST)$/ },
  );
  t.same(readdirSync(dir).sort(), ['dir-out', 'out'], 'no temporary file left after a failed rename');
});
