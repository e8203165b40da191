/**
 * A job comes with its key release's nonce (docs/sealing-figures.md,
 * node-protocol §3.1), over the real mTLS listener: the nonce is stored
 * bound to the run, the job and the node that took the job, with the
 * broker's TTL, unused; the run stays placed until the node's evidence.
 */
import t from 'tap';
import type { NonceRecord, WireJob } from '../../../gateway/index.js';
import { NONCES_SUBLEVEL } from '../../../gateway/index.js';
import { nodeMarket } from './fixture.js';

t.test('the job reply carries a fresh node-bound nonce; the run stays placed', async (t) => {
  const m = await nodeMarket(t);
  const node = await m.node();
  const run = await m.startRun();
  const res = await node.call('GET', '/v1/node/jobs?waitSeconds=0');
  t.equal(res.status, 200);
  const job = res.json<{
    job: WireJob & { nonce: { value: string; expiresAt: string; ttlSeconds: number } };
  }>().job;
  t.equal(job.runId, run.id);
  t.match(job.nonce, { value: /^[A-Za-z0-9_-]{43}$/, ttlSeconds: 60 });
  const store = m.gw.app.gateway.store;
  const record = await store.get<NonceRecord>(store.sublevel(NONCES_SUBLEVEL), job.nonce.value);
  t.match(record, { runId: run.id, jobId: job.jobId, nodeId: node.nodeId, expiresAt: job.nonce.expiresAt });
  t.notOk(record?.usedAt, 'unused');
  t.equal(
    Date.parse(job.nonce.expiresAt) - Date.parse(record?.issuedAt ?? ''),
    60_000,
    'valid for the TTL from its issue',
  );
  t.equal((await m.gw.app.gateway.runs.get(run.id)).state, 'placed');
  t.equal((await node.call('GET', '/v1/node/jobs?waitSeconds=0')).status, 204, 'no second job, no nonce');
  t.equal((await store.sublevel(NONCES_SUBLEVEL).keys().all()).length, 1, 'one nonce per job handed out');
});
