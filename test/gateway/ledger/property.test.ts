import t from 'tap';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ledger, TransactionInput } from '../../../gateway/index.js';
import { LedgerError, ledgerSourceFromStore, splitSettlement, verifyLedger } from '../../../gateway/index.js';
import { SIGNER, mint, openLedger, tx } from './helpers.js';

// Property: random sequences of credits, escrows, settlements, node-fault
// refunds, retries and failing groups keep every invariant. Balances must
// equal a model computed here independently (plain bigint arithmetic over a
// Map), verifyLedger must pass after every sequence, and a run closes once.

const USERS = ['user:u0', 'user:u1', 'user:u2'];
const RUNS = ['r0', 'r1', 'r2', 'r3'];
const SPLIT = { sellerBps: 6000, publisherBps: 1500, minerBps: 2000, platformBps: 500 };

type Op =
  | { op: 'credit'; user: number; amount: bigint }
  | { op: 'escrow'; user: number; run: number; amount: bigint }
  | { op: 'settle'; run: number; usedBps: number }
  | { op: 'fault'; run: number }
  | { op: 'retry'; run: number }
  | { op: 'overspend'; user: number; extra: bigint }
  | { op: 'unbalanced'; user: number }
  | { op: 'seal' };

const user = fc.nat(USERS.length - 1);
const run = fc.nat(RUNS.length - 1);
const amount = fc.bigInt({ min: 1n, max: 1000n });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('credit' as const), user, amount }),
  fc.record({ op: fc.constant('escrow' as const), user, run, amount }),
  fc.record({ op: fc.constant('settle' as const), run, usedBps: fc.nat(10000) }),
  fc.record({ op: fc.constant('fault' as const), run }),
  fc.record({ op: fc.constant('retry' as const), run }),
  fc.record({ op: fc.constant('overspend' as const), user, extra: amount }),
  fc.record({ op: fc.constant('unbalanced' as const), user }),
  fc.constant({ op: 'seal' as const }),
);

interface RunModel {
  buyer: string;
  escrowed: bigint;
  escrowGroup: TransactionInput[];
  closeGroup?: TransactionInput[];
}

/** The independent model: balances as a plain map, and what each run did. */
class Model {
  readonly balances = new Map<string, bigint>();
  readonly runs = new Map<string, RunModel>();
  credits = 0;
  apply(group: readonly TransactionInput[]): void {
    for (const i of group)
      for (const p of i.postings) this.balances.set(p.account, this.get(p.account) + p.amount);
  }
  get(account: string): bigint {
    return this.balances.get(account) ?? 0n;
  }
}

// The settlement group a gateway would post: split the used part, refund the rest.
function closeGroup(runId: string, m: RunModel, used: bigint): TransactionInput[] {
  const s = splitSettlement(used, SPLIT);
  const legs = (
    [
      ['user:seller', s.seller],
      ['user:publisher', s.publisher],
      ['user:miner', s.miner],
      ['platform', s.platform],
    ] as [string, bigint][]
  ).filter(([, a]) => a > 0n);
  const group: TransactionInput[] = [];
  if (used > 0n) group.push(tx(`settle:${runId}`, 'settle', [`escrow:${runId}`, -used], ...legs));
  const rest = m.escrowed - used;
  if (rest > 0n) group.push(tx(`refund:${runId}`, 'refund', [`escrow:${runId}`, -rest], [m.buyer, rest]));
  return group;
}

async function expectRefusal(ledger: Ledger, group: TransactionInput[], allowed: string[]): Promise<void> {
  const before = ledger.lastSeq;
  try {
    await ledger.commit(group);
  } catch (err) {
    if (!(err instanceof LedgerError) || !allowed.includes(err.code)) throw err;
    if (ledger.lastSeq !== before) throw new Error('a refused group wrote entries', { cause: err });
    return;
  }
  throw new Error(`expected one of ${allowed.join(', ')}`);
}

async function step(ledger: Ledger, model: Model, op: Op): Promise<void> {
  switch (op.op) {
    case 'credit': {
      const group = [mint(`credit:${model.credits++}`, USERS[op.user], op.amount)];
      await ledger.commit(group);
      model.apply(group);
      return;
    }
    case 'escrow': {
      const runId = RUNS[op.run];
      const known = model.runs.get(runId);
      if (known) {
        const again = await ledger.commit(known.escrowGroup);
        if (again.applied) throw new Error('an escrow applied twice');
        return;
      }
      const group = [
        tx(`escrow:${runId}`, 'escrow', [USERS[op.user], -op.amount], [`escrow:${runId}`, op.amount]),
      ];
      if (model.get(USERS[op.user]) < op.amount)
        return expectRefusal(ledger, group, ['LEDGER_INSUFFICIENT_FUNDS']);
      await ledger.commit(group);
      model.apply(group);
      model.runs.set(runId, { buyer: USERS[op.user], escrowed: op.amount, escrowGroup: group });
      return;
    }
    case 'settle':
    case 'fault': {
      const runId = RUNS[op.run];
      const m = model.runs.get(runId) ?? { buyer: USERS[0], escrowed: 100n, escrowGroup: [] };
      const used = op.op === 'fault' ? 0n : (m.escrowed * BigInt(op.usedBps)) / 10000n;
      const group = closeGroup(runId, m, used);
      if (!model.runs.has(runId)) return expectRefusal(ledger, group, ['LEDGER_INSUFFICIENT_FUNDS']);
      if (m.closeGroup) {
        // A second close with other amounts: refused, whatever the shape.
        const same = JSON.stringify(group, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
        const first = JSON.stringify(m.closeGroup, (_, v: unknown) =>
          typeof v === 'bigint' ? String(v) : v,
        );
        if (same === first) return void (await ledger.commit(group));
        return expectRefusal(ledger, group, ['LEDGER_KEY_CONFLICT', 'LEDGER_KEY_REUSED']);
      }
      await ledger.commit(group);
      model.apply(group);
      m.closeGroup = group;
      return;
    }
    case 'retry': {
      const m = model.runs.get(RUNS[op.run]);
      if (!m?.closeGroup) return;
      const again = await ledger.commit(m.closeGroup);
      if (again.applied) throw new Error('a settlement applied twice');
      return;
    }
    case 'overspend': {
      const from = USERS[op.user];
      const group = [
        tx(
          `spend:${ledger.lastSeq}`,
          'transfer',
          [from, -(model.get(from) + op.extra)],
          ['platform', model.get(from) + op.extra],
        ),
      ];
      return expectRefusal(ledger, group, ['LEDGER_INSUFFICIENT_FUNDS']);
    }
    case 'unbalanced': {
      const group = [
        mint(`credit:x${model.credits}`, USERS[op.user], 5n),
        tx('bad', 'transfer', ['mint', -1n], [USERS[op.user], 2n]),
      ];
      return expectRefusal(ledger, group, ['LEDGER_UNBALANCED']);
    }
    case 'seal':
      await ledger.sealBlock();
  }
}

const nonZero = (m: ReadonlyMap<string, bigint>): [string, bigint][] =>
  [...m].filter(([, v]) => v !== 0n).sort(([a], [b]) => (a < b ? -1 : 1));

t.test('random sequences keep every invariant and match the model', async (t) => {
  let sequences = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
      const dir = await mkdtemp(join(tmpdir(), 'sealgate-ledger-prop-'));
      try {
        let { store, ledger } = await openLedger(dir);
        const model = new Model();
        try {
          for (const op of ops) await step(ledger, model, op);
          if (
            JSON.stringify(nonZero(ledger.balances()), (_, v: unknown) =>
              typeof v === 'bigint' ? String(v) : v,
            ) !==
            JSON.stringify(nonZero(model.balances), (_, v: unknown) =>
              typeof v === 'bigint' ? String(v) : v,
            )
          ) {
            throw new Error('ledger balances differ from the model');
          }
          const report = await verifyLedger(ledgerSourceFromStore(store), SIGNER.publicKey);
          if (!report.ok) throw new Error(`verify failed: ${JSON.stringify(report.problems)}`);
          if (nonZero(report.balances).join() !== nonZero(model.balances).join())
            throw new Error('rebuilt balances differ');
          for (const [runId, m] of model.runs) {
            const escrowLeft = ledger.balance(`escrow:${runId}`);
            if (escrowLeft !== (m.closeGroup ? 0n : m.escrowed))
              throw new Error(`escrow of ${runId} is ${escrowLeft}`);
          }
          await store.close();
          ({ store, ledger } = await openLedger(dir));
          if (nonZero(ledger.balances()).join() !== nonZero(model.balances).join())
            throw new Error('reopened balances differ');
        } finally {
          await store.close();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      sequences += 1;
    }),
    { numRuns: 40 },
  );
  t.equal(sequences, 40);
});
