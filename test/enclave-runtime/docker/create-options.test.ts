// The create request of a sealed container, without Docker: the exact fields
// (GPUs included, which this machine lacks), and createSealed over a fake engine
// that answers inspect with the recorded Engine API container (fixtures/inspect/
// api.json, made from sandboxContainerConfig's body) updated with what was asked.
// Also: the driver's answer when no dockerd listens at all (a real, absent socket).
import type Docker from 'dockerode';
import t from 'tap';
import {
  containerName,
  dockerRuntime,
  sealedCreateOptions,
  type SealedContainerSpec,
} from '../../../enclave-runtime/index.js';
import { sealedSandboxProfile } from '../../../policies/index.js';
import { dockerDefaultSeccomp, inspectFixture } from '../../helpers/inspect-fixtures.js';

const ENTRYPOINT = ['/sealed/supervisor/node', '/sealed/supervisor/main.js'];
const IMAGE = `sha256:${'a'.repeat(64)}`;
const spec: SealedContainerSpec = {
  runId: 'run-1',
  jobId: 'job-1',
  image: IMAGE,
  binds: { ciphertext: '/var/lib/sealgate/jobs/job-1/data.sgenc', supervisor: '/opt/sealgate/supervisor' },
  limits: { pids: 128, memoryBytes: 512 * 1024 ** 2, nanoCpus: 1e9, wallSeconds: 600, tmpfsBytes: 1024 ** 3 },
};
const profile = (maxGpus = 0) => sealedSandboxProfile({ entrypoint: ENTRYPOINT, maxGpus });

t.test('the request: image, stdio, labels, name, tmpfs sizes, no GPU', (t) => {
  const request = sealedCreateOptions(profile(), spec, { 'sealgate.node': 'n1' });
  t.equal(request.name, 'sealgate-job-1');
  t.equal(containerName('j'), 'sealgate-j');
  t.equal(request.Image, IMAGE);
  t.same(request.Entrypoint, ENTRYPOINT);
  t.same(request.Env, []);
  t.match(request, { OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, Tty: false });
  t.same(request.Labels, {
    'sealgate.node': 'n1',
    'sealgate.run': 'run-1',
    'sealgate.job': 'job-1',
    'sealgate.managed': '1',
  });
  const sized = `rw,noexec,nosuid,nodev,size=${1024 ** 3}`;
  t.same(request.HostConfig?.Tmpfs, { '/sealed/input': sized, '/sealed/output': sized, '/tmp': sized });
  t.same(request.HostConfig?.DeviceRequests, []);
  t.end();
});

t.test('GPUs become one DeviceRequest naming them, only when asked', (t) => {
  const request = sealedCreateOptions(profile(2), { ...spec, gpuDeviceIds: ['0', 'GPU-5f1c2a'] });
  t.same(request.HostConfig?.DeviceRequests, [
    { Driver: 'nvidia', Count: 0, DeviceIDs: ['0', 'GPU-5f1c2a'], Capabilities: [['gpu']] },
  ]);
  t.same(sealedCreateOptions(profile(2), { ...spec, gpuDeviceIds: [] }).HostConfig?.DeviceRequests, []);
  t.end();
});

t.test('a run that does not fit the profile: SANDBOX_RUN_INVALID', (t) => {
  const limits = (l: Partial<SealedContainerSpec['limits']>) => ({
    ...spec,
    limits: { ...spec.limits, ...l },
  });
  for (const bad of [
    limits({ wallSeconds: 0 }),
    limits({ wallSeconds: 1e9 }),
    limits({ tmpfsBytes: 1.5 }),
    limits({ pids: 1e6 }),
    { ...spec, gpuDeviceIds: ['0'] },
  ]) {
    t.throws(() => sealedCreateOptions(profile(), bad), {
      name: 'SandboxError',
      code: 'SANDBOX_RUN_INVALID',
    });
  }
  t.end();
});

/** A fake engine: records the create request and answers inspect like Docker would for it. */
function fakeDocker(edit: (inspect: Record<string, unknown>) => void = () => undefined) {
  const calls: { created?: Docker.ContainerCreateOptions; removed: string[] } = { removed: [] };
  const docker = {
    createContainer(request: Docker.ContainerCreateOptions) {
      calls.created = request;
      return Promise.resolve({ id: 'c0ffee' });
    },
    getContainer(id: string) {
      return {
        inspect() {
          const doc = inspectFixture('api');
          const request = calls.created ?? {};
          doc.Image = request.Image;
          doc.Config.Entrypoint = request.Entrypoint;
          Object.assign(doc.HostConfig, { DeviceRequests: request.HostConfig?.DeviceRequests });
          edit(doc);
          return Promise.resolve(doc);
        },
        remove() {
          calls.removed.push(id);
          return Promise.resolve();
        },
      };
    },
  } as unknown as Docker;
  return { docker, calls };
}

// api.json was created with Docker's default seccomp profile and limits within these maxima.
const sandbox = {
  seccomp: dockerDefaultSeccomp(),
  limits: { pids: 128, memoryBytes: 512 * 1024 ** 2, nanoCpus: 1e9 },
};

t.test('createSealed sends the GPU request and accepts what Docker reports for it', async (t) => {
  const { docker, calls } = fakeDocker();
  const runtime = dockerRuntime({ docker, entrypoint: ENTRYPOINT, sandbox: { ...sandbox, maxGpus: 1 } });
  const container = await runtime.createSealed({ ...spec, gpuDeviceIds: ['GPU-5f1c2a'] });
  t.equal(container.id, 'c0ffee');
  t.same(calls.created?.HostConfig?.DeviceRequests, [
    { Driver: 'nvidia', Count: 0, DeviceIDs: ['GPU-5f1c2a'], Capabilities: [['gpu']] },
  ]);
  t.same(calls.removed, []);
});

t.test('createSealed refuses and removes when Docker reports a GPU the profile forbids', async (t) => {
  const { docker, calls } = fakeDocker((doc) => {
    (doc.HostConfig as Record<string, unknown>).DeviceRequests = [
      { Driver: '', Count: -1, DeviceIDs: null, Capabilities: [['gpu']] },
    ];
  });
  const runtime = dockerRuntime({ docker, entrypoint: ENTRYPOINT, sandbox });
  await t.rejects(runtime.createSealed(spec), {
    name: 'DriverError',
    code: 'RUNTIME_SANDBOX_VIOLATION',
    message: /^SANDBOX_DEVICE at HostConfig\.DeviceRequests\[0\]/,
  });
  t.same(calls.removed, ['c0ffee']);
});

t.test('an empty entrypoint is a configuration mistake', (t) => {
  t.throws(() => dockerRuntime({ entrypoint: [] }), TypeError);
  t.end();
});

t.test('no dockerd at the socket: RUNTIME_ENGINE, "dockerd unreachable"', async (t) => {
  const { default: Docker } = await import('dockerode');
  const docker = new Docker({ socketPath: '/nonexistent/sg-test-driver.sock' });
  const runtime = dockerRuntime({ docker, entrypoint: ENTRYPOINT });
  const unreachable = {
    name: 'DriverError',
    code: 'RUNTIME_ENGINE',
    message: /dockerd unreachable \(ENOENT\)/,
  };
  await t.rejects(runtime.version(), unreachable);
  await t.rejects(runtime.sweep(), unreachable);
  await t.rejects(runtime.createSealed(spec), unreachable);
  await t.rejects(runtime.ensureImage(IMAGE), unreachable);
  await t.rejects(
    runtime.ensureImage(IMAGE, () => Promise.reject(new Error('unused'))),
    unreachable,
  );
});
