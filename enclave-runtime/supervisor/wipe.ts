/**
 * Wiping plaintext after the model ends (DESIGN.md 5 step 8): everything
 * under /sealed/input and /sealed/output is removed, and regular files are
 * overwritten with zeros first where that is cheap. On tmpfs the overwrite
 * only shortens the time freed pages hold plaintext; the real guarantee is
 * that the tmpfs dies with the container. Symlinks are removed, never followed;
 * directories a hostile model made unwritable are made writable first.
 */
import { constants } from 'node:fs';
import { chmod, lstat, open, readdir, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SupervisorError } from './errors.js';

/** Files up to this size are zeroed before they are unlinked. */
export const OVERWRITE_LIMIT = 64 * 1024 * 1024;
const ZEROS = Buffer.alloc(1024 * 1024);

// chmod is best-effort: it fails on what another user owns (the tmpfs root), which needs none.
const allow = (path: string, mode: number) => chmod(path, mode).catch(() => undefined);

async function zero(path: string, size: number): Promise<void> {
  await allow(path, 0o600);
  const file = await open(path, constants.O_WRONLY | constants.O_NOFOLLOW);
  try {
    for (let at = 0; at < size; at += ZEROS.length) {
      await file.write(ZEROS, 0, Math.min(ZEROS.length, size - at), at);
    }
    await file.sync();
  } finally {
    await file.close();
  }
}

async function clear(dir: string): Promise<number> {
  await allow(dir, 0o700);
  let files = 0;
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const st = await lstat(path);
    if (st.isDirectory()) {
      files += await clear(path);
      await rmdir(path);
      continue;
    }
    if (st.isFile() && st.size <= OVERWRITE_LIMIT) await zero(path, st.size);
    await unlink(path);
    files += 1;
  }
  return files;
}

/**
 * Empties `root` (which stays: it is a mount point) and returns how many
 * non-directory entries were removed. Throws `SUPERVISOR_WIPE` when something
 * cannot be removed; a missing root counts as wiped.
 */
export async function wipeTree(root: string): Promise<number> {
  try {
    return await clear(root);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT' && (await missing(root))) return 0;
    throw new SupervisorError('SUPERVISOR_WIPE', `cannot wipe ${root}`, { cause });
  }
}

async function missing(path: string): Promise<boolean> {
  return lstat(path).then(
    () => false,
    () => true,
  );
}
