/**
 * The nodes area's one error class (enrollment, the registry, jobs and what
 * nodes report) and its status table, registered in gateway/app.ts
 * (docs/node-protocol.md sections 1, 2 and 4). The PKI's own codes, which a
 * refused CSR carries to the node unchanged, get their statuses here too.
 */
import { SealgateError } from '../../attest/index.js';
import type { PkiErrorCode } from '../../attest/index.js';

export type NodeErrorCode =
  // enrollment tokens and enrollment (section 1)
  | 'ENROLL_MINER_NOT_FOUND'
  | 'ENROLL_NOT_MINER'
  | 'ENROLL_TOKEN_UNKNOWN'
  | 'ENROLL_TOKEN_USED'
  | 'ENROLL_TOKEN_EXPIRED'
  | 'ENROLL_NODE_EXISTS'
  // the registry
  | 'NODE_NOT_FOUND'
  | 'NODE_UNKNOWN'
  // jobs and what a node reports about them (sections 2 and 4)
  | 'NODE_JOB_NOT_FOUND'
  | 'NODE_JOB_NOT_YOURS'
  | 'NODE_JOB_WRONG_RUN'
  | 'NODE_JOB_NOT_ACTIVE'
  | 'NODE_METRIC_UNDECLARED'
  | 'NODE_OUTPUT_MISSING'
  | 'NODE_RECEIPT_INVALID'
  | 'NODE_RECEIPT_MISMATCH';

/** A refused enrollment, node lookup, job or node report. */
export class NodeError extends SealgateError<NodeErrorCode> {}

/** Each code's HTTP status. */
export const NODE_STATUSES = {
  ENROLL_MINER_NOT_FOUND: 404,
  ENROLL_NOT_MINER: 422,
  ENROLL_TOKEN_UNKNOWN: 401,
  ENROLL_TOKEN_USED: 409,
  ENROLL_TOKEN_EXPIRED: 410,
  ENROLL_NODE_EXISTS: 409,
  NODE_NOT_FOUND: 404,
  NODE_UNKNOWN: 403,
  NODE_JOB_NOT_FOUND: 404,
  NODE_JOB_NOT_YOURS: 403,
  NODE_JOB_WRONG_RUN: 403,
  NODE_JOB_NOT_ACTIVE: 409,
  NODE_METRIC_UNDECLARED: 400,
  NODE_OUTPUT_MISSING: 409,
  NODE_RECEIPT_INVALID: 400,
  NODE_RECEIPT_MISMATCH: 400,
} satisfies Record<NodeErrorCode, number>;

/** The statuses of the PKI codes a node can meet when it enrolls. */
export const PKI_STATUSES = {
  PKI_CSR_INVALID: 400,
  PKI_POP_INVALID: 400,
  PKI_UNSUPPORTED_ALGORITHM: 400,
  PKI_ENROLLMENT_REFUSED: 403,
} satisfies Partial<Record<PkiErrorCode, number>>;
