/** gateway/: see DESIGN.md section 3. Imports only attest/ and policies/. */
export { createLogger } from './log.js';
export { buildApp } from './app.js';
export type { GatewayOptions } from './options.js';
export type { GatewayContext } from './context.js';
export { GatewayError, type GatewayErrorCode, registerStatuses, statusOf } from './errors.js';
export { AccountError, ROLES, type Account, type AccountErrorCode, type Role } from './accounts/registry.js';
export { Store, Mutex, put, del, type BatchOp, type Sublevel } from './store/index.js';

// The double-entry ledger (DESIGN.md section 9, docs/ledger.md).
export * from './ledger/index.js';

// --- blobs: the content-addressed blob store ---
export type {
  BlobDigest,
  BlobErrorCode,
  BlobSource,
  BlobStoreOptions,
  PutOptions,
  PutResult,
} from './blobs/index.js';
export { BlobError, BlobStore, blobDigestOf, parseBlobDigest } from './blobs/index.js';
// catalog: datasets and models (docs/catalog.md)
export { DatasetError, type DatasetErrorCode } from './datasets/errors.js';
export { DatasetCatalog, type NewDataset, type DatasetChange } from './datasets/catalog.js';
export { ListingIndex, type ListingFilter } from './datasets/listing-index.js';
export { publicView, sellerView, type PublicDatasetView } from './datasets/views.js';
export { WRAPPED_KEY_LENGTH } from './datasets/validate.js';
export { DATASETS_SUBLEVEL, type DatasetRecord } from './datasets/record.js';
export { ModelError, type ModelErrorCode } from './models/errors.js';
export { ModelCatalog, MODEL_NAMES_SUBLEVEL, type ModelFilter } from './models/catalog.js';
export { MODELS_SUBLEVEL, type ModelRecord } from './models/record.js';
// --- the gateway as a service: `sealgate gateway start` ---
export { startGateway, ServerError, DEFAULT_GATEWAY_PORT } from './server.js';
export type { StartGatewayOptions, RunningGateway, ServerErrorCode } from './server.js';
// --- end service ---
// --- nodes: the node CA and the nodes' mTLS listener ---
export { loadNodePki, type NodePki, type NodePkiOptions } from './nodes/pki.js';
export { buildNodeApp } from './nodes/app.js';
// nodes: registry, scheduler, faults, sealed inference (docs/nodes.md)
export { NodeError, NODE_STATUSES, PKI_STATUSES, type NodeErrorCode } from './nodes/errors.js';
export { NodeRegistry, type Heartbeat, type Enrolled } from './nodes/registry.js';
export { Scheduler } from './nodes/scheduler.js';
export { Sweeper, type SweepResult } from './nodes/sweeper.js';
export type { NodeServices } from './nodes/services.js';
export type { Completion } from './nodes/progress.js';
export { caPin, parseToken } from './nodes/tokens.js';
export { limitsFor, fits, wireJob, type WireJob } from './nodes/job-spec.js';
export * from './nodes/records.js';
export { RUN_CONTROL_SUBLEVEL, type ControlRecord, type ControlAction } from './nodes/control.js';
export { InferenceError, INFERENCE_STATUSES, type InferenceErrorCode } from './inference/errors.js';
export { INFERENCES_SUBLEVEL, type InferenceRecord, type InferenceState } from './inference/record.js';
// Quotes, runs, their state machine and events, ratings (docs/runs.md, docs/ratings.md).
export { RunError, RUN_STATUSES, type RunErrorCode } from './runs/errors.js';
export { RUN_EVENTS, RUN_STATES, FINAL_STATES, decide, isFinal, targetOf } from './runs/machine.js';
export type { RunEvent, Decision } from './runs/machine.js';
export { RunService, type RunPage, type RunServiceDeps } from './runs/service.js';
export type { TransitionDetails, MetricInput } from './runs/details.js';
export { RUN_EVENTS_SUBLEVEL, RunEventLog } from './runs/events.js';
export type { RunEventRecord, RunStateEvent, RunMetricEvent, RunEventListener } from './runs/events.js';
export { RUN_PARTIES_SUBLEVEL, type QuoteRequest } from './runs/orders.js';
export { priceRun, usedTokens, type PriceInput, type RunUsed } from './runs/price.js';
export {
  escrowTransaction,
  settleTransaction,
  refundTransaction,
  userAccount,
  escrowAccount,
} from './runs/effects.js';
export { TokenRate, type StoredRate } from './runs/rate.js';
export { NODES_SUBLEVEL, storeNodeDirectory, type NodeDirectory, type NodeOffer } from './runs/nodes.js';
export { QUOTES_SUBLEVEL, RUNS_SUBLEVEL } from './runs/record.js';
export type { QuoteRecord, RunRecord, RunState, Price } from './runs/record.js';
export { RatingError, RATING_STATUSES, type RatingErrorCode } from './ratings/errors.js';
export {
  RATINGS_SUBLEVEL,
  rateRun,
  ratingsOfRun,
  type RatingRecord,
  type RatingInput,
} from './ratings/service.js';
export {
  RATING_SUMMARIES_SUBLEVEL,
  readSummary,
  summarize,
  type RatingSummary,
  type RatingSide,
} from './ratings/summary.js';
// --- the key broker: nonces, evidence, key release, seller custody, audit (docs/broker.md) ---
export * from './broker/index.js';
// --- end broker ---
// --- buyer hyperparameters (docs/hyperparameters.md) ---
export {
  checkHyperparameters,
  HyperparametersSchema,
  HYPERPARAMETERS_MAX_BYTES,
  HYPERPARAMETERS_MAX_KEYS,
  HYPERPARAMETER_KEY,
  type Hyperparameters,
} from './runs/hyperparameters.js';
// --- end hyperparameters ---
// --- the egress guard, its log and the seller's flags (docs/guard.md) ---
export * from './guard/index.js';
export type { RunLogEvent, RunFlagEvent } from './runs/events.js';
// the canary audit (docs/audit.md)
export * from './audit/index.js';
// operations: Prometheus metrics (docs/operations.md)
export {
  formatMetrics,
  countBy,
  PROMETHEUS_CONTENT_TYPE,
  type Metric,
  type Sample,
} from './ops/prometheus.js';
export { gatewayMetrics } from './ops/metrics.js';
// --- issue 6 economics (pure, gateway/economics/; each concern adds its lines to its index) ---
export * from './economics/index.js';
// --- bonds, penalties and placement (docs/bonds-and-placement.md) ---
export { BondService } from './bonds/service.js';
export { bondAccount, debtAccount, type BondDeps } from './bonds/shared.js';
export { type BondOutcome, type BondStatus } from './bonds/bond.js';
export {
  REQUEST_IDS_SUBLEVEL,
  REQUEST_ID_STATUSES,
  RequestIdError,
  ledgerKeyBase,
  type RequestIdErrorCode,
  type RequestParams,
  type RequestRecord,
} from './auth/request-ids.js';
export type { DebtRepayment } from './bonds/debt.js'; // the block rewards' debt hook (docs/rewards.md)
export {
  PENALTIES_SUBLEVEL,
  OPEN_PENALTIES_SUBLEVEL,
  NODE_PENALTIES_SUBLEVEL,
  penaltyId,
  penaltyProposalOps,
  nodePenalties,
  openPenalties,
  type PenaltyProposal,
  type PenaltyRecord,
  type PenaltyState,
  type PenaltyTaking,
} from './bonds/records.js';
export {
  PlacementSnapshot,
  placementNode,
  placementRequest,
  placementSnapshot,
  type PlacementViewDeps,
} from './bonds/placement-view.js';
export { placementDirectory, QUOTE_CANDIDATES, type PlacementDirectoryDeps } from './bonds/directory.js';
// the placement directory in memory
export { PlacementIndex } from './bonds/placement-index.js';
export { snapshotOf, type PlacementInputs } from './bonds/placement-view.js';
export { forgedPending } from './bonds/shared.js';
export { NODE_FAULT_CODES } from './nodes/progress.js';
export { FORGED_EVIDENCE_CODES } from './broker/refusal.js';
// --- end bonds ---
// --- rewards: emission, block rewards, deployment records (docs/rewards.md) ---
export * from './rewards/index.js';
// --- end rewards ---
// pricing (docs/pricing.md): unit costs, speeds, resource-based charges
export {
  ADJUSTMENTS_SUBLEVEL,
  PricingService,
  SPEEDS_SUBLEVEL,
  UNIT_COSTS_SUBLEVEL,
  realEvery,
  type AdjustmentRecord,
  type CurrentUnitCost,
  type Every,
  type UnitCostRecord,
} from './pricing/service.js';
export { byUseInput } from './pricing/by-use.js';
