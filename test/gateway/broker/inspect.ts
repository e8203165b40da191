/**
 * A real `docker inspect` document of a sealed container, for the broker's
 * tests: a FROM scratch image with the host's node (enclave-runtime
 * buildScratchImage, withNode), a container created (never started) from
 * policies' sandboxContainerConfig(sealedSandboxProfile()), inspected, then
 * container and image removed. Made once per machine and cached in the temp
 * directory (the broker never looks the image up, so the document stays valid).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { Test } from 'tap';
import { buildScratchImage } from '../../../enclave-runtime/index.js';
import { sandboxContainerConfig, sealedSandboxProfile } from '../../../policies/index.js';
import { dockerForTest } from '../../helpers/docker.js';
import type { EditableInspect } from '../../helpers/inspect-fixtures.js';

const CACHE = join(tmpdir(), 'sg-test-broker-inspect-v1.json');
let cached: EditableInspect | undefined;

async function record(docker: Docker): Promise<EditableInspect> {
  const name = `sg-test-broker-${randomBytes(6).toString('hex')}`;
  const binds = await mkdtemp(join(tmpdir(), 'sg-test-broker-'));
  await writeFile(join(binds, 'data.sgenc'), randomBytes(64));
  await mkdir(join(binds, 'supervisor'));
  const image = await buildScratchImage(docker, { files: [], withNode: true, tag: `${name}:1` });
  try {
    const config = sandboxContainerConfig(sealedSandboxProfile(), {
      binds: { ciphertext: join(binds, 'data.sgenc'), supervisor: join(binds, 'supervisor') },
      limits: { pids: 64, memoryBytes: 256 * 1024 * 1024, nanoCpus: 1e9 },
    });
    const container = await docker.createContainer({
      name,
      Image: image,
      Cmd: ['/usr/bin/node', '-e', '0'],
      ...(config as unknown as Docker.ContainerCreateOptions),
    });
    try {
      return (await container.inspect()) as unknown as EditableInspect;
    } finally {
      await container.remove({ force: true });
    }
  } finally {
    await docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
    await rm(binds, { recursive: true, force: true });
  }
}

/** A fresh copy of the sealed inspect document, or undefined when Docker is absent (the test is skipped). */
export async function sealedInspect(t: Test): Promise<EditableInspect | undefined> {
  if (cached === undefined) {
    const text = await readFile(CACHE, 'utf8').catch(() => undefined);
    if (text !== undefined) cached = JSON.parse(text) as EditableInspect;
  }
  if (cached === undefined) {
    const docker = await dockerForTest(t);
    if (docker === undefined) return undefined;
    cached = await record(docker);
    await writeFile(CACHE, JSON.stringify(cached));
  }
  return structuredClone(cached);
}
