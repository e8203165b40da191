/**
 * The node agent's view of the container engine (the seed's container engine):
 * a small interface so the agent's job loop can be unit-tested with a fake and
 * run for real on dockerode (docker/driver.ts). Security properties are proven
 * only against the real driver and a real dockerd.
 */
import type { Readable, Writable } from 'node:stream';

/** The limits of one sealed container (from the job). */
export interface ContainerLimits {
  readonly pids: number;
  readonly memoryBytes: number;
  readonly nanoCpus: number;
  /** Wall-clock limit of the model's running time; paused time does not count. */
  readonly wallSeconds: number;
  /** Size of each plaintext tmpfs. */
  readonly tmpfsBytes: number;
}

/** What to seal: one run's container. */
export interface SealedContainerSpec {
  readonly runId: string;
  readonly jobId: string;
  /** The model image, by image id (`sha256:…`); it must already be present (`ensureImage`). */
  readonly image: string;
  /** Host paths of the read-only binds: the ciphertext file and the supervisor directory. */
  readonly binds: {
    readonly ciphertext: string;
    readonly supervisor: string;
    /** Audit jobs: the sealed model's ciphertext, at /sealed/model-ciphertext. */
    readonly modelCiphertext?: string;
  };
  readonly limits: ContainerLimits;
  /** GPU ids for DeviceRequests; empty or absent for none. */
  readonly gpuDeviceIds?: readonly string[];
}

/** How a sealed container ended. */
export interface ContainerExit {
  readonly exitCode: number;
  readonly oomKilled: boolean;
  /** The wall-clock limit stopped it. */
  readonly timedOut: boolean;
  /** `cancel()` stopped it. */
  readonly cancelled: boolean;
}

/** The container's stdio, attached before it starts (Docker attach, `Tty: false`, demultiplexed). */
export interface ContainerStdio {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
}

/** One sealed container, created and checked against the sandbox profile but not yet started. */
export interface SealedContainer {
  readonly id: string;
  /** The raw `docker inspect` document, as Docker reports it now. */
  inspect(): Promise<unknown>;
  /** Attach stdin/stdout/stderr; call once, before `start`. */
  attach(): Promise<ContainerStdio>;
  /** Start it; the wall-clock limit runs from here. */
  start(): Promise<void>;
  /** Resolves when it has stopped, for whatever reason. */
  wait(): Promise<ContainerExit>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Stop it now (kill); `wait()` then reports `cancelled`. */
  cancel(): Promise<void>;
  /** Remove the container and everything the driver made for it; safe to call twice. */
  remove(): Promise<void>;
}

/** A GPU the node can offer (from `nvidia-smi`). */
export interface GpuInfo {
  readonly index: number;
  readonly uuid: string;
  readonly name: string;
  readonly memoryBytes: number;
}

/** The container engine. */
export interface ContainerRuntime {
  /** The engine's version string (e.g. `docker 20.10.24`). */
  version(): Promise<string>;
  /**
   * Make sure image `digest` is present. When it is not and `archive` is given, load that
   * `docker save` tarball and refuse (RUNTIME_IMAGE_MISMATCH) unless the loaded id is `digest`.
   */
  ensureImage(digest: string, archive?: () => Promise<Readable>): Promise<void>;
  /**
   * Create the container sealed per the sandbox profile, inspect it, and refuse
   * (RUNTIME_SANDBOX_VIOLATION, removing it) when the inspect document violates the profile.
   */
  createSealed(spec: SealedContainerSpec): Promise<SealedContainer>;
  /** The GPUs this node offers (the Docker driver: at most its profile's `maxGpus`); empty when `nvidia-smi` is absent. */
  gpus(): Promise<GpuInfo[]>;
  /** Remove every container this runtime made that is still there (after a crash). */
  sweep(): Promise<number>;
}
