/**
 * Key files on disk: the file I/O around attest/keys.ts. Key files are
 * written atomically (a temp file beside the target, fsync, rename, fsync of
 * the directory) with mode 0600, in a directory created 0700. An existing key
 * is never overwritten unless asked, and its mode is never loosened. Reading
 * refuses a key file that group or others may access, as ssh does.
 */
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { KeyFile, KeyKind, SigningKeyPair } from '../attest/index.js';
import { SealgateError, decodeKeyFile, encodeKeyFile } from '../attest/index.js';

/** Codes of key store failures. */
export type KeystoreErrorCode =
  'KEYSTORE_NOT_FOUND' | 'KEYSTORE_EXISTS' | 'KEYSTORE_INSECURE' | 'KEYSTORE_IO';

/** A key file that cannot be read or written. */
export class KeystoreError extends SealgateError<KeystoreErrorCode> {}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** Where a kind of key lives under a sealgate home: `<home>/keys/<kind>.json`. */
export function defaultKeyPath(home: string, kind: KeyKind): string {
  return join(home, 'keys', `${kind}.json`);
}

function ioError(what: string, path: string, err: unknown): KeystoreError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'error';
  return new KeystoreError('KEYSTORE_IO', `cannot ${what} ${path} (${code})`, { cause: err });
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError('inspect', path, err);
  }
}

/** Options of {@link saveKeyFile}. */
export interface SaveKeyOptions {
  /** Replace an existing key file (its mode is kept when stricter than 0600). */
  readonly overwrite?: boolean;
}

/**
 * Write a key file atomically with mode 0600 (or the existing file's mode when
 * that is stricter), creating its directory with mode 0700 when missing.
 * Throws KEYSTORE_EXISTS when the file exists and `overwrite` is not set.
 */
export async function saveKeyFile(
  path: string,
  kind: KeyKind,
  keyPair: SigningKeyPair,
  options: SaveKeyOptions = {},
): Promise<void> {
  const text = encodeKeyFile(kind, keyPair);
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
  } catch (err) {
    throw ioError('create', dir, err);
  }
  const previous = await existingMode(path);
  if (previous !== undefined && options.overwrite !== true) {
    throw new KeystoreError('KEYSTORE_EXISTS', `a key file already exists at ${path}`);
  }
  const mode = previous === undefined ? FILE_MODE : previous & FILE_MODE;
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 'wx': never follow or reuse an existing path; mode may be narrowed by the umask, so set it exactly.
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      await handle.chmod(mode);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw ioError('write', path, err);
  }
  await syncDirectory(dir);
}

// POSIX: a rename is durable only once its directory is synced.
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw ioError('sync', dir, err);
  }
}

/**
 * Read and check a key file. Throws KEYSTORE_NOT_FOUND when missing,
 * KEYSTORE_INSECURE when group or others have any access to it, and the
 * KeyError of attest/keys.ts when its content is wrong.
 */
export async function loadKeyFile(path: string, expected?: KeyKind): Promise<KeyFile> {
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new KeystoreError('KEYSTORE_IO', `${path} is not a regular file`);
      const mode = info.mode;
      if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
        throw new KeystoreError(
          'KEYSTORE_INSECURE',
          `key file ${path} is accessible by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it`,
        );
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof KeystoreError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new KeystoreError('KEYSTORE_NOT_FOUND', `no key file at ${path}`, { cause: err });
    }
    throw ioError('read', path, err);
  }
  return decodeKeyFile(text, expected);
}
