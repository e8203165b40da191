/**
 * The shapes the fingerprint index shares with the guard, the client and the
 * report (docs/egress-protocol.md section 1).
 */

/** A decoder the scanner runs before normalising (policies' `Decoder`). */
export type FingerprintDecoder = 'base64' | 'hex' | 'url' | 'reversed' | 'digits';

/**
 * The scan parameters: structurally the same as policies' `EgressPolicy['scan']`
 * (attest/ cannot import policies/, so it is declared here).
 */
export interface ScanParameters {
  readonly shingleUnit: 'char' | 'token';
  readonly shingleSize: number;
  readonly hashFunctions: number;
  readonly lshBands: number;
  readonly flagJaccard: number;
  readonly blockJaccard: number;
  readonly decoders: readonly FingerprintDecoder[];
}

/** The scan defaults of the egress policy (policies/documents/egress.ts). */
export const DEFAULT_SCAN: ScanParameters = {
  shingleUnit: 'char',
  shingleSize: 5,
  hashFunctions: 128,
  lshBands: 32,
  flagJaccard: 0.7,
  blockJaccard: 0.8,
  decoders: ['base64', 'hex', 'url', 'reversed', 'digits'],
};

/** One egress record's piece, in stream order. */
export type EgressPiece =
  | { readonly seq: number; readonly kind: 'text'; readonly text: string }
  | { readonly seq: number; readonly kind: 'number'; readonly value: number };

/** A match: keyed-hash tokens only, never plaintext. */
export interface Finding {
  readonly rule: 'exact' | 'canary' | 'near';
  /** The egress records the match spans, ascending. */
  readonly seqs: number[];
  /** Hex keyed hash (SipHash-2-4 under the token sub-key) of the matched pattern. */
  readonly token: string;
  readonly decoder: 'plain' | FingerprintDecoder;
  /** The estimated Jaccard similarity (near only). */
  readonly jaccard?: number;
}

/**
 * What a scanner still has open (Scanner.pending): the earliest seq that a
 * later piece could join into a match. `anchoredFrom` is set when an open
 * start's first characters hit a pattern's keyed anchor (evidence, not chance
 * shape); without it the hold rests on a short tail alone.
 */
export interface PendingMatch {
  readonly from: number;
  readonly anchoredFrom?: number;
}

/** How the builder classified a column (recorded in the index header). */
export type ColumnKind = 'id' | 'name' | 'email' | 'text' | 'low';

/** A column's name and kind, as the header records them. */
export interface ColumnClass {
  readonly name: string;
  readonly kind: ColumnKind;
}
