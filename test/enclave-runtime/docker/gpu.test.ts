// GPUs in the Docker driver without a GPU: the node offers at most its
// profile's maxGpus of its inventory (and asks no inventory with 0); the create
// request of a one-GPU job under maxGpus 1 carries its DeviceRequest, and the
// container Docker made from that very request (test/fixtures/inspect/driver-gpu.json,
// recorded by record-driver-gpu.sh on dockerd 20.10.24, created, never started)
// evaluates clean under maxGpus 1 and SANDBOX_DEVICE under 0; the same job under
// maxGpus 0 is SANDBOX_RUN_INVALID before anything is created.
import type Docker from 'dockerode';
import t from 'tap';
import {
  DriverError,
  dockerRuntime,
  sealedCreateOptions,
  type GpuInfo,
  type SealedContainerSpec,
} from '../../../enclave-runtime/index.js';
import { evaluateSandbox, sealedSandboxProfile } from '../../../policies/index.js';
import { inspectFixture } from '../../helpers/inspect-fixtures.js';

const ENTRYPOINT = ['/sealed/supervisor/node', '/sealed/supervisor/main.js'];
const GPU = 'GPU-5f1c2a7e-0b1d-4c8e-9a3f-2d6b8e4c1a90';
const recorded = () => inspectFixture('driver-gpu');
// The spec record-driver-gpu.sh created the fixture from (bind sources differ: they are not judged).
const spec: SealedContainerSpec = {
  runId: 'run_fixture',
  jobId: 'fx-driver-gpu',
  image: recorded().Image as string,
  binds: {
    ciphertext: '/var/lib/sealgate-node/jobs/j/ciphertext',
    supervisor: '/var/lib/sealgate-node/supervisor',
  },
  limits: { pids: 256, memoryBytes: 2 * 1024 ** 3, nanoCpus: 2e9, wallSeconds: 3600, tmpfsBytes: 1024 ** 3 },
  gpuDeviceIds: [GPU],
};
const profile = (maxGpus: number) => sealedSandboxProfile({ entrypoint: ENTRYPOINT, maxGpus });

const gpu = (index: number): GpuInfo => ({
  index,
  uuid: `GPU-${index}`,
  name: 'NVIDIA A100-SXM4-80GB',
  memoryBytes: 80 * 1024 ** 3,
});
const inventory = (n: number) => () => Promise.resolve(Array.from({ length: n }, (_, i) => gpu(i)));
const broken = () => Promise.reject(new DriverError('RUNTIME_GPU_QUERY', 'nvidia-smi exited 9'));

t.test('the driver offers the first maxGpus GPUs of its inventory', async (t) => {
  const offered = (maxGpus: number, gpus: () => Promise<GpuInfo[]>) =>
    dockerRuntime({ entrypoint: ENTRYPOINT, sandbox: { maxGpus }, gpus }).gpus();
  t.same(await offered(2, inventory(4)), [gpu(0), gpu(1)]);
  t.same(await offered(0, broken), [], 'with 0 the inventory is not asked');
  await t.rejects(offered(1, broken), { name: 'DriverError', code: 'RUNTIME_GPU_QUERY' });
  t.equal(dockerRuntime({ entrypoint: ENTRYPOINT }).profile.maxGpus, 0, 'the profile default stays 0');
});

t.test('a one-GPU job under maxGpus 1: the request Docker recorded, evaluated clean', (t) => {
  const request = sealedCreateOptions(profile(1), spec, { 'sealgate.node': 'node_fixture' });
  const doc = recorded();
  t.same(request.HostConfig?.DeviceRequests, [
    { Driver: 'nvidia', Count: 0, DeviceIDs: [GPU], Capabilities: [['gpu']] },
  ]);
  // Docker keeps the request as sent, adding only Options: null.
  t.same(doc.HostConfig.DeviceRequests, [{ ...request.HostConfig?.DeviceRequests?.[0], Options: null }]);
  t.same(doc.Config.Entrypoint, request.Entrypoint);
  t.same(doc.HostConfig.Tmpfs, request.HostConfig?.Tmpfs);
  t.same(evaluateSandbox(doc, profile(1)), []);
  t.same(evaluateSandbox(doc, profile(4)), [], 'any ceiling at or above the count');
  t.end();
});

t.test('the same container under maxGpus 0: SANDBOX_DEVICE; the same job: SANDBOX_RUN_INVALID', (t) => {
  const violations = evaluateSandbox(recorded(), profile(0));
  t.match(violations, [{ code: 'SANDBOX_DEVICE', path: 'HostConfig.DeviceRequests[0]' }]);
  t.equal(violations.length, 1, 'nothing else is wrong with it');
  t.throws(() => sealedCreateOptions(profile(0), spec), {
    name: 'SandboxError',
    code: 'SANDBOX_RUN_INVALID',
    message: /1 GPUs asked, the profile allows 0/,
  });
  t.end();
});

t.test('createSealed accepts what Docker reported for the GPU container (fake engine)', async (t) => {
  const created: Docker.ContainerCreateOptions[] = [];
  const docker = {
    createContainer(request: Docker.ContainerCreateOptions) {
      created.push(request);
      return Promise.resolve({ id: 'c0ffee' });
    },
    getContainer: () => ({ inspect: () => Promise.resolve(recorded()), remove: () => Promise.resolve() }),
  } as unknown as Docker;
  const runtime = dockerRuntime({ docker, entrypoint: ENTRYPOINT, sandbox: { maxGpus: 1 } });
  const container = await runtime.createSealed(spec);
  t.equal(container.id, 'c0ffee');
  t.equal(created.length, 1);
  const refusing = dockerRuntime({ docker, entrypoint: ENTRYPOINT });
  await t.rejects(refusing.createSealed(spec), { name: 'SandboxError', code: 'SANDBOX_RUN_INVALID' });
  t.equal(created.length, 1, 'nothing was created for the refused job');
});
