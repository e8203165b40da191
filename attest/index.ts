/**
 * attest/: sealgate's trust kernel. Keys and signatures, the dataset envelope,
 * evidence and measurement, node PKI, key wrapping and Merkle proofs.
 * Pure: no I/O, and it imports nothing else of sealgate's.
 */
export { SealgateError, isSealgateError } from './errors.js';
// The dataset envelope (attest/envelope/).
export * from './envelope/index.js';
