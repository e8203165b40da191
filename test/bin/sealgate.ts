/**
 * Helpers for tests that run the built `sealgate` binary (dist/bin/sealgate.js)
 * in child processes: one-shot commands, and a real gateway started with
 * `sealgate gateway start --port 0` whose URL is read from its first stdout
 * line. Every run gets its own SEALGATE_HOME, so no user's config or keys
 * take part.
 */
import type tap from 'tap';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli-in-process.js';

/** The built binary, from dist/test/bin/ up to dist/bin/sealgate.js. */
export const BIN = fileURLToPath(new URL('../../bin/sealgate.js', import.meta.url));

/** A subtest, as tap hands it to a callback. */
export type Test = Parameters<Parameters<typeof tap.test>[0]>[0];

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Environment of a run: the parent's, without any sealgate setting, plus `env`.
 * Without NODE_V8_COVERAGE too: these tests are about the binary's behaviour, the
 * coverage floor is measured on attest/ and policies/ by their own tests, and
 * V8 coverage made each CLI process about 40% slower (CI must stay under 20 minutes).
 */
function cleanEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of ['SEALGATE_HOME', 'SEALGATE_GATEWAY', 'SEALGATE_DEBUG', 'NODE_V8_COVERAGE'])
    delete base[name];
  return { ...base, ...env };
}

/**
 * Run `sealgate ARGS...` to completion with `env` added, in this process: the
 * binary's own runner and command table (client's `main` over client's and
 * bin's commands) with captured output. A CLI process costs ~0.7 CPU-s of
 * module loading before it does anything, and these tests run hundreds of
 * commands; the binary as a process is tested by test/bin/cli.test.ts,
 * test/client/cli/help-and-failure.test.ts and {@link sealgateProcess}.
 */
export function sealgate(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return runCli(args, cleanEnv(env));
}

/** Run `sealgate ARGS...` to completion with `env` added, as a child process. */
export function sealgateProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: cleanEnv(env) }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A gateway running in a child process. */
export interface GatewayProcess {
  readonly url: string;
  /** The first line it printed, as printed. */
  readonly line: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stderr so far (its pino log). */
  stderr(): string;
  /** Everything it wrote to stdout so far. */
  stdout(): string;
  /** Send `signal` and wait for the exit and its output; resolves to the exit code (or the signal's name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Start `sealgate gateway start --port 0 --data DATA EXTRA...` and wait for its
 * first stdout line: the URL, or `{url}` with `--json` among EXTRA. The
 * process is stopped with SIGTERM when `t` ends, if the test has not stopped it.
 */
export async function startGatewayProcess(
  t: Test,
  dataDir: string,
  ...extra: string[]
): Promise<GatewayProcess> {
  // No load shedding unless the test brings its own settings: CI shares two cores between three
  // test files, and a gateway answering HTTP_OVERLOADED there is the machine, not the test's subject
  // (shedding itself is tested in test/gateway/ops.test.ts). A 2048-bit node CA, as the in-process
  // test gateways have: a 3072-bit one costs each first start seconds of CPU in node-forge's signing.
  const settings: NodeJS.ProcessEnv = {};
  if (!extra.includes('--config')) {
    settings.SEALGATE_CONFIG = `${dataDir}.test-settings.json`;
    writeFileSync(settings.SEALGATE_CONFIG, JSON.stringify({ maxEventLoopDelayMs: false, nodeCaBits: 2048 }));
  }
  const child = spawn(
    process.execPath,
    [BIN, 'gateway', 'start', '--port', '0', '--data', dataDir, ...extra],
    { env: cleanEnv({ SEALGATE_HOME: dataDir, ...settings }), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  t.teardown(() => stop());
  let out = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline !== -1) resolve(out.slice(0, newline));
    });
    void exited.then((code) => reject(new Error(`gateway start exited ${code}: ${err}`)));
  });
  const url = line.startsWith('{') ? (JSON.parse(line) as { url: string }).url : line;
  await ready(url);
  return { url, line, child, stderr: () => err, stdout: () => out, stop };
}

/**
 * Wait until `url/readyz` answers 200, as an orchestrator would: a gateway
 * whose start-up blocked the event loop on a loaded machine sheds load (503
 * HTTP_OVERLOADED) until its next event-loop sample.
 */
async function ready(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not become ready`);
}

/** A loopback URL where nothing listens: a port the OS just handed out and that was closed again. */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** True when a TCP connection to `url` is refused (nothing listens there). */
export function refused(url: string): Promise<boolean> {
  return fetch(`${url}/healthz`).then(
    () => false,
    () => true,
  );
}

/** Exactly one stderr line `sealgate: ... (CODE)`, with no stack. */
export function assertOneLine(t: Test, r: Run, code: string): void {
  t.equal(r.code, 1, `exit 1 for ${code}`);
  t.match(r.stderr, new RegExp(`^sealgate: [^\\n]+ \\(${code}\\)\\n$`), `one line naming ${code}`);
}
