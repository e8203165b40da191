/**
 * The real-dockerd fixture of the driver tests: one FROM scratch image with the
 * host's Node (buildScratchImage, no registry), a runtime whose "supervisor" is
 * a small test program bound read-only at /sealed/supervisor/main.js (each spec
 * brings its own), and cleanup of every container, image and host directory the
 * test made. Containers carry a label unique to the test, so sweep() and the
 * leftover checks touch only this test's containers on a shared daemon.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { Test } from 'tap';
import {
  buildScratchImage,
  dockerRuntime,
  type ContainerLimits,
  type DockerRuntime,
  type DockerRuntimeOptions,
  type SealedContainerSpec,
} from '../../../enclave-runtime/index.js';
import { DockerScope, dockerForTest } from '../../helpers/docker.js';

/** The entrypoint every test runtime uses: the image's node running the bound test program. */
export const TEST_ENTRYPOINT = ['/usr/bin/node', '/sealed/supervisor/main.js'];

/** Small limits: enough for one node process and a few children. */
export const TEST_LIMITS: ContainerLimits = {
  pids: 64,
  memoryBytes: 256 * 1024 ** 2,
  nanoCpus: 1e9,
  wallSeconds: 60,
  tmpfsBytes: 16 * 1024 ** 2,
};

export interface DriverFixture {
  readonly docker: Docker;
  readonly runtime: DockerRuntime;
  /** The test image's id. */
  readonly image: string;
  /** The label every container of this test carries. */
  readonly label: string;
  /** A spec running `program` (JavaScript) as the supervisor, with `limits` over TEST_LIMITS. */
  spec(program: string, limits?: Partial<ContainerLimits>, image?: string): SealedContainerSpec;
  /** Another runtime over the same daemon and label (e.g. another profile). */
  runtimeWith(options: Partial<DockerRuntimeOptions>): DockerRuntime;
  /** The ids of this test's containers still on the daemon. */
  leftovers(): Promise<string[]>;
  /** Builds another image (removed at teardown); returns its id. */
  buildImage(dockerfile?: readonly string[], withNode?: boolean): Promise<string>;
}

let serial = 0;

/** Sets up the fixture for `t`, or undefined when Docker is absent (the test is then skipped). */
export async function driverFixture(t: Test, name: string): Promise<DriverFixture | undefined> {
  const docker = await dockerForTest(t);
  if (docker === undefined) return undefined;
  const scope = new DockerScope(docker, `sg-test-driver-${name}`);
  const [labelKey, labelValue] = Object.entries(scope.labels)[0];
  // The container runs as 65534:65534: the bound files must be readable by anyone.
  const host = mkdtempSync(join(tmpdir(), 'sg-test-driver-'));
  chmodSync(host, 0o755);
  const images: string[] = [];
  t.teardown(async () => {
    await scope.cleanup();
    for (const ref of images)
      await docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => undefined);
    rmSync(host, { recursive: true, force: true });
  });
  const ciphertext = join(host, 'ciphertext.sgenc');
  writeFileSync(ciphertext, 'not really ciphertext\n');

  const buildImage = async (dockerfile: readonly string[] = [], withNode = true): Promise<string> => {
    const tag = `sg-test-driver/${name}:${labelValue}-${images.length}`;
    images.push(tag);
    return buildScratchImage(docker, {
      tag,
      withNode,
      // Unique content: no two builds share a cache entry, so removing one image (ensureImage's
      // mismatch test does) can never break a later build that the cache matched to it.
      files: [{ imagePath: '/etc/sg-test-driver', content: `${name} ${tag} ${Date.now()}\n` }],
      dockerfile,
    });
  };
  const image = await buildImage();
  const runtimeWith = (options: Partial<DockerRuntimeOptions>): DockerRuntime =>
    dockerRuntime({
      docker,
      entrypoint: TEST_ENTRYPOINT,
      labels: { [labelKey]: labelValue },
      ...options,
    });

  return {
    docker,
    image,
    label: `${labelKey}=${labelValue}`,
    runtime: runtimeWith({}),
    runtimeWith,
    buildImage,
    spec(program, limits = {}, specImage = image) {
      serial += 1;
      const supervisor = mkdtempSync(join(host, 'supervisor-'));
      chmodSync(supervisor, 0o755);
      writeFileSync(join(supervisor, 'main.js'), program);
      const jobId = `sg-test-driver-${name}-${labelValue.slice(-12)}-${serial}`;
      return {
        runId: `run-${serial}`,
        jobId,
        image: specImage,
        binds: { ciphertext, supervisor },
        limits: { ...TEST_LIMITS, ...limits },
      };
    },
    async leftovers() {
      const found = await docker.listContainers({
        all: true,
        filters: { label: [`${labelKey}=${labelValue}`] },
      });
      return found.map((c) => c.Id);
    },
  };
}

/** Everything a stream yields, as UTF-8. */
export async function collect(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
