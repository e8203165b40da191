/**
 * The demo's sealed container on the real dockerd: a one-file model image made
 * with `docker import` (no registry), a container created from sealgate's
 * sealed profile, its inspect document judged by the sandbox evaluator, and the
 * measurement the node would sign. Created, inspected and removed; never run
 * (running models is the node agent's job).
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, canonicalizeBytes } from '../../attest/index.js';
import type { Measurement } from '../../attest/index.js';
import {
  SEALGATE_SECCOMP_JSON,
  evaluateSandbox,
  sandboxContainerConfig,
  sealedSandboxProfile,
  securityConfig,
} from '../../policies/index.js';
import type { SandboxViolation } from '../../policies/index.js';
import { tarball } from '../sdk/tar.js';
import { CliError } from '../cli/command.js';

/** An OCI-style digest, `sha256:` and 64 hex digits. */
export const digest = (bytes: Uint8Array): string => `sha256:${bytesToHex(sha256(bytes))}`;

export interface SealedContainer {
  readonly measurement: Measurement;
  readonly violations: readonly SandboxViolation[];
  /** The same container under a looser seccomp profile, judged against sealgate's. */
  readonly looseViolations: readonly SandboxViolation[];
  remove(): Promise<void>;
}

/** Connect to dockerd, or fail with one line saying how to get one. */
export async function connectDocker(): Promise<Docker> {
  const docker = new Docker();
  try {
    await docker.ping();
    return docker;
  } catch {
    throw new CliError(
      'CLI_IO',
      'the demo needs a running dockerd: run `npm run demo` as root, which starts one',
    );
  }
}

export async function sealContainer(docker: Docker, runtimeVersion: string): Promise<SealedContainer> {
  const label = { 'sealgate.demo': String(process.pid) };
  const model = tarball([{ path: 'train', content: '#!/bin/false\n' }]);
  const stream = await docker.importImage(Readable.from([model]), {
    repo: 'sealgate-demo-model',
    tag: String(process.pid),
  });
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (e) => (e ? reject(e) : resolve(0))),
  );
  const image = await docker.getImage(`sealgate-demo-model:${process.pid}`).inspect();
  const host = await mkdtemp(join(tmpdir(), 'sealgate-demo-'));
  for (const dir of ['ciphertext', 'supervisor']) await mkdir(join(host, dir));
  const run = {
    binds: { ciphertext: join(host, 'ciphertext'), supervisor: join(host, 'supervisor') },
    limits: { pids: 64, memoryBytes: 256 * 1024 ** 2, nanoCpus: 5e8 },
  };
  const profile = sealedSandboxProfile();
  const created: Docker.Container[] = [];
  const create = async (config: ReturnType<typeof sandboxContainerConfig>): Promise<unknown> => {
    const c = await docker.createContainer({ Image: image.Id, Cmd: ['/train'], Labels: label, ...config });
    created.push(c);
    return c.inspect();
  };
  const remove = async (): Promise<void> => {
    for (const c of created) await c.remove({ force: true }).catch(() => undefined);
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => undefined);
    await rm(host, { recursive: true, force: true });
  };
  try {
    const inspect = await create(sandboxContainerConfig(profile, run));
    const loose = sealedSandboxProfile({ seccomp: looseSeccomp });
    const looseInspect = await create(sandboxContainerConfig(loose, run));
    const supervisor = await readFile(
      fileURLToPath(new URL('../../policies/seccomp-native.js', import.meta.url)),
    );
    return {
      measurement: {
        imageDigest: image.Id,
        containerConfigDigest: digest(canonicalizeBytes(securityConfig(inspect))),
        seccompProfileDigest: digest(canonicalizeBytes(SEALGATE_SECCOMP_JSON)),
        supervisorDigest: digest(supervisor),
        runtimeVersion,
      },
      violations: evaluateSandbox(inspect, profile),
      looseViolations: evaluateSandbox(looseInspect, profile),
      remove,
    };
  } catch (err) {
    await remove();
    throw err;
  }
}

/** A looser seccomp profile for the refused case: it allows every socket family and ptrace. */
const looseSeccomp = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 1,
  syscalls: [{ names: ['socket', 'ptrace'], action: 'SCMP_ACT_ALLOW' }],
};
