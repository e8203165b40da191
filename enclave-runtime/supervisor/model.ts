/**
 * Running the model (DESIGN.md 6.5): its argv without a shell, a clean
 * environment, cwd /tmp, in a process group of its own so that whatever it
 * forks dies with it. Its stdout is split into capped lines and only lines the
 * filter accepts are forwarded; stderr is drained and dropped. Both count
 * toward `dropped`.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { SupervisorError } from './errors.js';
import {
  egressLine,
  type AnswerRecord,
  type EgressRules,
  type FilterRules,
  type MetricRecord,
} from './filter.js';
import type { LogRecord, RefusedRecord } from './filter.js';
import { LineSplitter } from './lines.js';

/** How the model run ended, as `exit` reports it. */
export interface ModelExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** The largest step of a forwarded metric (0 if none). */
  readonly steps: number;
  readonly dropped: number;
}

export interface ModelOptions {
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly rules: FilterRules;
  /** Longest stdout line considered, in bytes. */
  readonly maxLineBytes: number;
  /** Called once the process exists. */
  readonly onStarted: () => Promise<void>;
  /** Called for every forwarded record, in order; the model's stdout waits meanwhile. */
  readonly forward: (record: MetricRecord | AnswerRecord | LogRecord | RefusedRecord) => Promise<void>;
  /** What leaves besides metrics and answers (default: no logs, records of at most 4096 bytes). */
  readonly egress?: EgressRules;
  /** Aborting kills the model's process group. */
  readonly signal?: AbortSignal;
}

/** Refused notices forwarded per run; later refusals are only counted in `dropped`. */
export const MAX_REFUSED_NOTICES = 1000;

/** After the model exits, how long a descendant may keep its stdio open. */
const STDIO_GRACE_MS = 2000;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone
  }
}

async function countLines(stream: Readable): Promise<number> {
  let lines = 0;
  let open = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (const byte of chunk) if (byte === 0x0a) lines += 1;
    open = chunk.length > 0 && chunk[chunk.length - 1] !== 0x0a;
  }
  return lines + (open ? 1 : 0);
}

/** Runs the model to its end; throws `SUPERVISOR_SPAWN` when it cannot start. */
export async function runModel(opts: ModelOptions): Promise<ModelExit> {
  const [program, ...args] = opts.command;
  const child = spawn(program, args, {
    cwd: opts.cwd,
    env: { ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    shell: false,
    windowsHide: true,
  });
  const exited = new Promise<[number | null, string | null]>((resolve) =>
    child.once('exit', (code, signal) => resolve([code, signal])),
  );
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (cause) =>
      reject(new SupervisorError('SUPERVISOR_SPAWN', `cannot start ${program}`, { cause })),
    );
  });
  const kill = () => killGroup(child.pid);
  opts.signal?.addEventListener('abort', kill, { once: true });
  await opts.onStarted();

  let steps = 0;
  let dropped = 0;
  const stdout = (async () => {
    const lines = new LineSplitter(opts.maxLineBytes);
    const egress = opts.egress ?? { logs: false, maxRecordBytes: 4096 };
    let notices = 0;
    const handle = async (line: ReturnType<LineSplitter['end']>[number]) => {
      const record = egressLine(
        line.overlong === true ? { overlong: true, maxLineBytes: opts.maxLineBytes } : line,
        opts.rules,
        egress,
      );
      if (record.t === 'refused') {
        // docs/egress-protocol.md section 3: no content leaves, the first 1000 as notices
        dropped += 1;
        if (notices >= MAX_REFUSED_NOTICES) return;
        notices += 1;
      }
      if (record.t === 'metric') steps = Math.max(steps, record.step);
      await opts.forward(record);
    };
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      for (const line of lines.push(chunk)) await handle(line);
    }
    for (const line of lines.end()) await handle(line);
  })();
  let stderrLines = 0;
  const stderr = countLines(child.stderr).then((n) => {
    stderrLines = n;
  });
  // Settled handlers from the start: a stream torn down below must not be an unhandled rejection.
  const done = Promise.all([stdout, stderr]).then(
    () => undefined,
    () => undefined,
  );

  const [code, signal] = await exited;
  kill();
  opts.signal?.removeEventListener('abort', kill);
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, STDIO_GRACE_MS)));
  await Promise.race([done, grace]);
  clearTimeout(timer);
  child.stdout.destroy();
  child.stderr.destroy();
  await done;
  return { code, signal, steps, dropped: dropped + stderrLines };
}
