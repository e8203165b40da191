/** What a benchmark module reports, and how `run.ts` prints it. */

/** One measured figure. Ratios, not absolute claims: machines are shared and noisy. */
export interface BenchRow {
  readonly metric: string;
  /** The figure, already formatted (e.g. `1.12x`, `96 MiB`), or `skipped`. */
  readonly value: string;
  /** The target, e.g. `>= 0.8x`; empty when the row is informational. */
  readonly target: string;
  /** Whether the target was met; undefined for informational or skipped rows. */
  readonly ok?: boolean;
  readonly note?: string;
}

/** A benchmark module: a name and a run that returns its rows. */
export interface Benchmark {
  readonly name: string;
  run(log: (line: string) => void): Promise<BenchRow[]>;
}

/** The best (smallest) of `reps` timings of `fn`, in milliseconds. */
export async function bestOf(reps: number, fn: () => Promise<void>): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/** Render rows as a plain-text table. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
