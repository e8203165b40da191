// sandboxContainerConfig: the create fields for a profile and one run, and the
// run options it refuses. Docker's acceptance of them is proven in docker.test.ts.
import t from 'tap';
import { sandboxContainerConfig, SANDBOX_DEFAULTS, type SandboxRun } from '../../../policies/index.js';
import { dockerDefaultSeccomp, testProfile } from '../../helpers/inspect-fixtures.js';

const run: SandboxRun = {
  binds: { ciphertext: '/var/lib/sealgate/runs/r1/data.sgenc', supervisor: '/opt/sealgate/supervisor' },
  limits: { pids: 256, memoryBytes: 1024 ** 3, nanoCpus: 2e9 },
};

t.test('the create fields of a sealed container', (t) => {
  const config = sandboxContainerConfig(testProfile(), run);
  t.same(config, {
    User: '65534:65534',
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Privileged: false,
      CapDrop: ['ALL'],
      CapAdd: [],
      SecurityOpt: ['no-new-privileges', `seccomp=${JSON.stringify(dockerDefaultSeccomp())}`],
      PidsLimit: 256,
      Memory: 1024 ** 3,
      MemorySwap: 1024 ** 3,
      NanoCpus: 2e9,
      Mounts: [
        {
          Type: 'bind',
          Source: '/var/lib/sealgate/runs/r1/data.sgenc',
          Target: '/sealed/ciphertext',
          ReadOnly: true,
          BindOptions: { Propagation: 'rprivate' },
        },
        {
          Type: 'bind',
          Source: '/opt/sealgate/supervisor',
          Target: '/sealed/supervisor',
          ReadOnly: true,
          BindOptions: { Propagation: 'rprivate' },
        },
      ],
      Tmpfs: Object.fromEntries(SANDBOX_DEFAULTS.tmpfs.map((m) => [m.target, m.options])),
      DeviceRequests: [],
      IpcMode: 'private',
      CgroupnsMode: 'private',
      Runtime: 'runc',
    },
  });
  t.end();
});

t.test('GPUs and the supervisor entrypoint when the profile has them', (t) => {
  const profile = testProfile({
    maxGpus: 2,
    entrypoint: ['/sealed/supervisor/run', '--stdio'],
    runtimes: ['nvidia', 'runc'],
  });
  const config = sandboxContainerConfig(profile, { ...run, gpuDeviceIds: ['0', 'GPU-8f2c'] });
  t.same(config.HostConfig.DeviceRequests, [
    { Driver: 'nvidia', Count: 0, DeviceIDs: ['0', 'GPU-8f2c'], Capabilities: [['gpu']] },
  ]);
  t.same(config.Entrypoint, ['/sealed/supervisor/run', '--stdio']);
  t.equal(config.HostConfig.Runtime, 'nvidia');
  t.end();
});

t.test('run options that do not fit the profile throw SANDBOX_RUN_INVALID', (t) => {
  const profile = testProfile({ maxGpus: 1 });
  const bad: [string, SandboxRun, RegExp][] = [
    ['a bind missing', { ...run, binds: { ciphertext: '/data' } }, /no host path for the supervisor bind/],
    ['a bind the profile lacks', { ...run, binds: { ...run.binds, extra: '/x' } }, /no bind named extra/],
    [
      'a relative host path',
      { ...run, binds: { ...run.binds, supervisor: 'opt/sup' } },
      /supervisor bind is not a plain/,
    ],
    [
      'a host path with ..',
      { ...run, binds: { ...run.binds, ciphertext: '/data/../etc' } },
      /ciphertext bind/,
    ],
    [
      'a zero limit',
      { ...run, limits: { ...run.limits, pids: 0 } },
      /limits\.pids must be a positive integer/,
    ],
    ['a fractional limit', { ...run, limits: { ...run.limits, nanoCpus: 1.5 } }, /limits\.nanoCpus must be/],
    [
      'a limit above the maximum',
      { ...run, limits: { ...run.limits, memoryBytes: 64 * 1024 ** 3 } },
      /above the profile's maximum/,
    ],
    ['too many GPUs', { ...run, gpuDeviceIds: ['0', '1'] }, /2 GPUs asked, the profile allows 1/],
    ['a GPU id that is not one', { ...run, gpuDeviceIds: ['0,1'] }, /not an index or a UUID/],
  ];
  for (const [name, options, message] of bad) {
    t.throws(
      () => sandboxContainerConfig(profile, options),
      { name: 'SandboxError', code: 'SANDBOX_RUN_INVALID', message },
      name,
    );
  }
  const inherited = Object.create({ supervisor: '/opt/sup' }) as Record<string, string>;
  inherited.ciphertext = '/data';
  t.throws(
    () => sandboxContainerConfig(profile, { ...run, binds: inherited }),
    { code: 'SANDBOX_RUN_INVALID' },
    'own paths only',
  );
  t.end();
});
