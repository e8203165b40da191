import { SealgateError } from '../errors.js';

/** Why a Merkle tree operation or proof check failed; one code per rule. */
export type MerkleErrorCode =
  /** A leaf index is not a non-negative integer below the tree size. */
  | 'MERKLE_BAD_INDEX'
  /** A tree size is not a non-negative safe integer, is beyond the tree, or shrinks. */
  | 'MERKLE_BAD_SIZE'
  /** A leaf hash or root hash is not a 32-byte SHA-256 value. */
  | 'MERKLE_BAD_HASH'
  /** A proof has the wrong number of hashes for its sizes, or a hash of the wrong length. */
  | 'MERKLE_PROOF_INVALID'
  /** The root recomputed from the proof differs from the expected root. */
  | 'MERKLE_ROOT_MISMATCH';

/** The error thrown by `attest/merkle`. */
export class MerkleError extends SealgateError<MerkleErrorCode> {}
