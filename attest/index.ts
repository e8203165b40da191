/**
 * attest/: sealgate's trust kernel. Keys and signatures, the dataset envelope,
 * evidence and measurement, node PKI, key wrapping and Merkle proofs.
 * Pure: no I/O, and it imports nothing else of sealgate's.
 */
export { SealgateError, isSealgateError } from './errors.js';

// --- identity: keys, signed requests, key wrapping, canonical JSON, evidence ---
export {
  base64ToBytes,
  base64UrlToBytes,
  bytesToBase32,
  bytesToBase64,
  bytesToBase64Url,
  bytesToHex,
  utf8,
} from './base-encoding.js';
export { constantTimeEqual, constantTimeEqualText, constantTimeIncludes } from './constant-time.js';
export { randomNonce } from './random.js';
export type { KeyErrorCode, KeyFile, KeyKind, SigningKeyPair } from './keys.js';
export {
  KeyError,
  accountId,
  decodeKeyFile,
  deriveKeyId,
  encodeKeyFile,
  generateSigningKeyPair,
  isKeyId,
  nodeId,
  signingKeyPairFromSeed,
} from './keys.js';
export { domainSeparated, signDetached, verifyDetached } from './signature.js';
export type { CanonicalJsonErrorCode } from './canonical-json.js';
export { CanonicalJsonError, canonicalize, canonicalizeBytes } from './canonical-json.js';
export type { BoxKeyPair, KeywrapErrorCode } from './keywrap.js';
export { KeywrapError, SEALED_BOX_OVERHEAD, generateBoxKeyPair, unwrapKey, wrapKey } from './keywrap.js';
// The same sealed box on WebCrypto X25519 when present.
export { unwrapKeyFast, wrapKeyFast } from './keywrap-fast.js';
export type { RequestErrorCode } from './request/errors.js';
export { RequestError } from './request/errors.js';
export type { RequestBody } from './request/content-digest.js';
export { BodySha256, contentDigest } from './request/content-digest.js';
export type { MemoryNonceStoreOptions, NonceStore } from './request/nonce-store.js';
export { MemoryNonceStore } from './request/nonce-store.js';
export type { RequestHeaders } from './request/parse-signature.js';
export type {
  ReceivedRequest,
  SignRequestInput,
  SignedRequestHeaders,
  VerifiedRequest,
  VerifyRequestOptions,
} from './signed-request.js';
export { signRequest, verifyRequest } from './signed-request.js';
export * from './evidence/index.js';
// --- end identity ---

// Merkle trees (RFC 6962) for the run egress logs and the ledger blocks.
export { MerkleError, type MerkleErrorCode } from './merkle/errors.js';
export { MERKLE_HASH_SIZE, emptyRoot, leafHash, nodeHash } from './merkle/hash.js';
export { MerkleTree } from './merkle/tree.js';
export { verifyConsistency, verifyInclusion } from './merkle/verify.js';

// Node PKI (DESIGN.md §6.3): the node CA, CSRs binding a TLS key to the node's
// Ed25519 key, node and gateway certificates, verification and revocation.
export { PkiError, type PkiErrorCode } from './pki/errors.js';
export { createCa, type CreateCaOptions } from './pki/ca.js';
export type { CaMaterial } from './pki/issuance.js';
export {
  createNodeCsr,
  verifyNodeCsr,
  type CreateNodeCsrOptions,
  type NodeCsr,
  type VerifiedNodeCsr,
} from './pki/csr.js';
export {
  issueNodeCertificate,
  type EnrollmentCheck,
  type EnrollmentRequest,
  type IssueNodeCertificateOptions,
  type IssuedNodeCertificate,
} from './pki/issue.js';
export {
  issueServerCertificate,
  type IssueServerCertificateOptions,
  type IssuedServerCertificate,
} from './pki/server-certificate.js';
export {
  verifyNodeCertificate,
  type VerifiedNodeCertificate,
  type VerifyNodeCertificateOptions,
} from './pki/verify.js';
export {
  REVOCATION_REASONS,
  RevocationList,
  type RevocationEntry,
  type RevocationListJson,
  type RevocationReason,
  type RevocationSource,
} from './pki/revocation.js';
export { NODE_IDENTITY_ARC, NODE_KEY_OID, NODE_KEY_POP_OID } from './pki/node-extensions.js';
export { nodeUri } from './pki/node-id.js';

// The dataset envelope (attest/envelope/, docs/envelope.md).
export {
  EnvelopeError,
  generateDataKey,
  keyId as dataKeyId,
  encryptStream,
  encryptBytes,
  decryptStream,
  decryptBytes,
  readHeader,
  encodeKeyFile as encodeDataKeyFile,
  parseKeyFile as parseDataKeyFile,
  DATA_KEY_LENGTH,
  ENVELOPE_DEFAULT_CHUNK_SIZE,
  ENVELOPE_DEFAULT_IN_FLIGHT,
  ENVELOPE_HEADER_LENGTH,
  ENVELOPE_TAG_LENGTH,
  ENVELOPE_MIN_CHUNK_SIZE,
  ENVELOPE_MAX_CHUNK_SIZE,
} from './envelope/index.js';
export type {
  EnvelopeErrorCode,
  EncryptOptions,
  DecryptOptions,
  EnvelopeHeader,
  KeyFileDocument as DataKeyFileDocument,
} from './envelope/index.js';
// The envelope's AEAD seam: WebCrypto by default, node:crypto in client/.
export { webCryptoChunkCipher } from './envelope/index.js';
export type { ChunkCipher, ChunkCipherFactory } from './envelope/index.js';
// the usage receipt a node signs at the end of a run (docs/node-protocol.md section 4)
export {
  USAGE_RECEIPT_LABEL,
  signUsageReceipt,
  verifyUsageReceipt,
  type SignedUsageReceipt,
  type UsageReceipt,
} from './receipt.js';

// The fingerprint index and the egress scanner (docs/fingerprint.md).
export * from './fingerprint/index.js';
// The verification report: signing, the verdict, the offline check.
export * from './report/index.js';
