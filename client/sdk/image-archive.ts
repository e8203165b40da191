/**
 * The image id of a `docker save` (or OCI layout) archive, read on the
 * publisher's machine so that `sealgate model publish --archive FILE` can name
 * the image it uploads. The image id is the SHA-256 of the image's config
 * JSON (OCI image spec, "Image ID"); `manifest.json` at the archive's root
 * names that config (docker save format). Only the 512-byte tar headers are
 * read, plus the two small files: layers are skipped, so a large archive costs
 * a few reads.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { SealgateError } from '../../attest/index.js';

/** Codes of an archive that does not name its image. */
export type ImageArchiveErrorCode = 'ARCHIVE_MALFORMED' | 'ARCHIVE_NO_MANIFEST';

/** An image archive that cannot be read or names no single image. */
export class ImageArchiveError extends SealgateError<ImageArchiveErrorCode> {}

const BLOCK = 512;
/** The most bytes read of manifest.json or the config: both are small JSON files. */
const MAX_JSON = 16 * 1024 * 1024;

interface Entry {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

// POSIX.1-1988 ustar header: name[100] @0, size[12] @124 (octal), typeflag @156, prefix[155] @345.
function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
}

// POSIX.1-2001 pax extended header: records "<len> key=value\n"; only `path` matters here.
function paxPath(text: string): string | undefined {
  return /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text)?.[1];
}

async function readAt(file: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, offset);
  if (bytesRead !== length)
    throw new ImageArchiveError('ARCHIVE_MALFORMED', 'the archive ends inside a tar entry');
  return buffer;
}

/** The regular files of a tar archive: names, data offsets and sizes. */
async function entries(file: FileHandle, fileSize: number): Promise<Entry[]> {
  const found: Entry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= fileSize) {
    const header = await readAt(file, offset, BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    if (!Number.isSafeInteger(size) || size < 0)
      throw new ImageArchiveError('ARCHIVE_MALFORMED', 'a tar header has a bad size');
    const type = String.fromCharCode(header[156] ?? 0);
    const data = offset + BLOCK;
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix === '' ? field(header, 0, 100) : `${prefix}/${field(header, 0, 100)}`);
    longName = undefined;
    if (type === 'x' || type === 'L') {
      const text = (await readAt(file, data, Math.min(size, MAX_JSON))).toString('utf8');
      longName = type === 'L' ? text.replace(/\0+$/, '') : paxPath(text);
    } else if (type === '0' || type === '\0') {
      found.push({ name: name.replace(/^\.\//, ''), offset: data, size });
    }
    offset = data + Math.ceil(size / BLOCK) * BLOCK;
  }
  return found;
}

/**
 * The image id (`sha256:` + 64 hex) of the single image in a `docker save`
 * archive: the SHA-256 of the config file its manifest.json names.
 * ARCHIVE_NO_MANIFEST when there is no manifest.json or it names not exactly
 * one image; ARCHIVE_MALFORMED when the tar or the manifest is broken.
 */
export async function imageIdOfArchive(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const list = await entries(file, (await file.stat()).size);
    const byName = new Map(list.map((e) => [e.name, e]));
    const manifest = byName.get('manifest.json');
    if (!manifest)
      throw new ImageArchiveError(
        'ARCHIVE_NO_MANIFEST',
        `${path} has no manifest.json (is it a docker save archive?)`,
      );
    if (manifest.size > MAX_JSON)
      throw new ImageArchiveError('ARCHIVE_MALFORMED', 'manifest.json is too large');
    let images: unknown;
    try {
      images = JSON.parse((await readAt(file, manifest.offset, manifest.size)).toString('utf8'));
    } catch (err) {
      throw new ImageArchiveError('ARCHIVE_MALFORMED', 'manifest.json is not JSON', { cause: err });
    }
    if (!Array.isArray(images) || images.length !== 1) {
      throw new ImageArchiveError('ARCHIVE_NO_MANIFEST', 'manifest.json must name exactly one image');
    }
    const configName = (images[0] as { Config?: unknown } | null)?.Config;
    const config = typeof configName === 'string' ? byName.get(configName.replace(/^\.\//, '')) : undefined;
    if (!config || config.size > MAX_JSON) {
      throw new ImageArchiveError(
        'ARCHIVE_MALFORMED',
        "the image's config named by manifest.json is missing",
      );
    }
    const bytes = await readAt(file, config.offset, config.size);
    return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  } finally {
    await file.close();
  }
}
