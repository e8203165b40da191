/**
 * Model routes (DESIGN.md 5 step 2): a publisher publishes model.json with the
 * image id nodes run, and optionally the stored `docker save` archive nodes
 * load it from; anyone lists and reads models; the publisher deprecates.
 * The archive is checked now only for being stored: its image id is checked
 * by the node after `docker load`, and evidence measures the id that runs
 * (docs/catalog.md, "Images and archives").
 */
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { ModelDescriptor } from '../../policies/index.js';
import { PolicyError, parseModelDescriptor } from '../../policies/index.js';
import { caller } from '../auth/signed.js';
import { belowPriceFloor } from '../datasets/price.js';
import { ModelError } from './errors.js';
import {
  ErrorReply,
  ListModelsQuery,
  ModelIdParams,
  ModelPage,
  ModelSchema,
  PublishModelBody,
} from './schemas.js';

/** Parse model.json; a bad field is named by its pointer in the request body (`/descriptor/...`). */
function parseDescriptorField(input: unknown): ModelDescriptor {
  try {
    return parseModelDescriptor(input);
  } catch (err) {
    if (err instanceof PolicyError) {
      throw new PolicyError(`/descriptor${err.path}`, err.message.slice(err.message.indexOf(': ') + 2));
    }
    throw err;
  }
}

export const modelRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { models, blobs, economics } = app.gateway;

  app.post(
    '/v1/models',
    {
      preValidation: app.signed(['publisher']),
      schema: {
        summary: 'Publish a model: model.json, its image id, and optionally the stored image archive',
        tags: ['models'],
        body: PublishModelBody,
        response: { 201: ModelSchema, '4xx': ErrorReply },
      },
    },
    async (request, reply) => {
      const descriptor = parseDescriptorField(request.body.descriptor);
      for (const field of ['unitCost', 'baseFee'] as const) {
        if (belowPriceFloor(descriptor[field], economics)) {
          throw new ModelError(
            'MODEL_PRICE_BELOW_FLOOR',
            `descriptor.${field} ${descriptor[field]} is below the floor of ${economics.fiat.priceFloor}`,
          );
        }
      }
      let archive: { digest: string; size: number } | undefined;
      if (request.body.archive) {
        const { digest } = request.body.archive;
        const found = await blobs.stat(digest);
        if (!found) {
          throw new ModelError(
            'MODEL_ARCHIVE_MISSING',
            `blob ${digest} is not stored: upload the archive first`,
          );
        }
        archive = { digest, size: found.size };
      }
      const image = { digest: request.body.image.digest, ...(archive ? { archive } : {}) };
      return reply.code(201).send(await models.publish(caller(request).id, descriptor, image));
    },
  );

  app.get(
    '/v1/models',
    {
      schema: {
        summary: 'Models, newest first, filtered by publisher or name; deprecated ones only when asked',
        tags: ['models'],
        querystring: ListModelsQuery,
        response: { 200: ModelPage, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const { limit = 50, cursor, publisher, name, deprecated } = request.query;
      return models.page(
        {
          ...(publisher === undefined ? {} : { publisher }),
          ...(name === undefined ? {} : { name }),
          ...(deprecated === undefined ? {} : { deprecated }),
        },
        limit,
        cursor,
      );
    },
  );

  app.get(
    '/v1/models/:id',
    {
      schema: {
        summary: 'A model',
        tags: ['models'],
        params: ModelIdParams,
        response: { 200: ModelSchema, '4xx': ErrorReply },
      },
    },
    async (request) => models.get(request.params.id),
  );

  app.post(
    '/v1/models/:id/deprecate',
    {
      preValidation: app.signed(['publisher']),
      schema: {
        summary: 'Deprecate your model: it can no longer be quoted; runs in flight finish',
        tags: ['models'],
        params: ModelIdParams,
        response: { 200: ModelSchema, '4xx': ErrorReply },
      },
    },
    async (request) => models.deprecate(caller(request).id, request.params.id),
  );
  done();
};
