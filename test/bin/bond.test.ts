/**
 * `sealgate node bond | bond-status | unbond` and `penalty appeal | decide`
 * against a real gateway on loopback (test/gateway/nodes/fixture.ts: LevelDB
 * in a temp dir, a node enrolled through the real routes over mTLS), the CLI
 * run in-process as the miner and the operator would type it: a node without
 * a bond is not schedulable; the operator credits the miner and the miner
 * posts the bond; a withdrawal is refused while the node holds a job and
 * while a penalty is pending; the miner appeals, the operator waives, and the
 * withdrawal goes through. Bad ids and amounts are one line with their code.
 */
import t from 'tap';
import { join } from 'node:path';
import type { WireJob } from '../../gateway/index.js';
import { GatewayClient, bondStatus, decidePenalty, defaultKeyPath, saveKeyFile } from '../../client/index.js';
import { generateSigningKeyPair } from '../../attest/index.js';
import type { SigningKeyPair } from '../../attest/index.js';
import { nodeMarket } from '../gateway/nodes/fixture.js';
import { json } from './market.js';
import { assertOneLine, sealgate } from './sealgate.js';

t.test('post, read, withdraw; a job and a pending penalty hold the bond; appeal and waive', async (t) => {
  const m = await nodeMarket(t, { economics: { bonds: { minimumBond: '1000', appealWindowSeconds: 3600 } } });
  const url = await m.gw.app.listen({ host: '127.0.0.1', port: 0 });
  const node = await m.node();
  const root = t.testdir();
  const home = async (name: string, key: SigningKeyPair) => {
    const dir = join(root, name);
    await saveKeyFile(defaultKeyPath(dir, 'account'), 'account', key);
    return dir;
  };
  const miner = await home('miner', m.miner.key);
  const buyer = await home('buyer', m.buyer.key);
  const op = join(m.gw.dataDir, 'operator-key.json');
  // The market's clock is frozen (started at the real time); the CLI signs with the real clock.
  const as = (who: string, ...args: string[]) => {
    m.advance(Date.now() - m.gw.app.gateway.now().getTime());
    return sealgate([...args, '--gateway', url], { SEALGATE_HOME: who });
  };
  const id = node.nodeId;

  // Checked before any request.
  for (const args of [
    ['node', 'bond', id, '0'],
    ['node', 'bond', id, '1.5'],
    ['node', 'bond', 'node_nope', '10'],
    ['node', 'unbond', id, '-3'],
    ['penalty', 'appeal', 'pen_x', '--reason', 'r'],
    ['penalty', 'decide', `pen_failed-run_job_x`],
    ['penalty', 'decide', `pen_failed-run_job_x`, '--uphold', '--waive'],
  ])
    assertOneLine(t, await as(miner, ...args), 'CLI_USAGE');

  const before = await as(miner, 'node', 'bond-status', id);
  t.equal(before.code, 0, before.stderr);
  t.match(before.stdout, /^bond +0 token base units$/m);
  t.match(
    before.stdout,
    new RegExp(`schedulable +no: bond below the minimum: post 1000 more \\(sealgate node bond ${id} 1000\\)`),
  );
  assertOneLine(t, await as(miner, 'node', 'bond', id, '1000'), 'BOND_INSUFFICIENT_FUNDS');
  assertOneLine(t, await as(buyer, 'node', 'bond-status', id), 'BOND_NOT_MINER');

  // The operator credits the miner; the miner posts the bond.
  const credited = await as(miner, 'admin', 'credit', m.miner.id, '5000', '--memo', 'bond', '--key-file', op);
  t.equal(credited.code, 0, credited.stderr);
  const posted = await as(miner, 'node', 'bond', id, '1000', '--json');
  t.equal(posted.code, 0, posted.stderr);
  t.match(json(posted.stdout), {
    nodeId: id,
    bond: '1000',
    debt: '0',
    minimumBond: '1000',
    schedulable: true,
  });
  const opView = await as(miner, 'node', 'bond-status', id, '--key-file', op);
  t.match(opView.stdout, /^schedulable +yes$/m, 'the operator reads it with --key-file');

  // Scheduled now; while it holds the job the bond stays.
  await m.startRun();
  const taken = await node.call('GET', '/v1/node/jobs?waitSeconds=0');
  t.equal(taken.status, 200, 'the bonded node is given the run');
  const job = taken.json<{ job: WireJob }>().job;
  assertOneLine(t, await as(miner, 'node', 'unbond', id, '10'), 'BOND_RUN_ACTIVE');

  // The node's own failure report proposes a penalty (failed-run: 10% of the minimum).
  const failed = await node.call('POST', `/v1/node/runs/${job.runId}/fail`, {
    jobId: job.jobId,
    code: 'RUN_NODE_ERROR',
    message: 'docker went away',
  });
  t.equal(failed.status, 200);
  const pen = `pen_failed-run_${job.jobId}`;
  const pending = await as(miner, 'node', 'bond-status', id);
  t.match(
    pending.stdout,
    new RegExp(
      `^  ${pen}  failed-run 100  proposed, appeal by \\S+  \\(RUN_NODE_ERROR, ${job.runId}\\)$`,
      'm',
    ),
  );
  assertOneLine(t, await as(miner, 'node', 'unbond', id, '10'), 'BOND_PENALTY_PENDING');

  // Appeal and waive.
  assertOneLine(
    t,
    await as(miner, 'penalty', 'decide', pen, '--waive', '--key-file', op),
    'PENALTY_NOT_APPEALED',
  );
  assertOneLine(t, await as(miner, 'penalty', 'decide', pen, '--waive'), 'AUTH_FORBIDDEN');
  const appealed = await as(miner, 'penalty', 'appeal', pen, '--reason', 'the host lost power');
  t.equal(appealed.stdout, `${pen}: appealed; the operator decides (sealgate penalty decide)\n`);
  const waived = await as(miner, 'penalty', 'decide', pen, '--waive', '--key-file', op, '--json');
  t.match(json(waived.stdout), { id: pen, state: 'waived', decision: { uphold: false } });
  assertOneLine(
    t,
    await as(miner, 'penalty', 'decide', pen, '--uphold', '--key-file', op),
    'PENALTY_DECIDED',
  );

  // Nothing holds the bond now.
  assertOneLine(t, await as(miner, 'node', 'unbond', id, '1001'), 'BOND_BAD_AMOUNT');
  const unbonded = await as(miner, 'node', 'unbond', id, '10', '--json');
  t.match(json(unbonded.stdout), { bond: '990', schedulable: false });
  t.equal(
    m.gw.app.gateway.ledger.balance(`user:${m.miner.id}`),
    4010n,
    'the withdrawal went back to the miner',
  );
});

t.test("the SDK checks each reply's shape: CLIENT_BAD_REPLY", async (t) => {
  // Replies made here: a bond whose amount is not a decimal, a penalty without its state.
  const replying = (body: unknown) =>
    new GatewayClient({
      gateway: 'http://gateway.test',
      key: generateSigningKeyPair(),
      fetch: () => Promise.resolve(Response.json(body)),
    });
  const node = `node_${'a'.repeat(32)}`;
  const bond = { nodeId: node, bond: 'lots', debt: '0', minimumBond: '1', schedulable: true, penalties: [] };
  await t.rejects(bondStatus(replying(bond), node), { code: 'CLIENT_BAD_REPLY' });
  const badPenalty = { ...bond, bond: '1', penalties: [{ id: 'pen_x' }] };
  await t.rejects(bondStatus(replying(badPenalty), node), { code: 'CLIENT_BAD_REPLY' });
  await t.rejects(decidePenalty(replying({ id: 'pen_x' }), 'pen_x', true), { code: 'CLIENT_BAD_REPLY' });
});
