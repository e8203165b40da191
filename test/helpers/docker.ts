/**
 * Test helpers for the real dockerd: connect (failing in CI, skipping elsewhere when
 * Docker does not answer), build a tiny image with `docker import` from a tarball
 * made here (never a registry), and create containers that are all removed, with
 * the image, when the test ends. Every container carries a label unique to the
 * test run, so cleanup removes only what this run made on a shared daemon.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import type { Test } from 'tap';
import { tarball } from '../../client/index.js';
import type { TarFile } from '../../client/index.js';

export { tarball };
export type { TarFile };

/**
 * Connects to the local dockerd (`DOCKER_HOST` or /var/run/docker.sock) for test `t`.
 * When Docker does not answer, the test fails if `process.env.CI` is set (CI never
 * skips) and otherwise is skipped with the reason; either way `undefined` is returned.
 */
export async function dockerForTest(t: Test): Promise<Docker | undefined> {
  const docker = new Docker();
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 5 s')), 5000).unref()),
    ]);
    return docker;
  } catch (err) {
    const reason = `no dockerd answers (${err instanceof Error ? err.message : String(err)})`;
    if (process.env.CI) t.fail(`${reason}; CI must run the Docker tests`);
    else t.plan(0, `Docker tests skipped: ${reason}`);
    return undefined;
  }
}

/** Containers and images made for one test, removed together by {@link DockerScope.cleanup}. */
export class DockerScope {
  /** The label every container of this scope carries. */
  readonly labels: Record<string, string>;
  private readonly images: string[] = [];

  constructor(
    readonly docker: Docker,
    readonly name: string,
  ) {
    this.labels = { 'sealgate.test': `${name}-${randomBytes(6).toString('hex')}` };
  }

  /** Imports an image from `files` (`docker import`), with Dockerfile `changes` such as `VOLUME /data`. */
  async importImage(files: readonly TarFile[], changes: readonly string[] = []): Promise<string> {
    const ref = `sealgate-test/${this.name}:${this.labels['sealgate.test']}-${this.images.length}`;
    const [repo, tag] = ref.split(':') as [string, string];
    this.images.push(ref);
    const stream = await this.docker.importImage(Readable.from([tarball(files)]), {
      repo,
      tag,
      ...(changes.length > 0 ? { changes: [...changes] } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()));
    });
    return ref;
  }

  /** Creates (never starts) a container carrying this scope's label; returns its inspect document. */
  async create(options: Docker.ContainerCreateOptions): Promise<unknown> {
    const container = await this.docker.createContainer({
      ...options,
      Labels: { ...options.Labels, ...this.labels },
    });
    return container.inspect();
  }

  /** Removes every container with this scope's label (and its anonymous volumes), then the images. */
  async cleanup(): Promise<void> {
    const [key, value] = Object.entries(this.labels)[0];
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${key}=${value}`] },
    });
    for (const info of containers) {
      await this.docker.getContainer(info.Id).remove({ force: true, v: true });
    }
    for (const ref of this.images) {
      await this.docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }
}
