// evaluateSandbox rule by rule: each case edits the recorded sealed container
// (test/fixtures/inspect/sealed.json, dockerd 20.10.24) in one way and names the
// violations it must produce, code and path, and nothing else.
import t from 'tap';
import { evaluateSandbox, type SandboxProfileOptions } from '../../../policies/index.js';
import {
  dockerDefaultSeccomp,
  inspectFixture,
  testProfile,
  type EditableInspect,
} from '../../helpers/inspect-fixtures.js';

const NNP = 'no-new-privileges';
const seccompOpt = (profile: unknown): string => `seccomp=${JSON.stringify(profile)}`;
const DEFAULT_SECCOMP = seccompOpt(dockerDefaultSeccomp());

interface Case {
  readonly edit: (doc: EditableInspect) => void;
  readonly profile?: Partial<SandboxProfileOptions>;
  readonly expect: readonly string[];
}

const cases: Record<string, Case> = {
  'network container:<id>': {
    edit: (d) => (d.HostConfig.NetworkMode = 'container:0123'),
    expect: ['SANDBOX_NETWORK HostConfig.NetworkMode'],
  },
  'NetworkDisabled: no network at all is fine': {
    edit: (d) => (d.NetworkSettings.Networks = {}),
    expect: [],
  },
  'no NetworkSettings at all is fine': {
    edit: (d) => Reflect.deleteProperty(d, 'NetworkSettings'),
    expect: [],
  },
  'attached to a second network': {
    edit: (d) => (d.NetworkSettings.Networks = { none: {}, 'my-net': {} }),
    expect: ['SANDBOX_NETWORK NetworkSettings.Networks["my-net"]'],
  },
  privileged: {
    edit: (d) => (d.HostConfig.Privileged = true),
    expect: ['SANDBOX_PRIVILEGED HostConfig.Privileged'],
  },
  'privileged as Docker records it (label=disable, paths unmasked, AppArmor unconfined)': {
    edit: (d) => {
      Object.assign(d.HostConfig, { Privileged: true, MaskedPaths: null, ReadonlyPaths: null });
      d.HostConfig.SecurityOpt = [NNP, DEFAULT_SECCOMP, 'label=disable'];
      d.AppArmorProfile = 'unconfined';
    },
    expect: ['SANDBOX_PRIVILEGED HostConfig.Privileged'],
  },
  'capability dropped in lower case': { edit: (d) => (d.HostConfig.CapDrop = ['all']), expect: [] },
  'capabilities only partly dropped': {
    edit: (d) => (d.HostConfig.CapDrop = ['NET_RAW']),
    expect: ['SANDBOX_CAPABILITY_KEPT HostConfig.CapDrop'],
  },
  'CapDrop null': {
    edit: (d) => (d.HostConfig.CapDrop = null),
    expect: ['SANDBOX_CAPABILITY_KEPT HostConfig.CapDrop'],
  },
  'user by name': { edit: (d) => (d.Config.User = 'nobody'), expect: ['SANDBOX_ROOT_USER Config.User'] },
  'uid without gid': { edit: (d) => (d.Config.User = '1000'), expect: ['SANDBOX_ROOT_USER Config.User'] },
  'root group': { edit: (d) => (d.Config.User = '1000:0'), expect: ['SANDBOX_ROOT_USER Config.User'] },
  'root uid written 000': {
    edit: (d) => (d.Config.User = '000:1000'),
    expect: ['SANDBOX_ROOT_USER Config.User'],
  },
  'supplementary groups by number and by name': {
    edit: (d) => (d.HostConfig.GroupAdd = ['1001', 'video']),
    expect: ['SANDBOX_ROOT_USER HostConfig.GroupAdd[1]'],
  },
  'no-new-privileges=true and the legacy no-new-privileges:1': {
    edit: (d) => (d.HostConfig.SecurityOpt = [`${NNP}=false`, `${NNP}:1`, DEFAULT_SECCOMP]),
    expect: [],
  },
  'no-new-privileges turned off by a later entry': {
    edit: (d) => (d.HostConfig.SecurityOpt = [NNP, DEFAULT_SECCOMP, `${NNP}=false`]),
    expect: ['SANDBOX_NEW_PRIVILEGES HostConfig.SecurityOpt[2]'],
  },
  'no-new-privileges with a value Go does not parse': {
    edit: (d) => (d.HostConfig.SecurityOpt = [`${NNP}=yes`, DEFAULT_SECCOMP]),
    expect: ['SANDBOX_NEW_PRIVILEGES HostConfig.SecurityOpt[0]'],
  },
  'seccomp given twice: the last one applies': {
    edit: (d) => (d.HostConfig.SecurityOpt = [NNP, 'seccomp=unconfined', DEFAULT_SECCOMP]),
    expect: [],
  },
  'seccomp with the legacy colon separator': {
    edit: (d) => (d.HostConfig.SecurityOpt = [NNP, 'seccomp:unconfined']),
    expect: ['SANDBOX_SECCOMP HostConfig.SecurityOpt[1]'],
  },
  'seccomp not JSON': {
    edit: (d) => (d.HostConfig.SecurityOpt = [NNP, 'seccomp=/etc/profile.json']),
    expect: ['SANDBOX_SECCOMP HostConfig.SecurityOpt[1]'],
  },
  'seccomp JSON with members in another order and other spacing is the same profile': {
    edit: (d) => {
      const reordered = Object.fromEntries(Object.entries(dockerDefaultSeccomp()).reverse());
      d.HostConfig.SecurityOpt = [NNP, `seccomp=${JSON.stringify(reordered, null, 2)}`];
    },
    expect: [],
  },
  'AppArmor unconfined by the profile name Docker recorded': {
    edit: (d) => (d.AppArmorProfile = 'unconfined'),
    expect: ['SANDBOX_APPARMOR AppArmorProfile'],
  },
  'AppArmor with a named profile is fine': {
    edit: (d) => (d.HostConfig.SecurityOpt = [NNP, DEFAULT_SECCOMP, 'apparmor=docker-default']),
    expect: [],
  },
  'SELinux label options': {
    edit: (d) => (d.HostConfig.SecurityOpt = [NNP, DEFAULT_SECCOMP, 'label=type:spc_t', 'disable']),
    expect: [
      'SANDBOX_SECURITY_OPT HostConfig.SecurityOpt[2]',
      'SANDBOX_SECURITY_OPT HostConfig.SecurityOpt[3]',
    ],
  },
  'label=disable that Docker adds for the host PID namespace is not counted twice': {
    edit: (d) => {
      d.HostConfig.PidMode = 'host';
      d.HostConfig.SecurityOpt = [NNP, DEFAULT_SECCOMP, 'label=disable'];
    },
    expect: ['SANDBOX_NAMESPACE HostConfig.PidMode'],
  },
  'unknown security options': {
    edit: (d) => (d.HostConfig.SecurityOpt = [NNP, DEFAULT_SECCOMP, 'systempaths=unconfined', 'seccomp']),
    expect: [
      'SANDBOX_SECURITY_OPT HostConfig.SecurityOpt[2]',
      'SANDBOX_SECURITY_OPT HostConfig.SecurityOpt[3]',
    ],
  },
  'one masked path missing': {
    edit: (d) => (d.HostConfig.MaskedPaths = ['/proc/kcore']),
    expect: ['SANDBOX_SYSTEM_PATHS HostConfig.MaskedPaths'],
  },
  'newer Docker masking more paths is fine': {
    edit: (d) => {
      d.HostConfig.MaskedPaths = [...(d.HostConfig.MaskedPaths as string[]), '/sys/devices/virtual/powercap'];
    },
    expect: [],
  },
  'host namespaces, one per field': {
    edit: (d) =>
      Object.assign(d.HostConfig, {
        PidMode: 'container:0123',
        IpcMode: 'shareable',
        UTSMode: 'host',
        UsernsMode: 'host',
        CgroupnsMode: '',
        Cgroup: 'container:0123',
      }),
    expect: [
      'SANDBOX_NAMESPACE HostConfig.PidMode',
      'SANDBOX_NAMESPACE HostConfig.IpcMode',
      'SANDBOX_NAMESPACE HostConfig.UTSMode',
      'SANDBOX_NAMESPACE HostConfig.UsernsMode',
      'SANDBOX_NAMESPACE HostConfig.CgroupnsMode',
      'SANDBOX_NAMESPACE HostConfig.Cgroup',
    ],
  },
  'IPC none is private too': { edit: (d) => (d.HostConfig.IpcMode = 'none'), expect: [] },
  'pids limit -1 (unlimited)': {
    edit: (d) => (d.HostConfig.PidsLimit = -1),
    expect: ['SANDBOX_LIMIT_MISSING HostConfig.PidsLimit'],
  },
  'limits above a tighter profile': {
    profile: { limits: { pids: 64, memoryBytes: 256 * 1024 ** 2, nanoCpus: 5e8 } },
    edit: () => undefined,
    expect: [
      'SANDBOX_LIMIT_EXCEEDED HostConfig.PidsLimit',
      'SANDBOX_LIMIT_EXCEEDED HostConfig.Memory',
      'SANDBOX_LIMIT_EXCEEDED HostConfig.NanoCpus',
    ],
  },
  'unlimited swap': {
    edit: (d) => (d.HostConfig.MemorySwap = -1),
    expect: ['SANDBOX_LIMIT_MISSING HostConfig.MemorySwap'],
  },
  'swap above memory': {
    edit: (d) => (d.HostConfig.MemorySwap = 2 * 512 * 1024 ** 2),
    expect: ['SANDBOX_LIMIT_EXCEEDED HostConfig.MemorySwap'],
  },
  'CPU by quota within the maximum': {
    edit: (d) => Object.assign(d.HostConfig, { NanoCpus: 0, CpuQuota: 50_000, CpuPeriod: 100_000 }),
    expect: [],
  },
  'a writable bind at an allowed path': {
    edit: (d) => (d.Mounts[0].RW = true),
    expect: ['SANDBOX_HOST_MOUNT Mounts[0].RW'],
  },
  'a bind sharing mount events': {
    edit: (d) => (d.Mounts[1].Propagation = 'rslave'),
    expect: ['SANDBOX_HOST_MOUNT Mounts[1].Propagation'],
  },
  'a read-only bind at another path': {
    edit: (d) =>
      d.Mounts.push({
        Type: 'bind',
        Source: '/etc',
        Destination: '/host-etc',
        RW: false,
        Propagation: 'rprivate',
      }),
    expect: ['SANDBOX_HOST_MOUNT Mounts[2].Destination'],
  },
  'tmpfs through HostConfig.Mounts shows in Mounts': {
    edit: (d) => {
      d.HostConfig.Tmpfs = { '/sealed/input': '', '/sealed/output': '' };
      d.Mounts.push({ Type: 'tmpfs', Source: '', Destination: '/tmp', RW: true, Propagation: '' });
    },
    expect: [],
  },
  'tmpfs where none is expected, and one missing': {
    edit: (d) =>
      (d.HostConfig.Tmpfs = { '/sealed/input': '', '/sealed/output': '', '/sealed/supervisor': '' }),
    expect: ['SANDBOX_TMPFS HostConfig.Tmpfs["/sealed/supervisor"]', 'SANDBOX_TMPFS HostConfig.Tmpfs'],
  },
  'volumes shared from another container': {
    edit: (d) => (d.HostConfig.VolumesFrom = ['other:ro']),
    expect: ['SANDBOX_HOST_MOUNT HostConfig.VolumesFrom[0]'],
  },
  'a device cgroup rule': {
    edit: (d) => (d.HostConfig.DeviceCgroupRules = ['c 10:200 rwm']),
    expect: ['SANDBOX_DEVICE HostConfig.DeviceCgroupRules[0]'],
  },
  'GPUs by id within the profile': {
    profile: { maxGpus: 2 },
    edit: (d) => (d.HostConfig.DeviceRequests = [gpu({ DeviceIDs: ['0', '1'] })]),
    expect: [],
  },
  'more GPUs than the profile allows, across requests': {
    profile: { maxGpus: 2 },
    edit: (d) => (d.HostConfig.DeviceRequests = [gpu({ Count: 2 }), gpu({ DeviceIDs: ['GPU-3'] })]),
    expect: ['SANDBOX_DEVICE HostConfig.DeviceRequests'],
  },
  'a device request for another driver and capability': {
    profile: { maxGpus: 1 },
    edit: (d) =>
      (d.HostConfig.DeviceRequests = [gpu({ Driver: 'other', Capabilities: [['gpu', 'display']] })]),
    expect: [
      'SANDBOX_DEVICE HostConfig.DeviceRequests[0].Driver',
      'SANDBOX_DEVICE HostConfig.DeviceRequests[0].Capabilities',
    ],
  },
  'a device request without capabilities': {
    profile: { maxGpus: 1 },
    edit: (d) => (d.HostConfig.DeviceRequests = [gpu({ Capabilities: null })]),
    expect: ['SANDBOX_DEVICE HostConfig.DeviceRequests[0].Capabilities'],
  },
  'another OCI runtime': {
    edit: (d) => (d.HostConfig.Runtime = 'runsc'),
    expect: ['SANDBOX_RUNTIME HostConfig.Runtime'],
  },
  'no runtime recorded': {
    edit: (d) => delete d.HostConfig.Runtime,
    expect: ['SANDBOX_RUNTIME HostConfig.Runtime'],
  },
  'a runtime the profile allows': {
    profile: { runtimes: ['runc', 'runsc'] },
    edit: (d) => (d.HostConfig.Runtime = 'runsc'),
    expect: [],
  },
  'the supervisor entrypoint the profile names': {
    profile: { entrypoint: ['/sealed/supervisor/run'] },
    edit: (d) => (d.Config.Entrypoint = ['/sealed/supervisor/run']),
    expect: [],
  },
  'an entrypoint that is not the supervisor': {
    profile: { entrypoint: ['/sealed/supervisor/run'] },
    edit: () => undefined,
    expect: ['SANDBOX_ENTRYPOINT Config.Entrypoint'],
  },
};

function gpu(fields: Record<string, unknown>): Record<string, unknown> {
  return { Driver: 'nvidia', Count: 0, DeviceIDs: null, Capabilities: [['gpu']], Options: {}, ...fields };
}

for (const [name, { edit, profile, expect }] of Object.entries(cases)) {
  t.test(name, (t) => {
    const doc = inspectFixture('sealed');
    edit(doc);
    const violations = evaluateSandbox(doc, testProfile(profile));
    t.same(
      violations.map((v) => `${v.code} ${v.path}`),
      expect,
    );
    for (const v of violations)
      t.ok(v.message.length > 0 && v.expected.length > 0 && v.actual.length > 0, 'all fields shown');
    t.end();
  });
}

/** The parts of a Docker seccomp profile the next test edits. */
interface Seccomp {
  defaultAction: unknown;
  archMap?: unknown;
  syscalls: { names: unknown }[];
}

t.test('a different seccomp profile names the first difference', (t) => {
  const ruleCount = (dockerDefaultSeccomp() as unknown as Seccomp).syscalls.length;
  const variants: [string, (p: Seccomp) => void, string][] = [
    ['a changed action', (p) => (p.defaultAction = 'SCMP_ACT_ALLOW'), 'defaultAction'],
    ['a syscall rule removed', (p) => p.syscalls.pop(), `syscalls[${ruleCount - 1}]`],
    ['a member missing', (p) => delete p.archMap, 'archMap'],
    ['a list where an object was', (p) => (p.archMap = {}), 'archMap'],
    ['an object where a list was', (p) => (p.syscalls[0].names = { read: true }), 'syscalls[0].names'],
    ['not an object at all', (p) => (p.defaultAction = ['x']), 'defaultAction'],
  ];
  for (const [name, change, where] of variants) {
    const doc = inspectFixture('sealed');
    const actual = dockerDefaultSeccomp() as unknown as Seccomp;
    change(actual);
    doc.HostConfig.SecurityOpt = [NNP, seccompOpt(actual)];
    const violations = evaluateSandbox(doc, testProfile());
    t.match(
      violations,
      [{ code: 'SANDBOX_SECCOMP', path: 'HostConfig.SecurityOpt[1]', message: `at ${where}` }],
      name,
    );
  }
  const doc = inspectFixture('sealed');
  doc.HostConfig.SecurityOpt = [NNP, 'seccomp=[]'];
  t.match(evaluateSandbox(doc, testProfile()), [{ code: 'SANDBOX_SECCOMP', message: /at the top level$/ }]);
  t.end();
});
