/**
 * Canaries for the audit's tests and figures, the way docs/egress-protocol.md
 * section 2 describes them (the Secret Sharer method; the
 * CLI has its own version): each canary is a new row in the dataset's columns with
 * fresh distinctive values (a synthetic person's name, national ID and
 * e-mail, from another seed), its other fields drawn from the column's
 * observed values, and a random label. `planted` of them are planted
 * `repeat` times each in the dataset; `heldOut` more are kept as references.
 */
import { generateDataset } from '../client/index.js';

/** What to plant. */
export interface CanaryOptions {
  readonly planted: number;
  readonly heldOut: number;
  readonly repeat: number;
  readonly seed: number;
}

/** The dataset with the canaries planted, and the canary set (header, planted once each, then held-out). */
export interface Planted {
  readonly data: string;
  readonly canarySet: string;
}

// xorshift32 (Marsaglia, "Xorshift RNGs", J. Stat. Softw. 8(14), 2003): seeded, so a figure repeats.
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const DISTINCTIVE = new Set(['name', 'national_id', 'email']);

/** Plant canaries in `csv` (a header row, then rows; no quoted fields, as the synthetic data has none). */
export function plantCanaries(csv: string, options: CanaryOptions): Planted {
  const [header, ...rows] = csv.trimEnd().split('\n');
  const columns = header.split(',');
  const table = rows.map((r) => r.split(','));
  const next = random(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const count = options.planted + options.heldOut;
  // Fresh people: another seed's synthetic rows give fresh names, IDs and e-mails.
  const fresh = generateDataset({ rows: count, seed: options.seed + 1_000_003 })
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((r) => r.split(','));
  const labels = [...new Set(table.map((r) => r[columns.indexOf('label')]))];
  const canaries = fresh.map((person) =>
    columns
      .map((c, j) => (DISTINCTIVE.has(c) ? person[j] : c === 'label' ? pick(labels) : pick(table)[j]))
      .join(','),
  );
  const planted = canaries.slice(0, options.planted);
  const mixed = [...rows];
  for (const canary of planted) {
    for (let k = 0; k < options.repeat; k++) mixed.splice(Math.floor(next() * (mixed.length + 1)), 0, canary);
  }
  return {
    data: `${[header, ...mixed].join('\n')}\n`,
    canarySet: `${[header, ...canaries].join('\n')}\n`,
  };
}
