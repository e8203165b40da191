/**
 * Model images on the node, by image id: present, or loaded from a `docker save`
 * archive (the job's image blob) and accepted only when the archive holds exactly
 * the image asked for. Nothing is ever pulled from a registry.
 */
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { DriverError, engineError, isNotFound, oneLine } from './errors.js';

const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;

/** One JSON message of `POST /images/load`. */
interface LoadMessage {
  readonly stream?: string;
  readonly error?: string;
}

/**
 * Makes sure image `digest` (an image id, `sha256:<hex>`) is present. When it is
 * not, loads `archive()` (`docker load`); unless the archive held exactly that
 * image, removes what it loaded and throws RUNTIME_IMAGE_MISMATCH. Absent with no
 * archive: RUNTIME_IMAGE_MISSING. A malformed digest is a TypeError.
 */
export async function ensureImage(
  docker: Docker,
  digest: string,
  archive?: () => Promise<Readable>,
): Promise<void> {
  if (!IMAGE_ID.test(digest)) throw new TypeError('ensureImage: the digest must be sha256:<64 hex>');
  if (await present(docker, digest)) return;
  if (archive === undefined) {
    throw new DriverError('RUNTIME_IMAGE_MISSING', `image ${digest} is not on this node and has no archive`);
  }
  const before = new Set(await imageIds(docker));
  const loaded = [...new Set(await load(docker, await archive()))];
  if (loaded.length === 1 && loaded[0] === digest) return;
  const fresh = loaded.filter((id) => !before.has(id));
  for (const id of fresh) {
    await docker
      .getImage(id)
      .remove({ force: true, noprune: false })
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw engineError('remove a mismatched image', err);
      });
  }
  throw new DriverError(
    'RUNTIME_IMAGE_MISMATCH',
    `the archive holds ${loaded.length === 0 ? 'no image' : loaded.join(', ')}, not ${digest}`,
  );
}

async function present(docker: Docker, id: string): Promise<boolean> {
  try {
    const info = await docker.getImage(id).inspect();
    return info.Id === id;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw engineError('inspect image', err);
  }
}

async function imageIds(docker: Docker): Promise<string[]> {
  const images = await docker.listImages({ all: true }).catch((err: unknown) => {
    throw engineError('list images', err);
  });
  return images.map((i) => i.Id);
}

/** `docker load`, then the ids of the images it reports (by id, or by the tag it gave them). */
async function load(docker: Docker, archive: Readable): Promise<string[]> {
  let messages: LoadMessage[];
  try {
    const output = await docker.loadImage(archive, { quiet: true });
    messages = await new Promise<LoadMessage[]>((resolve, reject) => {
      docker.modem.followProgress(output, (err: Error | null, res: unknown[]) =>
        err ? reject(err) : resolve(res as LoadMessage[]),
      );
    });
  } catch (err) {
    throw engineError('load image', err);
  }
  const failed = messages.find((m) => typeof m.error === 'string');
  if (failed !== undefined) {
    throw new DriverError('RUNTIME_ENGINE', `load image: ${oneLine(failed.error ?? '')}`);
  }
  const ids: string[] = [];
  for (const line of messages.flatMap((m) => (m.stream ?? '').split('\n'))) {
    const byId = /^Loaded image ID: (sha256:[0-9a-f]{64})$/.exec(line.trim());
    const byTag = /^Loaded image: (\S+)$/.exec(line.trim());
    if (byId !== null) ids.push(byId[1]);
    else if (byTag !== null) {
      const info = await docker
        .getImage(byTag[1])
        .inspect()
        .catch((err: unknown) => {
          throw engineError('inspect a loaded image', err);
        });
      ids.push(info.Id);
    }
  }
  return ids;
}
