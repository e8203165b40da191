/**
 * A buyer's hyperparameters reach the node (issue 4, docs/hyperparameters.md):
 * the job handed out over the real mTLS listener carries the quote's
 * hyperparameters in `params.hyperparameters`, and `{}` when none were given.
 */
import t from 'tap';
import type { WireJob } from '../../../gateway/index.js';
import { nodeMarket } from './fixture.js';

t.test("the job's params carry the buyer's hyperparameters", async (t) => {
  const m = await nodeMarket(t);
  const node = await m.node();
  const hp = { host: '198.51.100.7', port: 9, verbose: true };
  const run = await m.startRun(10, hp);
  const res = await node.call('GET', '/v1/node/jobs?waitSeconds=0');
  t.equal(res.status, 200, res.body.toString());
  const job = res.json<{ job: WireJob }>().job;
  t.equal(job.runId, run.id);
  t.same(job.params, { steps: 10, hyperparameters: hp });

  const bare = await m.startRun(10);
  const next = await node.call('GET', '/v1/node/jobs?waitSeconds=0');
  const second = next.json<{ job: WireJob }>().job;
  t.equal(second.runId, bare.id);
  t.same(second.params, { steps: 10, hyperparameters: {} }, 'none given: an empty object');
});
