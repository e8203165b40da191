/**
 * Pino's JSON log lines made readable on a terminal (issue 7: "structured
 * pino logs, pretty on a terminal"), without pino-pretty, which is not
 * installed: `12:04:05.123 INFO  gateway: closing signal=SIGTERM`. Only the
 * presentation changes; the fields are the ones pino wrote, already redacted.
 * A line that is not a pino JSON object passes through unchanged.
 */

const LEVELS: Readonly<Record<number, readonly [name: string, color: string]>> = {
  10: ['TRACE', '90'],
  20: ['DEBUG', '36'],
  30: ['INFO', '32'],
  40: ['WARN', '33'],
  50: ['ERROR', '31'],
  60: ['FATAL', '35'],
};

/** Fields shown in the line's head, or not at all (pid and hostname are noise on a terminal). */
const HEAD = new Set(['time', 'level', 'msg', 'name', 'pid', 'hostname', 'v']);

// A field's value: bare when it is a simple word or number, else as JSON.
function valueText(value: unknown): string {
  if (typeof value === 'string')
    return /^[\w.:/@+-]*$/.test(value) && value !== '' ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

// HH:MM:SS.mmm in UTC, as the journal and most log shippers show time.
function clock(time: unknown): string {
  const date = new Date(typeof time === 'number' || typeof time === 'string' ? time : Number.NaN);
  return Number.isNaN(date.getTime()) ? '--:--:--.---' : date.toISOString().slice(11, 23);
}

/**
 * One pino JSON line as a human-readable line (without a trailing newline).
 *
 * @example
 * prettyLogLine('{"level":30,"time":0,"name":"gateway","msg":"closed"}', { color: false });
 * // '00:00:00.000 INFO  gateway: closed'
 */
export function prettyLogLine(line: string, opts: { readonly color: boolean }): string {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return line;
  const r = record as Record<string, unknown>;
  const [name, color] = LEVELS[typeof r.level === 'number' ? r.level : 30] ?? ['LOG', '0'];
  const paint = (code: string, text: string) => (opts.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const fields = Object.entries(r)
    .filter(([key]) => !HEAD.has(key))
    .map(([key, value]) => `${paint('2', `${key}=`)}${valueText(value)}`);
  const who = typeof r.name === 'string' ? `${r.name}: ` : '';
  const msg = typeof r.msg === 'string' ? r.msg : '';
  return [
    `${paint('2', clock(r.time))} ${paint(color, name.padEnd(5))} ${who}${msg}`.trimEnd(),
    ...fields,
  ].join(' ');
}

/**
 * A pino destination that writes each record prettily to `stream` (a
 * terminal). Pino hands `write` whole lines, one record each.
 */
export function prettyDestination(stream: NodeJS.WritableStream & { readonly hasColors?: () => boolean }): {
  write(chunk: string): boolean;
} {
  const color = typeof stream.hasColors === 'function' ? stream.hasColors() : false;
  return {
    write(chunk) {
      const lines = chunk.split('\n').filter((l) => l !== '');
      return stream.write(lines.map((l) => `${prettyLogLine(l, { color })}\n`).join(''));
    },
  };
}

/** Which log format to write: `pretty` on a terminal (`auto`), else JSON lines; SEALGATE_LOG_FORMAT overrides. */
export function logFormatFor(setting: string | undefined, isTTY: boolean | undefined): 'json' | 'pretty' {
  if (setting === 'json' || setting === 'pretty') return setting;
  return isTTY === true ? 'pretty' : 'json';
}
