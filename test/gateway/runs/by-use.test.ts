/**
 * By-use pricing (issue 6): a quote escrows the charge at the run's limits,
 * settlement charges the receipt's use at the rates frozen at order time
 * (never more than the escrow), the operator's floors refuse a low rate, and
 * which runs are priced by use (the model's rates, else the operator's, else
 * seed pricing). Worked examples by hand.
 */
import t from 'tap';
import { parseEconomicsParameters, parseModelDescriptor } from '../../../policies/index.js';
import { byUseInput, priceRun, settleTransaction, usedTokens } from '../../../gateway/index.js';

const economics = parseEconomicsParameters({});
const rate = { fiat: 1n, tokens: 1000n };
const limits = { cpus: 1, gpus: 1, tmpfsMiB: 1024, maxSeconds: 100 };
const basis = { memoryMiB: 1024, gflopsPerStep: 0, dataBytes: 0 };
const rates = { step: 1n, gpuSecond: 10n, memoryGiBSecond: 2n, trafficGiB: 50n };

t.test('the quote escrows the charge at the limits', (t) => {
  const p = priceRun({
    model: { unitCost: '999', baseFee: '5' },
    dataPrice: '20',
    steps: 40,
    rate,
    economics,
    charges: { rates, floors: {}, limits, basis },
  });
  // 40 steps + 100 GPU-s × 10 + 1 GiB × 100 s × 2 + 1 GiB traffic × 50 = 40 + 1000 + 200 + 50
  t.same(p.fiat, { compute: '1290', baseFee: '5', data: '20', total: '1315' });
  t.equal(p.tokens, '1315000');
  t.same(p.charges?.rates, { step: '1', gpuSecond: '10', memoryGiBSecond: '2', trafficGiB: '50' });
  t.same(p.charges?.basis, basis);
  t.equal(p.charges?.cap.gpuSecond, '100000', 'thousandths of a GPU-second');
  t.equal(p.unitCost, undefined, 'no unit cost on a by-use price');

  // settlement: 30 steps, 12.5 GPU-s, 20 s, a 256 MiB output
  const used = { steps: 30, cpuSeconds: 20, gpuSeconds: 12.5, seconds: 20, outputBytes: 256 * 1024 ** 2 };
  // 30 + 125 + 40 + 0.25 GiB × 50 = 12.5 → 207.5, rounded up to 208; + 5 + 20
  t.equal(usedTokens(p, 40, used), 233_000n);
  t.equal(usedTokens(p, 40, 30), 55_000n, 'a bare step count charges the steps only');
  const over = { steps: 400, cpuSeconds: 1e6, gpuSeconds: 1e6, seconds: 1e6, outputBytes: 1e12 };
  t.equal(usedTokens(p, 40, over), 1_315_000n, 'never more than the escrow');
  const bad = {
    steps: 30,
    cpuSeconds: Number.NaN,
    gpuSeconds: -1,
    seconds: Number.POSITIVE_INFINITY,
    outputBytes: -5,
  };
  t.equal(usedTokens(p, 40, bad), 55_000n, 'nonsense quantities count as none');

  const run = { id: 'run_x', quote: 'qt_x', buyer: 'b', seller: 's', publisher: 'p', price: p, steps: 40 };
  const { tx, settlement } = settleTransaction(run, 'm', used);
  t.equal(
    tx.postings.reduce((a, x) => a + x.amount, 0n),
    0n,
    'balanced',
  );
  t.equal(settlement.refund, String(1_315_000n - 233_000n));
  t.equal(tx.meta?.steps, '30');
  t.end();
});

t.test('the operator floors refuse a low rate', (t) => {
  t.throws(
    () =>
      priceRun({
        model: { unitCost: '1', baseFee: '0' },
        dataPrice: '0',
        steps: 1,
        rate,
        economics,
        charges: { rates, floors: { gpuSecond: 11n }, limits, basis },
      }),
    { code: 'PRICING_BELOW_FLOOR', name: 'PricingError' },
  );
  t.end();
});

t.test('seed pricing records the unit cost and its adjustment', (t) => {
  const input = { model: { unitCost: '7', baseFee: '0' }, dataPrice: '0', steps: 3, rate, economics };
  t.same(priceRun(input).unitCost, { perStep: '7', adjustment: null });
  const adjusted = priceRun({ ...input, unitCost: { perStep: 9n, adjustment: 'uca_0000000004' } });
  t.same(adjusted.unitCost, { perStep: '9', adjustment: 'uca_0000000004' });
  t.equal(adjusted.fiat.compute, '27');
  t.end();
});

t.test('who is priced by use: the model, else the operator, else nobody', (t) => {
  const descriptor = (extra: object) =>
    parseModelDescriptor({
      name: 'm',
      version: '1',
      entrypoints: { train: ['/t'] },
      metrics: ['loss'],
      unitCost: '1',
      baseFee: '0',
      benchmark: { steps: 1, seconds: 1 },
      resources: { gpus: 1, maxSeconds: 60 },
      ...extra,
    });
  const dataset = { blob: { digest: 'sha256:x', size: 4096 } };
  t.equal(
    byUseInput({ descriptor: descriptor({}) }, dataset, economics),
    undefined,
    'seed pricing by default',
  );
  const operator = parseEconomicsParameters({ pricing: { charges: { step: '3' }, floors: { step: '2' } } });
  const byOperator = byUseInput({ descriptor: descriptor({}) }, dataset, operator);
  t.same(byOperator?.rates, { step: 3n });
  t.same(byOperator?.floors, { step: 2n });
  t.same(byOperator?.limits, { cpus: 1, gpus: 1, tmpfsMiB: 1024, maxSeconds: 60 });
  t.same(byOperator?.basis, { memoryMiB: 512, gflopsPerStep: 0, dataBytes: 4096 });
  const own = descriptor({ charges: { rates: { gflop: '4' }, gflopsPerStep: 2.5 } });
  const byModel = byUseInput({ descriptor: own }, dataset, operator);
  t.same(byModel?.rates, { gflop: 4n }, "the model's own rates win");
  t.equal(byModel?.basis.gflopsPerStep, 2.5);
  t.end();
});
