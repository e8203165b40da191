/**
 * The catalog through the gateway's API (docs/catalog.md): list a dataset,
 * browse and read listings, publish and browse models, and read the key
 * broker's public key that `broker`-custody data keys are wrapped to. Every
 * reply is checked before it is returned (client/sdk/reply.ts).
 */
import type { DatasetPolicy, ModelDescriptor } from '../../policies/index.js';
import type { GatewayClient } from './gateway-client.js';
import { expectPage, expectShape, isDecimal, queryString } from './reply.js';

/** A column or field of a dataset, as its seller describes it (no data). */
export interface SchemaField {
  readonly name: string;
  readonly type: string;
  readonly description?: string;
}

/** A rating aggregate: count, plain mean and Bayesian score. */
export interface RatingSummary {
  readonly count: number;
  readonly mean: number | null;
  readonly score: number;
}

/** What anyone sees of a listing (no digests, no key id). */
export interface PublicDataset {
  readonly id: string;
  readonly seller: string;
  readonly sellerRating: RatingSummary;
  readonly title: string;
  readonly description: string;
  readonly schema: SchemaField[];
  readonly price: string;
  readonly currency: string;
  readonly policy: DatasetPolicy;
  readonly custody: 'broker' | 'seller';
  readonly size: number;
  readonly fingerprinted: boolean;
  readonly status: 'listed' | 'delisted';
  readonly runs?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What the seller sees of their own listing. */
export interface SellerDataset {
  readonly id: string;
  readonly seller: string;
  readonly title: string;
  readonly price: string;
  readonly policy: DatasetPolicy;
  readonly blob: { readonly digest: string; readonly size: number };
  readonly key: { readonly keyId: string; readonly custody: 'broker' | 'seller' };
  readonly status: 'listed' | 'delisted';
  readonly createdAt: string;
}

/** The body of `POST /v1/datasets`. */
export interface NewListing {
  readonly title: string;
  readonly description: string;
  readonly schema: readonly SchemaField[];
  readonly price: string;
  readonly policy: unknown;
  readonly blob: { readonly digest: string };
  readonly fingerprint?: { readonly digest: string };
  readonly key: { readonly keyId: string; readonly custody: 'broker' | 'seller'; readonly wrapped?: string };
}

/** Filters of `GET /v1/datasets` (docs/catalog.md). */
export interface DatasetQuery {
  readonly seller?: string;
  readonly maxPrice?: string;
  readonly model?: string;
  readonly q?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** A published model (public in full). */
export interface ModelInfo {
  readonly id: string;
  readonly publisher: string;
  readonly descriptor: ModelDescriptor;
  readonly image: {
    readonly digest: string;
    readonly archive?: { readonly digest: string; readonly size: number };
  };
  readonly status: 'published' | 'deprecated';
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Filters of `GET /v1/models`. */
export interface ModelQuery {
  readonly publisher?: string;
  readonly name?: string;
  readonly deprecated?: boolean;
  readonly limit?: number;
  readonly cursor?: string;
}

/** A page of results, newest first; `next` is the cursor of the following page or null. */
export interface Page<T> {
  readonly items: T[];
  readonly next: string | null;
}

function parsePublicDataset(value: unknown): PublicDataset {
  return expectShape(value, 'a dataset', {
    id: 'string',
    seller: 'string',
    sellerRating: 'object',
    title: 'string',
    description: 'string',
    schema: 'array',
    price: isDecimal,
    currency: 'string',
    policy: 'object',
    custody: (v) => v === 'broker' || v === 'seller',
    size: 'number',
    status: 'string',
    createdAt: 'string',
  });
}

function parseModel(value: unknown): ModelInfo {
  return expectShape(value, 'a model', {
    id: 'string',
    publisher: 'string',
    descriptor: 'object',
    image: (v) =>
      typeof v === 'object' && v !== null && typeof (v as { digest?: unknown }).digest === 'string',
    status: 'string',
    createdAt: 'string',
  });
}

/** The key broker's X25519 public key, base64 (`GET /v1/broker`, unsigned). */
export async function brokerPublicKey(client: GatewayClient): Promise<string> {
  const reply = await client.request('GET', '/v1/broker', { signed: false });
  return expectShape<{ publicKey: string }>(reply, 'the broker key', { publicKey: 'string' }).publicKey;
}

/**
 * List a dataset (a signed seller request); the ciphertext blob must already
 * be uploaded. Resolves to the seller's view of the new listing.
 */
export async function publishDataset(client: GatewayClient, listing: NewListing): Promise<SellerDataset> {
  const reply = await client.request('POST', '/v1/datasets', { body: listing, signed: true });
  return expectShape(reply, 'a listing', {
    id: 'string',
    seller: 'string',
    price: isDecimal,
    blob: 'object',
    key: 'object',
    status: 'string',
  });
}

/** A page of listed datasets, newest first (unsigned). */
export async function listDatasets(
  client: GatewayClient,
  query: DatasetQuery = {},
): Promise<Page<PublicDataset>> {
  const reply = await client.request('GET', `/v1/datasets${queryString({ ...query })}`, { signed: false });
  return expectPage(reply, 'datasets', parsePublicDataset);
}

/** One listing, public view, with its run count (unsigned); DATASET_NOT_FOUND when there is none. */
export async function getDataset(client: GatewayClient, id: string): Promise<PublicDataset> {
  const reply = await client.request('GET', `/v1/datasets/${encodeURIComponent(id)}`, { signed: false });
  return parsePublicDataset(reply);
}

/** Publish a model (signed publisher request): `model.json`, the image id and optionally an uploaded archive. */
export async function publishModel(
  client: GatewayClient,
  body: {
    readonly descriptor: unknown;
    readonly image: { digest: string };
    readonly archive?: { digest: string };
  },
): Promise<ModelInfo> {
  return parseModel(await client.request('POST', '/v1/models', { body, signed: true }));
}

/** A page of models, newest first (unsigned). */
export async function listModels(client: GatewayClient, query: ModelQuery = {}): Promise<Page<ModelInfo>> {
  const reply = await client.request('GET', `/v1/models${queryString({ ...query })}`, { signed: false });
  return expectPage(reply, 'models', parseModel);
}

/** One model (unsigned); MODEL_NOT_FOUND when there is none. */
export async function getModel(client: GatewayClient, id: string): Promise<ModelInfo> {
  return parseModel(await client.request('GET', `/v1/models/${encodeURIComponent(id)}`, { signed: false }));
}
