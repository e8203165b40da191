/**
 * Staging the supervisor for the read-only /sealed/supervisor bind (DESIGN.md
 * 6.5): the host's Node runtime with every library it links, run through the
 * staged dynamic linker so that nothing from the (hostile) model image is
 * used; the compiled supervisor and the parts of dist/ it imports; the npm
 * packages it needs (koffi's native part for this host only); and
 * libseccomp.so.2, which koffi dlopens from the staged lib/ (ld.so's
 * --library-path applies to dlopen too). The directory is named by its digest
 * (tree-digest.ts), so staging is idempotent and two stagers never collide.
 *
 *   bin/node  lib/ld-linux-x86-64.so.2 lib/libc.so.6 … lib/libseccomp.so.2
 *   app/package.json ({"type":"module"})  app/enclave-runtime/supervisor/main.js …
 *   app/node_modules/koffi/…  app/node_modules/tweetnacl/…
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostRuntime } from '../image/host-runtime.js';
import { digestOf, sha256File, treeDigest, type TreeFile } from './tree-digest.js';
import { importClosure, packageClosure, packagePath } from './trace.js';

/** Where the supervisor is mounted in the sealed container. */
export const SUPERVISOR_MOUNT = '/sealed/supervisor';
const ENTRY = 'enclave-runtime/supervisor/main.js';

/** A staged supervisor: the host directory to bind, its digest and the container's entrypoint. */
export interface StagedSupervisor {
  readonly path: string;
  readonly digest: string;
  readonly entrypoint: string[];
}

/** Where the pieces come from; the defaults are this installation and this Node. */
export interface StageOptions {
  /** The compiled tree holding enclave-runtime/supervisor/main.js (default: this file's dist/). */
  readonly distRoot?: string;
  readonly nodePath?: string;
  /** libseccomp.so.2 on the host (default: found next to the C library, then the usual directories). */
  readonly libseccompPath?: string;
}

interface StagedFile {
  readonly path: string;
  readonly mode: 0o644 | 0o755;
  readonly source?: string;
  readonly content?: string;
}

// Files no running program reads: sources, type declarations, maps, docs, native build inputs.
const SKIP_FILE = /\.(?:ts|mts|cts|map|md|markdown|cc|hh|h|c|cpp|inc|gyp|gypi)$|^CMakeLists\.txt$/;
const SKIP_DIR = new Set(['node_modules', 'doc', 'docs', 'test', 'tests', 'example', 'examples', 'bench', 'benchmark', 'vendor', '.github']);
// koffi's host package ships a glibc and a musl build; only this host's libc's is loaded.
const SKIP_LIBC_DIR = /^musl_/;

const execMode = async (path: string): Promise<0o644 | 0o755> => ((await stat(path)).mode & 0o111 ? 0o755 : 0o644);

async function packageFiles(dir: string, into: string): Promise<StagedFile[]> {
  const out: StagedFile[] = [];
  const visit = async (rel: string): Promise<void> => {
    for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIP_DIR.has(entry.name) && !SKIP_LIBC_DIR.test(entry.name)) await visit(path);
      } else if (entry.isFile() && !SKIP_FILE.test(entry.name)) {
        const source = join(dir, path);
        out.push({ path: `${into}/${path}`, mode: await execMode(source), source });
      }
    }
  };
  await visit('');
  return out;
}

async function findLibseccomp(libraryDirs: readonly string[]): Promise<string> {
  const dirs = [...libraryDirs, '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib'];
  const found = dirs.map((d) => join(d, 'libseccomp.so.2')).find((p) => existsSync(p));
  if (found === undefined) throw new TypeError('libseccomp.so.2 is not installed on this host');
  return found;
}

/** Every file of the staged supervisor and the entrypoint that runs it. */
async function plan(opts: StageOptions): Promise<{ files: StagedFile[]; entrypoint: string[] }> {
  const dist = opts.distRoot ?? fileURLToPath(new URL('../../', import.meta.url));
  const node = await hostRuntime(opts.nodePath);
  const libseccomp = opts.libseccompPath ?? (await findLibseccomp(node.libraries.map((l) => dirname(l.hostPath))));
  const closure = await importClosure(dist, ENTRY);
  const packages = await packageClosure(dist, closure.packages);
  const natives = (await Promise.all(packages.map((p) => packageFiles(p, '')))).flat().filter((f) => f.path.endsWith('.node'));
  const linked = [node, await hostRuntime(libseccomp), ...(await Promise.all(natives.map((n) => hostRuntime(n.source))))];
  const libs = new Map<string, string>([['libseccomp.so.2', libseccomp]]);
  for (const runtime of linked) for (const lib of runtime.libraries) libs.set(basename(lib.imagePath), lib.hostPath);

  const files: StagedFile[] = [{ path: 'bin/node', mode: 0o755, source: node.node.hostPath }];
  for (const [name, source] of libs) files.push({ path: `lib/${name}`, mode: await execMode(source), source });
  files.push({ path: 'app/package.json', mode: 0o644, content: '{"type":"module"}\n' });
  for (const rel of closure.files) files.push({ path: `app/${rel.split('\\').join('/')}`, mode: 0o644, source: join(dist, rel) });
  for (const dir of packages) files.push(...(await packageFiles(dir, `app/node_modules/${packagePath(dir)}`)));
  const entrypoint = [
    `${SUPERVISOR_MOUNT}/lib/${basename(node.interpreter)}`,
    '--library-path',
    `${SUPERVISOR_MOUNT}/lib`,
    `${SUPERVISOR_MOUNT}/bin/node`,
    `${SUPERVISOR_MOUNT}/app/${ENTRY}`,
  ];
  return { files, entrypoint };
}

async function describe(file: StagedFile): Promise<TreeFile> {
  const { createHash } = await import('node:crypto');
  const sha256 =
    file.source !== undefined ? await sha256File(file.source) : createHash('sha256').update(file.content ?? '').digest('hex');
  return { path: file.path, mode: file.mode, sha256 };
}

/**
 * The supervisor digest of this installation, without copying anything: what
 * {@link stageSupervisor} would stage, hashed (the gateway's allowlist needs it).
 */
export async function supervisorDigest(opts: StageOptions = {}): Promise<string> {
  const { files } = await plan(opts);
  return digestOf(await Promise.all(files.map(describe)));
}

/**
 * Stages the supervisor under `dir` (in `dir/<digest hex>`, reused when it is
 * already there and still has that digest) and returns its path, digest and
 * entrypoint. Throws a TypeError when this host lacks a piece (libseccomp, a
 * package, a compiled file).
 *
 * @example
 * ```ts
 * const sup = await stageSupervisor('/var/lib/sealgate/supervisor');
 * const profile = sealedSandboxProfile({ entrypoint: sup.entrypoint });
 * ```
 */
export async function stageSupervisor(dir: string, opts: StageOptions = {}): Promise<StagedSupervisor> {
  const { files, entrypoint } = await plan(opts);
  const digest = digestOf(await Promise.all(files.map(describe)));
  const path = join(dir, digest.slice('sha256:'.length));
  if (existsSync(path)) {
    if ((await treeDigest(path)) === digest) return { path, digest, entrypoint };
    await rm(path, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.staging-${randomBytes(8).toString('hex')}`);
  try {
    for (const file of files) {
      const target = join(temp, file.path);
      await mkdir(dirname(target), { recursive: true, mode: 0o755 });
      if (file.source !== undefined) await copyFile(file.source, target);
      else await writeFile(target, file.content ?? '');
      await chmod(target, file.mode);
    }
    await chmodDirs(temp);
    if ((await treeDigest(temp)) !== digest) throw new TypeError('a supervisor file changed while it was staged');
    await rename(temp, path).catch(async (err: NodeJS.ErrnoException) => {
      // Another stager won the race: its directory has the same content.
      if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  return { path, digest, entrypoint };
}

// Directories 0755 whatever the umask: the container's user (65534) must traverse them.
async function chmodDirs(root: string): Promise<void> {
  await chmod(root, 0o755);
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory()) await chmodDirs(join(root, entry.name));
  }
}
