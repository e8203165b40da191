/**
 * Account routes: register a key with roles (signed by that very key, so
 * nobody can register someone else's key), show one's own account, and read
 * any account's public profile.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { VerifiedRequest } from '../../attest/index.js';
import { accountId, base64ToBytes } from '../../attest/index.js';
import { verifySigned, caller } from '../auth/signed.js';
import type { Account, Role } from './registry.js';
import { AccountError, SELF_ROLES } from './registry.js';
import { AccountSchema, ErrorReply, RegisterAccountBody, AccountIdParams } from './schemas.js';
// ratings on the public profile
import { profileRatings } from '../ratings/routes.js';
import { ProfileRatingsSchema } from '../ratings/schemas.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signer of a registration (its key is the one being registered). */
    registrant?: VerifiedRequest;
  }
}

export const accountRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { accounts, signatures, now } = app.gateway;

  app.post(
    '/v1/accounts',
    {
      schema: {
        summary: 'Register an account: an Ed25519 public key and its roles (signed by that key)',
        tags: ['accounts'],
        security: [{ httpSignature: [] }],
        body: RegisterAccountBody,
        response: { 201: AccountSchema, '4xx': ErrorReply },
      },
      // The signature is checked first, as on every signed route, against the key in the body.
      preValidation: async (request) => {
        const claimed = (request.body as { publicKey?: unknown } | undefined)?.publicKey;
        const publicKey = typeof claimed === 'string' ? base64ToBytes(claimed) : undefined;
        const id = publicKey?.length === 32 ? accountId(publicKey) : undefined;
        request.registrant = await verifySigned(request, signatures, {
          resolveKey: (keyId) => Promise.resolve(keyId === id ? publicKey : undefined),
        });
      },
    },
    async (request, reply) => {
      const verified = request.registrant;
      if (!verified) throw new TypeError('registration lost its signature check');
      const roles = [...new Set(request.body.roles)] as Role[];
      const refused = roles.find((r) => !SELF_ROLES.includes(r));
      if (refused)
        throw new AccountError('ACCOUNT_ROLE_NOT_ALLOWED', `the ${refused} role cannot be self-assigned`);
      const account: Account = {
        id: verified.keyId,
        publicKey: request.body.publicKey,
        roles,
        ...(request.body.name === undefined ? {} : { name: request.body.name }),
        createdAt: now().toISOString(),
      };
      return reply.code(201).send(await accounts.register(account));
    },
  );

  app.get(
    '/v1/accounts/me',
    {
      preValidation: app.signed(),
      schema: {
        summary: 'The calling account',
        tags: ['accounts'],
        response: { 200: AccountSchema, '4xx': ErrorReply },
      },
    },
    (request) => caller(request),
  );

  app.get(
    '/v1/accounts/:id',
    {
      schema: {
        summary: "An account's public profile",
        tags: ['accounts'],
        params: AccountIdParams,
        response: {
          200: Type.Composite([
            Type.Omit(AccountSchema, ['publicKey']),
            Type.Object({ ratings: ProfileRatingsSchema }),
          ]),
          '4xx': ErrorReply,
        },
      },
    },
    async (request) => ({
      ...(await accounts.get(request.params.id)),
      ratings: await profileRatings(app.gateway.store, request.params.id),
    }),
  );
  done();
};
