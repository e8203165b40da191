/**
 * The agent's side of the stdio protocol (docs/node-protocol.md §5). The
 * message types are the supervisor's own (supervisor/protocol.ts, imported
 * type-only: no supervisor code loads in the agent, and no agent code reaches
 * the staged supervisor). Every line from the container is untrusted (the
 * supervisor shares it with hostile model code), so each becomes a message of
 * exactly that shape or an AGENT_SUPERVISOR_PROTOCOL error naming what was
 * wrong. {@link SHAPES} holds one check per field of each message, typed from
 * the supervisor's union: a message or field added there fails to compile here
 * until the agent checks it.
 */
import { StringDecoder } from 'node:string_decoder';
import type { RefusedReason, RunLine, SupervisorMessage } from '../supervisor/protocol.js';
import type { ReleaseReply } from './api.js';
import { AgentError } from './errors.js';
import type { Job } from './job-schema.js';

/** The longest line the agent reads (an `output` chunk is ≤ 64 KiB before base64). */
export const MAX_LINE_BYTES = 128 * 1024;

type Guard<T> = (v: unknown) => v is T;
type Fields<M> = { readonly [K in Exclude<keyof M, 't'>]-?: Guard<M[K]> };
type Shapes = { readonly [T in SupervisorMessage['t']]: Fields<Extract<SupervisorMessage, { t: T }>> };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const CODE = /^SUPERVISOR_[A-Z0-9_]{1,64}$/;
// Record<…, true>: a reason added to (or dropped from) the supervisor's union fails to compile here.
const REASONS: Readonly<Record<RefusedReason, true>> = {
  'free-text': true,
  'undeclared-metric': true,
  malformed: true,
  overlong: true,
};

const text =
  (max: number, pattern?: RegExp): Guard<string> =>
  (v): v is string =>
    typeof v === 'string' && v.length <= max && (pattern === undefined || pattern.test(v));
const count: Guard<number> = (v): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const finite: Guard<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);
const seconds: Guard<number> = (v): v is number => finite(v) && v >= 0;
const flag: Guard<boolean> = (v): v is boolean => typeof v === 'boolean';
const orNull =
  <T>(guard: Guard<T>): Guard<T | null> =>
  (v): v is T | null =>
    v === null || guard(v);
const reason: Guard<RefusedReason> = (v): v is RefusedReason =>
  typeof v === 'string' && Object.hasOwn(REASONS, v);
const integer: Guard<number> = (v): v is number => Number.isSafeInteger(v);

/** Each message's fields and their checks; a message has these fields and no other. */
const SHAPES: Shapes = {
  hello: { publicKey: text(64, BASE64), version: text(128) },
  started: {},
  metric: { metric: text(32), step: count, value: finite },
  answer: { index: count, value: finite },
  log: { text: text(MAX_LINE_BYTES) },
  refused: { reason, bytes: count },
  output: { chunk: text(MAX_LINE_BYTES, BASE64) },
  'output-end': { digest: text(4096, DIGEST), size: count, wrappedKey: text(4096), keyId: text(256) },
  exit: {
    code: orNull(integer),
    signal: orNull(text(32)),
    steps: count,
    cpuSeconds: seconds,
    dropped: count,
    wiped: flag,
  },
  error: { code: text(80, CODE), message: text(1024) },
};

const protocolError = (message: string) => new AgentError('AGENT_SUPERVISOR_PROTOCOL', message);

/** Parse one line from the supervisor. Throws AGENT_SUPERVISOR_PROTOCOL. */
export function parseSupervisorLine(line: string): SupervisorMessage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw protocolError('the supervisor wrote a line that is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw protocolError('a supervisor message is a JSON object');
  }
  const m = value as Record<string, unknown>;
  const t = m.t;
  if (typeof t !== 'string' || !Object.hasOwn(SHAPES, t)) {
    throw protocolError(`unknown supervisor message type ${JSON.stringify(t)}`.slice(0, 120));
  }
  const shape: Record<string, Guard<unknown>> = SHAPES[t as SupervisorMessage['t']];
  for (const [field, check] of Object.entries(shape)) {
    if (!Object.hasOwn(m, field) || !check(m[field])) {
      throw protocolError(`malformed supervisor message '${t}': ${field}`);
    }
  }
  if (Object.keys(m).some((field) => field !== 't' && !Object.hasOwn(shape, field))) {
    throw protocolError(`malformed supervisor message '${t}': a field the protocol does not have`);
  }
  return m as unknown as SupervisorMessage;
}

/**
 * The JSON lines of a byte stream, each at most {@link MAX_LINE_BYTES}
 * (a longer line is a protocol error, not a buffer that grows without end).
 */
export async function* jsonLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<SupervisorMessage> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let at: number;
    while ((at = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, at).trim();
      pending = pending.slice(at + 1);
      if (line !== '') yield parseSupervisorLine(line);
    }
    if (pending.length > MAX_LINE_BYTES) {
      throw protocolError('a supervisor line is longer than the protocol allows');
    }
  }
  if (pending.trim() !== '') yield parseSupervisorLine(pending.trim());
}

/**
 * The `run` line for `job` once its key is released (docs/node-protocol.md §5;
 * the egress rules of docs/egress-protocol.md section 3).
 */
export function runLine(job: Job, release: Extract<ReleaseReply, { status: 'released' }>): RunLine {
  const mode = job.kind === 'audit' ? 'loss' : job.kind;
  return {
    t: 'run',
    mode,
    wrappedKey: release.wrappedKey,
    ...(release.modelWrappedKey === undefined ? {} : { modelWrappedKey: release.modelWrappedKey }),
    command: job.model.entrypoints[mode] ?? [],
    metrics: job.model.metrics,
    params: job.params,
    brokerPublicKey: job.brokerPublicKey,
    ...(job.inputs === undefined ? {} : { inputs: job.inputs }),
    egress: {
      logs: job.egress?.channels.includes('logs') ?? false,
      maxRecordBytes: job.egress?.maxRecordBytes ?? 4096,
    },
  };
}
