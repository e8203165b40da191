/**
 * Helpers for tests that run the real `sealgate` CLI on temporary files (random data made by the tests themselves).
 */
import type tap from 'tap';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../helpers/cli-in-process.js';

/** The built `sealgate` binary, from dist/test/client/cli/ up to dist/bin/sealgate.js. */
export const CLI = fileURLToPath(new URL('../../../bin/sealgate.js', import.meta.url));

/** A subtest, as tap hands it to a callback. */
export type Test = Parameters<Parameters<typeof tap.test>[0]>[0];

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `sealgate ARGS...` to completion, in this process (the binary's runner
 * and command table with captured output; see test/helpers/cli-in-process.ts):
 * a CLI process costs ~0.7 CPU-s of module loading. The process itself is
 * tested by test/bin/cli.test.ts and the interrupt test in dataset-tamper.
 */
export function sealgate(...args: string[]): Promise<Run> {
  const env = { ...process.env };
  delete env.NODE_V8_COVERAGE;
  return runCli(args, env);
}

/** `sealgate dataset VERB INPUT --out OUT --key-file KEY EXTRA...` */
export function dataset(
  verb: 'encrypt' | 'decrypt',
  input: string,
  out: string,
  key: string,
  ...extra: string[]
) {
  return sealgate('dataset', verb, input, '--out', out, '--key-file', key, ...extra);
}

/** 3 MiB + 5 bytes: four chunks at the default 1 MiB chunk size. */
export const DATA_BYTES = 3 * 1024 * 1024 + 5;

/** A temporary directory holding a random `data.csv` of DATA_BYTES. */
export function workdir(t: Test): { dir: string; path: (name: string) => string; plain: Buffer } {
  const plain = randomBytes(DATA_BYTES);
  const dir = t.testdir({ 'data.csv': plain });
  return { dir, path: (name) => join(dir, name), plain };
}

/** Encrypt data.csv into data.env with key.json (made when missing); the parsed --json result. */
export async function encrypt(t: Test, path: (n: string) => string): Promise<Record<string, unknown>> {
  const r = await dataset('encrypt', path('data.csv'), path('data.env'), path('key.json'), '--json');
  t.equal(r.code, 0, 'encrypt exits 0');
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Flip one bit of the byte at `offset` in `file`. */
export function flipByte(file: string, offset: number): void {
  const bytes = readFileSync(file);
  bytes[offset] = bytes[offset] ^ 0x10;
  writeFileSync(file, bytes);
}

/** Exit 1, exactly one stderr line ending in `(CODE)`, no OUT, no temporary file left. */
export function assertCleanFailure(t: Test, r: Run, code: string, dir: string, out: string): void {
  t.equal(r.code, 1, 'exit 1');
  t.match(r.stderr, new RegExp(`^sealgate: [^\\n]+ \\(${code}\\)\\n$`), `one line naming ${code}`);
  t.notOk(existsSync(out), 'nothing at OUT');
  const leftovers = readdirSync(dir).filter((f) => f.includes('sealgate-tmp'));
  t.same(leftovers, [], 'no temporary file left');
}
