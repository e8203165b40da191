/**
 * The container engine on dockerode (DESIGN.md section 4): sealed containers
 * created from the sandbox profile, checked from their own inspect document
 * before anything runs in them, and removed on every refusal.
 */
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import {
  evaluateSandbox,
  sealedSandboxProfile,
  type SandboxProfile,
  type SandboxProfileOptions,
} from '../../policies/index.js';
import { nvidiaGpus } from '../gpu/nvidia-smi.js';
import { DockerSealedContainer } from './container.js';
import { MANAGED_LABEL, sealedCreateOptions } from './create-options.js';
import { DriverError, engineError, engineStatus, isNotFound } from './errors.js';
import { ensureImage } from './images.js';
import type { ContainerRuntime, GpuInfo, SealedContainer, SealedContainerSpec } from './types.js';
import { systemScheduler, type Scheduler } from './wall-clock.js';

/** Options of {@link dockerRuntime}. */
export interface DockerRuntimeOptions {
  /** The supervisor's command, set as `Config.Entrypoint` and required by the profile. */
  readonly entrypoint: readonly string[];
  /**
   * The rest of the sandbox profile (limits maxima, GPUs, ...), given to `sealedSandboxProfile`.
   * Its `maxGpus` (default 0) is also how many GPUs of the inventory the node offers.
   */
  readonly sandbox?: Omit<Partial<SandboxProfileOptions>, 'entrypoint'>;
  /** The engine; default: the local socket (`DOCKER_HOST` or /var/run/docker.sock). */
  readonly docker?: Docker;
  /** Labels added to every container, and required by `sweep()` too (e.g. one node's id). */
  readonly labels?: Readonly<Record<string, string>>;
  /** The clock of the wall-clock limit (tests). */
  readonly scheduler?: Scheduler;
  /** The GPU inventory; default: `nvidia-smi`. `gpus()` offers its first `sandbox.maxGpus`. */
  readonly gpus?: () => Promise<GpuInfo[]>;
}

/** The Docker runtime, with the profile it seals containers under. */
export interface DockerRuntime extends ContainerRuntime {
  readonly profile: SandboxProfile;
}

/**
 * The container engine over dockerd.
 *
 * @example
 * ```ts
 * const runtime = dockerRuntime({ entrypoint: ['/sealed/supervisor/node', '/sealed/supervisor/main.js'] });
 * await runtime.ensureImage(job.image.digest, () => blobs.get(job.image.archive));
 * const container = await runtime.createSealed(spec); // sealed and checked, not started
 * const stdio = await container.attach();
 * await container.start();
 * const exit = await container.wait();
 * await container.remove();
 * ```
 */
export function dockerRuntime(options: DockerRuntimeOptions): DockerRuntime {
  if (options.entrypoint.length === 0) throw new TypeError('dockerRuntime: the entrypoint is empty');
  const docker = options.docker ?? new Docker();
  const profile = sealedSandboxProfile({ ...options.sandbox, entrypoint: options.entrypoint });
  const labels = { ...options.labels };
  const scheduler = options.scheduler ?? systemScheduler;
  const inventory = options.gpus ?? (() => nvidiaGpus());

  return {
    profile,

    async version() {
      const info = (await docker.info().catch((err: unknown) => {
        throw engineError('version', err);
      })) as { ServerVersion?: unknown };
      return `docker ${String(info.ServerVersion)}`;
    },

    ensureImage: (digest: string, archive?: () => Promise<Readable>) => ensureImage(docker, digest, archive),

    async createSealed(spec: SealedContainerSpec): Promise<SealedContainer> {
      const request = sealedCreateOptions(profile, spec, labels);
      let id: string;
      try {
        id = (await docker.createContainer(request)).id;
      } catch (err) {
        if (isNotFound(err)) {
          throw new DriverError('RUNTIME_IMAGE_MISSING', `image ${spec.image} is not on this node`, {
            cause: err,
          });
        }
        throw engineError('create', err);
      }
      const container = new DockerSealedContainer(docker, id, spec.limits.wallSeconds, scheduler);
      try {
        const inspect = (await container.inspect()) as { Image?: unknown };
        if (inspect.Image !== spec.image) {
          throw new DriverError(
            'RUNTIME_IMAGE_MISMATCH',
            `the container runs image ${String(inspect.Image)}, not ${spec.image}`,
          );
        }
        const [first] = evaluateSandbox(inspect, profile);
        if (first !== undefined) {
          throw new DriverError(
            'RUNTIME_SANDBOX_VIOLATION',
            `${first.code} at ${first.path}: ${first.message}`,
          );
        }
        return container;
      } catch (err) {
        // The refusal matters more than a failed cleanup; sweep() finds a leftover by its label.
        await container.remove().catch(() => undefined);
        throw err;
      }
    },

    // The node offers only GPUs it may seal a container with: the first maxGpus of its
    // inventory. With none allowed, the inventory is not even asked (a broken driver
    // does not stop a CPU node).
    async gpus() {
      if (profile.maxGpus === 0) return [];
      return (await inventory()).slice(0, profile.maxGpus);
    },

    async sweep() {
      const label = Object.entries({ ...labels, [MANAGED_LABEL]: '1' }).map(([k, v]) => `${k}=${v}`);
      const found = await docker.listContainers({ all: true, filters: { label } }).catch((err: unknown) => {
        throw engineError('sweep', err);
      });
      let removed = 0;
      for (const info of found) {
        try {
          await docker.getContainer(info.Id).remove({ force: true, v: true });
          removed += 1;
        } catch (err) {
          const status = engineStatus(err);
          if (status !== 404 && status !== 409) throw engineError('sweep', err);
        }
      }
      return removed;
    },
  };
}
