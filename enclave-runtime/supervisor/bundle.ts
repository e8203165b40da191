/**
 * The sealed model's archive: a length-prefixed bundle of the regular files
 * under /sealed/output, so predict can restore them into /sealed/input/model/.
 * Simpler than tar (no links, owners, times or devices to get wrong), and the
 * total length is known before the first byte, which the envelope needs.
 *
 * Layout (integers big-endian), docs/supervisor.md:
 *   magic `SGBUNDL` ‖ version 0x01
 *   per file: u16 path length (1..4096) ‖ path (UTF-8, relative, `/`-separated)
 *             ‖ u16 mode (0o644 or 0o755) ‖ u64 size ‖ size bytes
 *   end: u16 0
 */
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SupervisorError } from './errors.js';

export const BUNDLE_MAGIC = new Uint8Array([0x53, 0x47, 0x42, 0x55, 0x4e, 0x44, 0x4c, 0x01]);
const MAX_PATH_BYTES = 4096;
const READ_SIZE = 256 * 1024;

/** Caps on what a bundle may hold. */
export interface BundleLimits {
  readonly maxBytes: number;
  readonly maxFiles: number;
}

/** One file of a bundle, as packed. */
export interface BundleEntry {
  readonly path: string;
  readonly mode: 0o644 | 0o755;
  readonly size: number;
}

/** A bundle ready to stream: its exact length and its bytes on demand. */
export interface PackedBundle {
  readonly entries: readonly BundleEntry[];
  readonly size: number;
  bytes(): AsyncGenerator<Uint8Array, void, undefined>;
}

const output = (message: string): never => {
  throw new SupervisorError('SUPERVISOR_OUTPUT', message);
};

/** Lists the regular files under `root` (symlinks and special files are skipped, never followed). */
async function walk(root: string, limits: BundleLimits): Promise<BundleEntry[]> {
  const entries: BundleEntry[] = [];
  let total = 0;
  const visit = async (rel: string): Promise<void> => {
    const names = (await readdir(join(root, rel))).sort();
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const st = await lstat(join(root, path));
      if (st.isDirectory()) await visit(path);
      if (!st.isFile()) continue;
      if (Buffer.byteLength(path) > MAX_PATH_BYTES) output(`an output path is longer than ${MAX_PATH_BYTES} bytes`);
      total += st.size;
      if (entries.length >= limits.maxFiles) output(`the output holds more than ${limits.maxFiles} files`);
      if (total > limits.maxBytes) output(`the output is larger than ${limits.maxBytes} bytes`);
      entries.push({ path, mode: st.mode & 0o111 ? 0o755 : 0o644, size: st.size });
    }
  };
  await visit('');
  return entries;
}

function entryHeader(e: BundleEntry): Uint8Array {
  const path = Buffer.from(e.path, 'utf8');
  const head = Buffer.alloc(2 + path.length + 2 + 8);
  head.writeUInt16BE(path.length, 0);
  path.copy(head, 2);
  head.writeUInt16BE(e.mode, 2 + path.length);
  head.writeBigUInt64BE(BigInt(e.size), 4 + path.length);
  return head;
}

/** Packs the regular files under `root`; throws `SUPERVISOR_OUTPUT` past a limit. */
export async function packTree(root: string, limits: BundleLimits): Promise<PackedBundle> {
  const entries = await walk(root, limits);
  const size = entries.reduce((n, e) => n + 2 + Buffer.byteLength(e.path) + 2 + 8 + e.size, BUNDLE_MAGIC.length + 2);
  async function* bytes(): AsyncGenerator<Uint8Array, void, undefined> {
    yield BUNDLE_MAGIC.slice();
    for (const e of entries) {
      yield entryHeader(e);
      const file = await open(join(root, e.path), constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        let done = 0;
        while (done < e.size) {
          const want = Math.min(READ_SIZE, e.size - done);
          const { bytesRead, buffer } = await file.read(Buffer.alloc(want), 0, want, done);
          if (bytesRead === 0) output(`${e.path} shrank while it was sealed`);
          done += bytesRead;
          yield buffer.subarray(0, bytesRead);
        }
      } finally {
        await file.close();
      }
    }
    yield new Uint8Array(2);
  }
  return { entries, size, bytes };
}

/** Exact-length reads from an async byte source. */
class Reader {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Uint8Array>;
  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }
  async read(n: number): Promise<Buffer> {
    while (this.buffered.length < n) {
      const next = await this.it.next();
      if (next.done === true) bad('the bundle ends early');
      this.buffered = Buffer.concat([this.buffered, next.value]);
    }
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return out;
  }
  async atEnd(): Promise<boolean> {
    if (this.buffered.length > 0) return false;
    const next = await this.it.next();
    if (next.done === true) return true;
    this.buffered = Buffer.from(next.value);
    return this.buffered.length === 0 ? this.atEnd() : false;
  }
}

function bad(message: string): never {
  throw new SupervisorError('SUPERVISOR_BUNDLE', message);
}

function decodePath(bytes: Uint8Array): string {
  let path: string;
  try {
    path = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bad('a path is not UTF-8');
  }
  if (!safePath(path)) bad('a path is not a plain relative path');
  return path;
}

// A relative path of plain segments: no absolute path, `..`, `.`, empty segment or NUL.
function safePath(path: string): boolean {
  const segments = path.split('/');
  return segments.every((s) => s !== '' && s !== '.' && s !== '..' && !s.includes('\0'));
}

/**
 * Restores a bundle into the (empty) directory `root`. Throws `SUPERVISOR_BUNDLE`
 * on a bad magic, an unsafe path, a duplicate, a limit passed, or trailing bytes.
 */
export async function unpackBundle(source: AsyncIterable<Uint8Array>, root: string, limits: BundleLimits): Promise<BundleEntry[]> {
  const reader = new Reader(source);
  if (!Buffer.from(await reader.read(BUNDLE_MAGIC.length)).equals(BUNDLE_MAGIC)) bad('not a sealgate bundle');
  const entries: BundleEntry[] = [];
  let total = 0;
  for (;;) {
    const pathLength = (await reader.read(2)).readUInt16BE(0);
    if (pathLength === 0) break;
    if (pathLength > MAX_PATH_BYTES) bad('a path is too long');
    const path = decodePath(await reader.read(pathLength));
    const meta = await reader.read(10);
    const mode = meta.readUInt16BE(0);
    if (mode !== 0o644 && mode !== 0o755) bad('a file mode is not 0644 or 0755');
    const size = meta.readBigUInt64BE(2);
    total += Number(size);
    if (size > BigInt(limits.maxBytes) || total > limits.maxBytes) bad(`the bundle is larger than ${limits.maxBytes} bytes`);
    if (entries.length >= limits.maxFiles) bad(`the bundle holds more than ${limits.maxFiles} files`);
    const target = join(root, path);
    const file = await mkdir(dirname(target), { recursive: true, mode: 0o700 })
      .then(() => open(target, 'wx', mode))
      .catch((cause: unknown) => {
        throw new SupervisorError('SUPERVISOR_BUNDLE', `${path} cannot be created (a duplicate?)`, { cause });
      });
    try {
      let left = Number(size);
      while (left > 0) {
        const piece = await reader.read(Math.min(READ_SIZE, left));
        await file.write(piece);
        left -= piece.length;
      }
    } finally {
      await file.close();
    }
    entries.push({ path, mode, size: Number(size) });
  }
  if (!(await reader.atEnd())) bad('bytes follow the end of the bundle');
  return entries;
}
