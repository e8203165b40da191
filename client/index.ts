/** client/: the SDK and the sealgate CLI. Imports only attest/ and policies/. */

// --- identity: key files ---
export type { KeystoreErrorCode, SaveKeyOptions } from './keystore.js';
export { KeystoreError, defaultKeyPath, loadKeyFile, saveKeyFile } from './keystore.js';
// --- end identity ---
// Files in and out of the dataset envelope (client/sdk/envelope-file.ts).
export { encryptFile, decryptFile, writeAtomically } from './sdk/envelope-file.js';
// Reused buffers and positional writes for the envelope's file path.
export { writeFileAtomically } from './sdk/atomic-file.js';
export { pooledNodeChunkCipher } from './sdk/node-chunk-cipher.js';
export { BufferPool } from './sdk/buffer-pool.js';
export type { FileCryptOptions, FileCryptResult } from './sdk/envelope-file.js';
// A minimal tar writer for locally built images (client/sdk/tar.ts).
export { tarball } from './sdk/tar.js';
export type { TarFile } from './sdk/tar.js';
// The envelope's chunk cipher on node:crypto (client/sdk/node-chunk-cipher.ts).
export { nodeChunkCipher } from './sdk/node-chunk-cipher.js';
// The envelope's chunk cipher on Node's own OpenSSL, into the caller's buffers.
export { openSslChunkCipher } from './sdk/openssl-chunk-cipher.js';
export type { OpenSslCipherOptions } from './sdk/openssl-chunk-cipher.js';
// The gateway's HTTP API, signed (client/sdk/gateway-client.ts).
export { GatewayClient, GatewayRequestError } from './sdk/gateway-client.js';
export type { GatewayClientOptions, GatewayRequestInit } from './sdk/gateway-client.js';
// --- accounts and settings ---
export {
  ACCOUNT_ROLES,
  SELF_ASSIGNABLE_ROLES,
  accountProfile,
  isAccountRole,
  myAccount,
  parseAccount,
  registerAccount,
} from './sdk/account.js';
export type { AccountInfo, AccountRole } from './sdk/account.js';
export {
  ConfigError,
  DEFAULT_GATEWAY,
  configPath,
  loadConfig,
  parseConfig,
  resolveSettings,
} from './config.js';
export type { ConfigErrorCode, ConfigFile, SettingFlags, Settings } from './config.js';
// --- end accounts and settings ---
// Blob uploads from files (client/sdk/blobs.ts).
export { fileSha256, uploadBlob, type UploadProgress, type UploadedBlob } from './sdk/blobs.js';
// --- the market over the SDK: catalog, runs, ledger ---
export {
  brokerPublicKey,
  getDataset,
  getModel,
  listDatasets,
  listModels,
  publishDataset,
  publishModel,
} from './sdk/catalog.js';
export type {
  DatasetQuery,
  ModelInfo,
  ModelQuery,
  NewListing,
  Page,
  PublicDataset,
  RatingSummary,
  SchemaField,
  SellerDataset,
} from './sdk/catalog.js';
export { getRun, listRuns, rateRun, requestQuote, startRun } from './sdk/runs.js';
export type { Quote, RatingInfo, RunInfo, RunPrice, RunState } from './sdk/runs.js';
export { adminCredit, formatTokens, myBalance } from './sdk/ledger.js';
export type { Balance, Credit } from './sdk/ledger.js';
export { ImageArchiveError, imageIdOfArchive, type ImageArchiveErrorCode } from './sdk/image-archive.js';
export { expectPage, expectShape, queryString, type FieldKind } from './sdk/reply.js';
// --- end market ---
// --- the synthetic dataset (docs/models.md) ---
export {
  SYNTHETIC_COLUMNS,
  datasetChunks,
  generateDataset,
  isValidNationalId,
  luhnCheckDigit,
} from './sdk/synthetic.js';
export type { DatasetOptions } from './sdk/synthetic.js';
// --- end synthetic dataset ---
// --- nodes: enrollment tokens ---
export { createEnrollToken, type EnrollToken } from './sdk/nodes.js';
// --- end nodes ---
// --- rewards: a node's block rewards and deployment records ---
export {
  listNodeDeployments,
  listNodeRewards,
  type DeploymentInfo,
  type NodeRewardInfo,
} from './sdk/rewards.js';
// --- end rewards ---
// --- bonds and penalties: post, withdraw, status, appeal, decide ---
export {
  appealPenalty,
  bondStatus,
  decidePenalty,
  postBond,
  withdrawBond,
  type BondInfo,
  type PenaltyInfo,
} from './sdk/bonds.js';
export { newRequestId, type MoneyRequestOptions } from './sdk/bonds.js';
// --- end bonds ---
// --- seller custody: check pending key releases locally, approve or decline ---
export {
  ReleaseCheckError,
  approvePending,
  approveRelease,
  checkRelease,
  declineRelease,
  loadDatasetKey,
  pendingReleases,
} from './sdk/releases.js';
export type {
  ApprovalOutcome,
  PendingRelease,
  ReleaseCheckErrorCode,
  ReleaseCheckOptions,
  ReleaseExpectations,
} from './sdk/releases.js';
// --- end seller custody ---
// sealed inference (issue 4)
export { getInference, infer, requestInference, type InferenceInfo } from './sdk/inference.js';
// --- canaries and the fingerprint index at publish (docs/canaries.md) ---
export { CanaryError, type CanaryErrorCode } from './sdk/fingerprint-errors.js';
export { csvLine, csvRecords, isBlankRecord, type CsvRecord } from './sdk/fingerprint-csv.js';
export {
  learnShape,
  normalForm,
  type ColumnKind,
  type ColumnShape,
  type DatasetShape,
} from './sdk/fingerprint-shapes.js';
export {
  HELD_OUT_FACTOR,
  checkCanaryCounts,
  makeCanaries,
  plantCanaries,
  writeCanarySet,
  type CanaryCounts,
  type CanaryRandom,
  type CanarySet,
} from './sdk/canaries.js';
export {
  prepareDataset,
  uploadFingerprint,
  type FingerprintFields,
  type FingerprintIndexBuilder,
  type IndexBuilderFactory,
  type PrepareOptions,
  type PreparedDataset,
} from './sdk/fingerprint-publish.js';
// --- end canaries ---
// verification reports: ask, wait, check offline
export {
  checkReportFile,
  getVerification,
  requestVerification,
  waitForReport,
  type VerificationState,
  type WaitOptions,
} from './sdk/verify.js';
// following a run live, cancelling it
export {
  FINAL_RUN_STATES,
  followRun,
  parseEventStream,
  type FollowOptions,
  type RunStreamEvent,
} from './sdk/run-events.js';
export { cancelRun } from './sdk/runs.js';
