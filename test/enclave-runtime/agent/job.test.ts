/**
 * The job sequence with fakes (fakes.ts): its order, what each report
 * carries, and that every outcome removes the container and the job
 * directory. Security properties are proven against the real driver, not here.
 */
import t from 'tap';
import type { Test } from 'tap';
import {
  canonicalizeBytes,
  verifyDetached,
  base64ToBytes,
  parseEvidence,
  softwareVerifier,
} from '../../../attest/index.js';
import { USAGE_RECEIPT_LABEL, verifyUsageReceipt } from '../../../attest/index.js';
import type { SignedUsageReceipt } from '../../../attest/index.js';
import {
  SEALGATE_SECCOMP_JSON,
  seccompProfileDigest,
  securityConfigDigest,
} from '../../../policies/index.js';
import type { SeccompProfileJson } from '../../../policies/index.js';
import { createAgentLogger } from '../../../enclave-runtime/index.js';
import { OUTPUT, defaultMessages, sealedInspect, sha } from './fakes.js';
import { DATA, IMAGE, NOW, SUPERVISOR, harness, jobBody } from './harness.js';

t.test(
  'a train job runs in order, reports complete with a verifiable receipt, and leaves nothing',
  async (t) => {
    const h = await harness(t);
    const outcome = await h.runner().run();
    t.equal(outcome, 'ok');
    t.same(h.runtime.log, [`ensureImage ${IMAGE}`, 'createSealed', 'attach', 'start', 'inspect', 'remove']);
    t.same(h.gateway.paths(), [
      `GET /v1/node/blobs/${sha(DATA)}`,
      'POST /v1/node/runs/run_1/nonce',
      'POST /v1/node/runs/run_1/evidence',
      `PUT /v1/node/blobs/${sha(OUTPUT)}`,
      'POST /v1/node/runs/run_1/egress',
      'POST /v1/node/runs/run_1/complete',
    ]);
    t.ok(h.gateway.uploads.get(sha(OUTPUT))?.equals(OUTPUT), 'the sealed output is uploaded byte for byte');
    const spec = h.runtime.specs[0];
    t.equal(spec.image, IMAGE);
    t.equal(spec.binds.supervisor, SUPERVISOR.path);
    t.match(spec.binds.ciphertext, /jobs\/job_1\/ciphertext$/);
    t.notOk(spec.gpuDeviceIds, 'no GPUs unless asked');

    const run = h.runtime.run!;
    t.equal(run.mode, 'train');
    t.same(run.command, ['/usr/bin/node', '/model/train.js']);
    t.same(run.metrics, ['loss', 'accuracy']);
    t.equal(run.wrappedKey, 'd3JhcHBlZA==');
    t.same(run.params, { steps: 2, hyperparameters: { lr: 0.1 } });

    t.same(run.egress, { logs: false, maxRecordBytes: 4096 }, 'no egress in the job: metrics only');
    const egress = h.gateway.calls.find((c) => c.path.endsWith('/egress'))!.body;
    t.same(egress, {
      jobId: 'job_1',
      records: [
        { seq: 0, channel: 'metrics', metric: 'loss', step: 1, value: 0.5 },
        { seq: 1, channel: 'metrics', metric: 'loss', step: 2, value: 0.25 },
      ],
    });

    const complete = h.gateway.calls.find((c) => c.path.endsWith('/complete'))!.body as {
      jobId: string;
      output: unknown;
      receipt: SignedUsageReceipt;
    };
    t.same(complete.output, {
      digest: sha(OUTPUT),
      size: OUTPUT.length,
      wrappedKey: 'bW9kZWwta2V5',
      keyId: 'mk1',
    });
    t.same(complete.receipt.body, {
      version: 1,
      runId: 'run_1',
      jobId: 'job_1',
      nodeId: h.nodeId,
      steps: 2,
      cpuSeconds: 1.5,
      gpuSeconds: 0,
      durationSeconds: 0,
      exitCode: 0,
      deployment: { timestamp: NOW.toISOString(), nodeAddress: h.nodeId, imageId: IMAGE },
    });
    const signature = base64ToBytes(complete.receipt.signature)!;
    t.ok(
      verifyDetached(
        USAGE_RECEIPT_LABEL,
        canonicalizeBytes(complete.receipt.body),
        signature,
        h.keyPair.publicKey,
      ),
      'the receipt verifies with attest over domainSeparated(sealgate/v1/usage-receipt, JCS(body))',
    );
    t.ok(verifyUsageReceipt(complete.receipt, h.keyPair.publicKey));
    t.notOk(
      verifyUsageReceipt(
        { ...complete.receipt, body: { ...complete.receipt.body, steps: 3 } },
        h.keyPair.publicKey,
      ),
    );

    t.same(
      h.events.map((e) => e.kind),
      ['assigned', 'container-started', 'hello', 'key-released', 'started', 'finished'],
    );
    t.equal(h.events.at(-1)?.outcome, 'ok');
    t.same(h.runtime.live.size, 0, 'the container is removed');
    t.same(await h.leftovers(), [], 'the job directory is deleted');
  },
);

t.test('the evidence body measures the inspect document and verifies with attest', async (t) => {
  const h = await harness(t);
  await h.runner().run();
  const sent = h.gateway.calls.find((c) => c.path.endsWith('/evidence'))!.body as {
    jobId: string;
    evidence: unknown;
    inspect: unknown;
  };
  t.equal(sent.jobId, 'job_1');
  const inspect = sealedInspect(IMAGE);
  t.same(sent.inspect, inspect, 'the inspect document goes with the evidence');
  const evidence = parseEvidence(sent.evidence);
  t.same(evidence.body, {
    version: 1,
    tier: 'software',
    nodeId: h.nodeId,
    runId: 'run_1',
    nonce: 'bm9uY2Utbm9uY2Utbm9uY2U',
    measurement: {
      imageDigest: IMAGE,
      containerConfigDigest: securityConfigDigest(inspect),
      seccompProfileDigest: seccompProfileDigest(SEALGATE_SECCOMP_JSON as SeccompProfileJson),
      supervisorDigest: SUPERVISOR.digest,
      runtimeVersion: '0.1.0',
    },
    ephemeralPublicKey: Buffer.alloc(32, 7).toString('base64'),
    time: Math.floor(NOW.getTime() / 1000),
  });
  t.ok(
    softwareVerifier.verifySignature(evidence, { nodePublicKey: h.keyPair.publicKey, now: NOW }),
    'signed by the node key (attest software tier)',
  );
});

/** Run one job with a tweak and return what the gateway heard of its end. */
async function failing(
  t: Test,
  tweak: (h: Awaited<ReturnType<typeof harness>>) => void,
  body?: Record<string, unknown>,
): Promise<{ code: string; message: string; h: Awaited<ReturnType<typeof harness>> }> {
  const h = await harness(t);
  tweak(h);
  const outcome = await h.runner(body).run();
  const fail = h.gateway.calls.find((c) => c.path.endsWith('/fail'));
  t.ok(fail, 'the run is reported failed');
  const report = fail?.body as { jobId: string; code: string; message: string };
  t.equal(report.jobId, 'job_1');
  t.equal(outcome, report.code);
  t.notOk(
    h.gateway.calls.some((c) => c.path.endsWith('/complete')),
    'never complete',
  );
  t.equal(h.runtime.live.size, 0, 'no container left');
  t.same(await h.leftovers(), [], 'no job directory (no ciphertext copy) left');
  t.equal(h.events.at(-1)?.outcome, report.code);
  return { ...report, h };
}

t.test('failures: each is mapped, reported, and cleaned up', (t) => {
  t.test('download digest mismatch', async (t) => {
    const { code, h } = await failing(t, (h) => h.gateway.blobs.set(sha(DATA), Buffer.from('tampered')));
    t.equal(code, 'AGENT_BLOB_DIGEST');
    // The container is created while the ciphertext downloads (docs/sealing-figures.md): a bad
    // download means it is never attached or started, and it is removed.
    t.notOk(h.runtime.log.includes('start'), 'nothing was started');
    t.notOk(h.runtime.log.includes('attach'), 'nothing was attached');
    t.same(h.runtime.live.size, 0, 'the created container is removed');
  });
  t.test('sandbox refusal at create', async (t) => {
    const { code, message } = await failing(t, (h) => (h.runtime.refuseCreate = true));
    t.equal(code, 'RUN_SANDBOX_REFUSED');
    t.match(message, /SANDBOX_NETWORK/);
  });
  t.test('key refused by the broker', async (t) => {
    const { code, message, h } = await failing(t, (h) =>
      h.gateway.on(/evidence$/, () => ({
        status: 403,
        body: { error: { code: 'EVIDENCE_MEASUREMENT', message: 'wrong image' } },
      })),
    );
    t.equal(code, 'RUN_KEY_REFUSED');
    t.match(message, /EVIDENCE_MEASUREMENT/);
    t.equal(h.runtime.run, undefined, 'no run message was sent');
  });
  t.test('seller custody declined while polling', async (t) => {
    let polls = 0;
    const { code, message } = await failing(t, (h) =>
      h.gateway
        .on(/evidence$/, () => ({ status: 202, body: { status: 'pending', releaseId: 'rel_1' } }))
        .on(/releases\/rel_1$/, () =>
          ++polls < 3
            ? { status: 202, body: { status: 'pending' } }
            : { status: 403, body: { error: { code: 'KEY_RELEASE_DECLINED', message: 'no' } } },
        ),
    );
    t.equal(code, 'RUN_KEY_REFUSED');
    t.match(message, /KEY_RELEASE_DECLINED/);
    t.equal(polls, 3);
  });
  t.test('supervisor error', async (t) => {
    const { code, message } = await failing(t, (h) => {
      h.runtime.script = {
        messages: () => [{ t: 'error', code: 'SUPERVISOR_SECCOMP', message: 'filter did not load' }],
        exit: { exitCode: 70 },
      };
    });
    t.equal(code, 'SUPERVISOR_SECCOMP');
    t.equal(message, 'filter did not load');
  });
  t.test('model exits non-zero', async (t) => {
    const { code } = await failing(t, (h) => {
      h.runtime.script = {
        messages: () => [
          { t: 'started' },
          { t: 'exit', code: 3, signal: null, steps: 0, cpuSeconds: 0, dropped: 0, wiped: true },
        ],
        exit: { exitCode: 0 },
      };
    });
    t.equal(code, 'RUN_MODEL_EXIT');
  });
  t.test('OOM', async (t) => {
    const { code } = await failing(t, (h) => {
      h.runtime.script = { messages: () => [{ t: 'started' }], exit: { exitCode: 137, oomKilled: true } };
    });
    t.equal(code, 'RUN_OOM');
  });
  t.test('OOM before the supervisor said hello', async (t) => {
    const { code } = await failing(t, (h) => {
      h.runtime.script = { dieBeforeHello: true, exit: { exitCode: 137, oomKilled: true } };
    });
    t.equal(code, 'RUN_OOM');
  });
  t.test('time limit', async (t) => {
    const { code } = await failing(t, (h) => {
      h.runtime.script = { messages: () => [{ t: 'started' }], exit: { exitCode: 137, timedOut: true } };
    });
    t.equal(code, 'RUN_TIME_LIMIT');
  });
  t.test('garbage from the supervisor', async (t) => {
    const { code } = await failing(t, (h) => {
      h.runtime.script = {
        messages: () => [{ t: 'started' }, { t: 'metric', metric: 'loss', step: -1, value: 1 }],
      };
    });
    t.equal(code, 'AGENT_SUPERVISOR_PROTOCOL');
  });
  t.test('output that does not match output-end', async (t) => {
    const { code } = await failing(t, (h) => {
      h.runtime.script = {
        messages: () => [
          { t: 'output', chunk: Buffer.from('abc').toString('base64') },
          { t: 'output-end', digest: sha('abd'), size: 3, wrappedKey: 'a2V5', keyId: 'k' },
          { t: 'exit', code: 0, signal: null, steps: 1, cpuSeconds: 0, dropped: 0, wiped: true },
        ],
      };
    });
    t.equal(code, 'AGENT_OUTPUT_DIGEST');
  });
  t.end();
});

t.test(
  'exit.wiped false: the run completes and a warning says so (docs/node-protocol.md section 5)',
  async (t) => {
    const h = await harness(t);
    h.runtime.script = {
      messages: () => defaultMessages().map((m) => ('t' in m && m.t === 'exit' ? { ...m, wiped: false } : m)),
    };
    const lines: string[] = [];
    const logger = createAgentLogger({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    t.equal(await h.runner(undefined, undefined, undefined, logger).run(), 'ok');
    t.ok(
      h.gateway.calls.some((c) => c.path.endsWith('/complete')),
      'complete is reported',
    );
    t.match(
      lines.map((l) => JSON.parse(l) as unknown),
      [{ level: 40, jobId: 'job_1', runId: 'run_1', wiped: false, msg: 'the supervisor did not wipe' }],
    );
    t.equal(h.runtime.live.size, 0, 'the container, and its tmpfs, are removed');
    t.same(await h.leftovers(), []);
  },
);

t.test('cancel: mid-run and before the container exists', (t) => {
  t.test('mid-run', async (t) => {
    const h = await harness(t);
    h.runtime.script = { hang: true };
    const runner = h.runner();
    const done = runner.run();
    while (!h.events.some((e) => e.kind === 'started')) await new Promise((r) => setImmediate(r));
    await runner.control('pause');
    await runner.control('pause');
    await runner.control('resume');
    await runner.control('cancel');
    t.equal(await done, 'RUN_CANCELLED');
    t.same(
      h.runtime.log.filter((l) => ['pause', 'resume', 'cancel', 'remove'].includes(l)),
      ['pause', 'resume', 'cancel', 'remove'],
      'a repeated pause is applied once',
    );
    t.equal(h.runtime.live.size, 0);
    t.same(await h.leftovers(), []);
  });
  t.test('node stop before the container exists', async (t) => {
    const h = await harness(t);
    const runner = h.runner();
    await runner.abort('stop');
    t.equal(await runner.run(), 'RUN_NODE_STOPPED');
    t.same(await h.leftovers(), []);
    t.notOk(h.runtime.log.includes('createSealed'));
  });
  t.end();
});

t.test('predict: answers are collected and posted to the inference', async (t) => {
  const h = await harness(t);
  h.runtime.script = {
    messages: () => [
      { t: 'started' },
      { t: 'answer', index: 1, value: 0.25 },
      { t: 'answer', index: 0, value: 0.5 },
      { t: 'exit', code: 0, signal: null, steps: 0, cpuSeconds: 0.1, dropped: 0, wiped: true },
    ],
  };
  const outcome = await h
    .runner(jobBody({ kind: 'predict', inferenceId: 'inf_1', inputs: '{"x":1}\n' }))
    .run();
  t.equal(outcome, 'ok');
  t.equal(h.runtime.run?.mode, 'predict');
  t.same(h.runtime.run?.command, ['/usr/bin/node', '/model/predict.js']);
  t.equal(h.runtime.run?.inputs, '{"x":1}\n');
  const answers = h.gateway.calls.find((c) => c.path === '/v1/node/inferences/inf_1/answers');
  t.same(answers?.body, { jobId: 'job_1', answers: [0.5, 0.25] });
  t.same(await h.leftovers(), []);
});

t.test('GPUs: device ids go to the container and gpuSeconds into the receipt', async (t) => {
  const h = await harness(t);
  t.equal(
    await h.runner(jobBody({ limits: { ...(jobBody().limits as object), gpus: 1 } }), ['GPU-0']).run(),
    'ok',
  );
  t.same(h.runtime.specs[0].gpuDeviceIds, ['GPU-0']);
});

t.test('archive images are loaded from the archive blob', async (t) => {
  const h = await harness(t);
  const archive = sha('archive');
  await h.runner(jobBody({ image: { digest: IMAGE, archive } })).run();
  t.equal(h.runtime.log[0], `ensureImage ${IMAGE} +archive`);
});

t.test(
  'egress: logs and refused notices in seq order; a stop from the guard ends the job quietly',
  async (t) => {
    const h = await harness(t);
    h.runtime.script = {
      hang: true,
      messages: () => [
        { t: 'started' },
        { t: 'metric', metric: 'loss', step: 1, value: 0.5 },
        { t: 'log', text: 'epoch 1' },
        { t: 'refused', reason: 'free-text', bytes: 12 },
      ],
    };
    h.gateway.on(/\/egress$/, () => ({ status: 200, body: { stop: true } }));
    const outcome = await h.runner().run();
    t.equal(outcome, 'RUN_FLAGGED');
    const egress = h.gateway.calls.filter((c) => c.path.endsWith('/egress'));
    t.equal(egress.length, 1);
    t.same((egress[0].body as { records: unknown[] }).records, [
      { seq: 0, channel: 'metrics', metric: 'loss', step: 1, value: 0.5 },
      { seq: 1, channel: 'logs', text: 'epoch 1' },
      { seq: 2, channel: 'refused', reason: 'free-text', bytes: 12 },
    ]);
    t.ok(h.runtime.log.includes('cancel'), 'the container is stopped');
    t.equal(h.runtime.live.size, 0, 'and removed');
    t.notOk(
      h.gateway.paths().some((p) => /\/(fail|complete)$/.test(p)),
      'nothing is reported: the run ended at the gateway',
    );
    t.same(await h.leftovers(), []);
  },
);
