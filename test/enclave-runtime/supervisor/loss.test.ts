/**
 * Loss mode, the audit's (docs/audit.md): the supervisor opens two keys with
 * one hello key, restores the sealed model from /sealed/model-ciphertext,
 * decrypts the canary set to /sealed/input/data, and forwards one
 * `{index, value}` per row. The `run` message's rules for the second key.
 */
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import {
  bytesToBase64,
  encryptBytes,
  generateBoxKeyPair,
  generateDataKey,
  wrapKey,
} from '../../../attest/index.js';
import { packTree, parseRunMessage } from '../../../enclave-runtime/index.js';
import { runHost, runMessage, sealedDataset, sealedRoot } from './helpers/agent.js';

const CANARIES = 'name,age,label\nAda Lovelace,36,1\nAlan Turing,41,0\nGrace Hopper,50,1\n';

// A loss entrypoint: the model's bias plus the row's age, per data row.
const LOSS_MODEL = String.raw`
const fs = require('node:fs');
const p = JSON.parse(fs.readFileSync(process.env.SEALGATE_PARAMS, 'utf8'));
const model = JSON.parse(fs.readFileSync(p.paths.model + '/model.json', 'utf8'));
const rows = fs.readFileSync(p.paths.data, 'utf8').trim().split('\n').slice(1);
rows.forEach((r, index) => console.log(JSON.stringify({ index, value: model.bias + Number(r.split(',')[1]) })));
`;

// A sealed model bundle (what a train run's supervisor seals) under `key`.
async function sealedModel(key: Uint8Array): Promise<Uint8Array> {
  const src = await sealedRoot(new Uint8Array());
  try {
    await writeFile(join(src, 'output', 'model.json'), JSON.stringify({ bias: 0.5 }));
    const bundle = await packTree(join(src, 'output'), { maxBytes: 1e6, maxFiles: 10 });
    const parts: Uint8Array[] = [];
    for await (const p of bundle.bytes()) parts.push(p);
    return await encryptBytes(Buffer.concat(parts), { key });
  } finally {
    await rm(src, { recursive: true, force: true });
  }
}

t.test('loss: both keys open, the model scores each canary, everything is wiped', async (t) => {
  const { dek, ciphertext, broker } = await sealedDataset(CANARIES);
  const modelKey = generateDataKey();
  const root = await sealedRoot(ciphertext);
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, 'model-ciphertext'), await sealedModel(modelKey));
  await writeFile(join(root, 'loss.cjs'), LOSS_MODEL);
  const { messages, status, stderr } = await runHost(root, (hello) =>
    runMessage(hello, dek, broker.publicKey, {
      mode: 'loss',
      modelWrappedKey: bytesToBase64(wrapKey(modelKey, hello)),
      command: [process.execPath, join(root, 'loss.cjs')],
    }),
  );
  t.equal(status, 0, stderr);
  t.same(
    messages.filter((m) => m.t === 'answer'),
    [
      { t: 'answer', index: 0, value: 36.5 },
      { t: 'answer', index: 1, value: 41.5 },
      { t: 'answer', index: 2, value: 50.5 },
    ],
  );
  t.notOk(
    messages.some((m) => m.t === 'output' || m.t === 'output-end'),
    'loss mode seals nothing',
  );
  t.match(messages.at(-1), { t: 'exit', code: 0, wiped: true });
  t.same(await readdir(join(root, 'input')), [], 'input wiped');
  t.notOk(JSON.stringify(messages).includes('Lovelace'), 'no canary on stdout');
});

t.test('loss: a model key sealed to another key is SUPERVISOR_KEY, and nothing is left', async (t) => {
  const { dek, ciphertext, broker } = await sealedDataset(CANARIES);
  const modelKey = generateDataKey();
  const root = await sealedRoot(ciphertext);
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, 'model-ciphertext'), await sealedModel(modelKey));
  const other = generateBoxKeyPair();
  const { messages, status } = await runHost(root, (hello) =>
    runMessage(hello, dek, broker.publicKey, {
      mode: 'loss',
      modelWrappedKey: bytesToBase64(wrapKey(modelKey, other.publicKey)),
      command: ['/bin/true'],
    }),
  );
  t.equal(status, 1);
  t.match(messages.at(-1), { t: 'error', code: 'SUPERVISOR_KEY' });
  t.same(await readdir(join(root, 'input')), []);
});

t.test('loss: the model ciphertext under the wrong key is SUPERVISOR_DECRYPT', async (t) => {
  const { dek, ciphertext, broker } = await sealedDataset(CANARIES);
  const root = await sealedRoot(ciphertext);
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, 'model-ciphertext'), await sealedModel(generateDataKey()));
  const { messages, status } = await runHost(root, (hello) =>
    runMessage(hello, dek, broker.publicKey, {
      mode: 'loss',
      modelWrappedKey: bytesToBase64(wrapKey(generateDataKey(), hello)),
      command: ['/bin/true'],
    }),
  );
  t.equal(status, 1);
  t.match(messages.at(-1), { t: 'error', code: 'SUPERVISOR_DECRYPT' });
  t.same(await readdir(join(root, 'input')), []);
});

t.test('the run message: loss needs modelWrappedKey, and only loss takes one', (t) => {
  const key = bytesToBase64(new Uint8Array(48).fill(1));
  const base = {
    t: 'run',
    wrappedKey: key,
    command: ['/model/loss'],
    metrics: [],
    params: { steps: 1 },
    brokerPublicKey: bytesToBase64(new Uint8Array(32)),
  };
  t.throws(() => parseRunMessage(JSON.stringify({ ...base, mode: 'loss' })), {
    code: 'SUPERVISOR_PROTOCOL',
    message: /loss needs modelWrappedKey/,
  });
  t.throws(() => parseRunMessage(JSON.stringify({ ...base, mode: 'train', modelWrappedKey: key })), {
    code: 'SUPERVISOR_PROTOCOL',
    message: /only loss takes modelWrappedKey/,
  });
  t.throws(() => parseRunMessage(JSON.stringify({ ...base, mode: 'loss', modelWrappedKey: '!' })), {
    code: 'SUPERVISOR_PROTOCOL',
    message: /modelWrappedKey is not base64/,
  });
  const run = parseRunMessage(JSON.stringify({ ...base, mode: 'loss', modelWrappedKey: key }));
  t.equal(run.modelWrappedKey?.length, 48);
  t.end();
});
