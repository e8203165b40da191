/**
 * The agent ↔ supervisor messages of docs/node-protocol.md section 5: JSON
 * lines on the container's stdio. This file is the one definition of their
 * types: the agent imports them (type-only, so nothing of it loads in the
 * agent) and checks every field of {@link SupervisorMessage} when it parses.
 * The `run` message is untrusted input (a miner controls the agent) and is
 * parsed into a typed value before use.
 */
import { base64ToBytes } from '../../attest/base-encoding.js';
import { SupervisorError } from './errors.js';
import type { AnswerRecord, EgressRules, LogRecord, MetricRecord, RefusedRecord, RunMode } from './filter.js';

export type { RefusedReason, RunMode } from './filter.js';

/** What the supervisor says in `hello.version`: the protocol it speaks. */
export const SUPERVISOR_VERSION = 'sealgate-supervisor/1';

/** The `run` message, parsed. */
export interface RunMessage {
  readonly mode: RunMode;
  /** The data key (train, loss) or sealed model key (predict), sealed to the hello key. */
  readonly wrappedKey: Uint8Array;
  /** Loss: the sealed model's key, sealed to the same hello key (docs/audit.md). */
  readonly modelWrappedKey?: Uint8Array;
  /** The model's argv for this mode; run without a shell. */
  readonly command: readonly string[];
  /** The metric names model.json declares. */
  readonly metrics: readonly string[];
  readonly params: { readonly steps: number; readonly hyperparameters: Record<string, unknown> };
  /** X25519 key the sealed output's model key is wrapped to. */
  readonly brokerPublicKey: Uint8Array;
  /** Predict: the buyer's queries, JSON lines. */
  readonly inputs?: string;
  /** issue 5: what may leave besides metrics and answers (absent: no logs, 4096-byte records). */
  readonly egress: EgressRules;
}

/**
 * The `run` line as the agent writes it (JSON, keys in base64): what
 * {@link parseRunMessage} reads into a {@link RunMessage}.
 */
export interface RunLine {
  readonly t: 'run';
  readonly mode: RunMode;
  readonly wrappedKey: string;
  /** Loss mode only. */
  readonly modelWrappedKey?: string;
  readonly command: readonly string[];
  readonly metrics: readonly string[];
  readonly params: { readonly steps: number; readonly hyperparameters?: Record<string, unknown> };
  readonly brokerPublicKey: string;
  /** Predict mode only. */
  readonly inputs?: string;
  /** Absent: no logs, 4096-byte records. */
  readonly egress?: EgressRules;
}

/** Every message the supervisor sends (the agent's parser checks each field: agent/messages.ts). */
export type SupervisorMessage =
  | { readonly t: 'hello'; readonly publicKey: string; readonly version: string }
  | { readonly t: 'started' }
  | MetricRecord
  | AnswerRecord
  | LogRecord
  | RefusedRecord
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
      /** True once /sealed/input and /sealed/output were wiped (a field of ours, see docs/supervisor.md). */
      readonly wiped: boolean;
    }
  | { readonly t: 'error'; readonly code: string; readonly message: string };

const METRIC_NAME = /^[a-z][a-z0-9_]{0,31}$/;
const MODES: readonly RunMode[] = ['train', 'predict', 'loss'];

function fail(message: string): never {
  throw new SupervisorError('SUPERVISOR_PROTOCOL', `run message: ${message}`);
}

function key(value: unknown, name: string, length?: number): Uint8Array {
  const bytes = typeof value === 'string' ? base64ToBytes(value) : undefined;
  if (bytes === undefined || bytes.length === 0) fail(`${name} is not base64`);
  if (length !== undefined && bytes.length !== length) fail(`${name} is not ${length} bytes`);
  return bytes;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses the agent's `run` line; throws `SUPERVISOR_PROTOCOL` naming the first bad field. */
export function parseRunMessage(line: string): RunMessage {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    fail('not JSON');
  }
  if (!isPlainObject(doc) || doc.t !== 'run') fail("not an object with t: 'run'");
  const mode = doc.mode;
  if (typeof mode !== 'string' || !MODES.includes(mode as RunMode))
    fail('mode is not train, predict or loss');
  const { command, metrics, params, inputs } = doc;
  if (
    !Array.isArray(command) ||
    command.length === 0 ||
    command.length > 64 ||
    !command.every((a) => typeof a === 'string' && a.length > 0 && a.length <= 4096 && !a.includes('\0'))
  ) {
    fail('command is not an argv of 1..64 non-empty strings');
  }
  if (
    !Array.isArray(metrics) ||
    metrics.length > 32 ||
    !metrics.every((m) => typeof m === 'string' && METRIC_NAME.test(m))
  ) {
    fail('metrics is not a list of metric names');
  }
  if (!isPlainObject(params)) fail('params is not an object');
  const { steps, hyperparameters = {} } = params;
  if (typeof steps !== 'number' || !Number.isSafeInteger(steps) || steps < 1)
    fail('params.steps is not a positive integer');
  if (!isPlainObject(hyperparameters)) fail('params.hyperparameters is not an object');
  if (inputs !== undefined && typeof inputs !== 'string') fail('inputs is not a string');
  if (mode === 'predict' && inputs === undefined) fail('predict needs inputs');
  if (mode === 'loss' && doc.modelWrappedKey === undefined) fail('loss needs modelWrappedKey');
  if (mode !== 'loss' && doc.modelWrappedKey !== undefined) fail('only loss takes modelWrappedKey');
  const egress = doc.egress ?? { logs: false, maxRecordBytes: 4096 };
  if (
    !isPlainObject(egress) ||
    typeof egress.logs !== 'boolean' ||
    typeof egress.maxRecordBytes !== 'number' ||
    !Number.isSafeInteger(egress.maxRecordBytes) ||
    egress.maxRecordBytes < 1
  ) {
    fail('egress is not { logs: boolean, maxRecordBytes: positive integer }');
  }
  return {
    mode: mode as RunMode,
    wrappedKey: key(doc.wrappedKey, 'wrappedKey'),
    ...(mode === 'loss' ? { modelWrappedKey: key(doc.modelWrappedKey, 'modelWrappedKey') } : {}),
    command: command as string[],
    metrics: metrics as string[],
    params: { steps, hyperparameters },
    brokerPublicKey: key(doc.brokerPublicKey, 'brokerPublicKey', 32),
    ...(inputs === undefined ? {} : { inputs }),
    egress: { logs: egress.logs, maxRecordBytes: egress.maxRecordBytes },
  };
}
