/** The key broker's public face: the X25519 key that `broker`-custody data keys are wrapped to. */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { bytesToBase64 } from '../../attest/index.js';

export const brokerRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const publicKey = bytesToBase64(app.gateway.identity.broker.publicKey);
  app.get(
    '/v1/broker',
    {
      schema: {
        summary: "The key broker's X25519 public key (wrap a dataset key to it for broker custody)",
        tags: ['broker'],
        response: { 200: Type.Object({ publicKey: Type.String({ description: 'X25519, base64' }) }) },
      },
    },
    () => ({ publicKey }),
  );
  done();
};
