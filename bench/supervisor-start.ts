/**
 * The supervisor's own start, apart from Docker (issue 4, docs/sealing-figures.md):
 * how long a fresh Node process takes to boot, and how long the staged
 * supervisor's modules take to import on top of it, median of a few fresh
 * processes each. Run with the host's Node over the staged tree (the same
 * binary and files the container runs), so the figure is the supervisor's
 * cost and not the container's.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importSpecifiers } from '../enclave-runtime/index.js';

const ROUNDS = 5;

/** One figure of the supervisor's start. */
export interface StartFigure {
  readonly name: string;
  readonly ms: number;
}

function median(xs: number[]): number {
  const s = xs.sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Milliseconds a fresh process spends importing `files` (in order), from its own clock.
function importMs(files: readonly string[]): number {
  const urls = JSON.stringify(files.map((f) => pathToFileURL(f).href));
  const script = `const t = performance.now(); for (const u of ${urls}) await import(u); process.stdout.write(String(performance.now() - t));`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`import of ${files.join(', ')} failed: ${out.stderr}`);
  return Number(out.stdout);
}

function bootMs(): number {
  const t = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return performance.now() - t;
}

/**
 * Node's boot, the import cost of what the staged supervisor's entry imports
 * (in the staged tree at `bundlePath`), and for comparison the cost of
 * attest's and the policies' index files, which it imported before it was
 * trimmed to deep paths (from `distRoot`, the compiled tree on the host).
 */
export function supervisorImports(bundlePath: string, distRoot: string): StartFigure[] {
  const app = join(bundlePath, 'app');
  // main.js itself would run the supervisor: import what it imports, as it names them.
  const main = join(app, 'enclave-runtime/supervisor/main.js');
  const mainImports = importSpecifiers(readFileSync(main, 'utf8'))
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(dirname(main), spec));
  const sets: [string, string[]][] = [
    [`imports of main.js (${mainImports.map((f) => relative(app, f)).join(', ')})`, mainImports],
    [
      'for comparison: attest/index.js + policies/index.js',
      ['attest/index.js', 'policies/index.js'].map((f) => join(distRoot, f)),
    ],
  ];
  const figures: StartFigure[] = [
    { name: 'node boot (node -e 0)', ms: median(Array.from({ length: ROUNDS }, bootMs)) },
  ];
  for (const [name, files] of sets) {
    figures.push({ name, ms: median(Array.from({ length: ROUNDS }, () => importMs(files))) });
  }
  return figures;
}
