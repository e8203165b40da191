/**
 * Issue 4's first check, on the real parts: the reference model trains on the
 * synthetic dataset in a sealed container, its metrics reach the buyer live
 * (server-sent events), the sealed model is stored, sealed inference answers,
 * and the buyer gets 403 for the model blob and has no route to any key.
 * While it runs, the container's inspect document shows every sandbox setting.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { evaluateSandbox, sealedSandboxProfile } from '../../policies/index.js';
import { defaultKeyPath, getRun, saveKeyFile } from '../../client/index.js';
import { REFERENCE_MODEL, SealedWorld, supervisor } from './world.js';

/** The built CLI, from dist/test/e2e. */
const BIN = fileURLToPath(new URL('../../bin/sealgate.js', import.meta.url));

/** Run `sealgate ARGS...` to completion. */
function sealgate(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

t.test('a sealed training run, live metrics, the sealed model and sealed inference', async (t) => {
  const world = await SealedWorld.create(t);
  const model = await world.publishModel(REFERENCE_MODEL, 'sealgate-test/reference:e2e');
  const dataset = await world.listDataset({ rows: 600, models: [model.digest] });
  const node = await world.node();

  const run = await world.startRun(dataset.id, model.id, 60);
  const events = world.follow(run.id);

  // While it runs: the container Docker made is sealed, per its own inspect document.
  let inspected = false;
  for (let i = 0; i < 600 && !inspected; i++) {
    const [c] = await world.docker.listContainers({ filters: { label: [`sealgate.run=${run.id}`] } });
    if (c) {
      const doc = (await world.docker.getContainer(c.Id).inspect()) as unknown as {
        HostConfig: Record<string, unknown>;
        Config: { User: string };
        State: { Running: boolean };
      };
      const bundle = await supervisor();
      const violations = evaluateSandbox(doc, sealedSandboxProfile({ entrypoint: bundle.entrypoint }));
      t.same(violations, [], 'the running container passes the sandbox profile');
      const h = doc.HostConfig;
      t.equal(h.NetworkMode, 'none');
      t.equal(h.ReadonlyRootfs, true);
      t.same(h.CapDrop, ['ALL']);
      t.ok((h.SecurityOpt as string[]).includes('no-new-privileges'));
      t.ok(
        (h.SecurityOpt as string[]).some((o) => o.startsWith('seccomp={')),
        "sealgate's seccomp profile",
      );
      t.ok((h.PidsLimit as number) > 0 && (h.Memory as number) > 0 && (h.NanoCpus as number) > 0);
      t.equal(doc.Config.User, '65534:65534');
      t.same(Object.keys(h.Tmpfs as object).sort(), ['/sealed/input', '/sealed/output', '/tmp']);
      t.same(h.DeviceRequests ?? [], [], 'no GPU asked, none given');
      inspected = true;
    } else await new Promise((r) => setTimeout(r, 100));
  }
  t.ok(inspected, 'saw the running container');

  const done = await world.waitRun(run.id, ['settled', 'failed', 'cancelled', 'flagged']);
  t.equal(done.state, 'settled', `the run settled (${JSON.stringify(done.reason ?? null)})`);
  const seen = await events;
  const metrics = seen.filter((e) => e.type === 'metric');
  t.ok(metrics.length >= 2, `metrics reached the buyer (${metrics.length})`);
  const settledAt = seen.find((e) => JSON.stringify(e.data).includes('"settled"'))?.at ?? Infinity;
  t.ok(metrics[0].at < settledAt, 'the first metric came before the run ended: live');
  const losses = metrics
    .map((e) => e.data as { metric?: string; value?: number; data?: { metric?: string; value?: number } })
    .map((d) => d.data ?? d)
    .filter((d) => d.metric === 'loss')
    .map((d) => d.value!);
  t.ok(losses.length >= 2 && losses.at(-1)! < losses[0], `the loss fell (${losses[0]} → ${losses.at(-1)})`);

  const record = await getRun(world.buyer.client, run.id);
  t.equal(record.state, 'settled');
  t.ok(
    node.events.some((e) => e.kind === 'key-released'),
    'the key was released to the container',
  );

  // The sealed model: stored, but the buyer can neither fetch it nor any key.
  await t.rejects(
    world.buyer.client.request('GET', `/v1/runs/${run.id}/model`, { signed: true }),
    { code: 'RUN_MODEL_SEALED', status: 403 },
    'the buyer gets 403 for the sealed model',
  );
  const view = await world.buyer.client.request('GET', `/v1/runs/${run.id}`, { signed: true });
  t.notOk(JSON.stringify(view).includes('wrappedKey'), 'the run view carries no key');
  const keyRoute = await fetch(`${world.gateway.url}/v1/node/runs/${run.id}/nonce`, { method: 'POST' });
  t.equal(keyRoute.status, 404, 'the public API has no key or nonce route at all');

  // Sealed inference: a predict container gets the model key only after attestation, and answers.
  const rows = dataset.csv.split('\n').slice(1, 4).filter(Boolean);
  const header = dataset.csv.split('\n')[0].split(',');
  const queries = rows
    .map((r) =>
      Object.fromEntries(r.split(',').map((v, i) => [header[i], Number.isNaN(Number(v)) ? v : Number(v)])),
    )
    .map((q) => JSON.stringify(q))
    .join('\n');
  const asked = await world.buyer.client.request<{ inferenceId: string }>(
    'POST',
    `/v1/runs/${run.id}/infer`,
    {
      body: { inputs: `${queries}\n` },
      signed: true,
    },
  );
  let answer: { state: string; answers?: number[] } = { state: 'queued' };
  for (let i = 0; i < 600 && !['answered', 'failed'].includes(answer.state); i++) {
    await new Promise((r) => setTimeout(r, 200));
    answer = await world.buyer.client.request('GET', `/v1/inferences/${asked.inferenceId}`, { signed: true });
  }
  t.equal(answer.state, 'answered', JSON.stringify(answer));
  t.equal(answer.answers?.length, 3, 'one answer per query');
  t.ok(
    answer.answers?.every((p) => p >= 0 && p <= 1),
    'probabilities',
  );

  // The same through the CLI, as a buyer would type it.
  const home = join(world.dir, 'buyer-home');
  await saveKeyFile(defaultKeyPath(home, 'account'), 'account', world.buyer.key);
  const queryFile = join(world.dir, 'queries.jsonl');
  await writeFile(queryFile, `${queries}\n`);
  const cli = await sealgate([
    'infer',
    run.id,
    '--input',
    queryFile,
    '--json',
    '--gateway',
    world.gateway.url,
    '--home',
    home,
  ]);
  t.equal(cli.code, 0, cli.stderr);
  const printed = JSON.parse(cli.stdout) as { answers: number[] };
  t.equal(printed.answers.length, 3, 'sealgate infer prints one answer per query');
  await writeFile(queryFile, 'not json\n');
  const bad = await sealgate([
    'infer',
    run.id,
    '--input',
    queryFile,
    '--gateway',
    world.gateway.url,
    '--home',
    home,
  ]);
  t.not(bad.code, 0);
  t.match(
    bad.stderr.trim(),
    /^[^\n]*line 1 is not JSON[^\n]*$/,
    'a bad query file is one line, before any request',
  );

  // The blob store refuses the buyer the sealed model's bytes.
  const digest =
    (record as unknown as { output?: { digest: string } }).output?.digest ?? 'sha256:' + '0'.repeat(64);
  await t.rejects(
    world.buyer.client.request('GET', `/v1/blobs/${digest}`, { signed: true }),
    { code: 'BLOB_NODES_ONLY', status: 403 },
    'the buyer gets 403 for the model blob',
  );

  t.equal(await world.containersLeft(), 0, 'no container left behind');
});
