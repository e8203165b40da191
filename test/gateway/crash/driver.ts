/**
 * The crash test's users: while one gateway process lives, buyers quote and
 * start runs, cancel recent ones and read them back, and the operator credits
 * buyers, all over HTTP with the client SDK, with choices and pauses drawn
 * from the seeded generator. Every request that got a 2xx is acknowledged
 * (`Acks`), and `lostAcks` checks them against the data directory after the
 * kill: an acknowledged request must survive it. A request cut off by the
 * kill has an unknown outcome and is not checked, except by the audit.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { accountId } from '../../../attest/index.js';
import { GatewayRequestError } from '../../../client/index.js';
import { isFinal } from '../../../gateway/index.js';
import type { CrashAudit } from './audit.js';
import type { GatewayChild } from './child.js';
import type { CrashMarket } from './market.js';
import { MAX_STEPS, clientOf } from './market.js';

/** What the gateway acknowledged, and what went wrong otherwise. */
export interface Acks {
  /** Started runs: id -> the buyer (index), steps and escrowed tokens. */
  readonly starts: Map<string, { buyer: number; steps: number; tokens: string }>;
  /** Starts sent, acknowledged or not. */
  startsSent: number;
  /** Credits: ledger seq -> entry hash. */
  readonly credits: Map<number, string>;
  /** Runs whose cancel was acknowledged, and all runs a cancel was sent for. */
  readonly cancels: Set<string>;
  readonly cancelsSent: Set<string>;
  /** Replies no request should get (anything but a 2xx or an expected refusal). */
  readonly unexpected: string[];
}

/** Nothing acknowledged yet. */
export function newAcks(): Acks {
  return {
    starts: new Map(),
    startsSent: 0,
    credits: new Map(),
    cancels: new Set(),
    cancelsSent: new Set(),
    unexpected: [],
  };
}

/** What one round of driving needs. */
export interface DriveOptions {
  readonly url: string;
  readonly market: CrashMarket;
  readonly acks: Acks;
  readonly random: () => number;
  /** At most this many runs started in the round. */
  readonly startBudget: number;
  readonly child: GatewayChild;
}

// A failed request ended the round when the process died under it (a reset, a refused connection).
async function killedUnder(err: unknown, child: GatewayChild): Promise<boolean> {
  if (err instanceof GatewayRequestError && err.code !== 'CLIENT_UNREACHABLE') return child.dead;
  await Promise.race([child.exited, sleep(3000)]);
  return child.dead;
}

/** A buyer quotes and starts one run; acknowledged, it joins `acks.starts`. */
async function startRun(o: Pick<DriveOptions, 'url' | 'market' | 'acks' | 'random'>): Promise<void> {
  const { market, acks, random } = o;
  const nth = acks.startsSent++;
  const buyer = random() < 0.5 ? 0 : 1;
  const as = clientOf(o.url, market.buyers[buyer]);
  // the last digit picks the fate (fixtures/fate.ts): every ten starts meet all of them
  const steps = Math.max(1, Math.floor(random() * (MAX_STEPS / 10)) * 10 + (nth % 10));
  const body = { dataset: market.dataset, model: market.model, steps };
  const quote = await as.request<{ id: string }>('POST', '/v1/quotes', { body });
  const run = await as.request<{ id: string; steps: number; price: { tokens: string } }>('POST', '/v1/runs', {
    body: { quote: quote.id },
  });
  acks.starts.set(run.id, { buyer, steps: run.steps, tokens: run.price.tokens });
}

/**
 * Start `n` runs one after another before the first kill is armed, so every run of the test has
 * runs of every fate to settle however few the users manage to start between kills on a loaded
 * machine.
 */
export async function seedRuns(o: Pick<DriveOptions, 'url' | 'market' | 'acks' | 'random'>, n: number) {
  for (let i = 0; i < n; i++) await startRun(o);
}

/** Act as the market's users until the gateway process dies; resolves how many runs were started. */
export async function drive(o: DriveOptions): Promise<number> {
  const { market, acks, random } = o;
  const as = (i: number) => clientOf(o.url, market.buyers[i]);
  const recent = () => {
    const ids = [...acks.starts.keys()].slice(-6);
    return ids.length === 0 ? undefined : ids[Math.floor(random() * ids.length)];
  };
  let started = 0;
  const start = async () => {
    started += 1; // counted when sent: the budget bounds the runs a round may create
    await startRun(o);
  };
  const cancel = async (id: string) => {
    acks.cancelsSent.add(id);
    const buyer = acks.starts.get(id)?.buyer ?? 0;
    try {
      await as(buyer).request('POST', `/v1/runs/${id}/cancel`, { body: { message: 'crash test' } });
      acks.cancels.add(id);
    } catch (err) {
      // a run past placement, or ended, refuses a cancel: expected, changes nothing
      const refused = err instanceof GatewayRequestError && err.status === 409;
      if (!refused || !['RUN_INVALID_TRANSITION', 'RUN_ALREADY_FINAL'].includes(err.code)) throw err;
    }
  };
  const credit = async () => {
    const buyer = market.buyers[random() < 0.5 ? 0 : 1];
    const body = {
      account: accountId(buyer.publicKey),
      amount: String(1 + Math.floor(random() * 1e6)),
      memo: 'top-up',
    };
    const done = await clientOf(o.url, market.operator).request<{ seq: number; hash: string }>(
      'POST',
      '/v1/admin/credit',
      { body },
    );
    acks.credits.set(done.seq, done.hash);
  };
  const read = async (id: string) => {
    const run = await as(acks.starts.get(id)?.buyer ?? 0).request<{ id: string }>('GET', `/v1/runs/${id}`);
    if (run.id !== id) acks.unexpected.push(`GET /v1/runs/${id} answered ${run.id}`);
  };

  // Two users act at once, so requests overlap each other and the harness's transitions.
  const lane = async () => {
    while (!o.child.dead) {
      const r = random();
      const id = recent();
      try {
        if (r < 0.55 && started < o.startBudget) await start();
        else if (r < 0.75 && id) await cancel(id);
        else if (r < 0.85) await credit();
        else if (id) await read(id);
      } catch (err) {
        if (await killedUnder(err, o.child)) return;
        acks.unexpected.push(
          err instanceof Error ? `${(err as { code?: string }).code}: ${err.message}` : String(err),
        );
      }
      await sleep(2 + Math.floor(random() * 20));
    }
  };
  await Promise.all([lane(), lane()]);
  return started;
}

/** Acknowledged requests the data directory lost (empty when every 2xx survived the kill). */
export function lostAcks(acks: Acks, audit: CrashAudit): string[] {
  const lost: string[] = [];
  for (const [id, { tokens }] of acks.starts) {
    const run = audit.runs.get(id);
    if (run?.price.tokens !== tokens) lost.push(`run ${id} (started, ${tokens} tokens escrowed)`);
  }
  // A 200 cancel ended the run; a 202 (sealing or running) left a cancel request for its node,
  // which stays until the run ends (cancelled, or otherwise if the run ended first).
  for (const id of acks.cancels) {
    const state = audit.runs.get(id)?.state;
    const kept =
      state === 'cancelled' || audit.cancelRequested.has(id) || (state !== undefined && isFinal(state));
    if (!kept) lost.push(`the cancel of ${id}`);
  }
  for (const [seq, hash] of acks.credits)
    if (audit.hashes.get(seq) !== hash) lost.push(`the credit at seq ${seq}`);
  return lost;
}
