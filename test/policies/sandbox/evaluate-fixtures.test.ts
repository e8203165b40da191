// evaluateSandbox over real inspect documents recorded from dockerd 20.10.24
// (test/fixtures/inspect/README.md says how), and over malformed documents.
import t from 'tap';
import { evaluateSandbox, SandboxError, type SandboxViolation } from '../../../policies/index.js';
import { inspectFixture, testProfile } from '../../helpers/inspect-fixtures.js';

const brief = (violations: SandboxViolation[]): string[] => violations.map((v) => `${v.code} ${v.path}`);

t.test('sealed containers, from the CLI and from the Engine API, have no violation', (t) => {
  const profile = testProfile();
  for (const name of ['sealed', 'sealed-twin', 'api'] as const) {
    t.same(evaluateSandbox(inspectFixture(name), profile), [], name);
  }
  t.end();
});

t.test('a GPU request passes only when the profile asks for GPUs', (t) => {
  t.same(evaluateSandbox(inspectFixture('gpu'), testProfile({ maxGpus: 1 })), []);
  t.same(brief(evaluateSandbox(inspectFixture('gpu'), testProfile())), [
    'SANDBOX_DEVICE HostConfig.DeviceRequests[0]',
  ]);
  t.end();
});

t.test("Docker's defaults break every rule that has no safe default", (t) => {
  t.same(brief(evaluateSandbox(inspectFixture('default'), testProfile())), [
    'SANDBOX_NETWORK HostConfig.NetworkMode',
    'SANDBOX_NETWORK NetworkSettings.Networks.bridge',
    'SANDBOX_ROOT_WRITABLE HostConfig.ReadonlyRootfs',
    'SANDBOX_CAPABILITY_KEPT HostConfig.CapDrop',
    'SANDBOX_ROOT_USER Config.User',
    'SANDBOX_NEW_PRIVILEGES HostConfig.SecurityOpt',
    'SANDBOX_SECCOMP HostConfig.SecurityOpt',
    'SANDBOX_NAMESPACE HostConfig.CgroupnsMode',
    'SANDBOX_LIMIT_MISSING HostConfig.PidsLimit',
    'SANDBOX_LIMIT_MISSING HostConfig.Memory',
    'SANDBOX_LIMIT_MISSING HostConfig.NanoCpus',
    'SANDBOX_TMPFS HostConfig.Tmpfs',
    'SANDBOX_TMPFS HostConfig.Tmpfs',
    'SANDBOX_TMPFS HostConfig.Tmpfs',
  ]);
  t.end();
});

t.test('a deliberately loosened container reports every loosening', (t) => {
  const violations = evaluateSandbox(inspectFixture('loose'), testProfile({ maxGpus: 2 }));
  t.same(brief(violations), [
    'SANDBOX_NETWORK HostConfig.NetworkMode',
    'SANDBOX_NETWORK NetworkSettings.Networks.host',
    'SANDBOX_ROOT_WRITABLE HostConfig.ReadonlyRootfs',
    'SANDBOX_CAPABILITY_KEPT HostConfig.CapDrop',
    'SANDBOX_CAPABILITY_KEPT HostConfig.CapAdd[0]',
    'SANDBOX_CAPABILITY_KEPT HostConfig.CapAdd[1]',
    'SANDBOX_ROOT_USER Config.User',
    'SANDBOX_ROOT_USER HostConfig.GroupAdd[0]',
    'SANDBOX_NEW_PRIVILEGES HostConfig.SecurityOpt',
    'SANDBOX_SECCOMP HostConfig.SecurityOpt[0]',
    'SANDBOX_APPARMOR HostConfig.SecurityOpt[1]',
    'SANDBOX_SYSTEM_PATHS HostConfig.MaskedPaths',
    'SANDBOX_SYSTEM_PATHS HostConfig.ReadonlyPaths',
    'SANDBOX_NAMESPACE HostConfig.UTSMode',
    'SANDBOX_NAMESPACE HostConfig.CgroupnsMode',
    'SANDBOX_LIMIT_EXCEEDED HostConfig.PidsLimit',
    'SANDBOX_LIMIT_EXCEEDED HostConfig.Memory',
    'SANDBOX_LIMIT_EXCEEDED HostConfig.MemorySwap',
    'SANDBOX_HOST_MOUNT Mounts[0].Type',
    'SANDBOX_HOST_MOUNT Mounts[1].RW',
    'SANDBOX_TMPFS HostConfig.Tmpfs',
    'SANDBOX_TMPFS HostConfig.Tmpfs',
    'SANDBOX_TMPFS HostConfig.Tmpfs',
    'SANDBOX_DEVICE HostConfig.Devices[0]',
    'SANDBOX_DEVICE HostConfig.DeviceRequests[0].Count',
  ]);
  const seccomp = violations.find((v) => v.code === 'SANDBOX_SECCOMP');
  t.match(seccomp, { expected: 'the sandbox profile', actual: 'unconfined', message: 'seccomp is off' });
  const memory = violations.find((v) => v.path === 'HostConfig.Memory');
  t.match(memory, { expected: `at most ${16 * 1024 ** 3}`, actual: String(64 * 1024 ** 3) });
  t.end();
});

t.test('a CPU quota is judged as quota / period CPUs', (t) => {
  const loose = inspectFixture('loose');
  const violations = evaluateSandbox(loose, testProfile({ maxGpus: 2, limits: { nanoCpus: 2e9 } }));
  t.match(
    violations.filter((v) => v.code === 'SANDBOX_LIMIT_EXCEEDED' && v.path === 'HostConfig.CpuQuota'),
    [{ expected: 'at most 2000000000', actual: '3000000000' }],
  );
  loose.HostConfig.CpuPeriod = 0; // Docker's default period, 100 ms: 300000 us is still 3 CPUs
  t.equal(
    evaluateSandbox(loose, testProfile({ maxGpus: 2, limits: { nanoCpus: 2e9 } })).length,
    violations.length,
  );
  t.end();
});

t.test('a malformed document throws SANDBOX_INSPECT_MALFORMED naming the path', (t) => {
  const profile = testProfile();
  const cases: [string, unknown, RegExp][] = [
    ['not an object', 'sealed', /at \(document\)/],
    ['the CLI array form', [inspectFixture('sealed')], /at \(document\)/],
    ['HostConfig missing', { ...inspectFixture('sealed'), HostConfig: undefined }, /at HostConfig:/],
    ['NetworkMode a number', withHost({ NetworkMode: 1 }), /at HostConfig\.NetworkMode:/],
    ['PidsLimit a string', withHost({ PidsLimit: '64' }), /at HostConfig\.PidsLimit:/],
    ['Memory fractional', withHost({ Memory: 1.5 }), /at HostConfig\.Memory: expected integer/],
    [
      'a tmpfs option not a string',
      withHost({ Tmpfs: { '/sealed/input': 1 } }),
      /at HostConfig\.Tmpfs\["\/sealed\/input"\]:/,
    ],
    ['CapAdd holding a number', withHost({ CapAdd: [1] }), /at HostConfig\.CapAdd/],
    ['a mount without RW', withMount({ RW: undefined }), /at Mounts\[0\]\.RW:/],
    ['Config.User missing', { ...inspectFixture('sealed'), Config: {} }, /at Config\.User:/],
  ];
  for (const [name, doc, message] of cases) {
    t.throws(
      () => evaluateSandbox(doc, profile),
      { name: 'SandboxError', code: 'SANDBOX_INSPECT_MALFORMED', message },
      name,
    );
  }
  t.throws(() => evaluateSandbox(null, profile), SandboxError);
  t.end();
});

function withHost(fields: Record<string, unknown>): unknown {
  const doc = inspectFixture('sealed');
  return { ...doc, HostConfig: { ...doc.HostConfig, ...fields } };
}

function withMount(fields: Record<string, unknown>): unknown {
  const doc = inspectFixture('sealed');
  return { ...doc, Mounts: [{ ...doc.Mounts[0], ...fields }] };
}
