import t from 'tap';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { decryptFile, encryptFile } from '../../../client/index.js';
import { mapFile } from '../../../client/sdk/mapped-file.js';
import { settling } from '../../../client/sdk/mapped-source.js';
import { generateDataKey } from '../../../attest/index.js';
import type { ChunkCipher } from '../../../attest/index.js';

/** True while this process has `path` mapped (Linux: /proc/self/maps names mapped files). */
function isMapped(path: string): boolean {
  return readFileSync('/proc/self/maps', 'utf8').includes(path);
}

t.test('mapFile: the file bytes; dropped pages read the same; nothing for an empty file', async (t) => {
  const plain = randomBytes(3 * 1024 * 1024 + 5);
  const dir = t.testdir({ 'in.bin': plain, empty: '' });
  const file = await open(join(dir, 'in.bin'), 'r');
  t.teardown(() => file.close());
  const mapped = await mapFile(file.fd, plain.length);
  if (mapped === undefined) throw new Error('this platform maps files (Linux x64)');
  t.ok(isMapped(join(dir, 'in.bin')), 'the file shows in /proc/self/maps');
  t.ok(Buffer.from(mapped.bytes).equals(plain), 'the mapping holds the file');
  mapped.drop(2 * 1024 * 1024 + 100);
  t.ok(Buffer.from(mapped.bytes).equals(plain), 'dropped pages come back from the file');
  mapped.unmap();
  mapped.unmap();
  t.notOk(isMapped(join(dir, 'in.bin')), 'unmapped (twice is harmless)');
  const empty = await open(join(dir, 'empty'), 'r');
  t.teardown(() => empty.close());
  t.equal(await mapFile(empty.fd, 0), undefined, 'an empty file is not mapped');
});

t.test('encryptFile from a mapping and from reads: both decrypt to the input, at every edge', async (t) => {
  const key = generateDataKey();
  for (const size of [0, 1, 4095, 4096, 4097, 5 * 4096 + 17]) {
    const plain = randomBytes(size);
    const dir = t.testdir({ 'in.bin': plain });
    const p = (name: string): string => join(dir, name);
    for (const mapInput of [true, false]) {
      let mappedWhileRunning = false;
      await encryptFile(p('in.bin'), p('in.env'), key, {
        chunkSize: 4096,
        mapInput,
        onProgress: () => (mappedWhileRunning ||= isMapped(p('in.bin'))),
      });
      t.equal(mappedWhileRunning, mapInput && size > 0, `${size} B, mapInput ${mapInput}: mapped or read`);
      t.notOk(isMapped(p('in.bin')), `${size} B: nothing stays mapped`);
      await decryptFile(p('in.env'), p('out.bin'), key);
      t.ok(readFileSync(p('out.bin')).equals(plain), `${size} B, mapInput ${mapInput}: same bytes`);
    }
  }
});

t.test(
  'a file that grows while it is encrypted from a mapping is refused, and nothing is written',
  async (t) => {
    const dir = t.testdir({ 'in.bin': randomBytes(64 * 1024) });
    const input = join(dir, 'in.bin');
    let grown = false;
    const p = encryptFile(input, join(dir, 'in.env'), generateDataKey(), {
      chunkSize: 4096,
      onProgress: () => {
        if (!grown) appendFileSync(input, 'one more line\n');
        grown = true;
      },
    });
    await t.rejects(p, { name: 'EnvelopeError', code: 'ENVELOPE_SIZE_MISMATCH' });
    t.same(readdirSync(dir), ['in.bin'], 'no envelope and no temporary file');
    t.notOk(isMapped(input), 'unmapped');
  },
);

t.test(
  'aborted mid-file: chunks in flight settle before the mapping goes, and nothing is written',
  async (t) => {
    const dir = t.testdir({ 'in.bin': randomBytes(6 * 1024 * 1024) });
    const input = join(dir, 'in.bin');
    const abort = new AbortController();
    const p = encryptFile(input, join(dir, 'in.env'), generateDataKey(), {
      inFlight: 8,
      signal: abort.signal,
      onProgress: (done) => {
        if (done >= 2 * 1024 * 1024) abort.abort();
      },
    });
    await t.rejects(p, { name: 'AbortError' });
    t.same(readdirSync(dir), ['in.bin']);
    t.notOk(isMapped(input), 'unmapped once the chunks in flight settled');
  },
);

t.test('settling waits for every chunk operation, failed ones too', async (t) => {
  const release: (() => void)[] = [];
  const later = (fail: boolean): Promise<Uint8Array> =>
    new Promise((resolve, reject) =>
      release.push(() => (fail ? reject(new Error('tag')) : resolve(new Uint8Array(1)))),
    );
  const fake: ChunkCipher = { sealChunk: () => later(false), openChunk: () => later(true) };
  const chunks = settling(() => fake);
  const cipher = await chunks.factory(new Uint8Array(32));
  const sealed = cipher.sealChunk(new Uint8Array(12), new Uint8Array(0), new Uint8Array(1));
  const opened = cipher.openChunk(new Uint8Array(12), new Uint8Array(0), new Uint8Array(17));
  opened.catch(() => undefined);
  let settled = false;
  const waiting = chunks.settled().then(() => (settled = true));
  await new Promise((r) => setImmediate(r));
  t.notOk(settled, 'two operations still running');
  release[0]();
  await sealed;
  await new Promise((r) => setImmediate(r));
  t.notOk(settled, 'one operation still running');
  release[1]();
  await waiting;
  t.ok(settled, 'settled once both ended, the failed one too');
});
