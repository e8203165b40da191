/**
 * The guard benchmark (issue 5, docs/fingerprint.md "Figures"): the
 * fingerprint Scanner over egress text against an index of
 * SEALGATE_BENCH_GUARD_RECORDS (default 1 million) synthetic records, as a
 * ratio to `grep -F -f RAWRECORDS` (the raw CSV lines as fixed strings) over
 * the same SEALGATE_BENCH_GUARD_MB (default 32) MiB of egress, in the same
 * run and in CPU time. grep sees plaintext; the scanner works on keyed
 * tokens. The target row is one run each over the same bytes (the index load
 * and the scan against grep's automaton build and first pass); the scans
 * alone, what reading every character costs in JavaScript, and the egress size
 * below which a guard run costs less than a grep run are printed next to it.
 * Also: index build time and size, the loaded index's memory, and the honest
 * lines flagged (target 0) and leaks caught.
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
import { MiB, ratio } from './benchmark.js';
import type { GrepCpu } from './grep-resident.js';
import { grepResident } from './grep-resident.js';
import { hasCommand } from './processes.js';

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

/**
 * Passes of grep over the egress: the first counts with its build, the rest
 * (at least 512 MiB in all, so that the kernel's 10 ms CPU ticks are under 2%
 * of them) time its steady scan.
 */
const grepPasses = (bytes: number): number => 1 + Math.max(8, Math.ceil((512 * MiB) / bytes));

/** CPU milliseconds (user + system, every thread of this process) since `from`. */
const cpuMs = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};

/**
 * The least any scanner in JavaScript must spend on the egress: read every
 * character of every line once, with a table lookup (the decoders and the
 * shingles need every character). CPU milliseconds, the best of three.
 */
function readEveryCharacter(lines: readonly string[]): number {
  const table = new Uint8Array(65536);
  for (let i = 0; i < table.length; i++) table[i] = i & 1;
  let best = Infinity;
  let sink = 0;
  for (let round = 0; round < 3; round++) {
    const c = process.cpuUsage();
    for (const line of lines) for (let i = 0; i < line.length; i++) sink += table[line.charCodeAt(i)];
    best = Math.min(best, cpuMs(c));
  }
  if (sink < 0) throw new Error('unreachable');
  return best;
}

/** The guard (CPU of its index load and its scan) against a resident grep, over `bytes` of egress. */
interface GuardCpu {
  readonly bytes: number;
  readonly loadMs: number;
  readonly scanMs: number;
  readonly floorMs: number;
}

const mibPerS = (bytes: number, ms: number): string => `${(bytes / MiB / (ms / 1000)).toFixed(2)} MiB/s`;

/**
 * The rows against grep (docs/fingerprint.md, "Figures"): one run each over
 * the same bytes, load included (the target); the steady scans alone; what
 * merely reading every character costs in JavaScript against grep's scan; and
 * the egress size up to which the guard's run costs less than grep's.
 */
function grepRows(g: GrepCpu, x: GuardCpu): BenchRow[] {
  const perRun = (g.buildMs + g.firstPassMs) / (x.loadMs + x.scanMs);
  // Per MiB of egress, each side's scan; the break-even size where load + scan costs the same.
  const guardPerMiB = x.scanMs / (x.bytes / MiB);
  const grepPerMiB = g.passMs / (x.bytes / MiB);
  const breakEven = (headStart: number): string =>
    guardPerMiB <= grepPerMiB ? 'any size' : `${(headStart / (guardPerMiB - grepPerMiB)).toFixed(0)} MiB`;
  return [
    {
      metric: 'guard speed / grep -F -f, one run over the same bytes (load + scan, CPU)',
      value: ratio(perRun),
      target: '>= 1.00x',
      ok: perRun >= 1,
      note: `guard ${((x.loadMs + x.scanMs) / 1000).toFixed(1)} s (load ${(x.loadMs / 1000).toFixed(1)} s) vs grep ${((g.buildMs + g.firstPassMs) / 1000).toFixed(1)} s (build ${(g.buildMs / 1000).toFixed(1)} s, peak ${g.peakMiB.toFixed(0)} MiB)`,
    },
    {
      metric: 'guard speed / grep -F -f, scan only, both loaded (CPU)',
      value: ratio(g.passMs / x.scanMs),
      target: '',
      note: `${mibPerS(x.bytes, x.scanMs)} vs grep ${mibPerS(x.bytes, g.passMs)} (mean of ${g.passes - 1} passes)`,
    },
    {
      metric: 'reading every character in JavaScript / grep -F -f scan (CPU)',
      value: ratio(g.passMs / x.floorMs),
      target: '',
      note: `${mibPerS(x.bytes, x.floorMs)}: the ceiling of any JavaScript scanner that reads each character once`,
    },
    {
      metric: 'egress per run below which the guard costs less than grep (CPU)',
      value: breakEven(g.buildMs + g.firstPassMs - g.passMs - x.loadMs),
      target: '',
      note: `index loaded for the run; ${breakEven(g.buildMs + g.firstPassMs - g.passMs)} with the index already loaded; the egress policy's default byteBudget is 1 MiB`,
    },
  ];
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
      const t = performance.now();
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
      let c = process.cpuUsage();
      const index = loadIndex(bin, key, { hmacSha256 });
      const loadMs = cpuMs(c);
      const m1 = process.memoryUsage();
      // As the guard does: after each record, the scanner's open matches say how much to hold back.
      const scanner = new Scanner(index, DEFAULT_SCAN);
      const flagged = new Set<number>();
      let heldMax = 0;
      let heldSum = 0;
      let anchoredHolds = 0;
      c = process.cpuUsage();
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
      const scanMs = cpuMs(c);
      // The same scan without the hold check, for its cost (docs/guard.md, "Holding back a partial match").
      const bare = new Scanner(index, DEFAULT_SCAN);
      c = process.cpuUsage();
      for (let i = 0; i < lines.length; i++) bare.push({ seq: i, kind: 'text', text: lines[i] });
      bare.end();
      const bareMs = cpuMs(c);
      const floorMs = readEveryCharacter(lines);
      const falsePositives = [...flagged].filter((s) => !leaks.has(s)).length;
      const caught = [...leaks].filter((s) => flagged.has(s)).length;

      const rows: BenchRow[] = [];
      if (hasCommand('grep') && process.platform === 'linux') {
        const passes = grepPasses(bytes);
        log(
          `guard: grep -F -f, resident, over the same egress ${passes} times (it builds its automaton first)`,
        );
        const grepCpu = await grepResident(p('records.txt'), Buffer.from(egress), passes);
        rows.push(...grepRows(grepCpu, { bytes, loadMs, scanMs, floorMs }));
      } else {
        rows.push({
          metric: 'guard speed / grep -F -f',
          value: 'skipped',
          target: '>= 1.00x',
          note: 'no grep or no /proc',
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
