/**
 * The envelope benchmark (docs/envelope.md has the figures): on one file of
 * SEALGATE_BENCH_MIB MiB (default 1024), best of SEALGATE_BENCH_REPS (default
 * 3) for each side, interleaved so drift hits both sides alike:
 * - envelope encrypt/decrypt throughput as a ratio to plain
 *   createCipheriv/createDecipheriv('aes-256-gcm'), file to file (target >= 0.8);
 * - the sealgate CLI against `age` on the same file (target >= 1.0: faster);
 * - the CLI's peak memory encrypting the file (target < 150 MiB);
 * - chunk size and in-flight sweeps (SEALGATE_BENCH_SWEEP=0 skips them), the
 *   measurement behind the defaults.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ENVELOPE_DEFAULT_CHUNK_SIZE, ENVELOPE_DEFAULT_IN_FLIGHT, generateDataKey } from '../attest/index.js';
import { decryptFile, encryptFile } from '../client/index.js';
import type { BenchRow, Benchmark } from './benchmark.js';
import { MiB, cpu, rate, ratio } from './benchmark.js';
import { interleaved } from './processes.js';
import { cliRows } from './envelope-cli.js';
import type { Timing } from './processes.js';

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

      log('envelope against createCipheriv/createDecipheriv, file to file, in process');
      const t = await interleaved(reps, {
        nodeEnc: {
          out: p('node.enc'),
          run: async () => {
            const c = createCipheriv('aes-256-gcm', aesKey, iv);
            await pipeline(createReadStream(p('plain'), READ), c, createWriteStream(p('node.enc')));
            tag = c.getAuthTag();
          },
        },
        envEnc: { out: p('env'), run: async () => void (await encryptFile(p('plain'), p('env'), dek)) },
        nodeDec: {
          out: p('node.dec'),
          run: async () => {
            const d = createDecipheriv('aes-256-gcm', aesKey, iv).setAuthTag(tag);
            await pipeline(createReadStream(p('node.enc'), READ), d, createWriteStream(p('node.dec')));
          },
        },
        envDec: { out: p('env.dec'), run: async () => void (await decryptFile(p('env'), p('env.dec'), dek)) },
      });
      const enc = t.nodeEnc.ms / t.envEnc.ms;
      const dec = t.nodeDec.ms / t.envDec.ms;
      const vs = (a: Timing, b: Timing): string =>
        `${rate(bytes, a.ms)} vs ${rate(bytes, b.ms)}; CPU ${cpu(bytes, a)} vs ${cpu(bytes, b)}`;
      rows.push(
        {
          metric: 'encrypt throughput / createCipheriv',
          value: ratio(enc),
          target: '>= 0.80x',
          ok: enc >= 0.8,
          note: vs(t.envEnc, t.nodeEnc),
        },
        {
          metric: 'decrypt throughput / createDecipheriv',
          value: ratio(dec),
          target: '>= 0.80x',
          ok: dec >= 0.8,
          note: vs(t.envDec, t.nodeDec),
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

/** Chunk size and in-flight sweeps, as ratios to the createCipheriv/Decipheriv baseline. */
async function sweepRows(
  p: (name: string) => string,
  bytes: number,
  reps: number,
  dek: Uint8Array,
  base: Record<'nodeEnc' | 'nodeDec', Timing>,
  log: (line: string) => void,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const measure = async (label: string, opts: { chunkSize?: number; inFlight?: number }): Promise<void> => {
    log(`sweep: ${label}`);
    const t = await interleaved(reps, {
      enc: {
        out: p('sweep.env'),
        run: async () => void (await encryptFile(p('plain'), p('sweep.env'), dek, opts)),
      },
      dec: {
        out: p('sweep.dec'),
        run: async () => void (await decryptFile(p('sweep.env'), p('sweep.dec'), dek, opts)),
      },
    });
    rows.push({
      metric: label,
      value: `${ratio(base.nodeEnc.ms / t.enc.ms)} / ${ratio(base.nodeDec.ms / t.dec.ms)}`,
      target: '',
      note: `${rate(bytes, t.enc.ms)} / ${rate(bytes, t.dec.ms)}; CPU ${cpu(bytes, t.enc)} / ${cpu(bytes, t.dec)} (enc / dec)`,
    });
  };
  for (const kib of [64, 128, 256, 512, 1024]) {
    await measure(`sweep: chunk ${kib} KiB, ${ENVELOPE_DEFAULT_IN_FLIGHT} in flight`, {
      chunkSize: kib * 1024,
    });
  }
  for (const n of [1, 2, 8]) {
    await measure(`sweep: chunk ${ENVELOPE_DEFAULT_CHUNK_SIZE / 1024} KiB, ${n} in flight`, { inFlight: n });
  }
  return rows;
}
