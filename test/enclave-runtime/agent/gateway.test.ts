/**
 * The agent against the real gateway's nodes listener on loopback:
 * enrollment with a real token (the pin checked against the real CA), then
 * mutual TLS heartbeats that the gateway records, and an empty long-poll. The
 * container runtime is a fake here: the sealed job end to end, with dockerd,
 * is the end-to-end test's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  NodeAgent,
  fetchCaUnverified,
  httpsNodeClient,
  loadOrEnroll,
} from '../../../enclave-runtime/index.js';
import { buildNodeApp } from '../../../gateway/index.js';
import { gatewayForTest } from '../../helpers/gateway.js';
import { FakeRuntime } from './fakes.js';
import { SUPERVISOR } from './harness.js';

t.test('enroll with a real token, then heartbeat over mTLS', async (t) => {
  const gw = await gatewayForTest(t, { nodeCaBits: 2048 });
  const nodeApp = await buildNodeApp(gw.app.gateway);
  t.teardown(() => nodeApp.close());
  await nodeApp.listen({ host: '127.0.0.1', port: 0 });
  const url = `https://127.0.0.1:${(nodeApp.server.address() as AddressInfo).port}`;
  const miner = await gw.account('miner');
  const { token } = await gw.app.gateway.nodes.registry.createToken(miner.id);

  const dataDir = await mkdtemp(join(tmpdir(), 'sg-test-agent-gw-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const identity = await loadOrEnroll(dataDir, token, {
    fetchCa: () => fetchCaUnverified(url),
    client: (caPem) => httpsNodeClient({ baseUrl: url, tls: { caPem } }),
  });
  t.match(identity.nodeId, /^node_[a-z2-7]{32}$/);

  await t.rejects(
    loadOrEnroll(await mkdtemp(join(dataDir, 'again-')), token, {
      fetchCa: () => fetchCaUnverified(url),
      client: (caPem) => httpsNodeClient({ baseUrl: url, tls: { caPem } }),
    }),
    { code: 'AGENT_ENROLL_REFUSED', gatewayCode: 'ENROLL_TOKEN_USED' },
    'a token enrolls one node, once',
  );

  const agent = new NodeAgent({
    identity,
    http: httpsNodeClient({ baseUrl: url, tls: identity.tls }),
    runtime: new FakeRuntime(),
    supervisor: SUPERVISOR,
    dataDir,
    runtimeVersion: '0.1.0',
    waitSeconds: 0,
  });
  await agent.start();
  const record = await gw.app.gateway.nodes.registry.get(identity.nodeId);
  t.equal(record.runtimeVersion, '0.1.0', 'the gateway recorded the heartbeat');
  t.ok(record.lastHeartbeat);
  await agent.stop();
});
