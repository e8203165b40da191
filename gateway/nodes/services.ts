/**
 * The node side's collaborators, made once in buildApp and shared by the
 * public routes (tokens, revocation, listings, buyer controls) and the nodes'
 * mTLS listener (`app.gateway.nodes`).
 */
import { bytesToBase64 } from '../../attest/index.js';
import type { AccountRegistry } from '../accounts/registry.js';
import type { BlobStore } from '../blobs/index.js';
import type { GatewayIdentity } from '../identity.js';
import type { NormalizedOptions } from '../options.js';
import type { RunService } from '../runs/service.js';
import type { Store } from '../store/index.js';
import type { PricingService } from '../pricing/service.js';
import type { ProgressDeps } from './progress.js';
import { NodeRegistry } from './registry.js';
import { Scheduler } from './scheduler.js';
import { Sweeper } from './sweeper.js';
// bonds, penalties and placement
import type { PlacementSnapshot } from '../bonds/placement-view.js';
import type { BondService } from '../bonds/service.js';

export interface NodeServices {
  readonly registry: NodeRegistry;
  readonly scheduler: Scheduler;
  readonly sweeper: Sweeper;
  readonly progress: ProgressDeps;
}

export interface NodeServiceDeps {
  readonly store: Store;
  readonly accounts: AccountRegistry;
  readonly runs: RunService;
  readonly blobs: BlobStore;
  readonly identity: GatewayIdentity;
  readonly options: NormalizedOptions;
  /** Placement for the scheduler, and debt repaid from settlements. */
  readonly placement?: () => Promise<PlacementSnapshot>;
  readonly bonds?: BondService;
  /** Measured speeds for unit costs (issue 6). */
  readonly pricing?: PricingService;
}

/** Make the registry, the scheduler and the sweeper over the shared store. */
export function createNodeServices(deps: NodeServiceDeps): NodeServices {
  const { store, runs, options } = deps;
  const registry = new NodeRegistry(store, deps.accounts, options);
  const scheduler = new Scheduler({
    store,
    runs,
    registry,
    options,
    brokerPublicKey: bytesToBase64(deps.identity.broker.publicKey),
    ...(deps.placement ? { placement: deps.placement } : {}),
  });
  const sweeper = new Sweeper({ store, runs, options, requeued: (id) => scheduler.enqueue(id) });
  const progress = {
    store,
    runs,
    blobs: deps.blobs,
    now: options.now,
    economics: options.economics, // node-fault failures propose penalties
    ...(deps.bonds ? { bonds: deps.bonds } : {}),
    ...(deps.pricing ? { pricing: deps.pricing } : {}), // speeds from receipts
  };
  return { registry, scheduler, sweeper, progress };
}
