/**
 * The Node runtime taken from the host: the `node` binary and the shared
 * libraries it links, found with `ldd`. Model images are built `FROM scratch`
 * with these files (no registry), and the supervisor directory carries its own
 * copy so it never runs on a binary from a (hostile) model image.
 */
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One host file and where it goes in an image. */
export interface RuntimeFile {
  /** The real host path (symlinks resolved). */
  readonly hostPath: string;
  /** The absolute path inside the image, as the dynamic linker expects it. */
  readonly imagePath: string;
}

/** The host's Node runtime: the binary, its libraries and the dynamic linker. */
export interface HostRuntime {
  readonly node: RuntimeFile;
  /** Every shared library `ldd` lists, including the dynamic linker. */
  readonly libraries: readonly RuntimeFile[];
  /** The dynamic linker's path inside the image (e.g. `/lib64/ld-linux-x86-64.so.2`). */
  readonly interpreter: string;
}

/**
 * Find the running Node binary and its shared libraries. Throws a TypeError
 * when `ldd` does not know the binary (a static or foreign build).
 */
export async function hostRuntime(nodePath: string = process.execPath): Promise<HostRuntime> {
  const binary = await realpath(nodePath);
  const { stdout } = await run('ldd', [binary]);
  const libraries: RuntimeFile[] = [];
  let interpreter: string | undefined;
  for (const line of stdout.split('\n')) {
    // `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` or `/lib64/ld-linux-x86-64.so.2 (0x…)`
    const linked = /^\s*\S+ => (\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    const direct = /^\s*(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    const path = linked?.[1] ?? direct?.[1];
    if (path === undefined) continue;
    if (direct !== null) interpreter = path;
    libraries.push({ hostPath: await realpath(path), imagePath: path });
  }
  if (interpreter === undefined) throw new TypeError(`ldd lists no dynamic linker for ${binary}`);
  return { node: { hostPath: binary, imagePath: '/usr/bin/node' }, libraries, interpreter };
}
