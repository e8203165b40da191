/** Shared fixtures for the fingerprint tests: synthetic rows (client/sdk/synthetic.ts, seeded) and a built index. */
import { DEFAULT_SCAN, IndexBuilder, loadIndex, Scanner } from '../../../attest/index.js';
import type { EgressPiece, Finding, FingerprintIndex } from '../../../attest/index.js';
import { generateDataset, SYNTHETIC_COLUMNS } from '../../../client/index.js';

/** A fixed fingerprint key (tests only). */
export const KEY = new Uint8Array(32).fill(7);

/** `rows` synthetic rows (seed 11), each as fields. */
export function rows(count: number, seed = 11): string[][] {
  return generateDataset({ rows: count, seed })
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
}

/** A canary row shaped like the synthetic columns (made up here, not drawn from the generator). */
export const CANARY = [
  'Zebulon Quartermaine',
  '5550001112',
  'zebulon.quartermaine7@example.org',
  '41',
  '171.0',
  '70.2',
  '121',
  '79',
  '5.1',
  'no',
  '1',
];

/** Build and load an index of `data` (and the canary). */
export function indexOf(data: readonly string[][], canary = true): FingerprintIndex {
  const b = new IndexBuilder(KEY, SYNTHETIC_COLUMNS, DEFAULT_SCAN);
  for (const r of data) b.addRecord(r);
  if (canary) b.addCanary(CANARY);
  return loadIndex(b.finish(), KEY);
}

/** Scan texts (one text piece each, seqs from 0) and return every finding. */
export function scanTexts(index: FingerprintIndex, texts: readonly string[], scan = DEFAULT_SCAN): Finding[] {
  return scan_(
    index,
    texts.map((text, seq) => ({ seq, kind: 'text', text })),
    scan,
  );
}

/** Scan pieces and return every finding, the end's included. */
export function scan_(
  index: FingerprintIndex,
  pieces: readonly EgressPiece[],
  scan = DEFAULT_SCAN,
): Finding[] {
  const s = new Scanner(index, scan);
  return [...pieces.flatMap((p) => s.push(p)), ...s.end()];
}
