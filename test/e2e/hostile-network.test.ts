/**
 * Issue 4's hostile images, network part, on the real parts (test/e2e/world.ts):
 * each hostile model (test/fixtures/models, docs/models.md) is published, a
 * dataset lists it, and a buyer quotes and runs it with hyperparameters aimed
 * at the host. The probe the buyer sees names why it failed: seccomp refuses
 * socket(AF_INET) with EPERM, so no TCP connection and no DNS query leaves
 * the sealed container. After each run nothing is left: no container and no
 * job directory on the node.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { constants } from 'node:os';
import t from 'tap';
import { SealedWorld, hostIPv4, metricValues, publishHostile } from './world.js';

const EPERM = -constants.errno.EPERM;

t.test('hostile network models, sealed', async (t) => {
  const world = await SealedWorld.create(t);
  const tcp = await publishHostile(world, 'tcp-connect');
  const dns = await publishHostile(world, 'dns-lookup');
  const inet = await publishHostile(world, 'socket-inet');
  const dataset = await world.listDataset({ rows: 20, models: [tcp.digest, dns.digest, inet.digest] });
  const node = await world.node();

  t.test('tcp-connect: a TCP connection to a listener on the host is refused (EPERM)', async (t) => {
    const host = hostIPv4();
    if (!host) {
      t.comment('skipped: the host has no non-loopback IPv4 address to aim at');
      return;
    }
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;

    const { run, events } = await world.trade(dataset.id, tcp.id, {
      hyperparameters: { host, port, timeoutMs: 5000 },
    });
    t.same(
      metricValues(events, 'probe'),
      [EPERM],
      `the buyer sees probe -1 (EPERM) aiming at ${host}:${port}`,
    );
    t.equal(connections, 0, 'the listener got no connection');
    t.equal(run.state, 'settled', 'the model reported and exited 0: the run settles');
    await world.assertClean(t, node);
  });

  t.test('dns-lookup: no name resolves, and no query reaches the host', async (t) => {
    // A UDP listener on the host's port 53, if it is free, to see that no query arrives.
    let queries = 0;
    const udp = createSocket('udp4');
    udp.on('message', () => queries++);
    const listening = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(53, '0.0.0.0', () => resolve(true));
    });
    t.teardown(() => new Promise<void>((resolve) => (listening ? udp.close(() => resolve()) : resolve())));

    const { run, events } = await world.trade(dataset.id, dns.id, {
      hyperparameters: { name: 'sealgate-hostile-probe.example.com', timeoutMs: 10_000 },
    });
    const probes = metricValues(events, 'probe');
    t.equal(probes.length, 1, 'one probe reached the buyer');
    const [probe] = probes;
    // docs/models.md: a getaddrinfo failure (libuv's UV_EAI_* -3000..-3014) or -errno such as EPERM
    const eai = probe <= -3000 && probe >= -3014;
    const errno = probe < 0 && probe > -3000 && probe !== -constants.errno.ETIMEDOUT;
    t.ok(eai || errno, `the lookup failed with an EAI code or errno (${probe}), not resolved, not timed out`);
    if (listening) t.equal(queries, 0, 'the UDP listener on host port 53 got no query');
    // else: port 53 is taken on this host (a resolver runs there); the probe alone stands.
    t.equal(run.state, 'settled');
    await world.assertClean(t, node);
  });

  t.test('socket-inet: socket(AF_INET) is refused by seccomp (EPERM)', async (t) => {
    const { run, events } = await world.trade(dataset.id, inet.id, { hyperparameters: { port: 0 } });
    t.same(metricValues(events, 'probe'), [EPERM], 'the buyer sees probe -1 (EPERM)');
    t.equal(run.state, 'settled');
    await world.assertClean(t, node);
  });
});
