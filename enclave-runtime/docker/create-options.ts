/**
 * The Docker Engine API create request for one sealed container (API 1.41,
 * `POST /containers/create`): the sandbox fields from policies/ plus the image,
 * the attached stdio the supervisor speaks over, labels and a name. Pure, so the
 * exact request (GPUs included, which this machine lacks) is unit-tested.
 */
import type Docker from 'dockerode';
import { SandboxError, sandboxContainerConfig, type SandboxProfile } from '../../policies/index.js';
import type { SealedContainerSpec } from './types.js';

/** The label every container the driver makes carries; `sweep()` removes by it. */
export const MANAGED_LABEL = 'sealgate.managed';

/** The container name of a job: `sealgate-<jobId>`. */
export function containerName(jobId: string): string {
  return `sealgate-${jobId}`;
}

/**
 * The create request for `spec` under `profile`; `labels` are added to sealgate's
 * own (`sealgate.run`, `sealgate.job`, `sealgate.managed=1`). Throws SandboxError
 * SANDBOX_RUN_INVALID when the spec does not fit the profile (a bind, a limit, the
 * GPUs, the wall-clock limit or the tmpfs size).
 */
export function sealedCreateOptions(
  profile: SandboxProfile,
  spec: SealedContainerSpec,
  labels: Readonly<Record<string, string>> = {},
): Docker.ContainerCreateOptions {
  const { limits } = spec;
  positive('wallSeconds', limits.wallSeconds);
  if (limits.wallSeconds > profile.limits.wallSeconds) {
    invalid(
      `limits.wallSeconds ${limits.wallSeconds} is above the profile's maximum ${profile.limits.wallSeconds}`,
    );
  }
  positive('tmpfsBytes', limits.tmpfsBytes);
  const config = sandboxContainerConfig(profile, {
    binds: {
      ciphertext: spec.binds.ciphertext,
      supervisor: spec.binds.supervisor,
      ...(spec.binds.modelCiphertext === undefined ? {} : { modelCiphertext: spec.binds.modelCiphertext }),
    },
    limits: { pids: limits.pids, memoryBytes: limits.memoryBytes, nanoCpus: limits.nanoCpus },
    ...(spec.gpuDeviceIds === undefined ? {} : { gpuDeviceIds: spec.gpuDeviceIds }),
  });
  // checkMounts judges tmpfs targets only, so a size per run is allowed; it bounds
  // the plaintext a run may hold in memory (it still counts against Memory).
  const tmpfs = Object.fromEntries(
    Object.entries(config.HostConfig.Tmpfs).map(([target, options]) => [
      target,
      `${options},size=${limits.tmpfsBytes}`,
    ]),
  );
  return {
    ...config,
    name: containerName(spec.jobId),
    Image: spec.image,
    // No secret ever goes here: the data key reaches the supervisor over stdin only.
    Env: [],
    Labels: {
      ...labels,
      'sealgate.run': spec.runId,
      'sealgate.job': spec.jobId,
      [MANAGED_LABEL]: '1',
    },
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    HostConfig: { ...config.HostConfig, Tmpfs: tmpfs },
  };
}

function positive(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) invalid(`limits.${name} must be a positive integer`);
}

function invalid(message: string): never {
  throw new SandboxError('SANDBOX_RUN_INVALID', message);
}
