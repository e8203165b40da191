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
}

declare module 'fastify' {
  interface FastifyInstance {
    readonly gateway: GatewayContext;
  }
}
