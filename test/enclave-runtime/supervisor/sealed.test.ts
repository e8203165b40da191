/**
 * The supervisor in real sealed containers on the real dockerd: a tiny JS
 * model (an image from buildModelImage, FROM scratch with the host's Node)
 * trains on a sealed dataset, its output comes back sealed to the broker and
 * opens to the model file, then predict answers queries with that sealed
 * model. With Docker's seccomp off for one run, the supervisor's own filter
 * still refuses the model an AF_INET socket.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { randomBytes, createHash } from 'node:crypto';
import t from 'tap';
import {
  base64ToBytes,
  decryptBytes,
  encryptBytes,
  generateBoxKeyPair,
  generateDataKey,
  unwrapKey,
} from '../../../attest/index.js';
import { buildModelImage, stageSupervisor, unpackBundle } from '../../../enclave-runtime/index.js';
import { evaluateSandbox } from '../../../policies/index.js';
import { dockerForTest } from '../../helpers/docker.js';
import { runMessage, type Message } from './helpers/agent.js';
import { runSealed } from './helpers/sealed.js';

// The model: a mean per column "training" that really reads the CSV and writes a model file.
const TRAIN = String.raw`
const fs = require('node:fs');
const p = JSON.parse(fs.readFileSync(process.env.SEALGATE_PARAMS, 'utf8'));
const rows = fs.readFileSync(p.paths.data, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
const mean = rows.reduce((s, r) => s + r[1], 0) / rows.length;
for (let step = 1; step <= p.steps; step++) console.log(JSON.stringify({ metric: 'loss', step, value: 1 / step }));
console.log('debug: ' + fs.readFileSync(p.paths.data, 'utf8'));
fs.writeFileSync(p.paths.output + '/model.json', JSON.stringify({ mean, lr: p.hyperparameters.lr }));
`;
const PREDICT = String.raw`
const fs = require('node:fs');
const p = JSON.parse(fs.readFileSync(process.env.SEALGATE_PARAMS, 'utf8'));
const model = JSON.parse(fs.readFileSync(p.paths.model + '/model.json', 'utf8'));
fs.readFileSync(p.paths.queries, 'utf8').trim().split('\n').forEach((l, index) =>
  console.log(JSON.stringify({ index, value: JSON.parse(l).x * model.mean })));
`;
const NET = String.raw`
const s = require('node:dgram').createSocket('udp4');
s.on('error', (e) => { console.log(JSON.stringify({ metric: 'loss', step: 1, value: e.code === 'EPERM' ? 1 : 0 })); process.exit(0); });
s.bind(0, () => { console.log(JSON.stringify({ metric: 'loss', step: 1, value: 2 })); process.exit(0); });
`;

const DESCRIPTOR = {
  name: 'sg-test-mean',
  version: '1.0.0',
  entrypoints: { train: ['node', '/model/train.js'], predict: ['node', '/model/predict.js'] },
  metrics: ['loss'],
  unitCost: '1',
  baseFee: '1',
  benchmark: { steps: 3, seconds: 1 },
};

t.test('sealed train, then sealed predict with the sealed model', async (t) => {
  const docker = await dockerForTest(t);
  if (docker === undefined) return;
  const work = await mkdtemp(join(tmpdir(), 'sg-test-supervisor-'));
  t.teardown(() => rm(work, { recursive: true, force: true }));
  const supervisor = await stageSupervisor(join(work, 'supervisor'));
  const modelDir = join(work, 'model');
  await mkdir(modelDir);
  await writeFile(join(modelDir, 'model.json'), JSON.stringify(DESCRIPTOR));
  await writeFile(join(modelDir, 'train.js'), TRAIN);
  await writeFile(join(modelDir, 'predict.js'), PREDICT);
  await writeFile(join(modelDir, 'net.js'), NET);
  const tag = `sg-test-supervisor-model:${randomBytes(4).toString('hex')}`;
  const { imageId, descriptor } = await buildModelImage(docker, modelDir, tag);
  t.teardown(() => docker.getImage(imageId).remove({ force: true }).catch(() => undefined));
  t.equal(descriptor.name, 'sg-test-mean');
  const labels = (await docker.getImage(imageId).inspect()).Config.Labels;
  t.match(labels, { 'sealgate.model.name': 'sg-test-mean', 'sealgate.model.version': '1.0.0' });

  const dek = generateDataKey();
  const broker = generateBoxKeyPair();
  const ciphertext = join(work, 'data.sgenc');
  await writeFile(ciphertext, await encryptBytes(new TextEncoder().encode('name,age\nAda,36\nAlan,41\nGrace,85\n'), { key: dek }));

  const train = await runSealed({
    docker,
    image: imageId,
    ciphertext,
    supervisor,
    makeRun: (hello) => runMessage(hello, dek, broker.publicKey, { command: descriptor.entrypoints.train, metrics: ['loss'], params: { steps: 3, hyperparameters: { lr: 0.5 } } }),
  });
  t.equal(train.status, 0, train.stderr);
  t.same(evaluateSandbox(train.inspect, train.profile), [], 'the container is sealed per the profile');
  t.same(
    train.messages.filter((m) => m.t === 'metric'),
    [1, 2, 3].map((step) => ({ t: 'metric', metric: 'loss', step, value: 1 / step })),
  );
  const exit = train.messages.at(-1) as Message;
  t.match(exit, { t: 'exit', code: 0, signal: null, steps: 3, dropped: 5, wiped: true });
  t.ok((exit.cpuSeconds as number) > 0, 'CPU time from the cgroup');
  t.notOk(JSON.stringify(train.messages).includes('Grace'), 'the debug line with data never left');
  const sealed = Buffer.concat(train.messages.filter((m) => m.t === 'output').map((m) => Buffer.from(m.chunk as string, 'base64')));
  const end = train.messages.find((m) => m.t === 'output-end') as Message;
  t.equal(end.digest, `sha256:${createHash('sha256').update(sealed).digest('hex')}`);
  const modelKey = unwrapKey(base64ToBytes(end.wrappedKey as string) as Uint8Array, broker.secretKey);
  const restored = join(work, 'restored');
  await unpackBundle(Readable.from([await decryptBytes(sealed, { key: modelKey })]), restored, { maxBytes: 1e6, maxFiles: 10 });
  const { readFile } = await import('node:fs/promises');
  t.same(JSON.parse(await readFile(join(restored, 'model.json'), 'utf8')), { mean: 54, lr: 0.5 });

  const sealedModel = join(work, 'model.sgenc');
  await writeFile(sealedModel, sealed);
  const predict = await runSealed({
    docker,
    image: imageId,
    ciphertext: sealedModel,
    supervisor,
    makeRun: (hello) =>
      runMessage(hello, modelKey, broker.publicKey, {
        mode: 'predict',
        command: descriptor.entrypoints.predict,
        metrics: ['loss'],
        inputs: '{"x":1}\n{"x":2}\n',
      }),
  });
  t.equal(predict.status, 0, predict.stderr);
  t.same(
    predict.messages.filter((m) => m.t === 'answer'),
    [
      { t: 'answer', index: 0, value: 54 },
      { t: 'answer', index: 1, value: 108 },
    ],
  );
  t.match(predict.messages.at(-1), { t: 'exit', code: 0, wiped: true });

  t.test("with Docker's seccomp off, the supervisor's own filter denies socket(AF_INET)", async (t) => {
    const net = await runSealed({
      docker,
      image: imageId,
      ciphertext,
      supervisor,
      dockerSeccomp: 'unconfined',
      makeRun: (hello) => runMessage(hello, dek, broker.publicKey, { command: ['node', '/model/net.js'], metrics: ['loss'] }),
    });
    t.equal(net.status, 0, net.stderr);
    t.match((net.inspect as { HostConfig: { SecurityOpt: string[] } }).HostConfig.SecurityOpt, ['no-new-privileges', 'seccomp=unconfined']);
    t.same(net.messages.filter((m) => m.t === 'metric'), [{ t: 'metric', metric: 'loss', step: 1, value: 1 }], 'EPERM');
  });
});
