/**
 * Dataset routes (DESIGN.md 5 step 1, issue 3): a seller lists a dataset,
 * changes its price or policy, delists it; anyone browses listings and reads
 * one, with the seller's rating. Reads are public and unsigned and show only
 * the public view (views.ts); writes are signed by the seller.
 */
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { caller } from '../auth/signed.js';
import type { RatingSummary } from '../ratings/summary.js';
import { readSummary } from '../ratings/summary.js';
import type { ListingFilter } from './listing-index.js';
import {
  CreateDatasetBody,
  DatasetIdParams,
  DatasetPage,
  ErrorReply,
  ListDatasetsQuery,
  PatchDatasetBody,
  PublicDataset,
  SellerDataset,
} from './schemas.js';
import {
  checkCanaries,
  checkFingerprintKey,
  checkKey,
  checkPrice,
  parsePolicyField,
  storedBlob,
} from './validate.js';
import { publicView, sellerRatings, sellerView } from './views.js';

export const datasetRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { datasets, models, blobs, economics, identity, store, options } = app.gateway;
  const currency = economics.fiat.currency;

  app.post(
    '/v1/datasets',
    {
      preValidation: app.signed(['seller']),
      bodyLimit: options.listingBodyLimit,
      schema: {
        summary:
          'List a dataset: its description, price, policy, ciphertext blob, wrapped data key, and optionally its fingerprint index (with its wrapped key) and canary set',
        tags: ['datasets'],
        body: CreateDatasetBody,
        response: { 201: SellerDataset, '4xx': ErrorReply },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const policy = parsePolicyField(body.policy);
      checkPrice(body.price, economics);
      checkKey(body.key, policy, identity.broker.secretKey);
      checkFingerprintKey(body.fingerprint, body.fingerprintKey, identity.broker.secretKey);
      const blob = await storedBlob(blobs, body.blob.digest, 'DATASET_BLOB_MISSING');
      const fingerprint = body.fingerprint
        ? await storedBlob(blobs, body.fingerprint.digest, 'DATASET_FINGERPRINT_MISSING')
        : undefined;
      const canaries = body.canaries ? await checkCanaries(blobs, body.canaries) : undefined;
      const record = await datasets.create({
        seller: caller(request).id,
        title: body.title,
        description: body.description,
        schema: body.schema,
        price: body.price,
        policy,
        blob,
        ...(fingerprint ? { fingerprint } : {}),
        ...(body.fingerprintKey ? { fingerprintKey: { wrapped: body.fingerprintKey.wrapped } } : {}),
        ...(canaries ? { canaries } : {}),
        key: body.key,
      });
      return reply.code(201).send(sellerView(record));
    },
  );

  app.get(
    '/v1/datasets',
    {
      schema: {
        summary: 'Listed datasets, newest first, with filters; each with its seller rating',
        tags: ['datasets'],
        querystring: ListDatasetsQuery,
        response: { 200: DatasetPage, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const { limit = 50, cursor, seller, maxPrice, model, q } = request.query;
      const filter: ListingFilter = {
        ...(seller === undefined ? {} : { seller }),
        ...(maxPrice === undefined ? {} : { maxPrice: BigInt(maxPrice) }),
        ...(model === undefined
          ? {}
          : { modelDigest: model.startsWith('sha256:') ? model : (await models.get(model)).image.digest }),
        ...(q === undefined ? {} : { q }),
      };
      const page = datasets.index.page(filter, limit, cursor);
      const ratings = await sellerRatings(
        store,
        page.items.map((d) => d.seller),
      );
      return {
        items: page.items.map((d) => publicView(d, ratings.get(d.seller) as RatingSummary, currency, false)),
        next: page.next,
      };
    },
  );

  app.get(
    '/v1/datasets/:id',
    {
      schema: {
        summary: 'A dataset listing (listed or delisted) with its seller rating and run count',
        tags: ['datasets'],
        params: DatasetIdParams,
        response: { 200: PublicDataset, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const record = await datasets.get(request.params.id);
      return publicView(record, await readSummary(store, record.seller, 'seller'), currency, true);
    },
  );

  app.patch(
    '/v1/datasets/:id',
    {
      preValidation: app.signed(['seller']),
      schema: {
        summary: 'Change the price and/or policy of your listed dataset (runs started later see it)',
        tags: ['datasets'],
        params: DatasetIdParams,
        body: PatchDatasetBody,
        response: { 200: SellerDataset, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const { price, policy: input } = request.body;
      const policy = input === undefined ? undefined : parsePolicyField(input);
      if (price !== undefined) checkPrice(price, economics);
      const record = await datasets.update(caller(request).id, request.params.id, {
        ...(price === undefined ? {} : { price }),
        ...(policy === undefined ? {} : { policy }),
      });
      return sellerView(record);
    },
  );

  app.delete(
    '/v1/datasets/:id',
    {
      preValidation: app.signed(['seller']),
      schema: {
        summary: 'Delist your dataset (idempotent): no new quotes or runs; runs in flight finish',
        tags: ['datasets'],
        params: DatasetIdParams,
        response: { 200: SellerDataset, '4xx': ErrorReply },
      },
    },
    async (request) => sellerView(await datasets.delist(caller(request).id, request.params.id)),
  );
  done();
};
