/**
 * The envelope benchmark (docs/envelope.md has the figures): on one file of
 * SEALGATE_BENCH_MIB MiB (default 1024), best of SEALGATE_BENCH_REPS (default
 * 3) for each side, interleaved so drift hits both sides alike:
 * - envelope encrypt/decrypt throughput as a ratio to plain
 *   createCipheriv/createDecipheriv('aes-256-gcm') file to file (target >= 0.8);
 * - the sealgate CLI against `age` on the same file (target >= 1.0: faster);
 * - the CLI's peak memory encrypting the file (target < 150 MiB);
 * - chunk size and in-flight sweeps, the measurement behind the defaults.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { generateDataKey, encodeKeyFile, DEFAULT_CHUNK_SIZE, DEFAULT_IN_FLIGHT } from '../attest/index.js';
import { decryptFile, encryptFile } from '../client/index.js';
import type { BenchRow, Benchmark } from './benchmark.js';
import { bestOf } from './benchmark.js';
import { ensureAge, runChild } from './processes.js';

const MiB = 1024 * 1024;
const CLI = fileURLToPath(new URL('../client/cli/main.js', import.meta.url));
const READ = { highWaterMark: MiB };

async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const file = await open(path, 'w');
  const block = new Uint8Array(MiB);
  for (let done = 0; done < bytes; done += block.length) {
    randomFillSync(block);
    await file.write(block, 0, Math.min(block.length, bytes - done));
  }
  await file.close();
}

const ratio = (x: number): string => `${x.toFixed(2)}x`;
const rate = (bytes: number, ms: number): string => `${(bytes / MiB / (ms / 1000)).toFixed(0)} MiB/s`;

/** Best-of timings of several named operations, interleaved rep by rep. */
async function interleaved(
  reps: number,
  ops: Record<string, () => Promise<void>>,
): Promise<Record<string, number>> {
  const best: Record<string, number> = {};
  for (let i = 0; i < reps; i++) {
    for (const [name, op] of Object.entries(ops))
      best[name] = Math.min(best[name] ?? Infinity, await bestOf(1, op));
  }
  return best;
}

export const envelope: Benchmark = {
  name: 'envelope',
  async run(log) {
    const mib = Number(process.env.SEALGATE_BENCH_MIB ?? 1024);
    const reps = Number(process.env.SEALGATE_BENCH_REPS ?? 3);
    const bytes = mib * MiB;
    const dir = await mkdtemp(join(tmpdir(), 'sealgate-bench-'));
    const p = (name: string): string => join(dir, name);
    const rows: BenchRow[] = [];
    try {
      log(`writing a ${mib} MiB random file in ${dir}`);
      await writeRandomFile(p('plain'), bytes);
      const aesKey = randomBytes(32);
      const iv = randomBytes(12);
      const dek = generateDataKey();
      let tag = Buffer.alloc(16);

      log('envelope against createCipheriv/createDecipheriv, in process');
      const t = await interleaved(reps, {
        nodeEnc: async () => {
          const c = createCipheriv('aes-256-gcm', aesKey, iv);
          await pipeline(createReadStream(p('plain'), READ), c, createWriteStream(p('node.enc')));
          tag = c.getAuthTag();
        },
        envEnc: async () => void (await encryptFile(p('plain'), p('env'), dek)),
        nodeDec: async () => {
          const d = createDecipheriv('aes-256-gcm', aesKey, iv).setAuthTag(tag);
          await pipeline(createReadStream(p('node.enc'), READ), d, createWriteStream(p('node.dec')));
        },
        envDec: async () => void (await decryptFile(p('env'), p('env.dec'), dek)),
      });
      const enc = t.nodeEnc / t.envEnc;
      const dec = t.nodeDec / t.envDec;
      const note = (a: string, b: string): string => `${rate(bytes, t[a])} vs ${rate(bytes, t[b])}`;
      rows.push(
        {
          metric: 'encrypt throughput / createCipheriv',
          value: ratio(enc),
          target: '>= 0.80x',
          ok: enc >= 0.8,
          note: note('envEnc', 'nodeEnc'),
        },
        {
          metric: 'decrypt throughput / createDecipheriv',
          value: ratio(dec),
          target: '>= 0.80x',
          ok: dec >= 0.8,
          note: note('envDec', 'nodeDec'),
        },
      );
      const plain = await readFile(p('plain'));
      if (!plain.equals(await readFile(p('env.dec')))) throw new Error('envelope round trip differs');

      rows.push(...(await cliRows(p, bytes, reps, dek, log)));
      if (process.env.SEALGATE_BENCH_SWEEP !== '0')
        rows.push(...(await sweepRows(p, bytes, reps, dek, t, log)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return rows;
  },
};

/** The sealgate CLI against age, and the CLI's peak memory. */
async function cliRows(
  p: (name: string) => string,
  bytes: number,
  reps: number,
  dek: Uint8Array,
  log: (line: string) => void,
): Promise<BenchRow[]> {
  await writeFile(p('key.json'), encodeKeyFile(dek), { mode: 0o600 });
  const mib = bytes / MiB;
  const peaks = { enc: 0, dec: 0 };
  const sg = {
    sgEnc: async () => {
      const r = await runChild(process.execPath, [
        CLI,
        'dataset',
        'encrypt',
        p('plain'),
        '--out',
        p('cli.env'),
        '--key-file',
        p('key.json'),
      ]);
      peaks.enc = Math.max(peaks.enc, r.peakMiB ?? NaN);
    },
    sgDec: async () => {
      const r = await runChild(process.execPath, [
        CLI,
        'dataset',
        'decrypt',
        p('cli.env'),
        '--out',
        p('cli.dec'),
        '--key-file',
        p('key.json'),
      ]);
      peaks.dec = Math.max(peaks.dec, r.peakMiB ?? NaN);
    },
  };
  const rows: BenchRow[] = [];
  if (ensureAge(log)) {
    log('sealgate CLI against age');
    await runChild('age-keygen', ['-o', p('age.key')]);
    const recipient = /public key: (age1\S+)/.exec(await readFile(p('age.key'), 'utf8'))?.[1] as string;
    const t = await interleaved(reps, {
      ...sg,
      ageEnc: async () => void (await runChild('age', ['-r', recipient, '-o', p('age.enc'), p('plain')])),
      ageDec: async () =>
        void (await runChild('age', ['-d', '-i', p('age.key'), '-o', p('age.dec'), p('age.enc')])),
    });
    const enc = t.ageEnc / t.sgEnc;
    const dec = t.ageDec / t.sgDec;
    const note = (a: string, b: string): string => `${rate(bytes, t[a])} vs age ${rate(bytes, t[b])}`;
    rows.push(
      {
        metric: 'CLI encrypt speed / age',
        value: ratio(enc),
        target: '>= 1.00x',
        ok: enc >= 1,
        note: note('sgEnc', 'ageEnc'),
      },
      {
        metric: 'CLI decrypt speed / age',
        value: ratio(dec),
        target: '>= 1.00x',
        ok: dec >= 1,
        note: note('sgDec', 'ageDec'),
      },
    );
  } else {
    log('age is missing and cannot be installed (not root): skipped');
    await interleaved(1, sg);
    rows.push({ metric: 'CLI speed / age', value: 'skipped', target: '>= 1.00x', note: 'age not installed' });
  }
  rows.push(
    {
      metric: `CLI peak RSS encrypting ${mib} MiB`,
      value: `${peaks.enc.toFixed(0)} MiB`,
      target: '< 150 MiB',
      ok: peaks.enc < 150,
      note: 'VmHWM sampled every 10 ms',
    },
    {
      metric: `CLI peak RSS decrypting ${mib} MiB`,
      value: `${peaks.dec.toFixed(0)} MiB`,
      target: '< 150 MiB',
      ok: peaks.dec < 150,
    },
  );
  return rows;
}

/** Chunk size and in-flight sweeps, as ratios to the createCipheriv/Decipheriv baseline. */
async function sweepRows(
  p: (name: string) => string,
  bytes: number,
  reps: number,
  dek: Uint8Array,
  base: Record<string, number>,
  log: (line: string) => void,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const measure = async (label: string, opts: { chunkSize?: number; inFlight?: number }): Promise<void> => {
    log(`sweep: ${label}`);
    const t = await interleaved(reps, {
      enc: async () => void (await encryptFile(p('plain'), p('sweep.env'), dek, opts)),
      dec: async () => void (await decryptFile(p('sweep.env'), p('sweep.dec'), dek, opts)),
    });
    const enc = base.nodeEnc / t.enc;
    const dec = base.nodeDec / t.dec;
    rows.push({
      metric: label,
      value: `${ratio(enc)} / ${ratio(dec)}`,
      target: '',
      note: `${rate(bytes, t.enc)} / ${rate(bytes, t.dec)} (enc / dec)`,
    });
  };
  for (const kib of [64, 128, 256, 512, 1024]) {
    await measure(`sweep chunk ${kib} KiB, ${DEFAULT_IN_FLIGHT} in flight`, { chunkSize: kib * 1024 });
  }
  for (const n of [1, 2, 8]) {
    await measure(`sweep chunk ${DEFAULT_CHUNK_SIZE / 1024} KiB, ${n} in flight`, { inFlight: n });
  }
  return rows;
}
