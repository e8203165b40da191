/**
 * The sandbox profile: what "sealed" means for a container (DESIGN.md section 7.1), as
 * data. The fixed rules (no network, read-only root, every capability dropped, ...) are
 * literal types, so no profile can weaken them; the tunable parts (limits, mount paths,
 * seccomp profile, GPUs) have defaults and are checked once, when the profile is made.
 */

/** A Docker-format seccomp profile (`defaultAction`, `syscalls`, ...), as a parsed JSON object. */
export type SeccompProfileJson = Readonly<Record<string, unknown>>;

/** The resource maxima a sealed container may be given. */
export interface SandboxLimits {
  /** Most processes and threads (`HostConfig.PidsLimit`). */
  readonly pids: number;
  /** Most memory in bytes (`HostConfig.Memory`); swap must stay at zero (`MemorySwap` = `Memory`). */
  readonly memoryBytes: number;
  /** Most CPU, in billionths of a CPU (`HostConfig.NanoCpus`, or `CpuQuota`/`CpuPeriod`). */
  readonly nanoCpus: number;
  /** Longest wall-clock run in seconds; enforced by the node agent, not visible in `docker inspect`. */
  readonly wallSeconds: number;
}

/** A read-only host bind the container may have: its role and its path inside the container. */
export interface SandboxBind {
  readonly name: string;
  readonly target: string;
  /** A bind only some jobs have (the audit's second ciphertext); absent, no mount is made. */
  readonly optional?: boolean;
}

/** A tmpfs the container must have (plaintext lives only there): its path and mount options. */
export interface SandboxTmpfs {
  readonly target: string;
  readonly options: string;
}

/** What "sealed" means. Make one with {@link sandboxProfile}. */
export interface SandboxProfile {
  readonly network: 'none';
  readonly readonlyRootfs: true;
  readonly capDrop: 'ALL';
  readonly noNewPrivileges: true;
  readonly privileged: false;
  /** The seccomp profile the container must run under, exactly. */
  readonly seccomp: SeccompProfileJson;
  readonly limits: SandboxLimits;
  /** The only host binds allowed; every one read-only with private propagation. */
  readonly binds: readonly SandboxBind[];
  /** The tmpfs mounts the container must have, and the only ones it may have. */
  readonly tmpfs: readonly SandboxTmpfs[];
  /** The numeric non-root identity the container runs as. */
  readonly user: { readonly uid: number; readonly gid: number };
  /** Most GPUs, requested through `DeviceRequests` only; 0 means none. */
  readonly maxGpus: number;
  /** OCI runtimes allowed (`HostConfig.Runtime`); the first is the one to create with. */
  readonly runtimes: readonly string[];
  /** Paths Docker must mask and make read-only in /proc and /sys (Docker 20.10's defaults). */
  readonly maskedPaths: readonly string[];
  readonly readonlyPaths: readonly string[];
  /** When set, `Config.Entrypoint` must be exactly this (the supervisor's command). */
  readonly entrypoint?: readonly string[];
}

/** The tunable parts of a profile; everything but `seccomp` has a default. */
export interface SandboxProfileOptions {
  readonly seccomp: SeccompProfileJson;
  readonly limits?: Partial<SandboxLimits>;
  readonly binds?: readonly SandboxBind[];
  readonly tmpfs?: readonly SandboxTmpfs[];
  readonly user?: { readonly uid: number; readonly gid: number };
  readonly maxGpus?: number;
  readonly runtimes?: readonly string[];
  readonly maskedPaths?: readonly string[];
  readonly readonlyPaths?: readonly string[];
  readonly entrypoint?: readonly string[];
}

const PLAINTEXT_TMPFS_OPTIONS = 'rw,noexec,nosuid,nodev';

/** The defaults of every tunable field but `seccomp` (see docs/sandbox.md). */
export const SANDBOX_DEFAULTS = {
  limits: { pids: 1024, memoryBytes: 16 * 1024 ** 3, nanoCpus: 8e9, wallSeconds: 24 * 3600 },
  binds: [
    { name: 'ciphertext', target: '/sealed/ciphertext' },
    { name: 'supervisor', target: '/sealed/supervisor' },
    // The audit job's sealed model, beside the canary set at /sealed/ciphertext (docs/audit.md).
    { name: 'modelCiphertext', target: '/sealed/model-ciphertext', optional: true },
  ],
  tmpfs: [
    { target: '/sealed/input', options: PLAINTEXT_TMPFS_OPTIONS },
    { target: '/sealed/output', options: PLAINTEXT_TMPFS_OPTIONS },
    { target: '/tmp', options: PLAINTEXT_TMPFS_OPTIONS },
  ],
  user: { uid: 65534, gid: 65534 },
  maxGpus: 0,
  runtimes: ['runc'],
  // moby 20.10 oci/defaults.go: DefaultSpec().Linux.MaskedPaths and ReadonlyPaths.
  maskedPaths: [
    '/proc/asound',
    '/proc/acpi',
    '/proc/kcore',
    '/proc/keys',
    '/proc/latency_stats',
    '/proc/timer_list',
    '/proc/timer_stats',
    '/proc/sched_debug',
    '/proc/scsi',
    '/sys/firmware',
  ],
  readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
} as const satisfies Omit<
  SandboxProfile,
  'network' | 'readonlyRootfs' | 'capDrop' | 'noNewPrivileges' | 'privileged' | 'seccomp'
>;

/**
 * Makes a sandbox profile from its tunable parts, filling in {@link SANDBOX_DEFAULTS}.
 * A bad option is a configuration mistake and throws a `TypeError`.
 *
 * @example
 * ```ts
 * const profile = sandboxProfile({ seccomp: sealgateSeccomp, limits: { memoryBytes: 4 * 1024 ** 3 } });
 * ```
 */
export function sandboxProfile(options: SandboxProfileOptions): SandboxProfile {
  const { seccomp } = options;
  if (typeof seccomp !== 'object' || seccomp === null || Array.isArray(seccomp)) {
    throw new TypeError('sandbox profile: seccomp must be a Docker-format seccomp profile object');
  }
  const limits = { ...SANDBOX_DEFAULTS.limits, ...options.limits };
  for (const [name, value] of Object.entries(limits)) positiveInteger(`limits.${name}`, value);
  const binds: readonly SandboxBind[] = options.binds ?? SANDBOX_DEFAULTS.binds;
  const tmpfs = options.tmpfs ?? SANDBOX_DEFAULTS.tmpfs;
  const targets = [...binds.map((b) => b.target), ...tmpfs.map((m) => m.target)];
  for (const target of targets) containerPath(target);
  if (new Set(targets).size !== targets.length)
    throw new TypeError('sandbox profile: two mounts share a target');
  if (new Set(binds.map((b) => b.name)).size !== binds.length) {
    throw new TypeError('sandbox profile: two binds share a name');
  }
  const user = options.user ?? SANDBOX_DEFAULTS.user;
  positiveInteger('user.uid', user.uid);
  positiveInteger('user.gid', user.gid);
  const maxGpus = options.maxGpus ?? SANDBOX_DEFAULTS.maxGpus;
  if (!Number.isSafeInteger(maxGpus) || maxGpus < 0)
    throw new TypeError('sandbox profile: maxGpus must be >= 0');
  const runtimes = options.runtimes ?? SANDBOX_DEFAULTS.runtimes;
  if (runtimes.length === 0) throw new TypeError('sandbox profile: runtimes must name at least one runtime');
  return {
    network: 'none',
    readonlyRootfs: true,
    capDrop: 'ALL',
    noNewPrivileges: true,
    privileged: false,
    seccomp,
    limits,
    binds: binds.map((b) => ({
      name: b.name,
      target: b.target,
      ...(b.optional === true ? { optional: true } : {}),
    })),
    tmpfs: tmpfs.map((m) => ({ target: m.target, options: m.options })),
    user: { uid: user.uid, gid: user.gid },
    maxGpus,
    runtimes: [...runtimes],
    maskedPaths: [...(options.maskedPaths ?? SANDBOX_DEFAULTS.maskedPaths)],
    readonlyPaths: [...(options.readonlyPaths ?? SANDBOX_DEFAULTS.readonlyPaths)],
    ...(options.entrypoint === undefined ? {} : { entrypoint: [...options.entrypoint] }),
  };
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`sandbox profile: ${name} must be a positive integer`);
  }
}

function containerPath(path: string): void {
  const segments = path.split('/').slice(1);
  if (
    !path.startsWith('/') ||
    segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0'))
  ) {
    throw new TypeError(`sandbox profile: ${path} is not an absolute container path`);
  }
}
