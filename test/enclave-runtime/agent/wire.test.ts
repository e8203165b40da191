/**
 * One wire type for both ends of the stdio channel (docs/node-protocol.md
 * section 5): the supervisor's SupervisorMessage and RunLine
 * (supervisor/protocol.ts). A message or field the supervisor adds fails to
 * compile in SAMPLES below (and in the agent's parser); every message the real
 * supervisor (a host process, helpers/agent.ts) writes parses in the agent to
 * the same value, `exit.wiped` included; and the agent's `run` lines parse in
 * the supervisor.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import {
  bytesToBase64,
  encryptBytes,
  generateBoxKeyPair,
  generateDataKey,
  wrapKey,
} from '../../../attest/index.js';
import type { Job, SupervisorMessage } from '../../../enclave-runtime/index.js';
import {
  packTree,
  parseJob,
  parseRunMessage,
  parseSupervisorLine,
  runLine,
} from '../../../enclave-runtime/index.js';
import { runHost, sealedDataset, sealedRoot, type Message } from '../supervisor/helpers/agent.js';
import { jobBody } from './harness.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

// One of each message, typed by the supervisor's union: a tag or field it gains or loses is a
// compile error here (values made up for this test).
const SAMPLES: { readonly [T in SupervisorMessage['t']]: Extract<SupervisorMessage, { t: T }> } = {
  hello: { t: 'hello', publicKey: 'AAAA', version: 'sealgate-supervisor/1' },
  started: { t: 'started' },
  metric: { t: 'metric', metric: 'loss', step: 1, value: 0.5 },
  answer: { t: 'answer', index: 0, value: 1.5 },
  log: { t: 'log', text: 'epoch 1' },
  refused: { t: 'refused', reason: 'overlong', bytes: 5000 },
  output: { t: 'output', chunk: 'AAAA' },
  'output-end': { t: 'output-end', digest: DIGEST, size: 3, wrappedKey: 'a2V5', keyId: 'ab' },
  exit: { t: 'exit', code: 0, signal: null, steps: 1, cpuSeconds: 0.5, dropped: 0, wiped: true },
  error: { t: 'error', code: 'SUPERVISOR_KEY', message: 'bad key' },
};

t.test('each message parses to itself; a missing or an extra field is refused', (t) => {
  for (const sample of Object.values(SAMPLES)) {
    t.same(parseSupervisorLine(JSON.stringify(sample)), sample, sample.t);
    for (const field of Object.keys(sample).filter((k) => k !== 't')) {
      const { [field]: _gone, ...rest } = sample as unknown as Record<string, unknown>;
      void _gone;
      t.throws(
        () => parseSupervisorLine(JSON.stringify(rest)),
        { name: 'AgentError', code: 'AGENT_SUPERVISOR_PROTOCOL', message: new RegExp(`: ${field}$`) },
        `${sample.t} without ${field}`,
      );
    }
    t.throws(
      () => parseSupervisorLine(JSON.stringify({ ...sample, extra: 1 })),
      { name: 'AgentError', code: 'AGENT_SUPERVISOR_PROTOCOL' },
      `${sample.t} with a field the protocol does not have`,
    );
  }
  const wipedFalse = { ...SAMPLES.exit, wiped: false };
  t.same(parseSupervisorLine(JSON.stringify(wipedFalse)), wipedFalse, 'wiped: false is kept, not lost');
  t.end();
});

// A model that says one of each thing a train run can send: a metric, a log (the job allows logs),
// a line over the record cap (refused), and an output file to seal.
const TRAIN = String.raw`
const fs = require('node:fs');
const p = JSON.parse(fs.readFileSync(process.env.SEALGATE_PARAMS, 'utf8'));
console.log(JSON.stringify({ metric: 'loss', step: 1, value: 0.5 }));
console.log('epoch 1 done');
console.log('y'.repeat(200));
fs.writeFileSync(p.paths.output + '/model.json', '{"w":[1]}');
`;
const PREDICT = String.raw`
const fs = require('node:fs');
const p = JSON.parse(fs.readFileSync(process.env.SEALGATE_PARAMS, 'utf8'));
fs.readFileSync(p.paths.queries, 'utf8').trim().split('\n').forEach((l, index) =>
  console.log(JSON.stringify({ index, value: JSON.parse(l).x * 2 })));
`;

function job(root: string, kind: 'train' | 'predict', broker: Uint8Array): Job {
  const base = jobBody();
  const model = base.model as Record<string, unknown>;
  const argv = [process.execPath, join(root, 'model.cjs')];
  return parseJob(
    jobBody({
      kind,
      model: { ...model, entrypoints: { train: argv, predict: argv } },
      brokerPublicKey: bytesToBase64(broker),
      egress: { channels: ['metrics', 'logs'], maxRecordBytes: 100 },
      ...(kind === 'predict' ? { inferenceId: 'inf_1', inputs: '{"x":1}\n{"x":2}\n' } : {}),
    }),
  );
}

/** Runs the real supervisor on `root` with the agent's own `run` line, the key wrapped to `to(hello)`. */
async function converse(
  root: string,
  source: string,
  j: Job,
  key: Uint8Array,
  to: (hello: Uint8Array) => Uint8Array = (hello) => hello,
): Promise<Message[]> {
  await writeFile(join(root, 'model.cjs'), source);
  const { messages } = await runHost(root, (hello) =>
    runLine(j, { status: 'released', wrappedKey: bytesToBase64(wrapKey(key, to(hello))), keyId: 'k' }),
  );
  return messages;
}

t.test('every message the real supervisor sends parses in the agent, nothing lost', async (t) => {
  const { dek, ciphertext, broker } = await sealedDataset('a,b\n1,2\n');
  const train = await sealedRoot(ciphertext);
  t.teardown(() => rm(train, { recursive: true, force: true }));
  const trained = await converse(train, TRAIN, job(train, 'train', broker.publicKey), dek);
  const refused = await converse(
    train,
    TRAIN,
    job(train, 'train', broker.publicKey),
    dek,
    () => generateBoxKeyPair().publicKey,
  );

  const modelKey = generateDataKey();
  const src = await sealedRoot(new Uint8Array());
  t.teardown(() => rm(src, { recursive: true, force: true }));
  await mkdir(join(src, 'output', 'm'));
  await writeFile(join(src, 'output', 'm', 'model.json'), '{}');
  const parts: Uint8Array[] = [];
  for await (const p of (await packTree(join(src, 'output'), { maxBytes: 1e6, maxFiles: 10 })).bytes())
    parts.push(p);
  const predict = await sealedRoot(await encryptBytes(Buffer.concat(parts), { key: modelKey }));
  t.teardown(() => rm(predict, { recursive: true, force: true }));
  const answered = await converse(predict, PREDICT, job(predict, 'predict', broker.publicKey), modelKey);

  const all = [...trained, ...refused, ...answered];
  for (const m of all) t.same(parseSupervisorLine(JSON.stringify(m)), m, `${m.t} parses to itself`);
  t.same(
    [...new Set(all.map((m) => m.t))].sort(),
    Object.keys(SAMPLES).sort(),
    'the runs cover every message of the protocol',
  );
  t.match(trained.at(-1), { t: 'exit', code: 0, wiped: true });
  t.match(refused.at(-1), { t: 'error', code: 'SUPERVISOR_KEY' });
  t.same(
    answered.filter((m) => m.t === 'answer').map((m) => m.value),
    [2, 4],
  );
});

t.test("the agent's run lines parse in the supervisor", (t) => {
  const broker = generateBoxKeyPair().publicKey;
  const released = { status: 'released', wrappedKey: 'a2V5', keyId: 'k' } as const;
  const train = parseRunMessage(JSON.stringify(runLine(job('/m', 'train', broker), released)));
  t.match(train, { mode: 'train', command: [process.execPath, '/m/model.cjs'], params: { steps: 2 } });
  t.same(train.egress, { logs: true, maxRecordBytes: 100 });
  t.same(train.brokerPublicKey, broker);
  const predict = parseRunMessage(JSON.stringify(runLine(job('/m', 'predict', broker), released)));
  t.match(predict, { mode: 'predict', inputs: '{"x":1}\n{"x":2}\n' });
  const base = jobBody();
  const model = base.model as { entrypoints: Record<string, string[]> };
  const audit = parseJob({
    ...base,
    kind: 'audit',
    auditId: 'aud_1',
    modelBlob: { digest: DIGEST, size: 10 },
    model: { ...model, entrypoints: { ...model.entrypoints, loss: ['/usr/bin/node', '/model/loss.js'] } },
  });
  const loss = parseRunMessage(JSON.stringify(runLine(audit, { ...released, modelWrappedKey: 'bW9kZWw=' })));
  t.match(loss, { mode: 'loss', command: ['/usr/bin/node', '/model/loss.js'] });
  t.ok(loss.modelWrappedKey instanceof Uint8Array, 'the model key travels');
  t.end();
});
