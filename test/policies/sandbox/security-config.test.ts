// securityConfig over the recorded inspect documents of test/fixtures/inspect/
// (dockerd 20.10.24; see its README.md): stable, free of volatile fields, complete.
import t from 'tap';
import { securityConfig } from '../../../policies/index.js';
import { dockerDefaultSeccomp, inspectFixture } from '../../helpers/inspect-fixtures.js';

t.test('two containers created with the same flags have the same security config', (t) => {
  t.same(securityConfig(inspectFixture('sealed-twin')), securityConfig(inspectFixture('sealed')));
  t.not(inspectFixture('sealed').Id, inspectFixture('sealed-twin').Id, 'they are two containers');
  t.end();
});

t.test('ids, names, timestamps, host paths and list order do not change it', (t) => {
  const doc = inspectFixture('sealed');
  const before = securityConfig(doc);
  Object.assign(doc, {
    Id: 'f'.repeat(64),
    Name: '/other',
    Created: '2030-01-01T00:00:00Z',
    Image: 'sha256:00',
  });
  doc.Config.Hostname = 'other';
  doc.Mounts = doc.Mounts.map((m) => ({ ...m, Source: '/elsewhere' })).reverse();
  doc.HostConfig.CapDrop = ['ALL'];
  doc.HostConfig.MaskedPaths = [...(doc.HostConfig.MaskedPaths as string[])].reverse();
  doc.HostConfig.Tmpfs = Object.fromEntries(Object.entries(doc.HostConfig.Tmpfs as object).reverse());
  t.same(securityConfig(doc), before);
  t.notMatch(
    JSON.stringify(before),
    /tmp\.|"Id"|Created|\/var\/lib\/docker/,
    'no volatile field or host path in it',
  );
  t.end();
});

t.test('a security-relevant change changes it', (t) => {
  const before = JSON.stringify(securityConfig(inspectFixture('sealed')));
  const edits: [string, (d: ReturnType<typeof inspectFixture>) => void][] = [
    ['network', (d) => (d.HostConfig.NetworkMode = 'host')],
    ['a bind made writable', (d) => (d.Mounts[0].RW = true)],
    ['the seccomp profile', (d) => (d.HostConfig.SecurityOpt = ['no-new-privileges', 'seccomp=unconfined'])],
    ['a limit', (d) => (d.HostConfig.PidsLimit = 129)],
    ['the user', (d) => (d.Config.User = '1000:1000')],
  ];
  for (const [name, edit] of edits) {
    const doc = inspectFixture('sealed');
    edit(doc);
    t.not(JSON.stringify(securityConfig(doc)), before, name);
  }
  t.end();
});

t.test('the sealed container, normalised', (t) => {
  const config = securityConfig(inspectFixture('sealed'));
  t.match(config, {
    version: 1,
    user: '65534:65534',
    groupAdd: [],
    entrypoint: [],
    runtime: 'runc',
    network: { mode: 'none', attached: ['none'] },
    privileged: false,
    readonlyRootfs: true,
    capabilities: { add: [], drop: ['ALL'] },
    noNewPrivileges: true,
    apparmor: { option: null, profile: '' },
    labels: [],
    unknownSecurityOpt: [],
    namespaces: { pid: '', ipc: 'private', uts: '', userns: '', cgroupns: 'private', cgroup: '' },
    limits: { pids: 128, memory: 536870912, memorySwap: 536870912, nanoCpus: 1e9, cpuQuota: 0, cpuPeriod: 0 },
    mounts: [
      { type: 'bind', destination: '/sealed/ciphertext', readOnly: true, propagation: 'rprivate' },
      { type: 'bind', destination: '/sealed/supervisor', readOnly: true, propagation: 'rprivate' },
    ],
    tmpfs: [
      { target: '/sealed/input', options: 'rw,noexec,nosuid,nodev' },
      { target: '/sealed/output', options: 'rw,noexec,nosuid,nodev' },
      { target: '/tmp', options: 'rw,noexec,nosuid,nodev' },
    ],
    volumesFrom: [],
    devices: [],
    deviceCgroupRules: [],
    deviceRequests: [],
  });
  t.same(config.seccomp, { kind: 'profile', profile: dockerDefaultSeccomp() }, 'the seccomp profile, parsed');
  t.same(config.maskedPaths, [...config.maskedPaths].sort());
  t.end();
});

t.test('the loosened container, normalised', (t) => {
  const config = securityConfig(inspectFixture('loose'));
  t.match(config, {
    capabilities: { add: ['CAP_NET_RAW', 'CAP_SYS_PTRACE'], drop: [] },
    noNewPrivileges: false,
    seccomp: { kind: 'unconfined' },
    apparmor: { option: 'unconfined', profile: 'unconfined' },
    devices: [{ pathOnHost: '/dev/null', pathInContainer: '/dev/xnull', cgroupPermissions: 'rwm' }],
    deviceRequests: [{ driver: '', count: -1, deviceIds: [], capabilities: [['gpu']] }],
    mounts: [
      { type: 'volume', destination: '/data', readOnly: false },
      { type: 'bind', destination: '/sealed/ciphertext', readOnly: false },
    ],
  });
  t.same(securityConfig(inspectFixture('default')).seccomp, { kind: 'default' });
  t.end();
});

t.test('labels, unknown options and several device requests are sorted', (t) => {
  const doc = inspectFixture('sealed');
  doc.HostConfig.SecurityOpt = ['seccomp=nonsense', 'label=level:s0', 'label=disable', 'zz=1', 'aa=1'];
  doc.HostConfig.DeviceRequests = [
    { Driver: 'nvidia', Count: 0, DeviceIDs: ['1', '0'], Capabilities: [['utility', 'gpu'], ['compute']] },
    { Driver: '', Count: 1, DeviceIDs: null, Capabilities: null },
  ];
  doc.HostConfig.Devices = [
    { PathOnHost: '/dev/b', PathInContainer: '/dev/b', CgroupPermissions: 'r' },
    { PathOnHost: '/dev/a', PathInContainer: '/dev/a', CgroupPermissions: 'r' },
  ];
  const config = securityConfig(doc);
  t.same(config.labels, ['disable', 'level:s0']);
  t.same(config.unknownSecurityOpt, ['aa=1', 'zz=1']);
  t.same(config.seccomp, { kind: 'invalid', text: 'nonsense' });
  t.same(config.deviceRequests, [
    { driver: '', count: 1, deviceIds: [], capabilities: [] },
    { driver: 'nvidia', count: 0, deviceIds: ['0', '1'], capabilities: [['compute'], ['gpu', 'utility']] },
  ]);
  t.same(
    config.devices.map((d) => d.pathInContainer),
    ['/dev/a', '/dev/b'],
  );
  t.end();
});

t.test('a malformed document throws SANDBOX_INSPECT_MALFORMED', (t) => {
  t.throws(() => securityConfig({ HostConfig: {} }), {
    name: 'SandboxError',
    code: 'SANDBOX_INSPECT_MALFORMED',
  });
  t.end();
});
