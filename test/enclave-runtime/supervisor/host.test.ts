/**
 * The supervisor as a host process with a fake agent on its stdio
 * (docs/node-protocol.md section 5): the protocol in order, metric filtering,
 * the sealed output, the wipe, and each failure's `error` code. Real
 * libseccomp: the `real` runs load sealgate's profile into the supervisor.
 */
import { readdir, readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  dataKeyId,
  decryptBytes,
  encryptBytes,
  generateBoxKeyPair,
  generateDataKey,
  unwrapKey,
} from '../../../attest/index.js';
import { packTree, unpackBundle } from '../../../enclave-runtime/index.js';
import { runHost, runMessage, sealedDataset, sealedRoot, type Message } from './helpers/agent.js';

const DATA = 'name,age,label\nAda Lovelace,36,1\nAlan Turing,41,0\n';

// A model that checks its inputs, then says everything a hostile or sloppy model might.
const TRAIN_MODEL = String.raw`
const fs = require('node:fs');
const params = JSON.parse(fs.readFileSync(process.env.SEALGATE_PARAMS, 'utf8'));
const data = fs.readFileSync(params.paths.data, 'utf8');
const out = (s) => process.stdout.write(s);
out(JSON.stringify({ metric: 'loss', step: 1, value: data.split('\n').length }) + '\n');
out('not json\n');
out(JSON.stringify({ metric: 'secret', step: 2, value: 1 }) + '\n');
out('{"metric":"loss","step":2,"value":NaN}\n');
out('{"metric":"loss","step":3,"value":1e999}\n');
out(JSON.stringify({ metric: 'loss', step: -1, value: 1 }) + '\n');
out(JSON.stringify({ metric: 'loss', step: 1.5, value: 1 }) + '\n');
out(JSON.stringify({ metric: 'loss', step: 101, value: 1 }) + '\n');
out(JSON.stringify({ metric: 'loss', step: 4, value: 1, leak: data }) + '\n');
out(JSON.stringify({ index: 0, value: 1 }) + '\n');
out('{"metric":"loss","step":' + 'x'.repeat(5000) + '}\n');
out(JSON.stringify({ metric: 'accuracy', step: params.steps, value: params.hyperparameters.lr }) + '\n');
out('{"metric":"loss",');
process.stderr.write(data);
setTimeout(() => {
  out('"step":7,"value":0.25}\n');
  fs.writeFileSync(params.paths.output + '/model.json', JSON.stringify({ mode: params.mode, weights: [1, 2] }));
  fs.mkdirSync(params.paths.output + '/sub');
  fs.writeFileSync(params.paths.output + '/sub/extra.bin', Buffer.alloc(70000, 7));
  fs.symlinkSync(params.paths.data, params.paths.output + '/link');
}, 50);
`;

const kinds = (messages: Message[]) => messages.map((m) => m.t);

t.test('train: hello, started, filtered metrics, the sealed output, exit; inputs wiped', async (t) => {
  const { dek, ciphertext, broker } = await sealedDataset(DATA);
  const root = await sealedRoot(ciphertext);
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, 'model.cjs'), TRAIN_MODEL);
  const { messages, status, stderr } = await runHost(root, (hello) =>
    runMessage(hello, dek, broker.publicKey, { command: [process.execPath, join(root, 'model.cjs')] }),
  );
  t.equal(status, 0, stderr);
  t.match(messages[0], { t: 'hello', version: 'sealgate-supervisor/1' });
  t.equal(base64ToBytes(messages[0].publicKey as string)?.length, 32);
  t.equal(messages[1].t, 'started');
  const metrics = messages.filter((m) => m.t === 'metric');
  t.same(metrics, [
    { t: 'metric', metric: 'loss', step: 1, value: 4 },
    { t: 'metric', metric: 'accuracy', step: 100, value: 0.1 },
    { t: 'metric', metric: 'loss', step: 7, value: 0.25 },
  ]);
  const end = messages.find((m) => m.t === 'output-end') as Message;
  const exit = messages.at(-1) as Message;
  t.match(exit, { t: 'exit', code: 0, signal: null, steps: 100, wiped: true });
  // 10 bad stdout lines and the 3 stderr lines of the dataset
  t.equal(exit.dropped, 13);
  // issue 5: each refused stdout line leaves as a notice - its reason and length, never its content
  t.same(
    messages.filter((m) => m.t === 'refused').map((m) => m.reason),
    [
      'free-text',
      'undeclared-metric',
      'free-text',
      'malformed',
      'malformed',
      'malformed',
      'malformed',
      'malformed',
      'malformed',
      'overlong',
    ],
  );
  t.same(messages.filter((m) => m.t === 'refused')[0], { t: 'refused', reason: 'free-text', bytes: 8 });
  t.type(exit.cpuSeconds, 'number');
  t.same(kinds(messages).slice(-2), ['output-end', 'exit']);

  const chunks = messages
    .filter((m) => m.t === 'output')
    .map((m) => Buffer.from(m.chunk as string, 'base64'));
  t.ok(chunks.every((c) => c.length <= 48 * 1024));
  const sealed = Buffer.concat(chunks);
  const { createHash } = await import('node:crypto');
  t.equal(end.digest, `sha256:${createHash('sha256').update(sealed).digest('hex')}`);
  t.equal(end.size, sealed.length);
  const modelKey = unwrapKey(base64ToBytes(end.wrappedKey as string) as Uint8Array, broker.secretKey);
  t.equal(end.keyId, bytesToHex(dataKeyId(modelKey)));
  t.not(bytesToHex(modelKey), bytesToHex(dek), 'the model key is fresh');
  const bundle = await decryptBytes(sealed, { key: modelKey });
  const restored = join(root, 'restored');
  const entries = await unpackBundle(Readable.from([bundle]), restored, { maxBytes: 1e6, maxFiles: 10 });
  t.same(
    entries.map((e) => e.path),
    ['model.json', 'sub/extra.bin'],
    'regular files only: the symlink to the data is not followed',
  );
  t.same(JSON.parse(await readFile(join(restored, 'model.json'), 'utf8')), {
    mode: 'train',
    weights: [1, 2],
  });

  t.same(await readdir(join(root, 'input')), [], 'input wiped');
  t.same(await readdir(join(root, 'output')), [], 'output wiped');
  const raw = JSON.stringify(messages) + stderr;
  t.notOk(raw.includes('Lovelace'), 'no plaintext on stdout or stderr');
  t.notOk(raw.includes(bytesToBase64(dek)), 'no key on stdout or stderr');
});

t.test('predict: the sealed model is restored, queries answered, answers filtered', async (t) => {
  const modelKey = generateDataKey();
  const broker = generateBoxKeyPair();
  const src = await sealedRoot(new Uint8Array());
  t.teardown(() => rm(src, { recursive: true, force: true }));
  await writeFile(join(src, 'output', 'model.json'), JSON.stringify({ bias: 0.5 }));
  const bundle = await packTree(join(src, 'output'), { maxBytes: 1e6, maxFiles: 10 });
  const parts: Uint8Array[] = [];
  for await (const p of bundle.bytes()) parts.push(p);
  const root = await sealedRoot(await encryptBytes(Buffer.concat(parts), { key: modelKey }));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await writeFile(
    join(root, 'predict.cjs'),
    String.raw`
const fs = require('node:fs');
const p = JSON.parse(fs.readFileSync(process.env.SEALGATE_PARAMS, 'utf8'));
const model = JSON.parse(fs.readFileSync(p.paths.model + '/model.json', 'utf8'));
const qs = fs.readFileSync(p.paths.queries, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
qs.forEach((q, index) => console.log(JSON.stringify({ index, value: q.x + model.bias })));
console.log(JSON.stringify({ index: qs.length, value: 1 }));
console.log(JSON.stringify({ metric: 'loss', step: 1, value: 1 }));
`,
  );
  const { messages, status, stderr } = await runHost(root, (hello) =>
    runMessage(hello, modelKey, broker.publicKey, {
      mode: 'predict',
      command: [process.execPath, join(root, 'predict.cjs')],
      inputs: '{"x":1}\n{"x":2}\n',
    }),
  );
  t.equal(status, 0, stderr);
  t.same(
    messages.filter((m) => m.t === 'answer'),
    [
      { t: 'answer', index: 0, value: 1.5 },
      { t: 'answer', index: 1, value: 2.5 },
    ],
  );
  t.notOk(messages.some((m) => m.t === 'output' || m.t === 'output-end' || m.t === 'metric'));
  t.match(messages.at(-1), { t: 'exit', code: 0, dropped: 2, steps: 0, wiped: true });
  t.same(await readdir(join(root, 'input')), []);
});

t.test('seccomp applies to the model: a socket(AF_INET) gets EPERM', async (t) => {
  const { dek, ciphertext, broker } = await sealedDataset(DATA);
  const root = await sealedRoot(ciphertext);
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await writeFile(
    join(root, 'net.cjs'),
    String.raw`
const s = require('node:dgram').createSocket('udp4');
s.on('error', (e) => { console.log(JSON.stringify({ metric: 'loss', step: 1, value: e.code === 'EPERM' ? 1 : 0 })); process.exit(0); });
s.bind(0, () => { console.log(JSON.stringify({ metric: 'loss', step: 1, value: 2 })); process.exit(0); });
`,
  );
  const { messages, status, stderr } = await runHost(root, (hello) =>
    runMessage(hello, dek, broker.publicKey, { command: [process.execPath, join(root, 'net.cjs')] }),
  );
  t.equal(status, 0, stderr);
  t.same(
    messages.filter((m) => m.t === 'metric'),
    [{ t: 'metric', metric: 'loss', step: 1, value: 1 }],
  );
});

t.test('a model that fails: exit reports its code, nothing is sealed', async (t) => {
  const { dek, ciphertext, broker } = await sealedDataset(DATA);
  const root = await sealedRoot(ciphertext);
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await writeFile(
    join(root, 'fail.cjs'),
    `require('node:fs').writeFileSync('${join(root, 'output', 'x')}', 'x'); process.exit(3);`,
  );
  const { messages, status } = await runHost(root, (hello) =>
    runMessage(hello, dek, broker.publicKey, { command: [process.execPath, join(root, 'fail.cjs')] }),
  );
  t.equal(status, 0);
  t.same(kinds(messages), ['hello', 'started', 'exit']);
  t.match(messages[2], { code: 3, signal: null, wiped: true });
  t.same(await readdir(join(root, 'output')), []);
});

// issue 5 (docs/egress-protocol.md section 3): logs when the run's egress allows them; 1000 notices at most.
const CHATTY_MODEL = String.raw`
const out = (s) => process.stdout.write(s);
out(JSON.stringify({ metric: 'loss', step: 1, value: 0.5 }) + '\n');
out('epoch 1 done\n');
out('y'.repeat(150) + '\n');
for (let i = 0; i < 1100; i++) out('junk ' + i + '\n');
`;

t.test('logs are forwarded when allowed; refused notices stop at 1000, the rest only counted', async (t) => {
  const { dek, ciphertext, broker } = await sealedDataset(DATA);
  const root = await sealedRoot(ciphertext);
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, 'model.cjs'), CHATTY_MODEL);
  const command = [process.execPath, join(root, 'model.cjs')];
  const withLogs = await runHost(root, (hello) =>
    runMessage(hello, dek, broker.publicKey, { command, egress: { logs: true, maxRecordBytes: 100 } }),
  );
  t.equal(withLogs.status, 0, withLogs.stderr);
  const logs = withLogs.messages.filter((m) => m.t === 'log');
  t.equal(logs.length, 1101, 'every short line is a log');
  t.same(logs[0], { t: 'log', text: 'epoch 1 done' });
  t.same(
    withLogs.messages.filter((m) => m.t === 'refused'),
    [{ t: 'refused', reason: 'overlong', bytes: 150 }],
  );

  const root2 = await sealedRoot(ciphertext);
  t.teardown(() => rm(root2, { recursive: true, force: true }));
  await writeFile(join(root2, 'model.cjs'), CHATTY_MODEL);
  const noLogs = await runHost(root2, (hello) =>
    runMessage(hello, dek, broker.publicKey, { command: [process.execPath, join(root2, 'model.cjs')] }),
  );
  t.equal(noLogs.status, 0, noLogs.stderr);
  t.equal(noLogs.messages.filter((m) => m.t === 'log').length, 0, 'no logs unless the policy allows them');
  t.equal(noLogs.messages.filter((m) => m.t === 'refused').length, 1000);
  t.equal((noLogs.messages.at(-1) as Message).dropped, 1102, 'every refused line is counted');
});

t.test('a run message with a bad egress is a protocol error', async (t) => {
  const { dek, ciphertext, broker } = await sealedDataset(DATA);
  const root = await sealedRoot(ciphertext);
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const { messages } = await runHost(root, (hello) =>
    runMessage(hello, dek, broker.publicKey, {
      command: ['/bin/true'],
      egress: { logs: 'yes', maxRecordBytes: 1 },
    }),
  );
  t.match(messages.at(-1), { t: 'error', code: 'SUPERVISOR_PROTOCOL' });
});
