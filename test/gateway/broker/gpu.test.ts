/**
 * The key broker and GPU containers (docs/guides/miner.md "A GPU
 * node"): evidence of a container the node's Docker driver created for a
 * one-GPU job — the recorded inspect document test/fixtures/inspect/driver-gpu.json
 * (record-driver-gpu.sh; created on the real dockerd, never started: no GPU
 * here) — gets its key from a broker whose profile allows a GPU (maxGpus 1,
 * and the default, 8) and is refused by one that allows none (maxGpus 0):
 * KEY_RELEASE_SANDBOX naming SANDBOX_DEVICE. Real LevelDB, the broker's node
 * routes through inject. And the options: maxGpus makes the broker's profile
 * and caps the GPUs a job asks for.
 */
import t from 'tap';
import type { Test } from 'tap';
import type { BrokerOptions } from '../../../gateway/index.js';
import { normalizeOptions } from '../../../gateway/options.js';
import { SEALED_MAX_GPUS } from '../../../policies/index.js';
import { inspectFixture } from '../../helpers/inspect-fixtures.js';
import { BrokerWorld, generateBoxKeyPair } from './world.js';

async function release(t: Test, maxGpus: number | undefined) {
  const w = await BrokerWorld.create(
    t,
    inspectFixture('driver-gpu'),
    undefined,
    maxGpus === undefined ? {} : { maxGpus },
  );
  const node = await w.node();
  const run = await w.run(node);
  const evidence = w.evidence(node, run.runId, await w.nonce(node, run), generateBoxKeyPair());
  const res = await w.sendEvidence(node, run, evidence);
  return { w, run, res };
}

t.test('the recorded container holds one GPU, requested as the driver does', (t) => {
  const doc = inspectFixture('driver-gpu');
  t.same(doc.HostConfig.DeviceRequests, [
    {
      Driver: 'nvidia',
      Count: 0,
      DeviceIDs: ['GPU-5f1c2a7e-0b1d-4c8e-9a3f-2d6b8e4c1a90'],
      Capabilities: [['gpu']],
      Options: null,
    },
  ]);
  t.equal(doc.HostConfig.Runtime, 'runc');
  t.end();
});

for (const maxGpus of [1, undefined]) {
  t.test(
    `a broker allowing ${maxGpus ?? `${SEALED_MAX_GPUS} (the default)`} GPUs releases the key`,
    async (t) => {
      const { w, run, res } = await release(t, maxGpus);
      t.equal(res.statusCode, 200, res.body);
      t.equal(res.json<{ status: string }>().status, 'released');
      t.equal(await w.runState(run.runId), 'running');
      t.equal(w.gw.app.gateway.options.broker.profile.maxGpus, maxGpus ?? SEALED_MAX_GPUS);
    },
  );
}

t.test('a broker allowing no GPU refuses it: KEY_RELEASE_SANDBOX, SANDBOX_DEVICE', async (t) => {
  const { w, run, res } = await release(t, 0);
  t.equal(res.statusCode, 403, res.body);
  const { error } = res.json<{ error: { code: string; message: string } }>();
  t.equal(error.code, 'KEY_RELEASE_SANDBOX');
  t.match(error.message, /^rule sandbox: .*SANDBOX_DEVICE at HostConfig\.DeviceRequests\[0\]/);
  t.notMatch(res.body, /wrappedKey/, 'no key in the reply');
  t.equal(await w.runState(run.runId), 'sealing', 'the run did not start');
});

t.test('options: maxGpus makes the judging profile and caps a job’s GPUs (default 8)', (t) => {
  const opts = (broker?: BrokerOptions, caps?: { gpus: number }) =>
    normalizeOptions({
      dataDir: '/unused',
      ...(broker ? { broker } : {}),
      ...(caps ? { jobLimitCaps: caps } : {}),
    });
  const dflt = opts();
  t.equal(dflt.broker.profile.maxGpus, SEALED_MAX_GPUS);
  t.equal(dflt.jobLimitCaps.gpus, 8, 'no job asks for more GPUs than the broker accepts');
  t.equal(opts({ maxGpus: 1 }).jobLimitCaps.gpus, 1);
  t.equal(opts({ maxGpus: 0 }).broker.profile.maxGpus, 0);
  t.equal(opts({ maxGpus: 0 }).jobLimitCaps.gpus, 0);
  t.equal(opts({ maxGpus: 2 }, { gpus: 4 }).jobLimitCaps.gpus, 4, 'an explicit cap wins');
  const profile = dflt.broker.profile;
  t.equal(opts({ profile }).broker.profile, profile, 'a profile given is used as is');
  t.throws(() => opts({ profile, maxGpus: 1 }), TypeError, 'not both');
  for (const bad of [-1, 1.5]) t.throws(() => opts({ maxGpus: bad }), TypeError);
  t.end();
});
