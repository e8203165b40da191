/**
 * Output that appears only when complete: write to a fresh temporary file
 * beside the output (same directory, so the rename is atomic; created
 * exclusively with the given mode), rename it over the output on success,
 * delete it on any failure. The envelope's file functions rely on it so that a
 * tampered envelope never leaves partial plaintext behind.
 */
import { createWriteStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Bytes a write stream buffers before it applies back-pressure. */
const STREAM_BUFFER = 1024 * 1024;

/** `.OUT.<random>.sealgate-tmp` beside `output`. */
function temporaryPath(output: string): string {
  return join(dirname(output), `.${basename(output)}.${randomBytes(6).toString('hex')}.sealgate-tmp`);
}

/**
 * Run `write` against a write stream on a fresh temporary file beside
 * `output`, then rename it over `output`; delete it on any failure.
 */
export async function writeAtomically(
  output: string,
  mode: number,
  write: (out: Writable) => Promise<void>,
): Promise<void> {
  const tmp = temporaryPath(output);
  const out = createWriteStream(tmp, { flags: 'wx', mode, highWaterMark: STREAM_BUFFER });
  try {
    await write(out);
    await rename(tmp, output);
  } catch (err) {
    // The file may still be opening: wait until it is closed, then remove it.
    out.destroy();
    if (!out.closed) await once(out, 'close').catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/**
 * Like `writeAtomically`, with a `FileHandle` for positional writes: `write`
 * must have finished every write when its promise settles. The handle is
 * closed before the rename, and before the temporary file is deleted.
 *
 * @example
 * ```ts
 * await writeFileAtomically(out, 0o600, (file) => file.write(bytes, 0, bytes.length, 0).then(() => undefined));
 * ```
 */
export async function writeFileAtomically<T>(
  output: string,
  mode: number,
  write: (file: FileHandle) => Promise<T>,
): Promise<T> {
  const tmp = temporaryPath(output);
  const file = await open(tmp, 'wx', mode);
  let result: T;
  try {
    result = await write(file);
  } catch (err) {
    await file.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  try {
    await file.close();
    await rename(tmp, output);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  return result;
}
