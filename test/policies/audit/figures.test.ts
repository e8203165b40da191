/** The canary audit's figures (docs/audit.md): small cases worked by hand, and properties over random losses. */
import t from 'tap';
import { exposure, judgeAudit, membership, parseEgressPolicy } from '../../../policies/index.js';

// A seeded generator for the property tests (xorshift32, Marsaglia 2003), so a failure repeats.
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

t.test('exposure by hand: M = 3 held-out, log2(4) = 2 bits at most', (t) => {
  const e = exposure([0.1, 2.5, 9, 2], [1, 2, 3]);
  // 0.1: below all, rank 1 -> 2 bits; 2.5: above 1 and 2, rank 3 -> 2 - log2 3;
  // 9: above all, rank 4 -> 0; 2: above 1, tie with 2 -> rank 2.5 -> 2 - log2 2.5.
  t.same(e.perCanary, [2, 2 - Math.log2(3), 0, 2 - Math.log2(2.5)]);
  t.equal(e.maxPossible, 2);
  t.equal(e.max, 2);
  t.equal(e.mean, (2 + 2 - Math.log2(3) + 0 + 2 - Math.log2(2.5)) / 4);
  t.end();
});

t.test('membership by hand', (t) => {
  // Perfectly separated: every planted loss below every held-out one.
  t.same(membership([0.1, 0.2], [1, 2, 3]), { auc: 1, advantage: 1 });
  // Reversed: AUC 0, and no threshold does better than chance.
  t.same(membership([5, 6], [1, 2]), { auc: 0, advantage: 0 });
  // All equal: every pair a tie.
  t.same(membership([1, 1], [1, 1, 1]), { auc: 0.5, advantage: 0 });
  // planted [1, 3], held-out [2, 4]: pairs (1<2, 1<4, 3>2, 3<4) = 3/4; threshold 1: TPR 1/2, FPR 0.
  t.same(membership([1, 3], [2, 4]), { auc: 0.75, advantage: 0.5 });
  t.end();
});

t.test('losses that give no figure are refused', (t) => {
  t.throws(() => exposure([], [1]), { name: 'AuditFigureError', code: 'AUDIT_NO_LOSSES' });
  t.throws(() => membership([1], []), { name: 'AuditFigureError', code: 'AUDIT_NO_LOSSES' });
  t.throws(() => exposure([NaN], [1]), { code: 'AUDIT_LOSS_NOT_FINITE' });
  t.throws(() => membership([1], [Infinity]), { code: 'AUDIT_LOSS_NOT_FINITE' });
  t.end();
});

t.test('properties over random losses', (t) => {
  const next = random(7);
  for (let round = 0; round < 200; round++) {
    const n = 1 + Math.floor(next() * 20);
    const m = 1 + Math.floor(next() * 80);
    // Coarse values, so that ties happen.
    const draw = () => Math.round(next() * 10) / 2;
    const planted = Array.from({ length: n }, draw);
    const heldOut = Array.from({ length: m }, draw);
    const e = exposure(planted, heldOut);
    const mi = membership(planted, heldOut);
    // Bounds.
    if (!e.perCanary.every((x) => x >= -1e-12 && x <= e.maxPossible + 1e-12)) t.fail('exposure out of range');
    if (mi.auc < 0 || mi.auc > 1 || mi.advantage < 0 || mi.advantage > 1) t.fail('membership out of range');
    // AUC = mean over planted of the fraction of held-out above it (ties half), i.e. 1 - (rank - 1/2 ... ) by brute force.
    let wins = 0;
    for (const p of planted) for (const h of heldOut) wins += p < h ? 1 : p === h ? 0.5 : 0;
    if (Math.abs(mi.auc - wins / (n * m)) > 1e-12) t.fail('AUC is not Mann-Whitney');
    // Swapping the sides mirrors the AUC.
    if (Math.abs(membership(heldOut, planted).auc - (1 - mi.auc)) > 1e-12) t.fail('AUC does not mirror');
    // Advantage by brute force over every threshold.
    let best = 0;
    for (const th of [...planted, ...heldOut]) {
      const tpr = planted.filter((x) => x <= th).length / n;
      const fpr = heldOut.filter((x) => x <= th).length / m;
      best = Math.max(best, tpr - fpr);
    }
    if (Math.abs(mi.advantage - best) > 1e-12) t.fail('advantage is not max(TPR - FPR)');
    // Lowering a planted loss never lowers its exposure.
    const lowered = exposure(
      planted.map((x) => x - 1),
      heldOut,
    );
    if (!lowered.perCanary.every((x, i) => x >= e.perCanary[i] - 1e-12)) t.fail('exposure is not monotone');
  }
  t.pass('200 random cases');
  t.end();
});

t.test('the judgement and the egress policy thresholds', (t) => {
  const policy = parseEgressPolicy({});
  t.same(policy.audit, { maxMeanExposureBits: 3, maxAuc: 0.75 });
  const low = { exposure: exposure([3], [1, 2, 4, 5]), membership: membership([3], [1, 2, 4, 5]) };
  t.same(judgeAudit(low, policy.audit), { pass: true, reasons: [] });
  const high = { exposure: exposure([0], [1, 2, 4, 5]), membership: membership([0], [1, 2, 4, 5]) };
  const verdict = judgeAudit(high, { maxMeanExposureBits: 1, maxAuc: 0.75 });
  t.equal(verdict.pass, false);
  t.match(verdict.reasons, [/exposure 2\.32 bits is above 1/, /AUC 1\.000 is above 0\.75/]);
  t.throws(() => parseEgressPolicy({ audit: { maxAuc: 2 } }), {
    code: 'POLICY_INVALID',
    path: '/audit/maxAuc',
  });
  t.end();
});
