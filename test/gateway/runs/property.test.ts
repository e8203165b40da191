/**
 * Property test over RunService (issue 3): random sequences of credits,
 * quotes, starts (also of other buyers' and used quotes), transitions of
 * every kind (valid or not), settlements with random usage, and repeats of
 * the previous request. After every step: each run's state and every ledger
 * balance equal an independent model written here (the machine table from
 * issue 3 and the pricing arithmetic of DESIGN.md 9, recomputed), and the
 * escrow of every final run is 0. At the end: no run was settled or refunded
 * twice, and the ledger verifies offline.
 */
import { inspect } from 'node:util';
import t from 'tap';
import type { Test } from 'tap';
import fc from 'fast-check';
import type { RunEvent, RunRecord, RunState } from '../../../gateway/index.js';
import { RUN_EVENTS, ledgerSourceFromStore, verifyLedger } from '../../../gateway/index.js';
import { credit, marketForTest } from './market.js';
import type { Market } from './market.js';
import { TABLE, isRefusal } from './table.js';

type Op =
  | { kind: 'credit'; buyer: number; amount: bigint }
  | { kind: 'quote'; buyer: number; steps: number }
  /** Start a recent quote; `thief` (one in five) tries it as the other buyer. */
  | { kind: 'start'; thief: boolean; quote: number }
  | { kind: 'event'; run: number; event: RunEvent; steps: number }
  | { kind: 'advance'; run: number; steps: number }
  | { kind: 'repeat' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('credit' as const),
      buyer: fc.nat(1),
      amount: fc.bigInt({ min: 1n, max: 3n * 10n ** 9n }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('quote' as const),
      buyer: fc.nat(1),
      steps: fc.integer({ min: 1, max: 1500 }),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('start' as const),
      thief: fc.nat(4).map((n) => n === 0),
      quote: fc.nat(3),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('event' as const),
      run: fc.nat(5),
      event: fc.constantFrom(...RUN_EVENTS),
      steps: fc.integer({ min: 0, max: 1500 }),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      run: fc.nat(5),
      steps: fc.integer({ min: 0, max: 1500 }),
    }),
    weight: 8,
  },
  { arbitrary: fc.constant({ kind: 'repeat' as const }), weight: 2 },
);

/** What each buyer starts with: a run costs 0.11-2.11 × 10^9 tokens, so some starts lack funds. */
const funds = fc.bigInt({ min: 0n, max: 6n * 10n ** 9n }).map((n) => n + 5n * 10n ** 8n);

const SPLIT = [4000n, 1500n, 4000n, 500n]; // the default economics split, basis points
const UNIT = 2n;
const BASE = 10n;
const DATA = 100n;
const RATE = 1_000_000n; // tokens per fiat unit (the default 1 : 10^6)

// The happy path's next event from each state (final states: settle, refused or a repeat).
const FORWARD: Readonly<Record<RunState, RunEvent>> = {
  queued: 'place',
  placed: 'seal',
  sealing: 'start',
  running: 'seal-output',
  'sealing-output': 'settle',
  settled: 'settle',
  failed: 'settle',
  cancelled: 'settle',
  flagged: 'settle',
};

// Indices count back from the newest item, so sequences act on recent quotes and runs.
function recent<T>(items: readonly T[], back: number): T {
  return items[Math.max(0, items.length - 1 - (back % items.length))];
}

interface ModelQuote {
  id: string;
  buyer: number;
  steps: number;
  used: boolean;
}
interface ModelRun {
  id: string;
  buyer: number;
  steps: number;
  tokens: bigint;
  state: RunState;
}

/** The independent model of balances and run states. */
class World {
  readonly balances = new Map<string, bigint>();
  readonly quotes: ModelQuote[] = [];
  readonly runs: ModelRun[] = [];
  constructor(
    readonly m: Market,
    readonly buyers: string[],
  ) {}

  add(account: string, amount: bigint): void {
    this.balances.set(account, (this.balances.get(account) ?? 0n) + amount);
  }

  settle(run: ModelRun, usedSteps: number): void {
    const steps = BigInt(Math.min(usedSteps, run.steps));
    const used = (UNIT * steps + BASE + DATA) * RATE;
    const [seller, publisher, miner] = SPLIT.map((bps) => (used * bps) / 10_000n);
    this.add(`escrow:${run.id}`, -run.tokens);
    this.add(`user:${this.m.seller.id}`, seller);
    this.add(`user:${this.m.publisher.id}`, publisher);
    this.add(`user:${this.m.miner.id}`, miner);
    this.add('platform', used - seller - publisher - miner);
    this.add(`user:${this.buyers[run.buyer]}`, run.tokens - used);
  }

  refund(run: ModelRun): void {
    this.add(`escrow:${run.id}`, -run.tokens);
    this.add(`user:${this.buyers[run.buyer]}`, run.tokens);
  }
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (err) {
    if ((err as { code?: string }).code === code) return;
    throw err;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

async function apply(w: World, o: Op): Promise<void> {
  const { runs } = w.m.gw.app.gateway;
  if (o.kind === 'credit') {
    await credit(w.m.gw, w.buyers[o.buyer], o.amount);
    w.add(`user:${w.buyers[o.buyer]}`, o.amount);
    w.add('mint', -o.amount);
  } else if (o.kind === 'quote') {
    const q = await runs.quote(w.buyers[o.buyer], {
      dataset: w.m.dataset.id,
      model: w.m.model.id,
      steps: o.steps,
    });
    if (q.steps !== Math.min(o.steps, 1000)) throw new Error('steps not capped');
    w.quotes.push({ id: q.id, buyer: o.buyer, steps: q.steps, used: false });
  } else if (o.kind === 'start') {
    if (w.quotes.length === 0) return;
    const q = recent(w.quotes, o.quote);
    const who = o.thief ? 1 - q.buyer : q.buyer;
    const buyer = w.buyers[who];
    const tokens = (UNIT * BigInt(q.steps) + BASE + DATA) * RATE;
    if (q.buyer !== who) return expectCode(runs.start(buyer, q.id), 'RUN_QUOTE_NOT_FOUND');
    if (q.used) return expectCode(runs.start(buyer, q.id), 'RUN_QUOTE_USED');
    if ((w.balances.get(`user:${buyer}`) ?? 0n) < tokens)
      return expectCode(runs.start(buyer, q.id), 'RUN_INSUFFICIENT_FUNDS');
    const run = await runs.start(buyer, q.id);
    q.used = true;
    w.runs.push({ id: run.id, buyer: who, steps: q.steps, tokens, state: 'queued' });
    w.add(`user:${buyer}`, -tokens);
    w.add(`escrow:${run.id}`, tokens);
  } else if (o.kind === 'event' || o.kind === 'advance') {
    if (w.runs.length === 0) return;
    const run = recent(w.runs, o.run);
    const event = o.kind === 'event' ? o.event : FORWARD[run.state];
    const want = TABLE[run.state][event];
    const details = {
      node: w.m.miner.id,
      usage: { steps: o.steps, cpuSeconds: 1, gpuSeconds: 0, seconds: 1 },
    };
    if (isRefusal(want)) return expectCode(runs.transition(run.id, event, details), want);
    const got: RunRecord = await runs.transition(run.id, event, details);
    if (want === 'repeat') return;
    if (got.state !== want) throw new Error(`${run.state} + ${event}: ${got.state}, not ${want}`);
    run.state = want;
    if (want === 'settled') w.settle(run, o.steps);
    if (want === 'failed' || want === 'cancelled' || want === 'flagged') w.refund(run);
  }
}

async function check(w: World): Promise<void> {
  const { ledger, runs } = w.m.gw.app.gateway;
  for (const [account, balance] of ledger.balances()) {
    const want = w.balances.get(account) ?? 0n;
    if (balance !== want) throw new Error(`${account}: ledger ${balance}, model ${want}`);
  }
  for (const [account, want] of w.balances) {
    if (ledger.balance(account) !== want)
      throw new Error(`${account}: ledger ${ledger.balance(account)}, model ${want}`);
  }
  for (const run of w.runs) {
    const stored = await runs.get(run.id);
    if (stored.state !== run.state) throw new Error(`${run.id}: ${stored.state}, model ${run.state}`);
    if (
      ['settled', 'failed', 'cancelled', 'flagged'].includes(run.state) &&
      ledger.balance(`escrow:${run.id}`) !== 0n
    ) {
      throw new Error(`${run.id} ended ${run.state} with escrow left`);
    }
  }
}

t.test('random sequences keep ledger, model and machine in agreement', async (t) => {
  let sequences = 0;
  const reached = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(
      fc.array(funds, { minLength: 2, maxLength: 2 }),
      fc.array(op, { minLength: 10, maxLength: 50, size: 'max' }),
      async (start, ops) => {
        let failure: unknown;
        // a subtest per sequence only to close its gateway; a failure goes back to fast-check to shrink
        await t.test(`sequence ${++sequences}`, async (t) => {
          try {
            await runSequence(t, start, ops, reached);
          } catch (err) {
            failure = err;
          }
          t.pass(`${ops.length} steps`);
        });
        if (failure) throw failure instanceof Error ? failure : new Error(inspect(failure));
      },
    ),
    { numRuns: 25 },
  );
  t.ok((reached.get('settled') ?? 0) > 0, `runs reached: ${JSON.stringify(Object.fromEntries(reached))}`);
  t.ok((reached.get('cancelled') ?? 0) + (reached.get('failed') ?? 0) > 0, 'and ended without settling');
});

async function runSequence(t: Test, start: bigint[], ops: Op[], reached: Map<string, number>): Promise<void> {
  const m = await marketForTest(t, 0n);
  const other = await m.gw.account('buyer');
  const w = new World(m, [m.buyer.id, other.id]);
  for (const [buyer, amount] of start.entries())
    if (amount > 0n) await apply(w, { kind: 'credit', buyer, amount });
  let last: Op | undefined;
  for (const o of ops) {
    const step = o.kind === 'repeat' ? last : o;
    if (step) await apply(w, step);
    last = step;
    await check(w);
  }
  for (const run of w.runs) reached.set(run.state, (reached.get(run.state) ?? 0) + 1);
  const { ledger, store, identity } = m.gw.app.gateway;
  const ends = new Map<string, number>();
  for await (const e of ledger.entries()) {
    if ((e.kind === 'settle' || e.kind === 'refund') && e.ref) ends.set(e.ref, (ends.get(e.ref) ?? 0) + 1);
  }
  for (const [run, n] of ends) if (n !== 1) throw new Error(`${run} settled or refunded ${n} times`);
  await ledger.sealBlock();
  const report = await verifyLedger(ledgerSourceFromStore(store), identity.gateway.keyPair.publicKey);
  if (!report.ok) throw new Error(`ledger verify: ${JSON.stringify(report.problems)}`);
}
