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

export const MiB = 1024 * 1024;
/** A ratio as `1.23x`. */
export const ratio = (x: number): string => `${x.toFixed(2)}x`;
/** Throughput of `bytes` in `ms` as `123 MiB/s`. */
export const rate = (bytes: number, ms: number): string => `${(bytes / MiB / (ms / 1000)).toFixed(0)} MiB/s`;
/** CPU seconds per GiB of `bytes`, from a timing's CPU milliseconds. */
export const cpu = (bytes: number, t: { cpuMs: number }): string =>
  `${(t.cpuMs / 1000 / (bytes / 1024 ** 3)).toFixed(2)} s/GiB`;

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
