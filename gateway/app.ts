/**
 * `buildApp(options)`: the gateway as a fastify instance, separate from
 * `listen` so tests drive it with `app.inject()` (STYLE.md, fastify's Testing
 * guide). Every feature is a plugin; the shared context is decorated once and
 * the database closes in onClose, after in-flight requests have finished.
 */
import { join } from 'node:path';
import Fastify from 'fastify';
import { bytesToBase64 } from '../attest/index.js';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AccountRegistry, ACCOUNT_STATUSES } from './accounts/registry.js';
import { accountRoutes } from './accounts/routes.js';
import { brokerRoutes } from './broker/routes.js';
import { DatasetCatalog } from './datasets/catalog.js';
import { DATASET_STATUSES } from './datasets/errors.js';
import { datasetRoutes } from './datasets/routes.js';
import { ModelCatalog } from './models/catalog.js';
import { MODEL_STATUSES } from './models/errors.js';
import { modelRoutes } from './models/routes.js';
import { BlobStore } from './blobs/index.js';
import { BLOB_STATUSES, blobRoutes } from './blobs/routes.js';
import { LEDGER_STATUSES, ledgerRoutes } from './ledger/routes.js';
import { LevelNonceStore } from './auth/nonce-store.js';
import { installSigned } from './auth/signed.js';
import type { GatewayContext } from './context.js';
import { registerStatuses } from './errors.js';
import { installErrorHandlers } from './http/error-handler.js';
import { installJsonParser } from './http/json-body.js';
import { validatorCompiler } from './http/validation.js';
import { loadIdentity } from './identity.js';
import { openapiPlugin } from './openapi.js';
import { opsPlugin } from './ops/plugin.js';
import { metricsPlugin } from './ops/metrics.js';
import type { GatewayOptions } from './options.js';
import { normalizeOptions } from './options.js';
import { Store } from './store/index.js';
// runs, quotes, ratings and the ledger
import { Ledger } from './ledger/index.js';
import { RATING_STATUSES } from './ratings/errors.js';
import { ratingRoutes } from './ratings/routes.js';
import { RUN_STATUSES } from './runs/errors.js';
import { TokenRate } from './runs/rate.js';
import { rateRoutes } from './runs/rate-routes.js';
import { runRoutes } from './runs/routes.js';
import { RunService } from './runs/service.js';
import { runEventRoutes } from './runs/sse.js';
// nodes, jobs, faults and sealed inference
import { nodeAdminRoutes } from './nodes/admin-routes.js';
import { NODE_STATUSES, PKI_STATUSES } from './nodes/errors.js';
import { createNodeServices } from './nodes/services.js';
import { AUDIT_STATUSES } from './audit/errors.js';
import { INFERENCE_STATUSES } from './inference/errors.js';
import { inferenceRoutes } from './inference/routes.js';
// the key broker
import { BROKER_STATUSES } from './broker/errors.js';
import { createKeyBroker } from './broker/create.js';
// the egress guard
import { EgressGuard, EgressLog, GUARD_STATUSES, gatewayScanners, guardRoutes } from './guard/index.js';
// verification reports
import {
  VERIFICATION_STATUSES,
  VerificationService,
  guardEgressLogs,
  gatewayAudits,
} from './verification/index.js';
import { verificationRoutes } from './verification/index.js';
// bonds, penalties and placement
import { BOND_STATUSES } from './economics/index.js';
import { placementDirectory } from './bonds/directory.js';
import { PlacementIndex } from './bonds/placement-index.js';
import { bondRoutes } from './bonds/routes.js';
import { REQUEST_ID_STATUSES } from './auth/request-ids.js';
import { BondService } from './bonds/service.js';
// block rewards and deployment records
import { REWARD_STATUSES, RewardService, rewardRoutes } from './rewards/index.js';
// unit costs and by-use charges
import { PRICING_STATUSES } from './economics/index.js';
import { PricingService } from './pricing/service.js';
import { pricingRoutes } from './pricing/routes.js';

registerStatuses(ACCOUNT_STATUSES);
registerStatuses(DATASET_STATUSES);
registerStatuses(MODEL_STATUSES);
registerStatuses(BLOB_STATUSES);
registerStatuses(LEDGER_STATUSES);
registerStatuses(RUN_STATUSES);
registerStatuses(RATING_STATUSES);
registerStatuses(NODE_STATUSES);
registerStatuses(PKI_STATUSES);
registerStatuses(INFERENCE_STATUSES);
registerStatuses(BROKER_STATUSES);
registerStatuses(GUARD_STATUSES);
registerStatuses(VERIFICATION_STATUSES);
registerStatuses(AUDIT_STATUSES);
registerStatuses(BOND_STATUSES);
registerStatuses(REQUEST_ID_STATUSES);
registerStatuses(REWARD_STATUSES);
registerStatuses(PRICING_STATUSES);

/** Build the gateway's public API app over the data directory in `options`. */
export async function buildApp(options: GatewayOptions): Promise<FastifyInstance> {
  const opts = normalizeOptions(options);
  const store = await Store.open(opts.dataDir);
  // What to close, last opened first, whether the build succeeds (onClose) or fails (catch).
  const closers: (() => Promise<void>)[] = [() => store.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    const identity = await loadIdentity(opts.dataDir);
    const accounts = new AccountRegistry(store);
    await accounts.ensure({
      id: identity.operator.keyId,
      publicKey: bytesToBase64(identity.operator.keyPair.publicKey),
      roles: ['operator'],
      name: 'operator',
      createdAt: opts.now().toISOString(),
    });
    const nonces = new LevelNonceStore(store, opts.now);
    const blobs = await BlobStore.open(join(opts.dataDir, 'blobs'), { maxBytes: opts.blobMaxBytes });
    closers.push(() => blobs.close());
    const signatures = { accounts, nonces, now: opts.now, skewSeconds: opts.skewSeconds };
    // catalog: the listing index is rebuilt from LevelDB here
    const datasets = await DatasetCatalog.open(store, opts.now);
    const models = new ModelCatalog(store, opts.now);
    // runs, quotes and the ledger
    const ledger = await Ledger.open(store, {
      now: opts.now,
      signer: identity.gateway.keyPair,
      signerKeyId: identity.gateway.keyId,
    });
    const tokenRate = await TokenRate.open(store, opts.tokenRate);
    // bonds and penalties; placement reads every node for the scheduler and the quotes
    const bonds = new BondService({ store, ledger, economics: opts.economics, now: opts.now });
    // the directory is read once here and follows every write (docs/bonds-and-placement.md)
    const placementIndex = await PlacementIndex.open({
      store,
      ledger,
      economics: opts.economics,
      now: opts.now,
      nodeTimeoutSeconds: opts.nodeTimeoutSeconds,
    });
    closers.push(() => Promise.resolve(placementIndex.close()));
    const placement = () => placementIndex.snapshot();
    let queued = (): number => 0; // the scheduler's queue, once it exists (below)
    // block rewards: emission into the mining pool, rewards, then the seal;
    // a reward repays its node's debt first, in the block's commit (docs/rewards.md)
    const rewards = await RewardService.open({
      store,
      ledger,
      now: opts.now,
      economics: opts.economics,
      debts: bonds,
    });
    const pricing = new PricingService(store, opts.now);
    const runs = new RunService({
      store,
      ledger,
      now: opts.now,
      rate: tokenRate,
      economics: opts.economics,
      nodes: placementDirectory({
        snapshot: placement,
        queued: () => queued(),
        jobLimitCaps: opts.jobLimitCaps,
      }),
      quoteTtlSeconds: opts.quoteTtlSeconds,
      pricing,
    });
    // nodes, jobs and faults
    const nodes = createNodeServices({
      store,
      accounts,
      runs,
      blobs,
      identity,
      options: opts,
      placement,
      bonds,
      pricing,
    });
    queued = () => nodes.scheduler.queued;
    // the egress guard: every egress record of every run and inference
    const egressLog = new EgressLog(store, identity); // shared with the verifications
    const scanners = opts.egressScanners ?? gatewayScanners(blobs, identity.broker.secretKey);
    const guard = new EgressGuard({ store, runs, log: egressLog, scanners, now: opts.now });
    const context: GatewayContext = {
      options: opts,
      now: opts.now,
      store,
      identity,
      accounts,
      signatures,
      economics: opts.economics,
      blobs,
      datasets,
      models,
      // runs, quotes and the ledger
      ledger,
      tokenRate,
      runs,
      // nodes, jobs and faults
      nodes,
      // the key broker
      broker: createKeyBroker({ store, now: opts.now, runs, identity, options: opts }),
      // the egress guard
      guard,
      bonds,
      // block rewards
      rewards,
      // unit costs
      pricing,
    };

    const app = Fastify({
      ...(typeof opts.logger === 'boolean' ? { logger: opts.logger } : { loggerInstance: opts.logger }),
      bodyLimit: opts.bodyLimit,
      return503OnClosing: true,
      forceCloseConnections: 'idle',
    }).withTypeProvider<TypeBoxTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    installErrorHandlers(app);
    installJsonParser(app);
    app.decorate('gateway', context);
    installSigned(app, signatures);

    // Request nonces and the broker's key-release nonces past their windows are dropped hourly-ish.
    const prune = setInterval(() => {
      void nonces.prune().catch(() => undefined);
      void context.broker.nonces.prune().catch(() => undefined);
    }, 60_000);
    prune.unref();
    app.addHook('onClose', () => clearInterval(prune));
    // runs, quotes and the ledger: seal ledger blocks on the interval (DESIGN.md 9),
    // each after its emission and rewards
    const sealEvery = Math.min(opts.blockIntervalMs, 2 ** 31 - 1); // setInterval caps at 2^31-1 ms
    const seal = setInterval(() => void rewards.closeBlock().catch(() => undefined), sealEvery);
    seal.unref();
    app.addHook('onClose', () => clearInterval(seal));
    // unit costs: re-balanced on the operator's interval (DESIGN.md 9)
    const stopAdjusting = pricing.start(opts.unitCostAdjustMs);
    app.addHook('onClose', () => stopAdjusting());
    // verification reports: the guard's egress logs and the canary audit
    const verifications = new VerificationService({
      store,
      runs,
      now: opts.now,
      signer: identity.gateway,
      profile: opts.broker.profile,
      verifiers: opts.broker.verifiers,
      egress: guardEgressLogs({ guard, log: egressLog, scanners, datasets, now: opts.now }),
      audit: gatewayAudits({ audit: { store, scheduler: nodes.scheduler, now: opts.now }, runs, datasets }),
    });
    app.addHook('onClose', () => verifications.settled());
    // Last: the timers above are stopped before the blob store and database close.
    app.addHook('onClose', closeAll);

    await app.register(openapiPlugin);
    await app.register(opsPlugin);
    // before every route, so its response counter sees them all
    if (opts.metrics) await app.register(metricsPlugin);
    await app.register(accountRoutes);
    await app.register(brokerRoutes);
    await app.register(datasetRoutes);
    await app.register(modelRoutes);
    await app.register(blobRoutes);
    await app.register(ledgerRoutes);
    // runs, quotes, ratings
    await app.register(runRoutes);
    await app.register(runEventRoutes);
    await app.register(rateRoutes);
    await app.register(ratingRoutes);
    // nodes, jobs, faults and sealed inference
    await app.register(nodeAdminRoutes);
    await app.register(inferenceRoutes);
    // the egress guard: the seller's flags
    await app.register(guardRoutes);
    await app.register(verificationRoutes, { service: verifications });
    await app.register(bondRoutes, { service: bonds });
    await app.register(rewardRoutes);
    await app.register(pricingRoutes);
    await app.ready();
    return app;
  } catch (err) {
    await closeAll();
    throw err;
  }
}
