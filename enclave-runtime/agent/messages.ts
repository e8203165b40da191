/**
 * The supervisor's side of the stdio protocol (docs/node-protocol.md §5),
 * parsed: every line from the container is untrusted (the supervisor shares
 * the container with hostile model code), so each becomes a typed message or
 * an AGENT_SUPERVISOR_PROTOCOL error naming what was wrong.
 */
import { StringDecoder } from 'node:string_decoder';
import { AgentError } from './errors.js';

/** A message from the supervisor. */
export type SupervisorMessage =
  | { readonly t: 'hello'; readonly publicKey: string; readonly version: string }
  | { readonly t: 'started' }
  | { readonly t: 'metric'; readonly metric: string; readonly step: number; readonly value: number }
  | { readonly t: 'answer'; readonly index: number; readonly value: unknown }
  // issue 5: docs/egress-protocol.md section 3
  | { readonly t: 'log'; readonly text: string }
  | { readonly t: 'refused'; readonly reason: RefusedReason; readonly bytes: number }
  | { readonly t: 'output'; readonly chunk: string }
  | {
      readonly t: 'output-end';
      readonly digest: string;
      readonly size: number;
      readonly wrappedKey: string;
      readonly keyId: string;
    }
  | {
      readonly t: 'exit';
      readonly code: number | null;
      readonly signal: string | null;
      readonly steps: number;
      readonly cpuSeconds: number;
      readonly dropped: number;
    }
  | { readonly t: 'error'; readonly code: string; readonly message: string };

/** Why the supervisor refused a line of the model's (the notice carries no content). */
export type RefusedReason = 'free-text' | 'undeclared-metric' | 'malformed' | 'overlong';
const REASONS: readonly string[] = ['free-text', 'undeclared-metric', 'malformed', 'overlong'];

/** The `run` message the agent sends. */
export interface RunMessage {
  readonly t: 'run';
  readonly mode: 'train' | 'predict' | 'loss';
  readonly wrappedKey: string;
  /** Loss mode (audit jobs): the sealed model's key. */
  readonly modelWrappedKey?: string;
  readonly command: readonly string[];
  readonly metrics: readonly string[];
  readonly params: unknown;
  readonly brokerPublicKey: string;
  readonly inputs?: string;
  /** Issue 5: what may leave besides metrics and answers (the job's egress). */
  readonly egress: { readonly logs: boolean; readonly maxRecordBytes: number };
}

/** The longest line the agent reads (an `output` chunk is ≤ 64 KiB before base64). */
export const MAX_LINE_BYTES = 128 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const CODE = /^SUPERVISOR_[A-Z0-9_]{1,64}$/;

type Rec = Record<string, unknown>;
const str = (m: Rec, k: string, max = 4096) => typeof m[k] === 'string' && m[k].length <= max;
const count = (m: Rec, k: string) => Number.isSafeInteger(m[k]) && (m[k] as number) >= 0;
const finite = (m: Rec, k: string) => typeof m[k] === 'number' && Number.isFinite(m[k]);

const RULES: Record<SupervisorMessage['t'], (m: Rec) => boolean> = {
  hello: (m) => str(m, 'publicKey', 64) && BASE64.test(m.publicKey as string) && str(m, 'version', 128),
  started: () => true,
  metric: (m) => str(m, 'metric', 32) && count(m, 'step') && finite(m, 'value'),
  answer: (m) => count(m, 'index') && 'value' in m,
  log: (m) => str(m, 'text', MAX_LINE_BYTES),
  refused: (m) => typeof m.reason === 'string' && REASONS.includes(m.reason) && count(m, 'bytes'),
  output: (m) => str(m, 'chunk', MAX_LINE_BYTES) && BASE64.test(m.chunk as string),
  'output-end': (m) =>
    str(m, 'digest') &&
    DIGEST.test(m.digest as string) &&
    count(m, 'size') &&
    str(m, 'wrappedKey') &&
    str(m, 'keyId', 256),
  exit: (m) =>
    (m.code === null || Number.isSafeInteger(m.code)) &&
    (m.signal === null || str(m, 'signal', 32)) &&
    count(m, 'steps') &&
    finite(m, 'cpuSeconds') &&
    (m.cpuSeconds as number) >= 0 &&
    count(m, 'dropped'),
  error: (m) => str(m, 'code', 80) && CODE.test(m.code as string) && str(m, 'message', 1024),
};

/** Parse one line from the supervisor. Throws AGENT_SUPERVISOR_PROTOCOL. */
export function parseSupervisorLine(line: string): SupervisorMessage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new AgentError('AGENT_SUPERVISOR_PROTOCOL', 'the supervisor wrote a line that is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AgentError('AGENT_SUPERVISOR_PROTOCOL', 'a supervisor message is a JSON object');
  }
  const m = value as Rec;
  const t = m.t;
  if (typeof t !== 'string' || !Object.hasOwn(RULES, t)) {
    throw new AgentError(
      'AGENT_SUPERVISOR_PROTOCOL',
      `unknown supervisor message type ${JSON.stringify(t)}`.slice(0, 120),
    );
  }
  if (!RULES[t as SupervisorMessage['t']](m)) {
    throw new AgentError('AGENT_SUPERVISOR_PROTOCOL', `malformed supervisor message '${t}'`);
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
      throw new AgentError(
        'AGENT_SUPERVISOR_PROTOCOL',
        'a supervisor line is longer than the protocol allows',
      );
    }
  }
  if (pending.trim() !== '') yield parseSupervisorLine(pending.trim());
}
