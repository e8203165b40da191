/**
 * Helpers for tests that run a model directory (models/ or
 * test/fixtures/models/) as a host process: a temporary params file, the
 * model's stdout split into JSON lines, and its descriptor.
 */
import type tap from 'tap';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The worktree root, from dist/test/models/ (where this file runs compiled). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A model directory: `reference` under models/, anything else under test/fixtures/models/. */
export const modelDir = (name: string): string =>
  name === 'reference' ? join(ROOT, 'models', 'reference') : join(ROOT, 'test', 'fixtures', 'models', name);

/** The model's model.json, as JSON. */
export const descriptorOf = (name: string): unknown =>
  JSON.parse(readFileSync(join(modelDir(name), 'model.json'), 'utf8'));

export interface ModelRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every stdout line that parses as JSON, in order. */
  readonly lines: Record<string, unknown>[];
}

/** A subtest, as tap hands it to a callback. */
export type Test = Parameters<Parameters<typeof tap.test>[0]>[0];

/**
 * Write `params` (an object, or raw text) to `dir`/params.json and run `node MODEL/main.js MODE` with
 * SEALGATE_PARAMS pointing at it; resolves when it exits (or is killed at `timeoutMs`).
 */
export function runModel(
  name: string,
  mode: string,
  dir: string,
  params: object | string,
  timeoutMs = 60_000,
): Promise<ModelRun> {
  const file = join(dir, `params-${mode}.json`);
  writeFileSync(file, typeof params === 'string' ? params : JSON.stringify(params));
  return new Promise<ModelRun>((resolve) => {
    execFile(
      process.execPath,
      [join(modelDir(name), 'main.js'), mode],
      { env: { ...process.env, SEALGATE_PARAMS: file }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({ code, stdout, stderr, lines: jsonLines(stdout) });
      },
    );
  });
}

/** The lines of `text` that parse as JSON objects. */
export function jsonLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    try {
      const v: unknown = JSON.parse(line);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(v as Record<string, unknown>);
    } catch {
      // not JSON: skipped
    }
  }
  return out;
}

/** The `{metric, step, value}` lines named `metric`. */
export const metricValues = (run: ModelRun, metric: string): { step: number; value: number }[] =>
  run.lines
    .filter((l) => l.metric === metric)
    .map((l) => ({ step: l.step as number, value: l.value as number }));
