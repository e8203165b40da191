/** gateway/: see DESIGN.md section 3. Imports only attest/ and policies/. */
export { createLogger } from './log.js';
export { buildApp } from './app.js';
export type { GatewayOptions } from './options.js';
export type { GatewayContext } from './context.js';
export { GatewayError, type GatewayErrorCode, registerStatuses, statusOf } from './errors.js';
export { AccountError, ROLES, type Account, type AccountErrorCode, type Role } from './accounts/registry.js';
export { Store, Mutex, put, del, type BatchOp, type Sublevel } from './store/index.js';

// The double-entry ledger (wt-ledger, DESIGN.md section 9, docs/ledger.md).
export * from './ledger/index.js';

// Quotes, runs, their state machine and events, ratings (wt-runs, docs/runs.md, docs/ratings.md).
export { RunError, RUN_STATUSES, type RunErrorCode } from './runs/errors.js';
export { RUN_EVENTS, RUN_STATES, FINAL_STATES, decide, isFinal, targetOf } from './runs/machine.js';
export type { RunEvent, Decision } from './runs/machine.js';
export { RunService, type RunPage, type RunServiceDeps } from './runs/service.js';
export type { TransitionDetails, MetricInput } from './runs/details.js';
export { RUN_EVENTS_SUBLEVEL, RunEventLog } from './runs/events.js';
export type { RunEventRecord, RunStateEvent, RunMetricEvent, RunEventListener } from './runs/events.js';
export { RUN_PARTIES_SUBLEVEL, type QuoteRequest } from './runs/orders.js';
export { priceRun, usedTokens, type PriceInput } from './runs/price.js';
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
