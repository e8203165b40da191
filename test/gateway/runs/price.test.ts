/**
 * Pricing and settlement amounts (DESIGN.md 9): the fiat price is unit cost ×
 * steps + base fee + data price; tokens at the frozen rate, rounded up; the
 * settlement charges the steps actually used, splits by basis points, and
 * refunds the rest so the escrow always ends at zero.
 */
import t from 'tap';
import fc from 'fast-check';
import { parseEconomicsParameters } from '../../../policies/index.js';
import type { Price, RunRecord } from '../../../gateway/index.js';
import {
  escrowTransaction,
  priceRun,
  refundTransaction,
  settleTransaction,
  usedTokens,
} from '../../../gateway/index.js';

const economics = parseEconomicsParameters({});
const rate = { fiat: 1n, tokens: 1_000_000n };

function run(price: Price, steps: number, over: Partial<RunRecord> = {}) {
  return {
    id: 'run_x',
    quote: 'qt_x',
    buyer: 'acct_b',
    seller: 'acct_s',
    publisher: 'acct_p',
    price,
    steps,
    ...over,
  };
}

t.test('the price of a run', (t) => {
  const p = priceRun({
    model: { unitCost: '2', baseFee: '10' },
    dataPrice: '100',
    steps: 5,
    rate,
    economics,
  });
  t.same(p.fiat, { compute: '10', baseFee: '10', data: '100', total: '120' });
  t.equal(p.tokens, '120000000');
  t.same(p.rate, { fiat: '1', tokens: '1000000' });
  t.same(p.split, { sellerBps: 4000, publisherBps: 1500, minerBps: 4000, platformBps: 500 });
  // 3 fiat units are worth 10 tokens: 120 fiat -> 400 tokens; 121 -> 403.33 rounds up to 404
  const odd = priceRun({
    model: { unitCost: '1', baseFee: '0' },
    dataPrice: '0',
    steps: 121,
    rate: { fiat: 3n, tokens: 10n },
    economics,
  });
  t.equal(odd.tokens, '404');
  t.end();
});

t.test('a price below the floor is refused', (t) => {
  const floor = parseEconomicsParameters({ fiat: { priceFloor: '50' } });
  t.throws(
    () =>
      priceRun({ model: { unitCost: '1', baseFee: '0' }, dataPrice: '0', steps: 49, rate, economics: floor }),
    { name: 'RunError', code: 'RUN_PRICE_BELOW_FLOOR' },
  );
  t.equal(
    priceRun({ model: { unitCost: '1', baseFee: '0' }, dataPrice: '0', steps: 50, rate, economics: floor })
      .fiat.total,
    '50',
  );
  t.end();
});

t.test('used tokens: the steps run, never more than quoted, never more than escrow', (t) => {
  const p = priceRun({
    model: { unitCost: '2', baseFee: '10' },
    dataPrice: '100',
    steps: 5,
    rate,
    economics,
  });
  t.equal(usedTokens(p, 5, 0), 110_000_000n, 'base fee and data only');
  t.equal(usedTokens(p, 5, 3), 116_000_000n);
  t.equal(usedTokens(p, 5, 5), 120_000_000n);
  t.equal(usedTokens(p, 5, 500), 120_000_000n, 'capped at the quote');
  t.equal(usedTokens(p, 5, -1), 110_000_000n, 'negative counts as none');
  t.end();
});

t.test('escrow, settle and refund transactions', (t) => {
  const p = priceRun({
    model: { unitCost: '2', baseFee: '10' },
    dataPrice: '100',
    steps: 5,
    rate,
    economics,
  });
  const r = run(p, 5);
  const escrow = escrowTransaction(r);
  t.equal(escrow.key, 'escrow:run_x');
  t.same(escrow.postings, [
    { account: 'user:acct_b', amount: -120_000_000n },
    { account: 'escrow:run_x', amount: 120_000_000n },
  ]);
  t.equal(escrow.meta?.split, '4000/1500/4000/500');

  const { tx, settlement } = settleTransaction(r, 'acct_m', 3);
  t.equal(tx.key, 'settle:run_x');
  t.same(settlement, {
    seller: '46400000',
    publisher: '17400000',
    miner: '46400000',
    platform: '5800000',
    refund: '4000000',
  });
  t.equal(
    tx.postings.reduce((s, q) => s + q.amount, 0n),
    0n,
    'sums to zero',
  );

  const full = settleTransaction(r, 'acct_m', 5);
  t.notOk(
    full.tx.postings.some((q) => q.account === 'user:acct_b'),
    'no zero refund posting',
  );

  const same = settleTransaction(run(p, 5, { seller: 'acct_s', publisher: 'acct_s' }), 'acct_s', 5);
  t.same(
    same.tx.postings.map((q) => q.account),
    ['escrow:run_x', 'user:acct_s', 'platform'],
    'one posting per account when parties coincide',
  );

  const refund = refundTransaction(r, 'failed');
  t.equal(refund.key, 'refund:run_x');
  t.same(refund.postings, [
    { account: 'escrow:run_x', amount: -120_000_000n },
    { account: 'user:acct_b', amount: 120_000_000n },
  ]);
  t.end();
});

t.test('property: a settlement always empties the escrow and never pays more than it held', (t) => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 10n ** 12n }),
      fc.bigInt({ min: 0n, max: 10n ** 6n }),
      fc.bigInt({ min: 0n, max: 10n ** 9n }),
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: -5, max: 20_000 }),
      fc.record({ fiat: fc.bigInt({ min: 1n, max: 1000n }), tokens: fc.bigInt({ min: 1n, max: 10n ** 9n }) }),
      (unitCost, baseFee, data, steps, used, r) => {
        let p: Price;
        try {
          p = priceRun({
            model: { unitCost: String(unitCost), baseFee: String(baseFee) },
            dataPrice: String(data),
            steps,
            rate: r,
            economics,
          });
        } catch {
          return; // below the floor
        }
        const { tx, settlement } = settleTransaction(run(p, steps), 'acct_m', used);
        const escrow = tx.postings.find((q) => q.account === 'escrow:run_x');
        if (escrow?.amount !== -BigInt(p.tokens)) throw new Error('escrow not emptied');
        if (tx.postings.reduce((s, q) => s + q.amount, 0n) !== 0n) throw new Error('unbalanced');
        if (tx.postings.some((q) => q.amount === 0n)) throw new Error('a zero posting');
        const paid =
          BigInt(settlement.seller) +
          BigInt(settlement.publisher) +
          BigInt(settlement.miner) +
          BigInt(settlement.platform);
        if (paid + BigInt(settlement.refund) !== BigInt(p.tokens) || BigInt(settlement.refund) < 0n)
          throw new Error('bad split');
      },
    ),
  );
  t.pass('every generated settlement balanced');
  t.end();
});
