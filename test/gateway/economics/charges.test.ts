/**
 * Resource-based charges and speed estimates (DESIGN.md 9, issue 6): the
 * rounding of a charge (thousandths up, then the total up once), the
 * operator's floors, the cap at a run's limits against its actual use, and
 * the running speed estimate with its plausibility band. Worked examples by
 * hand; a fast-check property that the cap covers any use within the limits.
 */
import t from 'tap';
import fc from 'fast-check';
import {
  PricingError,
  SPEED_DECAY,
  benchmarkSpeed,
  capUsage,
  chargeFor,
  checkRates,
  formatRates,
  observeSpeed,
  parseRates,
  runUsage,
  speedOf,
} from '../../../gateway/index.js';

t.test('a charge: thousandths rounded up, the total rounded up once', (t) => {
  t.same(chargeFor({ step: 2n, gpuSecond: 5n }, { step: 10, gpuSecond: 1.5 }), {
    total: 28n,
    milli: { step: 10000n, gpuSecond: 1500n },
  });
  // 0.0001 GPU-seconds is one thousandth (rounded up); at rate 1 that is 1/1000 of a unit: 1 unit
  t.equal(chargeFor({ gpuSecond: 1n }, { gpuSecond: 0.0001 }).total, 1n);
  t.equal(chargeFor({}, { step: 100 }).total, 0n, 'an unpriced resource is free');
  t.equal(chargeFor({ step: 3n }, {}).total, 0n, 'nothing used, nothing charged');
  t.throws(() => chargeFor({ step: 1n }, { step: -1 }), { code: 'PRICING_BAD_USAGE' });
  t.throws(() => chargeFor({ step: 1n }, { step: Number.NaN }), PricingError);
  t.end();
});

t.test('floors: every floored resource needs a rate at least the floor', (t) => {
  const floors = { step: 2n, gpuSecond: 10n };
  t.doesNotThrow(() => checkRates({ step: 2n, gpuSecond: 10n, trafficGiB: 0n }, floors));
  t.throws(() => checkRates({ step: 1n, gpuSecond: 10n }, floors), {
    code: 'PRICING_BELOW_FLOOR',
    message: 'the step rate 1 is below the floor of 2',
  });
  t.throws(() => checkRates({ step: 5n }, floors), { code: 'PRICING_BELOW_FLOOR' }, 'left out counts as 0');
  t.doesNotThrow(() => checkRates({}, {}));
  t.end();
});

const basis = { memoryMiB: 2048, gflopsPerStep: 0.5, dataBytes: 1024 ** 3 };
const limits = { cpus: 2, gpus: 1, tmpfsMiB: 1024, maxSeconds: 3600 };

t.test('the quantities of a run and of its limits', (t) => {
  t.same(runUsage({ steps: 100, cpuSeconds: 50, gpuSeconds: 40, seconds: 60 }, basis, 512 * 1024 ** 2), {
    step: 100,
    gflop: 50,
    gpuSecond: 40,
    cpuSecond: 50,
    memoryGiBSecond: 120,
    storageGiB: 0.5,
    trafficGiB: 1.5,
  });
  t.same(capUsage(1000, limits, basis), {
    step: 1000,
    gflop: 500,
    gpuSecond: 3600,
    cpuSecond: 7200,
    memoryGiBSecond: 7200,
    storageGiB: 1,
    trafficGiB: 2,
  });
  t.end();
});

t.test('property: the charge at the limits covers any use within them', (t) => {
  const rate = fc.bigInt({ min: 0n, max: 10n ** 6n });
  fc.assert(
    fc.property(
      fc.record({
        step: rate,
        gflop: rate,
        gpuSecond: rate,
        cpuSecond: rate,
        memoryGiBSecond: rate,
        storageGiB: rate,
        trafficGiB: rate,
      }),
      fc.integer({ min: 0, max: 10_000 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (rates, steps, timeShare, gpuShare, outShare) => {
        const seconds = limits.maxSeconds * timeShare;
        const used = runUsage(
          { steps, cpuSeconds: limits.cpus * seconds, gpuSeconds: limits.gpus * seconds * gpuShare, seconds },
          basis,
          limits.tmpfsMiB * 1024 * 1024 * outShare,
        );
        return chargeFor(rates, used).total <= chargeFor(rates, capUsage(steps, limits, basis)).total;
      },
    ),
    { numRuns: 300, seed: 6 },
  );
  t.pass('300 runs');
  t.end();
});

t.test('rates to and from decimal strings', (t) => {
  t.same(parseRates({ step: '3', trafficGiB: '0' }), { step: 3n, trafficGiB: 0n });
  t.same(parseRates(undefined), {});
  t.same(formatRates({ gpuSecond: 12n }), { gpuSecond: '12' });
  t.end();
});

t.test('a speed estimate: decayed sums, plausibility band', (t) => {
  const now = new Date('2026-11-29T10:00:00Z');
  t.equal(speedOf(undefined), undefined);
  t.equal(benchmarkSpeed({ steps: 100, seconds: 50 }), 2);
  const one = observeSpeed(undefined, { steps: 100, seconds: 50 }, 2, now);
  t.same(one, { steps: 100, seconds: 50, samples: 1, rejected: 0, updatedAt: now.toISOString() });
  t.equal(speedOf(one), 2);
  const two = observeSpeed(one, { steps: 300, seconds: 100 }, 2, now);
  t.equal(two.samples, 2);
  t.equal(speedOf(two), (100 * SPEED_DECAY + 300) / (50 * SPEED_DECAY + 100), 'duration-weighted, decayed');
  // implausible receipts are counted and ignored
  for (const bad of [
    { steps: 0, seconds: 10 },
    { steps: 10, seconds: 0 },
    { steps: 201 * 100, seconds: 100 }, // 201 steps/s against a reference of 2: more than 100x
    { steps: 1, seconds: 51 }, // under 1/100 of the reference
    { steps: Number.POSITIVE_INFINITY, seconds: 1 },
  ]) {
    const after = observeSpeed(two, bad, 2, now);
    t.equal(after.rejected, 1, JSON.stringify(bad));
    t.equal(speedOf(after), speedOf(two));
  }
  t.equal(
    speedOf(observeSpeed(undefined, { steps: 1, seconds: 0 }, 2, now)),
    undefined,
    'no accepted receipt',
  );
  // the band's edges are inside it
  t.equal(observeSpeed(undefined, { steps: 200, seconds: 1 }, 2, now).samples, 1);
  t.equal(observeSpeed(undefined, { steps: 1, seconds: 50 }, 2, now).samples, 1);
  t.end();
});
