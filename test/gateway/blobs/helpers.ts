/** Shared pieces of the blob store tests: a temp store, payloads and their digests. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStoreOptions } from '../../../gateway/index.js';
import { BlobStore } from '../../../gateway/index.js';

/** The minimal surface of a tap test the helpers need. */
export interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A fresh store in a temp directory removed after the test. */
export async function tempStore(
  t: Teardown,
  options: BlobStoreOptions = { maxBytes: 64 * 1024 * 1024 },
): Promise<{ store: BlobStore; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-blobs-'));
  const store = await BlobStore.open(dir, options);
  t.teardown(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { store, dir };
}

/** The canonical digest of `bytes`. */
export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** `size` random bytes and their digest. */
export function payload(size: number): { bytes: Buffer; digest: string } {
  const bytes = randomBytes(size);
  return { bytes, digest: digestOf(bytes) };
}

/** `bytes` as an async iterable of chunks of at most `chunk` bytes. */
export async function* chunked(bytes: Uint8Array, chunk = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += chunk) {
    await Promise.resolve();
    yield bytes.subarray(i, i + chunk);
  }
}

/** Every file under `dir`, relative, sorted: what the store kept. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1))
    .sort();
}

/** The path the store's documented layout gives a digest. */
export function blobPath(dir: string, digest: string): string {
  const hex = digest.slice('sha256:'.length);
  return join(dir, 'sha256', hex.slice(0, 2), hex);
}
