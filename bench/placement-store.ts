/**
 * A gateway store for the end-to-end placement figure (issue 6 "scheduling a
 * run among 10 000 nodes takes under 10 ms", docs/bonds-and-placement.md):
 * a real LevelDB in a temp directory with `count` enrolled node records
 * (heartbeat capacity, some faults), bonds on the ledger for 85% of them,
 * debt for 1%, active jobs on 20% and a pending forged-evidence penalty on
 * 1%, seeded so every run sees the same market.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signingKeyPairFromSeed } from '../attest/index.js';
import type { TransactionInput } from '../gateway/index.js';
import { Ledger, bondAccount, debtAccount } from '../gateway/index.js';
import type { PenaltyRecord } from '../gateway/bonds/records.js';
import { penaltyOps } from '../gateway/bonds/records.js';
import { newJobOps } from '../gateway/nodes/jobs.js';
import type { JobRecord, NodeRecord } from '../gateway/nodes/records.js';
import { NODES_SUBLEVEL } from '../gateway/nodes/records.js';
import type { BatchOp } from '../gateway/store/index.js';
import { Store, put } from '../gateway/store/index.js';

const GIB = 2 ** 30;
const CHUNK = 500;

export interface SeededStore {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly ids: readonly string[];
  readonly now: () => Date;
  close(): Promise<void>;
}

/** Seed `count` nodes into a fresh store; `r` is the seeded random stream. */
export async function seededStore(count: number, r: () => number): Promise<SeededStore> {
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-placement-'));
  const store = await Store.open(dir);
  const at = new Date('2026-11-29T10:00:00.000Z');
  const now = (): Date => at;
  const ledger = await Ledger.open(store, {
    now,
    signer: signingKeyPairFromSeed(new Uint8Array(32).fill(6)),
    signerKeyId: 'bench',
  });
  const ids = Array.from({ length: count }, (_, i) => `node_${String(i).padStart(6, '0')}`);
  for (let from = 0; from < count; from += CHUNK) {
    const ops: BatchOp[] = [];
    const txs: TransactionInput[] = [];
    for (const id of ids.slice(from, from + CHUNK)) {
      const seen = r() < 0.9 ? at.getTime() - 5_000 : at.getTime() - 3_600_000;
      const node: NodeRecord = {
        id,
        miner: `miner_${id}`,
        publicKey: 'AAAA',
        serial: '01',
        enrolledAt: '2026-11-01T00:00:00.000Z',
        lastHeartbeat: new Date(seen).toISOString(),
        runtimeVersion: '1',
        capacity: {
          cpus: 1 + Math.floor(r() * 32),
          memoryBytes: (1 + Math.floor(r() * 64)) * GIB,
          gpus: Array.from({ length: Math.floor(r() * 3) }, (_, g) => ({
            index: g,
            uuid: `GPU-${id}-${g}`,
            name: 'bench',
            memoryBytes: 16 * GIB,
          })),
        },
        running: [],
        faults:
          r() < 0.1
            ? [{ kind: 'offline', runId: 'run_x', at: new Date(at.getTime() - 86_400_000).toISOString() }]
            : [],
        jobsDone: Math.floor(r() * 50),
        jobsAbandoned: Math.floor(r() * 3),
      };
      ops.push(put(store.sublevel(NODES_SUBLEVEL), id, node));
      if (r() < 0.85) txs.push(credit(`bond:${id}`, 'bond', bondAccount(id), 10n ** 11n));
      if (r() < 0.01) txs.push(credit(`debt:${id}`, 'penalty', debtAccount(id), 10n ** 9n));
      if (r() < 0.2) ops.push(...newJobOps(store, job(id, r)));
      if (r() < 0.01) ops.push(...penaltyOps(store, forged(id, at)));
    }
    await ledger.commit(txs, ops);
  }
  return {
    store,
    ledger,
    ids,
    now,
    close: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// Issued against the mint, the one account allowed below zero (docs/ledger.md).
function credit(
  key: string,
  kind: TransactionInput['kind'],
  account: string,
  amount: bigint,
): TransactionInput {
  return {
    key,
    kind,
    postings: [
      { account: 'mint', amount: -amount },
      { account, amount },
    ],
    ref: key,
    memo: 'bench seed',
  };
}

function job(nodeId: string, r: () => number): JobRecord {
  const id = `job_${nodeId}`;
  return {
    id,
    kind: 'train',
    runId: `run_${nodeId}`,
    nodeId,
    limits: {
      pids: 64,
      memoryBytes: GIB,
      nanoCpus: (1 + Math.floor(r() * 2)) * 1e9,
      wallSeconds: 600,
      tmpfsBytes: 0,
      gpus: 0,
    },
    state: 'assigned',
  } as unknown as JobRecord;
}

function forged(nodeId: string, at: Date): PenaltyRecord {
  return {
    id: `pen_forged-evidence_job_${nodeId}`,
    nodeId,
    cause: 'forged-evidence',
    runId: `run_${nodeId}`,
    jobId: `job_${nodeId}`,
    buyer: 'buyer',
    code: 'EVIDENCE_BAD_SIGNATURE',
    proposedAt: at.toISOString(),
    appealBy: new Date(at.getTime() + 3 * 86_400_000).toISOString(),
    amount: '0',
    state: 'proposed',
    debt: '0',
  };
}
