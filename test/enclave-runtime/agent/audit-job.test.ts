// The audit job as the agent parses it (docs/audit.md): it needs its audit id, the sealed
// model beside the canary set, and a loss entrypoint; the job fixture is harness.ts's.
import t from 'tap';
import { parseJob } from '../../../enclave-runtime/index.js';
import { jobBody } from './harness.js';

const MODEL = `sha256:${'b'.repeat(64)}`;

function auditBody(overrides: Record<string, unknown> = {}) {
  const base = jobBody();
  const model = base.model as { entrypoints: Record<string, string[]> };
  return {
    ...base,
    kind: 'audit',
    auditId: 'aud_1',
    modelBlob: { digest: MODEL, size: 10 },
    model: { ...model, entrypoints: { ...model.entrypoints, loss: ['/usr/bin/node', '/model/loss.js'] } },
    ...overrides,
  };
}

t.test('an audit job parses with its model blob', (t) => {
  const job = parseJob(auditBody());
  t.equal(job.kind, 'audit');
  t.equal(job.auditId, 'aud_1');
  t.same(job.modelBlob, { digest: MODEL, size: 10 });
  t.same(job.model.entrypoints.loss, ['/usr/bin/node', '/model/loss.js']);
  t.end();
});

t.test('an audit job without what it needs is refused', (t) => {
  const body = auditBody();
  const model = body.model as { entrypoints: Record<string, unknown> };
  const { loss: _loss, ...noLoss } = model.entrypoints;
  void _loss;
  for (const bad of [
    auditBody({ auditId: undefined }),
    auditBody({ modelBlob: undefined }),
    auditBody({ model: { ...model, entrypoints: noLoss } }),
  ]) {
    t.throws(() => parseJob(JSON.parse(JSON.stringify(bad))), {
      code: 'AGENT_GATEWAY',
      message: /audit job needs auditId, modelBlob and a loss entrypoint/,
    });
  }
  t.throws(() => parseJob(auditBody({ modelBlob: { digest: 'md5:x', size: 1 } })), { code: 'AGENT_GATEWAY' });
  t.end();
});
