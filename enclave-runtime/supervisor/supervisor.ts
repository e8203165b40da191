/**
 * The supervisor's run, in the order of docs/node-protocol.md section 5 and
 * DESIGN.md 5 steps 5-8: hello with an ephemeral X25519 key, the agent's `run`
 * message, the key unwrapped, inputs decrypted into the tmpfs, sealgate's
 * seccomp filter loaded (with thread sync), the model run with its stdout
 * filtered, the output sealed to the broker (train), plaintext wiped, `exit`.
 * Any failure is one `error` message and exit status 1; plaintext is wiped on
 * every path. No key or plaintext byte is ever written to stdout or stderr.
 */
import type { Readable, Writable } from 'node:stream';
// Deep paths, not attest's index (which loads node-forge and typebox): docs/sealing-figures.md.
// Only what `hello` needs is imported statically; the rest (steps.ts) loads after it.
import { bytesToBase64 } from '../../attest/base-encoding.js';
import { isSealgateError } from '../../attest/errors.js';
import type { BundleLimits } from './bundle.js';
import { MessageWriter, readFirstLine } from './channel.js';
import { SupervisorError } from './errors.js';
import { helloKeyPair } from './hello-key.js';
import type { SealedPaths } from './inputs.js';
import { SUPERVISOR_VERSION, parseRunMessage, type RunMessage } from './protocol.js';
import type * as StepsModule from './steps.js';

type Steps = typeof StepsModule;

/** Everything the supervisor touches, so tests can run it as a host process. */
export interface SupervisorOptions {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly paths: SealedPaths;
  /** Applies sealgate's seccomp filter to this process and its children; throws on failure. */
  readonly loadSeccomp: () => void;
  /**
   * Loads what `loadSeccomp` needs (libseccomp through koffi, the parsed profile). Started right
   * after `hello`, and `loadSeccomp` right after it, so both overlap the agent's key-release
   * round trip; awaited before the model is spawned, and a failure of either is SUPERVISOR_SECCOMP.
   */
  readonly prepareSeccomp?: () => Promise<void>;
  /** The model's working directory (default `/tmp`). */
  readonly cwd?: string;
  /** The model's PATH (default `/usr/local/bin:/usr/bin:/bin`). */
  readonly path?: string;
  /** Most bytes of the `run` message (default 64 MiB: predict carries the queries). */
  readonly maxRunMessageBytes?: number;
  /** Most bytes of one model stdout line (default 4096). */
  readonly maxLineBytes?: number;
  /** Caps on the sealed output and a sealed model (default 4 GiB, 100 000 files). */
  readonly bundleLimits?: BundleLimits;
  /** Root of /sys and /proc for the CPU figure (default `/`). */
  readonly procRoot?: string;
  /** Aborted when the container is told to stop: the model is killed and the run fails. */
  readonly signal?: AbortSignal;
}

const DEFAULT_LIMITS: BundleLimits = { maxBytes: 4 * 1024 ** 3, maxFiles: 100_000 };

/** The data (or model) key and, in loss mode, the model key; the hello secret key is zeroed either way. */
function unwrap(
  steps: Steps,
  run: RunMessage,
  secretKey: Uint8Array,
): { key: Uint8Array; modelKey?: Uint8Array } {
  const open = (wrapped: Uint8Array): Uint8Array => {
    try {
      return steps.unwrapKey(wrapped, secretKey);
    } catch (cause) {
      throw new SupervisorError('SUPERVISOR_KEY', 'the wrapped key does not open with the hello key', {
        cause,
      });
    }
  };
  try {
    const key = open(run.wrappedKey);
    if (run.modelWrappedKey === undefined) return { key };
    try {
      return { key, modelKey: open(run.modelWrappedKey) };
    } catch (err) {
      key.fill(0);
      throw err;
    }
  } finally {
    secretKey.fill(0);
  }
}

function seccomp(load: () => void): void {
  try {
    load();
  } catch (cause) {
    const code = isSealgateError(cause) ? cause.code : 'error';
    throw new SupervisorError('SUPERVISOR_SECCOMP', `the seccomp filter did not load (${code})`, {
      cause,
    });
  }
}

async function wipe(steps: Steps, paths: SealedPaths): Promise<void> {
  await steps.wipeTree(paths.input);
  await steps.wipeTree(paths.output);
}

// The steps after hello, loading in the background; a failure to load is the supervisor's own.
function loadSteps(): Promise<Steps> {
  const loading = import('./steps.js');
  loading.catch(() => undefined); // awaited later: not an unhandled rejection meanwhile
  return loading;
}

/** Runs one sealed job over `stdin`/`stdout`; resolves to the process exit status (0 or 1). */
export async function runSupervisor(opts: SupervisorOptions): Promise<number> {
  const out = new MessageWriter(opts.stdout);
  const limits = opts.bundleLimits ?? DEFAULT_LIMITS;
  let steps: Steps | undefined;
  try {
    const box = helloKeyPair();
    await out.send({ t: 'hello', publicKey: bytesToBase64(box.publicKey), version: SUPERVISOR_VERSION });
    const loading = loadSteps();
    // The filter loads as soon as its parts are there, while the agent fetches the key: from
    // then on the supervisor itself runs under it (TSYNC), and the model inherits it.
    const filtered = (opts.prepareSeccomp?.() ?? Promise.resolve()).then(
      () => {
        try {
          opts.loadSeccomp();
          return undefined;
        } catch (cause) {
          return { cause };
        }
      },
      (cause: unknown) => ({ cause }),
    );
    const run = parseRunMessage(await readFirstLine(opts.stdin, opts.maxRunMessageBytes ?? 64 * 1024 ** 2));
    const s = await loading.catch((cause: unknown) => {
      box.secretKey.fill(0);
      throw new SupervisorError('SUPERVISOR_INTERNAL', 'the supervisor failed', { cause });
    });
    const { key, modelKey } = unwrap(s, run, box.secretKey);
    steps = s; // from here on, plaintext may exist: wipe on every path
    try {
      await s.writeInputs(opts.paths, run, key, limits, modelKey);
    } finally {
      key.fill(0);
      modelKey?.fill(0);
    }
    // Before the model's first instruction, the filter must be in place (or the run fails).
    const unfiltered = await filtered;
    seccomp(() => {
      if (unfiltered !== undefined) throw unfiltered.cause;
    });
    const queries =
      run.inputs === undefined ? 0 : run.inputs.split('\n').filter((l) => l.trim() !== '').length;
    const exit = await s.runModel({
      command: run.command,
      cwd: opts.cwd ?? '/tmp',
      env: {
        PATH: opts.path ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: '/tmp',
        SEALGATE_PARAMS: s.inputPaths(opts.paths).params,
      },
      rules: {
        mode: run.mode,
        metrics: run.metrics,
        maxStep: run.params.steps,
        maxIndex: run.mode === 'predict' ? queries - 1 : Number.MAX_SAFE_INTEGER,
      },
      maxLineBytes: opts.maxLineBytes ?? 4096,
      egress: run.egress,
      onStarted: () => out.send({ t: 'started' }),
      forward: (record) => out.send(record),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    if (opts.signal?.aborted === true)
      throw new SupervisorError('SUPERVISOR_STOPPED', 'the container was told to stop');
    if (run.mode === 'train' && exit.code === 0 && exit.signal === null) {
      const sealed = await s.sealOutput(opts.paths.output, run.brokerPublicKey, limits, (m) => out.send(m));
      await out.send({ t: 'output-end', ...sealed });
    }
    await wipe(s, opts.paths);
    const cpu = await s.cpuSeconds(opts.procRoot);
    await out.send({ t: 'exit', ...exit, cpuSeconds: cpu, wiped: true });
    return 0;
  } catch (err) {
    if (steps !== undefined) await wipe(steps, opts.paths).catch(() => undefined);
    const failure =
      err instanceof SupervisorError
        ? err
        : new SupervisorError('SUPERVISOR_INTERNAL', 'the supervisor failed');
    await out.send({ t: 'error', code: failure.code, message: failure.message }).catch(() => undefined);
    return 1;
  }
}
