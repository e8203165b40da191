/**
 * Model images: buildModelImage refuses a directory without a usable
 * model.json or with a link, and builds FROM scratch with /model, WORKDIR,
 * user 65534 and the model's labels; `sealgate model build` prints the image
 * id and writes a `docker save` archive that names the same image.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import t from 'tap';
import { imageIdOfArchive } from '../../../client/index.js';
import { buildModelImage } from '../../../enclave-runtime/index.js';
import { dockerForTest } from '../../helpers/docker.js';

const run = promisify(execFile);
const SEALGATE = fileURLToPath(new URL('../../../bin/sealgate.js', import.meta.url));
const DESCRIPTOR = {
  name: 'sg-test-image',
  version: '0.1.0',
  entrypoints: { train: ['node', '/model/train.js'] },
  metrics: ['loss'],
  unitCost: '1',
  baseFee: '1',
  benchmark: { steps: 1, seconds: 1 },
};

t.test('a directory that cannot become a model image', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sg-test-supervisor-image-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const noDocker = {} as Docker;
  await t.rejects(buildModelImage(noDocker, dir), {
    name: 'ModelImageError',
    code: 'MODEL_IMAGE_DESCRIPTOR',
  });
  await writeFile(join(dir, 'model.json'), '{ nope');
  await t.rejects(buildModelImage(noDocker, dir), {
    name: 'ModelImageError',
    code: 'MODEL_IMAGE_DESCRIPTOR',
  });
  await writeFile(join(dir, 'model.json'), JSON.stringify({ ...DESCRIPTOR, metrics: [] }));
  await t.rejects(buildModelImage(noDocker, dir), { code: 'POLICY_INVALID' });
  await writeFile(join(dir, 'model.json'), JSON.stringify(DESCRIPTOR));
  await mkdir(join(dir, 'lib'));
  await symlink('/etc/passwd', join(dir, 'lib/passwd'));
  await t.rejects(buildModelImage(noDocker, dir), { name: 'ModelImageError', code: 'MODEL_IMAGE_FILE' });
});

t.test('buildModelImage and sealgate model build on the real dockerd', async (t) => {
  const docker = await dockerForTest(t);
  if (docker === undefined) return;
  const dir = await mkdtemp(join(tmpdir(), 'sg-test-supervisor-image-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const model = join(dir, 'model');
  await mkdir(join(model, 'lib'), { recursive: true });
  await writeFile(join(model, 'model.json'), JSON.stringify(DESCRIPTOR));
  await writeFile(join(model, 'lib/train.js'), 'console.log(1)');
  const tag = `sg-test-supervisor-image:${randomBytes(4).toString('hex')}`;
  const built = await buildModelImage(docker, model, tag);
  t.teardown(() =>
    docker
      .getImage(built.imageId)
      .remove({ force: true })
      .catch(() => undefined),
  );
  t.match(built, { imageId: /^sha256:[0-9a-f]{64}$/, tag, descriptor: { name: 'sg-test-image' } });
  const inspect = await docker.getImage(built.imageId).inspect();
  t.equal(inspect.Config.WorkingDir, '/model');
  t.equal(inspect.Config.User, '65534:65534');
  t.match(inspect.Config.Labels, {
    'sealgate.model.name': 'sg-test-image',
    'sealgate.model.version': '0.1.0',
  });

  const archive = join(dir, 'model.tar');
  const { stdout } = await run(process.execPath, [
    SEALGATE,
    'model',
    'build',
    model,
    '--tag',
    tag,
    '--archive',
    archive,
    '--json',
  ]);
  const printed = JSON.parse(stdout) as { imageId: string; archive: string };
  t.equal(printed.imageId, built.imageId, 'the same directory builds the same image');
  t.equal(await imageIdOfArchive(archive), built.imageId, 'the archive names the image');
  await t.rejects(run(process.execPath, [SEALGATE, 'model', 'build', join(dir, 'nowhere'), '--json']), {
    code: 1,
  });
});
