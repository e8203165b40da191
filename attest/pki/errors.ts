import { SealgateError } from '../errors.js';

/** Why a node PKI operation failed; one code per rule. */
export type PkiErrorCode =
  /** The CSR is not a well-formed, self-signed PKCS#10 request carrying a node key. */
  | 'PKI_CSR_INVALID'
  /** The Ed25519 proof of possession is missing or does not verify. */
  | 'PKI_POP_INVALID'
  /** The caller's enrollment check (for example a one-time token) refused the node. */
  | 'PKI_ENROLLMENT_REFUSED'
  /** A signature algorithm other than sha256WithRSAEncryption, or an RSA key under 2048 bits. */
  | 'PKI_UNSUPPORTED_ALGORITHM'
  /** The certificate is not a well-formed DER X.509 v3 certificate. */
  | 'PKI_CERT_MALFORMED'
  /** The certificate was not issued by the trusted CA, or its signature does not verify. */
  | 'PKI_CERT_UNTRUSTED'
  /** The certificate's notAfter is in the past. */
  | 'PKI_CERT_EXPIRED'
  /** The certificate's notBefore is in the future. */
  | 'PKI_CERT_NOT_YET_VALID'
  /** The certificate's serial is on the revocation list. */
  | 'PKI_CERT_REVOKED'
  /** The certificate is valid X.509 from our CA but carries no valid node identity. */
  | 'PKI_NOT_NODE_CERTIFICATE'
  /** A serialised revocation list does not have the expected shape. */
  | 'PKI_REVOCATION_LIST_MALFORMED';

/** The error thrown by `attest/pki`. */
export class PkiError extends SealgateError<PkiErrorCode> {}

/**
 * Runs a parse step and turns any failure other than a PkiError into a
 * PkiError with `code`, keeping the original as the cause (node-forge throws
 * plain Errors with long messages; clients see only our one-line message).
 */
export function parseOrThrow<T>(code: PkiErrorCode, message: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof PkiError) throw err;
    throw new PkiError(code, message, { cause: err });
  }
}
