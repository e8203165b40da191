/**
 * The supervisor's own start, apart from Docker (issue 4, docs/sealing-figures.md):
 * how long a fresh Node process takes to boot, and how long the staged
 * supervisor's modules take to import on top of it, median of a few fresh
 * processes each. Run with the host's Node over the staged tree (the same
 * binary and files the container runs), so the figure is the supervisor's
 * cost and not the container's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

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
 * Node's boot and the import cost of the supervisor's entry and of the index
 * files it reaches, in the staged tree at `bundlePath` (its `app/` directory).
 */
export function supervisorImports(bundlePath: string): StartFigure[] {
  const app = join(bundlePath, 'app');
  const sets: [string, string[]][] = [
    [
      "imports of main.js (supervisor.js, policies' index, seccomp-native)",
      ['enclave-runtime/supervisor/supervisor.js', 'policies/index.js', 'policies/seccomp-native.js'].map(
        (f) => join(app, f),
      ),
    ],
    ['of which attest/index.js alone', [join(app, 'attest/index.js')]],
    ['of which policies/index.js alone', [join(app, 'policies/index.js')]],
  ];
  const figures: StartFigure[] = [
    { name: 'node boot (node -e 0)', ms: median(Array.from({ length: ROUNDS }, bootMs)) },
  ];
  for (const [name, files] of sets) {
    if (!files.every((f) => existsSync(f))) continue; // a file trimmed out of the staged tree
    figures.push({ name, ms: median(Array.from({ length: ROUNDS }, () => importMs(files))) });
  }
  return figures;
}
