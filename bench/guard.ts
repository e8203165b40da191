/**
 * The guard benchmark (issue 5, docs/fingerprint.md): the fingerprint
 * Scanner over egress text against an index of SEALGATE_BENCH_GUARD_RECORDS
 * (default 1 million) synthetic records, as a ratio to `grep -F -c -f
 * RAWRECORDS` (the raw CSV lines as fixed strings) over the same
 * SEALGATE_BENCH_GUARD_MB (default 32) MiB of egress, spawned in the same
 * run. grep sees plaintext; the scanner works on keyed tokens. Both figures
 * are given, including and excluding each side's load (grep building its
 * automaton, the scanner checking and viewing its index): the target row is
 * the one including load, what a run pays; the other is informational.
 * Also: index build time and size, the loaded index's memory, and the
 * honest lines flagged (target 0) and leaks caught.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCAN, IndexBuilder, loadIndex, Scanner } from '../attest/index.js';
import { datasetChunks, SYNTHETIC_COLUMNS } from '../client/index.js';
import type { BenchRow, Benchmark } from './benchmark.js';
import { MiB, rate, ratio } from './benchmark.js';
import { hasCommand, runChild } from './processes.js';

const RECORDS = Number(process.env.SEALGATE_BENCH_GUARD_RECORDS ?? 1_000_000);
const EGRESS_MIB = Number(process.env.SEALGATE_BENCH_GUARD_MB ?? 32);
/** One egress line in LEAK_EVERY is a leak (of one of five kinds). */
const LEAK_EVERY = 100;

// A deterministic generator for the honest lines (xorshift32).
let state = 0x9e3779b9;
const random = (): number => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
};

/** Honest training log lines and, every LEAK_EVERY lines, a leaked record in one of five forms. */
function egressLines(records: readonly string[], bytes: number): { lines: string[]; leaks: Set<number> } {
  const lines: string[] = [];
  const leaks = new Set<number>();
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    let line: string;
    if (i % LEAK_EVERY === LEAK_EVERY - 1) {
      const r = records[(i * 7919) % records.length];
      const kind = ((i / LEAK_EVERY) % 5) | 0;
      line =
        kind === 0
          ? `debug ${r}`
          : kind === 1
            ? Buffer.from(r).toString('base64')
            : kind === 2
              ? `id=${Buffer.from(r.split(',')[1]).toString('hex')}`
              : kind === 3
                ? [...r].reverse().join('')
                : r.slice(0, 25);
      leaks.add(lines.length);
      if (kind === 4) {
        lines.push(line);
        leaks.add(lines.length);
        line = r.slice(25);
      }
    } else {
      const step = i;
      line = `step ${step} loss ${Math.exp(-step / 1e5) * (0.6 + 0.2 * random())} accuracy ${(0.5 + 0.3 * random()).toFixed(4)} lr ${(1e-3 * random()).toExponential(3)}`;
    }
    lines.push(line);
    size += line.length + 1;
  }
  return { lines, leaks };
}

export const guard: Benchmark = {
  name: 'guard',
  async run(log) {
    const dir = await mkdtemp(join(tmpdir(), 'sg-bench-guard-'));
    const p = (name: string): string => join(dir, name);
    try {
      log(`guard: ${RECORDS} synthetic records, building the index`);
      const key = new Uint8Array(32).fill(5);
      // Node's HMAC for the index's MAC, as the seller's CLI and the gateway use.
      const hmacSha256 = (k: Uint8Array, d: Uint8Array): Uint8Array =>
        createHmac('sha256', k).update(d).digest();
      const builder = new IndexBuilder(key, SYNTHETIC_COLUMNS, DEFAULT_SCAN, { hmacSha256 });
      const raw = createWriteStream(p('records.txt'));
      const records: string[] = [];
      let buildMs = 0;
      let first = true;
      for (const chunk of datasetChunks({ rows: RECORDS, seed: 5 }, 1 << 20)) {
        const lines = chunk.split('\n').filter((l) => l !== '');
        if (first) lines.shift(); // the header
        first = false;
        for (const l of lines) if (records.length < 20_000) records.push(l);
        if (!raw.write(lines.join('\n') + '\n')) await once(raw, 'drain');
        const t = performance.now();
        for (const l of lines) builder.addRecord(l.split(','));
        buildMs += performance.now() - t;
      }
      raw.end();
      await once(raw, 'close');
      let t = performance.now();
      const serialised = builder.finish();
      buildMs += performance.now() - t;
      await writeFile(p('index.bin'), serialised);
      const indexBytes = serialised.length;

      const { lines, leaks } = egressLines(records, EGRESS_MIB * MiB);
      const egress = lines.join('\n') + '\n';
      await writeFile(p('egress.txt'), egress);
      await writeFile(p('one.txt'), records[0] + '\n');
      const bytes = Buffer.byteLength(egress);

      log('guard: loading the index and scanning');
      const bin = new Uint8Array(await readFile(p('index.bin')));
      global.gc?.();
      const m0 = process.memoryUsage();
      t = performance.now();
      const index = loadIndex(bin, key, { hmacSha256 });
      const loadMs = performance.now() - t;
      const m1 = process.memoryUsage();
      // As the guard does: after each record, the scanner's open matches say how much to hold back.
      const scanner = new Scanner(index, DEFAULT_SCAN);
      const flagged = new Set<number>();
      let heldMax = 0;
      let heldSum = 0;
      let anchoredHolds = 0;
      t = performance.now();
      for (let i = 0; i < lines.length; i++) {
        for (const f of scanner.push({ seq: i, kind: 'text', text: lines[i] }))
          for (const s of f.seqs) flagged.add(s);
        const open = scanner.pending();
        if (open !== undefined) {
          const held = i - open.from + 1;
          heldMax = Math.max(heldMax, held);
          heldSum += held;
          if (open.anchoredFrom !== undefined) anchoredHolds++;
        }
      }
      for (const f of scanner.end()) for (const s of f.seqs) flagged.add(s);
      const scanMs = performance.now() - t;
      // The same scan without the hold check, for its cost (docs/guard.md, "Holding back a partial match").
      const bare = new Scanner(index, DEFAULT_SCAN);
      t = performance.now();
      for (let i = 0; i < lines.length; i++) bare.push({ seq: i, kind: 'text', text: lines[i] });
      bare.end();
      const bareMs = performance.now() - t;
      const falsePositives = [...flagged].filter((s) => !leaks.has(s)).length;
      const caught = [...leaks].filter((s) => flagged.has(s)).length;

      const rows: BenchRow[] = [];
      if (hasCommand('grep')) {
        log('guard: grep -F -f over the same egress (builds its automaton from every record)');
        const full = await runChild('grep', ['-F', '-c', '-f', p('records.txt'), p('egress.txt')]);
        const loadOnly = await runChild('grep', ['-F', '-c', '-f', p('records.txt'), p('one.txt')]);
        const grepScanMs = Math.max(1, full.ms - loadOnly.ms);
        const incl = full.ms / (loadMs + scanMs);
        const excl = grepScanMs / scanMs;
        rows.push(
          {
            metric: 'guard speed / grep -F -f, including load',
            value: ratio(incl),
            target: '>= 1.00x',
            ok: incl >= 1,
            note: `${rate(bytes, loadMs + scanMs)} vs grep ${rate(bytes, full.ms)}; grep peak ${full.peakMiB?.toFixed(0) ?? '?'} MiB`,
          },
          {
            metric: 'guard speed / grep -F -f, excluding load',
            value: ratio(excl),
            target: '',
            note: `${(bytes / MiB / (scanMs / 1000)).toFixed(2)} MiB/s vs grep ${(bytes / MiB / (grepScanMs / 1000)).toFixed(2)} MiB/s; load ${(loadMs / 1000).toFixed(1)} s vs grep ${(loadOnly.ms / 1000).toFixed(1)} s`,
          },
        );
      } else {
        rows.push({
          metric: 'guard speed / grep -F -f',
          value: 'skipped',
          target: '>= 1.00x',
          note: 'no grep',
        });
      }
      rows.push(
        {
          metric: `index build, ${RECORDS} records`,
          value: `${(buildMs / 1000).toFixed(1)} s`,
          target: '',
          note: `${Math.round(RECORDS / (buildMs / 1000))} records/s`,
        },
        {
          metric: `index size, ${RECORDS} records`,
          value: `${(indexBytes / MiB).toFixed(0)} MiB`,
          target: '',
          note: `${(indexBytes / RECORDS).toFixed(0)} bytes/record`,
        },
        {
          metric: 'loaded index memory',
          value: `${((bin.byteLength + m1.heapUsed - m0.heapUsed + m1.external - m0.external) / MiB).toFixed(0)} MiB`,
          target: '',
          note: 'the blob (tables viewed in place) + heap and external growth of loadIndex',
        },
        {
          metric: 'scan with the hold check / scan alone',
          value: ratio(scanMs / bareMs),
          target: '',
          note: `${(scanMs / 1000).toFixed(1)} s vs ${(bareMs / 1000).toFixed(1)} s (both include the start-anchor lookups)`,
        },
        {
          metric: 'records held back after a line',
          value: `${(heldSum / lines.length).toFixed(2)} mean, ${heldMax} max`,
          target: '',
          note: `${anchoredHolds} lines with an anchored open match (leaks included)`,
        },
        {
          metric: 'honest egress lines flagged',
          value: String(falsePositives),
          target: '0',
          ok: falsePositives === 0,
          note: `${lines.length - leaks.size} honest lines`,
        },
        {
          metric: 'leaked lines caught',
          value: `${caught}/${leaks.size}`,
          target: 'all',
          ok: caught === leaks.size,
          note: 'raw, base64, hex ID, reversed, split over two lines',
        },
      );
      return rows;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
