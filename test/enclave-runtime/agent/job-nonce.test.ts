/**
 * The key release in one round trip (docs/sealing-figures.md): a job that
 * carries its own nonce sends evidence over it as soon as the supervisor says
 * hello; a job nonce older than half its TTL (by the agent's clock) is not
 * used, and a job nonce the gateway finds expired is replaced once by a fresh
 * one. Fakes (fakes.ts); the gateway's side is in test/gateway/broker/job-nonce.test.ts.
 */
import t from 'tap';
import { parseEvidence } from '../../../attest/index.js';
import { AgentError, freshJobNonce, parseJob } from '../../../enclave-runtime/index.js';
import type { Clock } from '../../../enclave-runtime/index.js';
import { NOW, harness, jobBody } from './harness.js';

// A value shaped like the broker's nonces (32 random bytes, base64url); made up for these tests.
const JOB_NONCE = 'am9iLW5vbmNlLWpvYi1ub25jZS1qb2Itbm9uY2UtMDE';
// The fake gateway's own /nonce reply (fakes.ts).
const ASKED_NONCE = 'bm9uY2Utbm9uY2Utbm9uY2U';

const withNonce = (ttlSeconds = 60) => jobBody({ nonce: { value: JOB_NONCE, ttlSeconds, expiresAt: 'x' } });
const evidenceNonces = (calls: { path: string; body: unknown }[]) =>
  calls
    .filter((c) => c.path.endsWith('/evidence'))
    .map((c) => parseEvidence((c.body as { evidence: unknown }).evidence).body.nonce);

// The frozen NOW at the job's arrival, then `laterMs` after it for every later reading.
function steppingClock(laterMs: number): Clock {
  let first = true;
  return {
    now: () => {
      const at = first ? NOW : new Date(NOW.getTime() + laterMs);
      first = false;
      return at;
    },
  };
}

t.test("a fresh job nonce: no nonce request, the evidence carries the job's nonce", async (t) => {
  const h = await harness(t);
  t.equal(await h.runner(withNonce()).run(), 'ok');
  t.notOk(
    h.gateway.paths().some((p) => p.endsWith('/nonce')),
    'no nonce was asked for',
  );
  t.same(evidenceNonces(h.gateway.calls), [JOB_NONCE]);
  t.ok(
    h.events.some((e) => e.kind === 'hello'),
    'the hello event is stamped',
  );
});

t.test('a job nonce older than half its TTL is not used: the agent asks for one', async (t) => {
  const h = await harness(t);
  t.equal(await h.runner(withNonce(60), [], steppingClock(30_000)).run(), 'ok');
  t.ok(h.gateway.paths().includes('POST /v1/node/runs/run_1/nonce'));
  t.same(evidenceNonces(h.gateway.calls), [ASKED_NONCE]);
});

t.test('a job nonce the gateway finds expired is replaced once by a fresh one', async (t) => {
  const h = await harness(t);
  let refusals = 0;
  h.gateway.on(/\/evidence$/, () =>
    refusals++ === 0
      ? { status: 403, body: { error: { code: 'NONCE_EXPIRED', message: 'rule nonce: expired' } } }
      : undefined,
  );
  t.equal(await h.runner(withNonce()).run(), 'ok');
  t.same(evidenceNonces(h.gateway.calls), [JOB_NONCE, ASKED_NONCE], 'job nonce, then a fresh one');
  t.equal(h.gateway.paths().filter((p) => p.endsWith('/nonce')).length, 1);
});

t.test('any other refusal of the job nonce is final: RUN_KEY_REFUSED, no second try', async (t) => {
  const h = await harness(t);
  h.gateway.on(/\/evidence$/, () => ({
    status: 403,
    body: { error: { code: 'NONCE_REPLAYED', message: 'rule nonce: used' } },
  }));
  t.equal(await h.runner(withNonce()).run(), 'RUN_KEY_REFUSED');
  t.same(evidenceNonces(h.gateway.calls), [JOB_NONCE]);
  const fail = h.gateway.calls.find((c) => c.path.endsWith('/fail'))?.body as {
    code: string;
    message: string;
  };
  t.equal(fail.code, 'RUN_KEY_REFUSED');
  t.match(fail.message, /NONCE_REPLAYED/);
  t.same(await h.leftovers(), [], 'the job directory is deleted');
});

t.test('an asked-for nonce that expires is not retried', async (t) => {
  const h = await harness(t);
  h.gateway.on(/\/evidence$/, () => ({
    status: 403,
    body: { error: { code: 'NONCE_EXPIRED', message: 'rule nonce: expired' } },
  }));
  t.equal(await h.runner().run(), 'RUN_KEY_REFUSED');
  t.equal(evidenceNonces(h.gateway.calls).length, 1);
});

t.test('freshJobNonce: half the TTL, by the agent clock', (t) => {
  const job = { nonce: { value: JOB_NONCE, ttlSeconds: 60 } };
  const at = (ms: number) => ({ assignedAt: NOW, clock: { now: () => new Date(NOW.getTime() + ms) } });
  t.equal(freshJobNonce(at(0), job), JOB_NONCE);
  t.equal(freshJobNonce(at(29_999), job), JOB_NONCE);
  t.equal(freshJobNonce(at(30_000), job), undefined, 'half the TTL is gone');
  t.equal(freshJobNonce(at(-1), job), undefined, 'the clock went back: not trusted');
  t.equal(freshJobNonce(at(0), {}), undefined, 'no job nonce');
  t.end();
});

t.test('a malformed job nonce makes the job unparseable', (t) => {
  for (const nonce of [
    { value: JOB_NONCE, ttlSeconds: 0 },
    { value: 'short', ttlSeconds: 60 },
    { ttlSeconds: 60 },
  ]) {
    t.throws(() => parseJob(jobBody({ nonce })), AgentError);
    t.throws(() => parseJob(jobBody({ nonce })), { code: 'AGENT_GATEWAY' });
  }
  t.end();
});
