/**
 * The one error class of the seller's anti-exfiltration side (canaries, the
 * CSV reader they use, the index at publish; docs/canaries.md).
 */
import { SealgateError } from '../../attest/index.js';

export type CanaryErrorCode =
  /** The file is not CSV this reader can take (an unclosed quote, a record of the wrong width). */
  | 'CANARY_CSV_MALFORMED'
  /** The file has no header or no data row: nothing to learn the columns' shapes from. */
  | 'CANARY_CSV_EMPTY'
  /** No fresh value could be drawn for a canary after many tries (a column too small to hide one in). */
  | 'CANARY_NO_FRESH_VALUE'
  /** Canary counts outside their bounds (1 to 1000 planted, a repeat of 1 to 100). */
  | 'CANARY_BAD_OPTIONS';

/** An error of canary making, planting or the index at publish. */
export class CanaryError extends SealgateError<CanaryErrorCode> {}
