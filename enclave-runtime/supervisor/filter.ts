/**
 * What a model's stdout may say (DESIGN.md 6.5, docs/node-protocol.md section 5):
 * one JSON object a line, exactly `{"metric","step","value"}` with a declared
 * metric name, or (predict and loss modes) exactly `{"index","value"}`.
 * Everything else is dropped and counted; a forwarded record is rebuilt from
 * the parsed fields, so nothing but the three values ever leaves.
 */
/** The three modes of model.json (DESIGN.md 6.5). */
export type RunMode = 'train' | 'predict' | 'loss';

/** A metric the supervisor forwards. */
export interface MetricRecord {
  readonly t: 'metric';
  readonly metric: string;
  readonly step: number;
  readonly value: number;
}

/** A predict answer (or a loss-mode per-record loss) the supervisor forwards. */
export interface AnswerRecord {
  readonly t: 'answer';
  readonly index: number;
  readonly value: number;
}

/** What the filter accepts for one run. */
export interface FilterRules {
  readonly mode: RunMode;
  /** The declared metric names (model.json `metrics`). */
  readonly metrics: readonly string[];
  /** The step cap: a step above it is dropped. */
  readonly maxStep: number;
  /** Predict and loss: answers are indexed 0 .. maxIndex. */
  readonly maxIndex: number;
}

const isCount = (v: unknown, max: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;
const isFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function hasExactly(o: object, keys: readonly string[]): boolean {
  const own = Object.keys(o);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(o, k));
}

/**
 * Parses one line of the model's stdout under `rules`: the record to forward,
 * or `undefined` when the line must be dropped.
 */
export function filterLine(line: string, rules: FilterRules): MetricRecord | AnswerRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const o = parsed as Record<string, unknown>;
  if (hasExactly(o, ['metric', 'step', 'value'])) {
    if (rules.mode === 'predict') return undefined;
    const { metric, step, value } = o;
    if (typeof metric !== 'string' || !rules.metrics.includes(metric)) return undefined;
    if (!isCount(step, rules.maxStep) || !isFinite(value)) return undefined;
    return { t: 'metric', metric, step, value };
  }
  if (hasExactly(o, ['index', 'value'])) {
    if (rules.mode === 'train') return undefined;
    const { index, value } = o;
    if (!isCount(index, rules.maxIndex) || !isFinite(value)) return undefined;
    return { t: 'answer', index, value };
  }
  return undefined;
}

// --- issue 5: logs and refused notices (docs/egress-protocol.md section 3) ---

/** A line the model wrote, forwarded as text when the dataset's egress policy allows logs. */
export interface LogRecord {
  readonly t: 'log';
  readonly text: string;
}

/** Why a line was not forwarded (a notice carries no content). */
export type RefusedReason = 'free-text' | 'undeclared-metric' | 'malformed' | 'overlong';

/** A notice that a line was refused: its reason and its length, never its content. */
export interface RefusedRecord {
  readonly t: 'refused';
  readonly reason: RefusedReason;
  readonly bytes: number;
}

/** What the run's egress allows beyond metrics and answers (the `run` message's `egress`). */
export interface EgressRules {
  readonly logs: boolean;
  readonly maxRecordBytes: number;
}

/** Why {@link filterLine} refused `line`. */
export function refusalOf(line: string, rules: FilterRules): RefusedReason {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return 'free-text';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'free-text';
  const o = parsed as Record<string, unknown>;
  if (hasExactly(o, ['metric', 'step', 'value']) && rules.mode !== 'predict') {
    if (typeof o.metric === 'string' && !rules.metrics.includes(o.metric)) return 'undeclared-metric';
  }
  return 'malformed';
}

/**
 * One stdout line as an egress record: a metric or an answer when the filter
 * accepts it; otherwise the line as a log when the policy allows logs and it
 * fits `maxRecordBytes`, else a refused notice. `overlong` marks a line the
 * splitter cut at `maxLineBytes` (its length is reported as the cap + 1).
 */
export function egressLine(
  line: { readonly text: string } | { readonly overlong: true; readonly maxLineBytes: number },
  rules: FilterRules,
  egress: EgressRules,
): MetricRecord | AnswerRecord | LogRecord | RefusedRecord {
  if ('overlong' in line) return { t: 'refused', reason: 'overlong', bytes: line.maxLineBytes + 1 };
  const record = filterLine(line.text, rules);
  if (record) return record;
  const bytes = Buffer.byteLength(line.text, 'utf8');
  if (egress.logs) {
    return bytes <= egress.maxRecordBytes
      ? { t: 'log', text: line.text }
      : { t: 'refused', reason: 'overlong', bytes };
  }
  return { t: 'refused', reason: refusalOf(line.text, rules), bytes };
}
