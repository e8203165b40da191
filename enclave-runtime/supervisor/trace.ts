/**
 * What the supervisor needs from this installation: the compiled files of
 * dist/ its entry point imports (followed transitively through static and
 * literal dynamic imports), and the npm packages they name with their
 * dependencies. tsc's ESM output puts each import on lines of its own, which
 * is what the patterns below read; an import that cannot be found is an error,
 * so a missed file fails staging instead of the sealed run.
 */
import { existsSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

const STATIC = /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm;
const BARE = /^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The specifiers a compiled ES module imports. */
export function importSpecifiers(source: string): string[] {
  return [...source.matchAll(STATIC), ...source.matchAll(BARE), ...source.matchAll(DYNAMIC)].map((m) => m[1] as string);
}

/** `@scope/name/sub/path.js` → `@scope/name`; `name/x` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** The files of `root` that `entry` needs, relative to `root`, and the package names it imports. */
export async function importClosure(root: string, entry: string): Promise<{ files: string[]; packages: string[] }> {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [resolve(root, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    const rel = relative(root, file);
    if (files.has(rel)) continue;
    if (rel.startsWith('..') || !existsSync(file)) throw new TypeError(`the supervisor imports ${file}, which is not in ${root}`);
    files.add(rel);
    if (!file.endsWith('.js')) continue;
    for (const spec of importSpecifiers(await readFile(file, 'utf8'))) {
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
      else if (!isBuiltin(spec)) packages.add(packageName(spec));
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}

interface PackageJson {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly os?: readonly string[];
  readonly cpu?: readonly string[];
}

/** Node's lookup: `node_modules/<name>` in `from` or the nearest ancestor that has it. */
async function findPackage(from: string, name: string): Promise<string | undefined> {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpath(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

// npm's `os`/`cpu` fields: a package for another platform is not needed here.
function fitsHost(pkg: PackageJson): boolean {
  const ok = (list: readonly string[] = [], value: string) => {
    if (list.includes(`!${value}`)) return false;
    const allowed = list.filter((v) => !v.startsWith('!'));
    return allowed.length === 0 || allowed.includes(value);
  };
  return ok(pkg.os, process.platform) && ok(pkg.cpu, process.arch);
}

/**
 * The directories of `names` and of everything they depend on (dependencies,
 * and optionalDependencies that are installed and fit this host), found from `from`.
 */
export async function packageClosure(from: string, names: readonly string[]): Promise<string[]> {
  const dirs = new Set<string>();
  const queue = names.map((name) => ({ from, name, optional: false }));
  while (queue.length > 0) {
    const { from: base, name, optional } = queue.pop() as { from: string; name: string; optional: boolean };
    const dir = await findPackage(base, name);
    if (dir === undefined) {
      if (optional) continue;
      throw new TypeError(`the supervisor needs the package ${name}, which is not installed`);
    }
    if (dirs.has(dir)) continue;
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
    if (optional && !fitsHost(pkg)) continue;
    dirs.add(dir);
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ from: dir, name: dep, optional: false });
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) queue.push({ from: dir, name: dep, optional: true });
  }
  return [...dirs].sort();
}

/** The path of `dir` below the `node_modules` directory that holds it (`@noble/hashes`, `a/node_modules/b`). */
export function packagePath(dir: string): string {
  const parts = dir.split(sep);
  const at = parts.indexOf('node_modules');
  if (at === -1) throw new TypeError(`${dir} is not inside a node_modules directory`);
  return parts.slice(at + 1).join('/');
}
