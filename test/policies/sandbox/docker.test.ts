// The sandbox profile against the real dockerd: a container created from
// sandboxContainerConfig passes evaluateSandbox, and each loosening, applied by
// Docker itself, is reported with exactly its own code. Containers are created,
// inspected and removed, never started; the image is a one-file `docker import`.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import t from 'tap';
import {
  evaluateSandbox,
  sandboxContainerConfig,
  securityConfig,
  type SandboxProfile,
  type SandboxProfileOptions,
  type SandboxViolationCode,
} from '../../../policies/index.js';
import { DockerScope, dockerForTest } from '../../helpers/docker.js';
import { dockerDefaultSeccomp, testProfile } from '../../helpers/inspect-fixtures.js';

type HostConfig = NonNullable<Docker.ContainerCreateOptions['HostConfig']>;
type Options = Docker.ContainerCreateOptions & { HostConfig: HostConfig };

const docker = await dockerForTest(t);
if (docker !== undefined) {
  const scope = new DockerScope(docker, 'sandbox');
  t.teardown(() => scope.cleanup());
  const host = mkdtempSync(join(tmpdir(), 'sealgate-sandbox-'));
  t.teardown(() => rmSync(host, { recursive: true, force: true }));
  for (const dir of ['ciphertext', 'supervisor', 'other']) mkdirSync(join(host, dir));

  const image = await scope.importImage([{ path: 'sealgate-test', content: 'sealed\n' }]);
  const profileOptions: Partial<SandboxProfileOptions> = {
    limits: { pids: 128, memoryBytes: 512 * 1024 ** 2, nanoCpus: 1e9 },
  };
  const profile = testProfile(profileOptions);
  const run = {
    binds: { ciphertext: join(host, 'ciphertext'), supervisor: join(host, 'supervisor') },
    limits: { pids: 64, memoryBytes: 256 * 1024 ** 2, nanoCpus: 5e8 },
  };
  const sealed = (p: SandboxProfile = profile, gpuDeviceIds: string[] = []): Options => ({
    Image: image,
    Cmd: ['/sealgate-test'],
    ...sandboxContainerConfig(p, { ...run, gpuDeviceIds }),
  });
  const codes = (doc: unknown, p: SandboxProfile = profile): SandboxViolationCode[] => [
    ...new Set(evaluateSandbox(doc, p).map((v) => v.code)),
  ];

  t.test('a container created from sandboxContainerConfig is sealed', async (t) => {
    t.same(evaluateSandbox(await scope.create(sealed()), profile), []);
  });

  t.test('with a GPU and the supervisor entrypoint, when the profile asks for them', async (t) => {
    const withGpu = testProfile({ ...profileOptions, maxGpus: 1, entrypoint: ['/sealgate-test'] });
    t.same(evaluateSandbox(await scope.create(sealed(withGpu, ['0'])), withGpu), []);
  });

  t.test('two containers from the same config measure the same', async (t) => {
    const [a, b] = [await scope.create(sealed()), await scope.create(sealed())];
    t.same(securityConfig(a), securityConfig(b));
  });

  const volumeImage = await scope.importImage(
    [{ path: 'sealgate-test', content: 'volume\n' }],
    ['VOLUME /data'],
  );
  const bind = (target: string, readOnly: boolean) => ({
    Type: 'bind' as const,
    Source: join(host, 'other'),
    Target: target,
    ReadOnly: readOnly,
  });
  const loosened: Record<string, [SandboxViolationCode, (o: Options) => void]> = {
    'network bridge': ['SANDBOX_NETWORK', (o) => network(o, 'bridge')],
    'network host': ['SANDBOX_NETWORK', (o) => network(o, 'host')],
    'a writable root filesystem': ['SANDBOX_ROOT_WRITABLE', (o) => (o.HostConfig.ReadonlyRootfs = false)],
    'a capability added': ['SANDBOX_CAPABILITY_KEPT', (o) => (o.HostConfig.CapAdd = ['NET_RAW'])],
    'capabilities not dropped': ['SANDBOX_CAPABILITY_KEPT', (o) => (o.HostConfig.CapDrop = [])],
    'no-new-privileges off': ['SANDBOX_NEW_PRIVILEGES', (o) => securityOpt(o, 0, 'no-new-privileges=false')],
    'no-new-privileges absent': ['SANDBOX_NEW_PRIVILEGES', (o) => securityOpt(o, 0)],
    'seccomp unconfined': ['SANDBOX_SECCOMP', (o) => securityOpt(o, 1, 'seccomp=unconfined')],
    'a different seccomp profile': [
      'SANDBOX_SECCOMP',
      (o) =>
        securityOpt(
          o,
          1,
          `seccomp=${JSON.stringify({ ...dockerDefaultSeccomp(), defaultAction: 'SCMP_ACT_ALLOW' })}`,
        ),
    ],
    "no seccomp option (the daemon's default)": ['SANDBOX_SECCOMP', (o) => securityOpt(o, 1)],
    'AppArmor unconfined': ['SANDBOX_APPARMOR', (o) => securityOpt(o, 2, 'apparmor=unconfined')],
    'SELinux labels off': ['SANDBOX_SECURITY_OPT', (o) => securityOpt(o, 2, 'label=disable')],
    // The CLI's `--security-opt systempaths=unconfined` is sent as these two empty lists.
    'system paths unmasked': [
      'SANDBOX_SYSTEM_PATHS',
      (o) => Object.assign(o.HostConfig, { MaskedPaths: [], ReadonlyPaths: [] }),
    ],
    'no limits': [
      'SANDBOX_LIMIT_MISSING',
      (o) => Object.assign(o.HostConfig, { PidsLimit: 0, Memory: 0, MemorySwap: 0, NanoCpus: 0 }),
    ],
    'limits above the maxima': [
      'SANDBOX_LIMIT_EXCEEDED',
      (o) =>
        Object.assign(o.HostConfig, {
          PidsLimit: 1000,
          Memory: 1024 ** 3,
          MemorySwap: 1024 ** 3,
          NanoCpus: 0,
          CpuQuota: 150_000,
          CpuPeriod: 100_000,
        }),
    ],
    'swap above memory': [
      'SANDBOX_LIMIT_EXCEEDED',
      (o) => (o.HostConfig.MemorySwap = 2 * run.limits.memoryBytes),
    ],
    'a read-write bind at an allowed path': [
      'SANDBOX_HOST_MOUNT',
      (o) => (o.HostConfig.Mounts![0].ReadOnly = false),
    ],
    'a read-only bind at another path': [
      'SANDBOX_HOST_MOUNT',
      (o) => o.HostConfig.Mounts!.push(bind('/host', true)),
    ],
    'a read-write bind through Binds': [
      'SANDBOX_HOST_MOUNT',
      (o) => (o.HostConfig.Binds = [`${join(host, 'other')}:/host`]),
    ],
    'a bind receiving host mount events': [
      'SANDBOX_HOST_MOUNT',
      (o) => (o.HostConfig.Mounts![1].BindOptions = { Propagation: 'rslave' }),
    ],
    'an anonymous volume': [
      'SANDBOX_HOST_MOUNT',
      (o) => o.HostConfig.Mounts!.push({ Type: 'volume', Source: '', Target: '/data' }),
    ],
    'an image that declares a VOLUME': ['SANDBOX_HOST_MOUNT', (o) => (o.Image = volumeImage)],
    'no tmpfs for the plaintext input': ['SANDBOX_TMPFS', (o) => delete o.HostConfig.Tmpfs!['/sealed/input']],
    'user root by uid': ['SANDBOX_ROOT_USER', (o) => (o.User = '0:0')],
    'user root by name': ['SANDBOX_ROOT_USER', (o) => (o.User = 'root')],
    "the image's user": ['SANDBOX_ROOT_USER', (o) => (o.User = '')],
    'a uid without a gid': ['SANDBOX_ROOT_USER', (o) => (o.User = '1000')],
    'a root supplementary group': ['SANDBOX_ROOT_USER', (o) => (o.HostConfig.GroupAdd = ['0'])],
    privileged: ['SANDBOX_PRIVILEGED', (o) => (o.HostConfig.Privileged = true)],
    'a host device': [
      'SANDBOX_DEVICE',
      (o) =>
        (o.HostConfig.Devices = [
          { PathOnHost: '/dev/null', PathInContainer: '/dev/xnull', CgroupPermissions: 'rwm' },
        ]),
    ],
    'a device cgroup rule': ['SANDBOX_DEVICE', (o) => (o.HostConfig.DeviceCgroupRules = ['c 1:3 rwm'])],
    'a GPU the profile did not ask for': [
      'SANDBOX_DEVICE',
      (o) => (o.HostConfig.DeviceRequests = [{ Driver: '', Count: 1, Capabilities: [['gpu']] }]),
    ],
    'the host PID namespace': ['SANDBOX_NAMESPACE', (o) => (o.HostConfig.PidMode = 'host')],
    'the host IPC namespace': ['SANDBOX_NAMESPACE', (o) => (o.HostConfig.IpcMode = 'host')],
    'a shareable IPC namespace': ['SANDBOX_NAMESPACE', (o) => (o.HostConfig.IpcMode = 'shareable')],
    'the host UTS namespace': ['SANDBOX_NAMESPACE', (o) => (o.HostConfig.UTSMode = 'host')],
    'the host user namespace': ['SANDBOX_NAMESPACE', (o) => (o.HostConfig.UsernsMode = 'host')],
    'the host cgroup namespace': [
      'SANDBOX_NAMESPACE',
      (o) => Object.assign(o.HostConfig, { CgroupnsMode: 'host' }),
    ],
    'another OCI runtime': ['SANDBOX_RUNTIME', (o) => (o.HostConfig.Runtime = 'io.containerd.runc.v2')],
  };
  for (const [name, [code, edit]] of Object.entries(loosened)) {
    t.test(`${name} → ${code}`, async (t) => {
      const options = sealed();
      edit(options);
      t.same(codes(await scope.create(options)), [code]);
    });
  }

  t.test('cleanup removes every container and image of the test', async (t) => {
    await scope.cleanup();
    const label = Object.entries(scope.labels).map(([k, v]) => `${k}=${v}`);
    t.same(await docker.listContainers({ all: true, filters: { label } }), []);
    await t.rejects(docker.getImage(image).inspect(), { message: /HTTP code 404/ });
    await t.rejects(docker.getImage(volumeImage).inspect(), { message: /HTTP code 404/ });
  });
}

/** Attaches the container to a network (NetworkDisabled would leave it unattached). */
function network(options: Options, mode: string): void {
  options.NetworkDisabled = false;
  options.HostConfig.NetworkMode = mode;
}

/** Replaces (or, without a value, removes) the SecurityOpt entry at `index`; index 2 appends. */
function securityOpt(options: Options, index: number, value?: string): void {
  const list = [...(options.HostConfig.SecurityOpt as string[])];
  list.splice(index, index < list.length ? 1 : 0, ...(value === undefined ? [] : [value]));
  options.HostConfig.SecurityOpt = list;
}
