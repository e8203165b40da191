import t from 'tap';
import { computeVerdict } from '../../../attest/index.js';
import { body } from './fixture.js';

t.test('an honest body passes', (t) => {
  t.same(computeVerdict(body()), { pass: true, reasons: [] });
  t.end();
});

t.test('each part fails for its own reason, naming the rule', (t) => {
  const b = body();
  const reasons = (x: object) => computeVerdict({ ...b, ...x }).reasons;
  t.same(reasons({ evidence: { document: null, judgements: [] } }), [
    'evidence: no key was released for this run',
  ]);
  t.same(
    reasons({
      evidence: {
        document: {},
        judgements: [
          { rule: 'nonce', ok: false, code: 'EVIDENCE_NONCE_MISMATCH', message: 'm' },
          { rule: 'time', ok: false, message: 'm' },
        ],
      },
    }),
    ['evidence rule nonce: EVIDENCE_NONCE_MISMATCH', 'evidence rule time: failed'],
  );
  t.same(reasons({ sandbox: { inspectDigest: null, violations: [], profile: 'p' } }), [
    'sandbox: the container was not measured',
  ]);
  t.same(
    reasons({
      sandbox: {
        inspectDigest: 'd',
        violations: [{ code: 'SANDBOX_NETWORK', path: 'HostConfig.NetworkMode' }],
        profile: 'p',
      },
    }),
    ['sandbox rule SANDBOX_NETWORK at HostConfig.NetworkMode'],
  );
  t.same(
    reasons({ rescan: { at: 'x', flags: [{ rule: 'exact', seqs: [4, 5], token: 'ab', decoder: 'hex' }] } }),
    ['rescan rule exact: records 4,5 (hex)'],
  );
  const audit = b.audit as Exclude<typeof b.audit, { skipped: string }>;
  t.same(reasons({ audit: { ...audit, exposure: { ...audit.exposure, mean: 2.5 } } }), [
    'audit rule maxMeanExposureBits: mean exposure 2.5 > 2',
  ]);
  t.same(reasons({ audit: { ...audit, membership: { auc: 0.9, advantage: 0.8 } } }), [
    'audit rule maxAuc: membership AUC 0.9 > 0.7',
  ]);
  t.end();
});

t.test('which egress flags fail: a stop or drop of exact, canary, nearBlock, budget, schema', (t) => {
  const b = body();
  const egress = b.egress as Exclude<typeof b.egress, { skipped: string }>;
  const flag = (rule: string, action: string) => ({
    seq: 7,
    rule,
    action,
    entry: {} as never,
    proof: {} as never,
  });
  const reasons = (rule: string, action: string) =>
    computeVerdict({ ...b, egress: { ...egress, flags: [flag(rule, action)] } }).reasons;
  for (const rule of ['exact', 'canary', 'nearBlock', 'budget', 'schema'])
    for (const action of ['stop', 'drop'])
      t.same(reasons(rule, action), [`egress rule ${rule}: record 7 (${action})`]);
  t.same(reasons('nearFlag', 'flag'), []);
  t.same(reasons('exact', 'flag'), []);
  t.end();
});
