/**
 * The Prometheus text exposition format, version 0.0.4 (Prometheus docs,
 * "Exposition formats", text-based format): for each metric a `# HELP` and a
 * `# TYPE` line, then one `name{label="value",...} number` line per sample.
 * Written here rather than with prom-client: we only ever print a handful of
 * gauges and counters computed at scrape time, which is this one function.
 */

/** The media type a scrape answers with. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** One sample: its labels (may be empty) and its value. */
export interface Sample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: a name, its help text, its type and its samples. */
export interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly samples: readonly Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// Exposition formats: in HELP, backslash and newline are escaped; in label values also the double quote.
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

// Go's ParseFloat spellings, which the format uses for the special values.
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/**
 * Render metric families in the text format, ending with a newline. A name
 * or label name outside the format's grammar is a programming mistake
 * (TypeError).
 *
 * @example
 * formatMetrics([{ name: 'sealgate_queue_length', help: 'Queued jobs.', type: 'gauge', samples: [{ value: 3 }] }]);
 * // # HELP sealgate_queue_length Queued jobs.\n# TYPE sealgate_queue_length gauge\nsealgate_queue_length 3\n
 */
export function formatMetrics(metrics: readonly Metric[]): string {
  const lines: string[] = [];
  for (const metric of metrics) {
    if (!NAME.test(metric.name)) throw new TypeError(`bad metric name ${metric.name}`);
    lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`, `# TYPE ${metric.name} ${metric.type}`);
    for (const sample of metric.samples) {
      const labels = Object.entries(sample.labels ?? {}).map(([key, value]) => {
        if (!LABEL.test(key) || key.startsWith('__')) throw new TypeError(`bad label name ${key}`);
        return `${key}="${escapeLabel(value)}"`;
      });
      const set = labels.length === 0 ? '' : `{${labels.join(',')}}`;
      lines.push(`${metric.name}${set} ${formatValue(sample.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Count `items` by `keyOf`, starting every key of `known` at 0 so a series never disappears. */
export function countBy<T>(
  items: Iterable<T>,
  keyOf: (item: T) => string,
  known: readonly string[] = [],
): Map<string, number> {
  const counts = new Map<string, number>(known.map((k) => [k, 0]));
  for (const item of items) {
    const key = keyOf(item);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
