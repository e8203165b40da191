/**
 * The ledger benchmark (issue 3, docs/ledger.md): settlements per second with
 * durable (synced) writes through Ledger.commit, as a ratio to raw LevelDB
 * batches (sync) of the same entries' JSON, in the same run (target >= 0.5).
 * SEALGATE_BENCH_SETTLEMENTS (default 2000) settlements, the two sides
 * alternating every 50 so both see the same disk and CPU load (the machine is
 * shared); the figure is the median of the per-chunk ratios.
 * A settlement is one group: the split of the used amount and the refund.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { signingKeyPairFromSeed } from '../attest/index.js';
import type { LedgerEntry, TransactionInput } from '../gateway/index.js';
import { Ledger, splitSettlement } from '../gateway/index.js';
import { Store } from '../gateway/store/index.js';
import type { BenchRow, Benchmark } from './benchmark.js';
import { ratio } from './benchmark.js';

const SPLIT = { sellerBps: 6000, publisherBps: 1500, minerBps: 2000, platformBps: 500 };
const SIGNER = signingKeyPairFromSeed(new Uint8Array(32).fill(1));

function settlement(i: number): TransactionInput[] {
  const run = `escrow:run_${i}`;
  const used = 700n + BigInt(i % 300);
  const s = splitSettlement(used, SPLIT);
  return [
    {
      key: `settle:run_${i}`,
      kind: 'settle',
      postings: [
        { account: run, amount: -used },
        { account: 'user:seller', amount: s.seller },
        { account: 'user:publisher', amount: s.publisher },
        { account: 'user:miner', amount: s.miner },
        { account: 'platform', amount: s.platform },
      ],
      ref: `run_${i}`,
      meta: { split: '6000/1500/2000/500' },
    },
    {
      key: `refund:run_${i}`,
      kind: 'refund',
      postings: [
        { account: run, amount: -(1000n - used) },
        { account: `user:buyer${i % 50}`, amount: 1000n - used },
      ],
      ref: `run_${i}`,
    },
  ];
}

/** Both sides open at once, so a chunk of each can run back to back under the same load. */
async function measure(
  root: string,
  n: number,
  chunk: number,
): Promise<{ ledgerMs: number; rawMs: number; ratios: number[] }> {
  const store = await Store.open(join(root, 'ledger'));
  const db = new Level<string, unknown>(join(root, 'raw'), { valueEncoding: 'json' });
  await db.open();
  try {
    const ledger = await Ledger.open(store, { now: () => new Date(), signer: SIGNER, signerKeyId: 'bench' });
    const escrows: TransactionInput[] = Array.from({ length: n }, (_, i) => ({
      key: `escrow:run_${i}`,
      kind: 'escrow',
      postings: [
        { account: 'mint', amount: -1000n },
        { account: `escrow:run_${i}`, amount: 1000n },
      ],
    }));
    await ledger.commit(escrows);
    let ledgerMs = 0;
    let rawMs = 0;
    const ratios: number[] = [];
    for (let start = 0; start < n; start += chunk) {
      const groups: LedgerEntry[][] = [];
      let t = performance.now();
      for (let i = start; i < Math.min(n, start + chunk); i++)
        groups.push((await ledger.commit(settlement(i))).entries);
      const l = performance.now() - t;
      t = performance.now();
      for (const g of groups) {
        await db.batch(
          g.map((e) => ({ type: 'put' as const, key: String(e.seq).padStart(16, '0'), value: e })),
          { sync: true },
        );
      }
      const r = performance.now() - t;
      ledgerMs += l;
      rawMs += r;
      ratios.push(r / l);
      if (start % (chunk * 5) === 0) await ledger.sealBlock();
    }
    return { ledgerMs, rawMs, ratios };
  } finally {
    await store.close();
    await db.close();
  }
}

export const ledger: Benchmark = {
  name: 'ledger',
  async run(log) {
    const n = Number(process.env.SEALGATE_BENCH_SETTLEMENTS ?? 2000);
    const chunk = 50;
    const root = await mkdtemp(join(tmpdir(), 'sealgate-bench-ledger-'));
    try {
      log(`ledger: ${n} settlements through Ledger.commit and as raw batches, alternating every ${chunk}`);
      const { ledgerMs, rawMs, ratios } = await measure(root, n, chunk);
      const sorted = [...ratios].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      const perSec = (ms: number): string => `${Math.round((n / ms) * 1000)}/s`;
      const row: BenchRow = {
        metric: 'settlements/s (sync) / raw LevelDB batches',
        value: ratio(median),
        target: '>= 0.50x',
        ok: median >= 0.5,
        note: `median of ${ratios.length} chunks of ${chunk}; overall ${perSec(ledgerMs)} vs ${perSec(rawMs)} (${ratio(rawMs / ledgerMs)})`,
      };
      return [row];
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  },
};
