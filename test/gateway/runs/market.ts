/**
 * A small market for runs tests: a gateway over a temp dir, a seller, a
 * buyer, a publisher and a miner registered through the real route, one
 * listed dataset and one published model. The catalog's routes live on
 * another branch, so the records are written straight into their sublevels,
 * shaped as gateway/datasets/record.ts and gateway/models/record.ts say
 * (synthetic values; the digests are sha256 of the strings 'dataset' etc.).
 */
import { createHash } from 'node:crypto';
import type { Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { parseDatasetPolicy, parseModelDescriptor } from '../../../policies/index.js';
import type { BatchOp, GatewayOptions } from '../../../gateway/index.js';
import { put } from '../../../gateway/index.js';
import type { DatasetRecord } from '../../../gateway/datasets/record.js';
import { DATASETS_SUBLEVEL } from '../../../gateway/datasets/record.js';
import type { ModelRecord } from '../../../gateway/models/record.js';
import { MODELS_SUBLEVEL } from '../../../gateway/models/record.js';
import { newId } from '../../../gateway/ids.js';
import type { TestAccount, TestGateway } from '../../helpers/gateway.js';
import { gatewayForTest, signedInject } from '../../helpers/gateway.js';

/** A sha256 digest of `text`, in OCI form. */
export function digestOf(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

export const IMAGE = digestOf('model image');

/** The frozen clock of the market. */
export const T0 = new Date('2030-01-01T00:00:00.000Z');

export interface Market {
  readonly gw: TestGateway;
  readonly seller: TestAccount;
  readonly buyer: TestAccount;
  readonly publisher: TestAccount;
  readonly miner: TestAccount;
  readonly dataset: DatasetRecord;
  readonly model: ModelRecord;
  /** Move the frozen clock by `ms`. */
  advance(ms: number): void;
}

/** A dataset record for `seller` (price 100 fiat units, the market's image allowed). */
export function datasetRecord(seller: string, now: Date, over: Partial<DatasetRecord> = {}): DatasetRecord {
  return {
    id: newId('ds', now),
    seller,
    title: 'patients',
    description: 'synthetic',
    schema: [{ name: 'age', type: 'int' }],
    price: '100',
    policy: parseDatasetPolicy({ release: { allowedModels: [IMAGE] } }),
    blob: { digest: digestOf('dataset'), size: 1024 },
    key: { keyId: 'k1', custody: 'seller' },
    status: 'listed',
    runs: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    ...over,
  };
}

/** A model record for `publisher` (unit cost 2, base fee 10, at most 1000 steps). */
export function modelRecord(publisher: string, now: Date, over: Partial<ModelRecord> = {}): ModelRecord {
  return {
    id: newId('mdl', now),
    publisher,
    descriptor: parseModelDescriptor({
      name: 'linreg',
      version: '1.0.0',
      entrypoints: { train: ['/bin/train'] },
      metrics: ['loss'],
      unitCost: '2',
      baseFee: '10',
      maxSteps: 1000,
      benchmark: { steps: 100, seconds: 1 },
    }),
    image: { digest: IMAGE },
    status: 'published',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    ...over,
  };
}

/** Write catalog records as the catalog routes would. */
export async function putCatalog(gw: TestGateway, records: { dataset?: DatasetRecord; model?: ModelRecord }) {
  const { store } = gw.app.gateway;
  const ops: BatchOp[] = [];
  if (records.dataset) ops.push(put(store.sublevel(DATASETS_SUBLEVEL), records.dataset.id, records.dataset));
  if (records.model) ops.push(put(store.sublevel(MODELS_SUBLEVEL), records.model.id, records.model));
  await store.exclusive(() => store.write(ops));
}

/** Mint `amount` tokens to `account` (as `admin credit` will). */
export async function credit(gw: TestGateway, account: string, amount: bigint): Promise<void> {
  await gw.app.gateway.ledger.commit([
    {
      key: `credit:${account}:${newId('rt', new Date())}`,
      kind: 'mint',
      postings: [
        { account: 'mint', amount: -amount },
        { account: `user:${account}`, amount },
      ],
    },
  ]);
}

/** A market with a frozen, movable clock; the buyer holds `funds` tokens. */
export async function marketForTest(
  t: Test,
  funds = 10n ** 12n,
  options: Partial<GatewayOptions> = {},
): Promise<Market> {
  let now = T0.getTime();
  const gw = await gatewayForTest(t, { now: () => new Date(now), ...options });
  const [seller, buyer, publisher, miner] = await Promise.all([
    gw.account('seller'),
    gw.account('buyer'),
    gw.account('publisher'),
    gw.account('miner'),
  ]);
  const dataset = datasetRecord(seller.id, T0);
  const model = modelRecord(publisher.id, T0);
  await putCatalog(gw, { dataset, model });
  if (funds > 0n) await credit(gw, buyer.id, funds);
  return { gw, seller, buyer, publisher, miner, dataset, model, advance: (ms) => void (now += ms) };
}

/** A signed request by `who` at the market's clock. */
export function as(
  m: Market,
  who: TestAccount,
  method: string,
  url: string,
  body?: unknown,
): Promise<LightMyRequestResponse> {
  return signedInject(m.gw.app, { method, url, body, key: who.key, now: m.gw.app.gateway.now() });
}
