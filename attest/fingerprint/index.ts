/** The fingerprint index and the egress scanner (docs/egress-protocol.md section 1, docs/fingerprint.md). */
export { FingerprintError, type FingerprintErrorCode } from './errors.js';
export { FINGERPRINT_KEY_LENGTH, generateFingerprintKey } from './keys.js';
export { IndexBuilder, CLASSIFY_SAMPLE, MAX_PATTERN, MIN_RECORD_ALONE } from './builder.js';
export { FingerprintIndex, loadIndex, type IndexHeader, type IndexTables } from './fingerprint-index.js';
export type { HmacSha256 } from './format.js';
export { Scanner } from './scanner.js';
export { normalForm, normalise, type Normalised } from './normal.js';
export { classifyValues, classifyColumns, MIN_PATTERN, MIN_TEXT } from './classify.js';
export { DEFAULT_SCAN } from './types.js';
export type {
  ColumnClass,
  ColumnKind,
  EgressPiece,
  Finding,
  FingerprintDecoder,
  PendingMatch,
  ScanParameters,
} from './types.js';
