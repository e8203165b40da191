import t from 'tap';
import fc from 'fast-check';
import { parseEconomicsParameters } from '../../../policies/index.js';
import {
  appealDeadline,
  appealPhase,
  penaltyAmount,
  repayFirst,
  splitPenalty,
  takePenalty,
} from '../../../gateway/index.js';

// The penalty schedule, the appeal window, the split and the debt arithmetic
// (gateway/economics/penalties.ts), worked by hand from the defaults in
// policies/documents/economics.ts: offline 5% + 1%/further started hour, cap 50%;
// failed run 10%; forged evidence 100%; the buyer gets 50%.

const bonds = parseEconomicsParameters({
  bonds: { minimumBond: '1000000', appealWindowSeconds: 3600 },
}).bonds;

t.test('the schedule by cause and duration', (t) => {
  t.equal(penaltyAmount('offline', 0, bonds), 50_000n, 'an outage of 0 s is one started hour');
  t.equal(penaltyAmount('offline', 1, bonds), 50_000n);
  t.equal(penaltyAmount('offline', 3600, bonds), 50_000n, 'exactly one hour');
  t.equal(penaltyAmount('offline', 3601, bonds), 60_000n, 'a second started hour');
  t.equal(penaltyAmount('offline', 5400, bonds), 60_000n);
  t.equal(penaltyAmount('offline', 10 * 3600, bonds), 140_000n, 'ten hours: base + 9 × 1%');
  t.equal(penaltyAmount('offline', 46 * 3600, bonds), 500_000n, '46 hours reaches the 50% cap');
  t.equal(penaltyAmount('offline', 1000 * 3600, bonds), 500_000n, 'never above the cap');
  t.equal(penaltyAmount('failed-run', 99_999, bonds), 100_000n, 'a failed run ignores the duration');
  t.equal(penaltyAmount('forged-evidence', 0, bonds), 1_000_000n, 'forged evidence: the whole minimum bond');
  t.throws(() => penaltyAmount('offline', -1, bonds), TypeError);
  t.throws(() => penaltyAmount('offline', Number.NaN, bonds), TypeError);
  t.end();
});

t.test('amounts round down to a base unit', (t) => {
  const odd = parseEconomicsParameters({ bonds: { minimumBond: '999', offlineBasePpm: 333_333 } }).bonds;
  t.equal(penaltyAmount('offline', 0, odd), 332n, '999 × 0.333333 = 332.99… → 332');
  t.equal(penaltyAmount('failed-run', 0, odd), 99n, '999 × 0.1 = 99.9 → 99');
  const none = parseEconomicsParameters({ bonds: { minimumBond: '0' } }).bonds;
  t.equal(penaltyAmount('forged-evidence', 0, none), 0n, 'no minimum bond: no penalty');
  t.end();
});

t.test('the appeal window: open strictly before the deadline, closed from it on', (t) => {
  const at = new Date('2026-11-29T10:00:00Z');
  const deadline = appealDeadline(at, bonds);
  t.equal(deadline.toISOString(), '2026-11-29T11:00:00.000Z');
  t.equal(appealPhase(at, at, bonds), 'open');
  t.equal(appealPhase(at, new Date(deadline.getTime() - 1), bonds), 'open', '1 ms before');
  t.equal(appealPhase(at, deadline, bonds), 'closed', 'at the deadline');
  t.equal(appealPhase(at, new Date(deadline.getTime() + 86_400_000), bonds), 'closed');
  t.end();
});

t.test('the split: the buyer gets the rounded-down share, the platform the rest', (t) => {
  t.same(splitPenalty(100n, bonds), { buyer: 50n, platform: 50n });
  t.same(splitPenalty(101n, bonds), { buyer: 50n, platform: 51n }, 'the platform takes the odd unit');
  t.same(splitPenalty(0n, bonds), { buyer: 0n, platform: 0n });
  const third = parseEconomicsParameters({ bonds: { buyerSharePpm: 333_333 } }).bonds;
  t.same(splitPenalty(10n, third), { buyer: 3n, platform: 7n });
  t.throws(() => splitPenalty(-1n, bonds), TypeError);
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 10n ** 30n }),
      fc.integer({ min: 0, max: 1_000_000 }),
      (amount, ppm) => {
        const s = splitPenalty(amount, { ...bonds, buyerSharePpm: ppm });
        return s.buyer + s.platform === amount && s.buyer >= 0n && s.platform >= 0n;
      },
    ),
  );
  t.end();
});

t.test('a penalty larger than the bond takes the bond and leaves the rest as debt', (t) => {
  t.same(takePenalty(300n, 1000n), { fromBond: 300n, debt: 0n }, 'smaller: from the bond');
  t.same(takePenalty(1000n, 1000n), { fromBond: 1000n, debt: 0n }, 'equal: the whole bond, no debt');
  t.same(takePenalty(1300n, 1000n), { fromBond: 1000n, debt: 300n }, 'larger: debt, never a skip');
  t.same(takePenalty(50n, 0n), { fromBond: 0n, debt: 50n }, 'no bond: all debt');
  t.throws(() => takePenalty(-1n, 0n), TypeError);
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 10n ** 24n }), fc.bigInt({ min: 0n, max: 10n ** 24n }), (a, b) => {
      const x = takePenalty(a, b);
      return x.fromBond + x.debt === a && x.fromBond <= b && (x.debt === 0n || x.fromBond === b);
    }),
  );
  t.end();
});

t.test('debt is paid first from money coming in', (t) => {
  t.same(repayFirst(100n, 30n), { toDebt: 30n, rest: 70n });
  t.same(repayFirst(20n, 30n), { toDebt: 20n, rest: 0n });
  t.same(repayFirst(100n, 0n), { toDebt: 0n, rest: 100n });
  t.throws(() => repayFirst(1n, -1n), TypeError);
  t.end();
});
