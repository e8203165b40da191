/**
 * Build a Docker image `FROM scratch` out of a directory tree of host files:
 * no registry and no base image, so nothing is pulled (docs/node-protocol.md).
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import { hostRuntime } from './host-runtime.js';

/** One file to put in an image: from a host path or from bytes. */
export type ImageFile =
  | { readonly imagePath: string; readonly hostPath: string; readonly mode?: number }
  | { readonly imagePath: string; readonly content: string | Uint8Array; readonly mode?: number };

/** What an image is made of. */
export interface ImageRecipe {
  readonly files: readonly ImageFile[];
  /** Add the host's Node runtime at /usr/bin/node with its libraries (default true). */
  readonly withNode?: boolean;
  /** Dockerfile lines after `FROM scratch` and `COPY rootfs/ /` (e.g. `LABEL …`, `WORKDIR /model`). */
  readonly dockerfile?: readonly string[];
  /** The tag to give it (e.g. `sealgate-model/reference:1`). */
  readonly tag: string;
}

/**
 * Build the image and return its id (`sha256:…`), which is the digest models are published by.
 * With Node (the default) it is built `FROM` the host runtime's own image (below), so the 100 MB
 * runtime is one shared layer and a model image adds only its own files.
 */
export async function buildScratchImage(docker: Docker, recipe: ImageRecipe): Promise<string> {
  const base = recipe.withNode === false ? 'scratch' : await nodeRuntimeImage(docker);
  return buildFromFiles(
    docker,
    recipe.files,
    [`FROM ${base}`, 'COPY rootfs/ /', ...(recipe.dockerfile ?? [])],
    recipe.tag,
  );
}

let runtimeImage: Promise<string> | undefined;

/**
 * The host's Node runtime (node, its libraries, an empty /tmp) as an image `FROM scratch`,
 * tagged by the runtime files' paths, sizes and times: built once per runtime, then reused.
 */
function nodeRuntimeImage(docker: Docker): Promise<string> {
  runtimeImage ??= (async () => {
    const runtime = await hostRuntime();
    const files = [runtime.node, ...runtime.libraries];
    const stats = await Promise.all(files.map((f) => stat(f.hostPath)));
    const id = files.map((f, i) => [f.hostPath, f.imagePath, stats[i].size, stats[i].mtimeMs]);
    const tag = `sealgate/node-runtime:${createHash('sha256').update(JSON.stringify(id)).digest('hex').slice(0, 16)}`;
    const present = await docker
      .getImage(tag)
      .inspect()
      .then(
        () => true,
        () => false,
      );
    if (!present) await buildFromFiles(docker, files, ['FROM scratch', 'COPY rootfs/ /'], tag);
    return tag;
  })().catch((err: unknown) => {
    runtimeImage = undefined;
    throw err;
  });
  return runtimeImage;
}

async function buildFromFiles(
  docker: Docker,
  files: readonly ImageFile[],
  dockerfile: readonly string[],
  tag: string,
): Promise<string> {
  const context = await mkdtemp(join(tmpdir(), 'sealgate-image-'));
  try {
    for (const file of files) {
      if (!file.imagePath.startsWith('/') || file.imagePath.split('/').includes('..')) {
        throw new TypeError(`image path ${file.imagePath} is not a plain absolute path`);
      }
      const target = join(context, 'rootfs', file.imagePath);
      await mkdir(dirname(target), { recursive: true });
      if ('hostPath' in file) await copyFile(file.hostPath, target);
      else await writeFile(target, file.content, { mode: file.mode ?? 0o644 });
    }
    await mkdir(join(context, 'rootfs', 'tmp'), { recursive: true });
    await writeFile(join(context, 'Dockerfile'), `${dockerfile.join('\n')}\n`);
    const stream = await docker.buildImage({ context, src: ['Dockerfile', 'rootfs'] }, { t: tag });
    const output = await new Promise<{ error?: string; aux?: { ID?: string } }[]>((resolve, reject) => {
      docker.modem.followProgress(stream, (err: Error | null, res: unknown[]) =>
        err ? reject(err) : resolve(res as { error?: string; aux?: { ID?: string } }[]),
      );
    });
    const failed = output.find((o) => o.error !== undefined);
    if (failed) throw new Error(`image build failed: ${failed.error}`);
    const image = await docker.getImage(tag).inspect();
    return image.Id;
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}
