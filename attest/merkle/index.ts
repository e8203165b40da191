/**
 * attest/merkle: the RFC 6962 Merkle tree behind the run egress logs and the
 * ledger blocks, and the pure verifiers of its inclusion and consistency proofs.
 */
export { MerkleError, type MerkleErrorCode } from './errors.js';
export { HASH_SIZE, emptyRoot, leafHash, nodeHash } from './hash.js';
export { MerkleTree } from './tree.js';
export { verifyConsistency, verifyInclusion } from './verify.js';
