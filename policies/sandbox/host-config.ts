/**
 * From a sandbox profile and one run's mounts and limits to the Docker Engine API
 * container-create fields that satisfy it (`POST /containers/create`, API 1.41).
 * The node agent creates the container from these; `evaluateSandbox` then checks
 * what Docker actually did from the container's inspect document.
 */
import { SandboxError } from './errors.js';
import type { SandboxProfile } from './profile.js';

/** What one run brings: a host path for each of the profile's binds, its limits, and its GPUs. */
export interface SandboxRun {
  /** Absolute host path for each bind of the profile, by bind name (e.g. `ciphertext`, `supervisor`). */
  readonly binds: Readonly<Record<string, string>>;
  /** The run's limits, each at most the profile's maximum. */
  readonly limits: { readonly pids: number; readonly memoryBytes: number; readonly nanoCpus: number };
  /** GPU ids (index or UUID) for `DeviceRequests`; at most the profile's `maxGpus`. */
  readonly gpuDeviceIds?: readonly string[];
}

/** A read-only bind in the Engine API's `HostConfig.Mounts` form. */
export interface SandboxBindMount {
  Type: 'bind';
  Source: string;
  Target: string;
  ReadOnly: true;
  BindOptions: { Propagation: 'rprivate' };
}

/** The `HostConfig` of a sealed container (Engine API field names). */
export interface SandboxHostConfig {
  NetworkMode: 'none';
  ReadonlyRootfs: true;
  Privileged: false;
  CapDrop: string[];
  CapAdd: string[];
  SecurityOpt: string[];
  PidsLimit: number;
  Memory: number;
  MemorySwap: number;
  NanoCpus: number;
  Mounts: SandboxBindMount[];
  Tmpfs: Record<string, string>;
  DeviceRequests: { Driver: string; Count: number; DeviceIDs: string[]; Capabilities: string[][] }[];
  IpcMode: 'private';
  CgroupnsMode: 'private';
  Runtime: string;
}

/** The container-create fields sealgate sets; the agent adds `Image`, `Cmd`, `Env` and labels. */
export interface SandboxContainerConfig {
  User: string;
  NetworkDisabled: true;
  Entrypoint?: string[];
  HostConfig: SandboxHostConfig;
}

/**
 * Builds the container-create fields that satisfy `profile` for one run. Throws
 * `SANDBOX_RUN_INVALID` when a bind is missing or unknown, a host path is not
 * absolute, a limit is not a positive integer or is above the profile's maximum,
 * or more GPUs are asked than the profile allows.
 *
 * @example
 * ```ts
 * const config = sandboxContainerConfig(profile, {
 *   binds: { ciphertext: '/var/lib/sealgate/runs/r1/data.sgenc', supervisor: '/opt/sealgate/supervisor' },
 *   limits: { pids: 256, memoryBytes: 4 * 1024 ** 3, nanoCpus: 2e9 },
 * });
 * await docker.createContainer({ Image: digest, Cmd: ['train'], ...config });
 * ```
 */
export function sandboxContainerConfig(profile: SandboxProfile, run: SandboxRun): SandboxContainerConfig {
  const names = new Set(profile.binds.map((b) => b.name));
  const unknown = Object.keys(run.binds).filter((name) => !names.has(name));
  if (unknown.length > 0) invalid(`the profile has no bind named ${unknown.join(', ')}`);
  const present = profile.binds.filter((b) => b.optional !== true || Object.hasOwn(run.binds, b.name));
  const mounts = present.map((bind): SandboxBindMount => {
    const source = Object.hasOwn(run.binds, bind.name) ? run.binds[bind.name] : undefined;
    if (source === undefined) return invalid(`no host path for the ${bind.name} bind`);
    hostPath(bind.name, source);
    return {
      Type: 'bind',
      Source: source,
      Target: bind.target,
      ReadOnly: true,
      BindOptions: { Propagation: 'rprivate' },
    };
  });
  const pids = limit('pids', run.limits.pids, profile.limits.pids);
  const memory = limit('memoryBytes', run.limits.memoryBytes, profile.limits.memoryBytes);
  const nanoCpus = limit('nanoCpus', run.limits.nanoCpus, profile.limits.nanoCpus);
  const gpus = [...(run.gpuDeviceIds ?? [])];
  if (gpus.length > profile.maxGpus)
    invalid(`${gpus.length} GPUs asked, the profile allows ${profile.maxGpus}`);
  if (gpus.some((id) => !/^[A-Za-z0-9-]+$/.test(id))) invalid('a GPU id is not an index or a UUID');

  const config: SandboxContainerConfig = {
    User: `${profile.user.uid}:${profile.user.gid}`,
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: profile.network,
      ReadonlyRootfs: profile.readonlyRootfs,
      Privileged: profile.privileged,
      CapDrop: [profile.capDrop],
      CapAdd: [],
      SecurityOpt: ['no-new-privileges', `seccomp=${JSON.stringify(profile.seccomp)}`],
      PidsLimit: pids,
      Memory: memory,
      MemorySwap: memory,
      NanoCpus: nanoCpus,
      Mounts: mounts,
      Tmpfs: Object.fromEntries(profile.tmpfs.map((m) => [m.target, m.options])),
      DeviceRequests:
        gpus.length === 0 ? [] : [{ Driver: 'nvidia', Count: 0, DeviceIDs: gpus, Capabilities: [['gpu']] }],
      IpcMode: 'private',
      CgroupnsMode: 'private',
      Runtime: profile.runtimes[0] ?? 'runc',
    },
  };
  if (profile.entrypoint !== undefined) config.Entrypoint = [...profile.entrypoint];
  return config;
}

function limit(name: string, value: number, max: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) invalid(`limits.${name} must be a positive integer`);
  if (value > max) invalid(`limits.${name} ${value} is above the profile's maximum ${max}`);
  return value;
}

function hostPath(name: string, path: string): void {
  const segments = path.split('/').slice(1);
  if (
    !path.startsWith('/') ||
    segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0'))
  ) {
    invalid(`the host path for the ${name} bind is not a plain absolute path`);
  }
}

function invalid(message: string): never {
  throw new SandboxError('SANDBOX_RUN_INVALID', message);
}
