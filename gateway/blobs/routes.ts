/**
 * `PUT /v1/blobs/:digest`: stream ciphertext (a dataset envelope, a
 * fingerprint index) or a model image archive into the blob store. The
 * request is signed like any other, but its Content-Digest must be the blob's
 * own SHA-256, so the signature is checked against the address before a byte
 * is read, and the store checks the streamed bytes against the same digest
 * (docs/blobs.md). Nothing is buffered: memory stays flat for any size.
 * Downloads are for enrolled nodes only, on the nodes' mTLS listener.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { BlobStore, PutResult } from './store.js';
import { BodySha256 } from '../../attest/index.js';
import { hasRole } from '../accounts/registry.js';
import { verifySigned } from '../auth/signed.js';
import { GatewayError } from '../errors.js';
import { ErrorReply } from '../http/schemas.js';
import { digestHex, parseBlobDigest } from './digest.js';
import { BlobError } from './errors.js';

/** `:digest` of the blob routes (the grammar of gateway/blobs/digest.ts). */
export const DigestParams = Type.Object(
  { digest: Type.String({ pattern: '^sha256:[0-9a-f]{64}$', description: "the blob's SHA-256" }) },
  { additionalProperties: false },
);
const Stored = Type.Object({ digest: Type.String(), size: Type.Integer(), created: Type.Boolean() });

export const BLOB_STATUSES = {
  BLOB_BAD_DIGEST: 400,
  BLOB_DIGEST_MISMATCH: 400,
  BLOB_TOO_LARGE: 413,
  BLOB_LENGTH_MISMATCH: 400,
  BLOB_ABORTED: 400,
  BLOB_NOT_FOUND: 404,
} as const;

/**
 * Stream an upload's raw body into the store under `digest` (the public
 * upload and the nodes' upload of sealed outputs alike). A refusal once
 * reading began closes the connection, since the store has destroyed the
 * request.
 */
export async function putUpload(
  blobs: BlobStore,
  digest: string,
  request: { readonly headers: IncomingHttpHeaders; readonly raw: IncomingMessage },
  reply: { header(name: string, value: string): unknown },
): Promise<PutResult> {
  const declared = request.headers['content-length'];
  const length = declared === undefined ? undefined : Number(declared);
  try {
    return await blobs.put(digest, request.raw, {
      ...(length !== undefined && Number.isSafeInteger(length) ? { length } : {}),
    });
  } catch (err) {
    if (err instanceof BlobError) reply.header('connection', 'close');
    throw err;
  }
}

export const blobRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { blobs, signatures, accounts } = app.gateway;
  // Leave the body unread: the handler streams request.raw into the store.
  app.addContentTypeParser('application/octet-stream', (_request, _payload, next) => next(null, undefined));

  app.put(
    '/v1/blobs/:digest',
    {
      schema: {
        summary: 'Upload a blob (application/octet-stream), addressed by its SHA-256',
        description: 'Content-Digest must be the sha-256 of the body, which is the digest in the path.',
        tags: ['blobs'],
        security: [{ httpSignature: [] }],
        params: DigestParams,
        response: { 200: Stored, 201: Stored, '4xx': ErrorReply },
      },
      preValidation: async (request) => {
        // The signed Content-Digest must be the address itself (a bad one is BLOB_BAD_DIGEST).
        const digest = parseBlobDigest((request.params as { digest?: string }).digest ?? '');
        const verified = await verifySigned(request, signatures, {
          body: new BodySha256(Buffer.from(digestHex(digest), 'hex')),
        });
        const account = await accounts.get(verified.keyId);
        if (!hasRole(account, ['seller', 'publisher'])) {
          throw new GatewayError('AUTH_FORBIDDEN', 'this needs the seller or publisher role');
        }
        request.account = account;
      },
    },
    async (request, reply) => {
      const stored = await putUpload(blobs, request.params.digest, request, reply);
      return reply.code(stored.created ? 201 : 200).send(stored);
    },
  );
  done();
};
