/**
 * What every gateway feature shares, decorated once on the root instance as
 * `app.gateway` (STYLE.md: shared resources are decorated once and closed in
 * onClose). Features read collaborators from here; nothing is global.
 */
import type { EconomicsParameters } from '../policies/index.js';
import type { AccountRegistry } from './accounts/registry.js';
import type { SignatureCheckOptions } from './auth/signed.js';
import type { BlobStore } from './blobs/index.js';
import type { DatasetCatalog } from './datasets/catalog.js';
import type { ModelCatalog } from './models/catalog.js';
import type { GatewayIdentity } from './identity.js';
import type { NormalizedOptions } from './options.js';
import type { Store } from './store/index.js';
// runs, quotes and the ledger
import type { Ledger } from './ledger/index.js';
import type { TokenRate } from './runs/rate.js';
import type { RunService } from './runs/service.js';
// nodes, jobs and faults
import type { NodeServices } from './nodes/services.js';
// the key broker
import type { KeyBroker } from './broker/broker.js';
// the egress guard
import type { EgressGuard } from './guard/guard.js';
// bonds and penalties
import type { BondService } from './bonds/service.js';
// block rewards
import type { RewardService } from './rewards/service.js';
// unit costs
import type { PricingService } from './pricing/service.js';

export interface GatewayContext {
  readonly options: NormalizedOptions;
  readonly now: () => Date;
  readonly store: Store;
  readonly identity: GatewayIdentity;
  readonly accounts: AccountRegistry;
  readonly signatures: SignatureCheckOptions;
  readonly economics: EconomicsParameters;
  readonly blobs: BlobStore;
  // catalog: datasets (with the in-memory listing index) and models
  readonly datasets: DatasetCatalog;
  readonly models: ModelCatalog;
  // runs, quotes and the ledger
  /** The double-entry ledger (gateway/ledger/). */
  readonly ledger: Ledger;
  /** The fiat-to-token rate quotes are priced at. */
  readonly tokenRate: TokenRate;
  /** Quotes, runs and their state machine; the node API and the guard call `runs.transition`. */
  readonly runs: RunService;
  // nodes, jobs and faults
  /** The node registry (and its CA), the scheduler and the fault sweeper (docs/nodes.md). */
  readonly nodes: NodeServices;
  // the key broker
  /** Nonces, evidence judgement and key release, seller custody (gateway/broker/, docs/broker.md). */
  readonly broker: KeyBroker;
  // the egress guard
  /** Every egress record of every run and inference: schema, budget, scan, log (gateway/guard/). */
  readonly guard: EgressGuard;
  // bonds and penalties
  /** Bonds, penalties (appeal window, debt) and the penalty tick (docs/bonds-and-placement.md). */
  readonly bonds: BondService;
  // block rewards
  /** Emission, block rewards and the seal of each block (gateway/rewards/, docs/rewards.md). */
  readonly rewards: RewardService;
  // unit costs
  /** Measured speeds, adjusted unit costs and their adjustments (gateway/pricing/, docs/pricing.md). */
  readonly pricing: PricingService;
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly gateway: GatewayContext;
  }
}
