/**
 * The security-relevant configuration of a container, normalised: exactly the
 * fields the sandbox rules read, in a fixed shape and order, with nothing that
 * changes from one identical container to the next (ids, names, timestamps, host
 * overlay paths, bind sources). The node agent hashes it into the evidence's
 * container config digest (DESIGN.md section 6.4), so two containers made from the
 * same profile and limits give the same digest.
 */
import { parseInspect, type InspectMountPoint } from './inspect.js';
import { readSecurityOpt, type SeccompSetting } from './security-opt.js';

/** See {@link securityConfig}. Lists are sorted; Docker's `null` for an empty list becomes `[]`. */
export interface SandboxSecurityConfig {
  readonly version: 1;
  readonly user: string;
  readonly groupAdd: readonly string[];
  readonly entrypoint: readonly string[];
  readonly runtime: string | null;
  readonly network: { readonly mode: string; readonly attached: readonly string[] };
  readonly privileged: boolean;
  readonly readonlyRootfs: boolean;
  readonly capabilities: { readonly add: readonly string[]; readonly drop: readonly string[] };
  readonly noNewPrivileges: boolean;
  readonly seccomp: SeccompSetting;
  readonly apparmor: { readonly option: string | null; readonly profile: string };
  readonly labels: readonly string[];
  readonly unknownSecurityOpt: readonly string[];
  readonly maskedPaths: readonly string[];
  readonly readonlyPaths: readonly string[];
  readonly namespaces: {
    readonly pid: string;
    readonly ipc: string;
    readonly uts: string;
    readonly userns: string;
    readonly cgroupns: string;
    readonly cgroup: string;
  };
  readonly limits: {
    readonly pids: number | null;
    readonly memory: number;
    readonly memorySwap: number;
    readonly nanoCpus: number;
    readonly cpuQuota: number;
    readonly cpuPeriod: number;
  };
  readonly mounts: readonly { type: string; destination: string; readOnly: boolean; propagation: string }[];
  readonly tmpfs: readonly { target: string; options: string }[];
  readonly volumesFrom: readonly string[];
  readonly devices: readonly { pathOnHost: string; pathInContainer: string; cgroupPermissions: string }[];
  readonly deviceCgroupRules: readonly string[];
  readonly deviceRequests: readonly {
    driver: string;
    count: number;
    deviceIds: string[];
    capabilities: string[][];
  }[];
}

/**
 * Extracts the normalised security configuration from an untrusted inspect
 * document (throws `SANDBOX_INSPECT_MALFORMED` like `evaluateSandbox`).
 *
 * @example
 * ```ts
 * const digest = sha256(canonicalJson(securityConfig(await container.inspect())));
 * ```
 */
export function securityConfig(inspect: unknown): SandboxSecurityConfig {
  const doc = parseInspect(inspect);
  const host = doc.HostConfig;
  const options = readSecurityOpt(host.SecurityOpt);
  return {
    version: 1,
    user: doc.Config.User,
    groupAdd: sorted(host.GroupAdd),
    entrypoint: [...(doc.Config.Entrypoint ?? [])],
    runtime: host.Runtime ?? null,
    network: { mode: host.NetworkMode, attached: sorted(Object.keys(doc.NetworkSettings?.Networks ?? {})) },
    privileged: host.Privileged,
    readonlyRootfs: host.ReadonlyRootfs,
    capabilities: { add: sorted(host.CapAdd), drop: sorted(host.CapDrop) },
    noNewPrivileges: options.noNewPrivileges?.value === true,
    seccomp: options.seccomp?.value ?? { kind: 'default' },
    apparmor: { option: options.apparmor?.value ?? null, profile: doc.AppArmorProfile },
    labels: sorted(options.labels.map((l) => l.value)),
    unknownSecurityOpt: sorted(options.unknown.map((u) => u.value)),
    maskedPaths: sorted(host.MaskedPaths),
    readonlyPaths: sorted(host.ReadonlyPaths),
    namespaces: {
      pid: host.PidMode,
      ipc: host.IpcMode,
      uts: host.UTSMode,
      userns: host.UsernsMode,
      cgroupns: host.CgroupnsMode,
      cgroup: host.Cgroup,
    },
    limits: {
      pids: host.PidsLimit,
      memory: host.Memory,
      memorySwap: host.MemorySwap,
      nanoCpus: host.NanoCpus,
      cpuQuota: host.CpuQuota,
      cpuPeriod: host.CpuPeriod,
    },
    mounts: doc.Mounts.map(mount).sort(by((m) => `${m.destination}\0${m.type}`)),
    tmpfs: Object.entries(host.Tmpfs ?? {})
      .map(([target, options]) => ({ target, options }))
      .sort(by((m) => m.target)),
    volumesFrom: sorted(host.VolumesFrom),
    devices: (host.Devices ?? [])
      .map((d) => ({
        pathOnHost: d.PathOnHost,
        pathInContainer: d.PathInContainer,
        cgroupPermissions: d.CgroupPermissions,
      }))
      .sort(by((d) => `${d.pathInContainer}\0${d.pathOnHost}\0${d.cgroupPermissions}`)),
    deviceCgroupRules: sorted(host.DeviceCgroupRules),
    deviceRequests: (host.DeviceRequests ?? [])
      .map((r) => ({
        driver: r.Driver,
        count: r.Count,
        deviceIds: sorted(r.DeviceIDs),
        capabilities: (r.Capabilities ?? []).map((set) => sorted(set)).sort(by((set) => JSON.stringify(set))),
      }))
      .sort(by((r) => JSON.stringify(r))),
  };
}

function mount(m: InspectMountPoint): SandboxSecurityConfig['mounts'][number] {
  return { type: m.Type, destination: m.Destination, readOnly: !m.RW, propagation: m.Propagation };
}

function sorted(list: readonly string[] | null): string[] {
  return [...(list ?? [])].sort(compare);
}

function by<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => compare(key(a), key(b));
}

// Code-unit order, as RFC 8785 section 3.2.3 sorts: independent of locale.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
