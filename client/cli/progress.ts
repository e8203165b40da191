/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal, so
 * pipes, logs and `--json` consumers never see control characters.
 */

/** A progress display: `update` as work is done, `finish` when it ends either way. */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export interface ProgressOptions {
  /** What is happening, e.g. `encrypting data.csv`. */
  readonly label: string;
  /** Bytes to do in all. */
  readonly total: number;
  /** Milliseconds between redraws (default 100). */
  readonly intervalMs?: number;
  /** The clock, in milliseconds; injectable for tests. */
  readonly now?: () => number;
  /** Columns available (default: the terminal's, else 80). */
  readonly columns?: number;
}

const BAR_WIDTH = 24;
const MiB = 1024 * 1024;

/** One rendered line: label, bar, percentage, bytes and rate. */
export function renderProgress(label: string, done: number, total: number, elapsedMs: number): string {
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = '#'.repeat(filled) + '-'.repeat(BAR_WIDTH - filled);
  const rate = elapsedMs > 0 ? done / MiB / (elapsedMs / 1000) : 0;
  const pct = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `${label} [${bar}] ${pct} ${(done / MiB).toFixed(1)}/${(total / MiB).toFixed(1)} MiB ${rate.toFixed(0)} MiB/s`;
}

/**
 * A progress bar for `stream`: a no-op unless `stream.isTTY`. Redraws in place
 * with a carriage return, at most every `intervalMs`, and clears its line on
 * `finish` so a following message starts on a clean line.
 */
export function createProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  opts: ProgressOptions,
): Progress {
  if (stream.isTTY !== true) return { update() {}, finish() {} };
  const now = opts.now ?? (() => performance.now());
  const interval = opts.intervalMs ?? 100;
  const columns = opts.columns ?? stream.columns ?? 80;
  const started = now();
  let lastDraw = -Infinity;
  let drawn = false;
  return {
    update(done) {
      const t = now();
      if (t - lastDraw < interval && done < opts.total) return;
      lastDraw = t;
      drawn = true;
      stream.write(
        `\r${renderProgress(opts.label, done, opts.total, t - started).slice(0, columns - 1)}\x1b[K`,
      );
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
