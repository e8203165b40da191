/**
 * The nodes' API (DESIGN.md 3, 6.3): a separate fastify instance on its own
 * port, mutual TLS only. OpenSSL refuses a client without a certificate from
 * the node CA during the handshake; every request is then checked again with
 * attest's verifyNodeCertificate (node identity, validity, revocation), since
 * OpenSSL knows nothing of our revocation list, and revoking a node also
 * closes its open connections. Accounts never appear here: nodes see run ids,
 * blob digests and image digests only.
 */
import type { TLSSocket } from 'node:tls';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { VerifiedNodeCertificate } from '../../attest/index.js';
import { isSealgateError, verifyNodeCertificate } from '../../attest/index.js';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import { installErrorHandlers } from '../http/error-handler.js';
import { validatorCompiler } from '../http/validation.js';
import type { NodePki } from './pki.js';
import { nodeBlobRoutes } from './blob-routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified node of a request on the nodes' listener. */
    node?: VerifiedNodeCertificate;
  }
}

/** Build the nodes' mTLS app over the gateway's shared context. */
export async function buildNodeApp(context: GatewayContext, pki: NodePki): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    https: {
      key: pki.server.keyPem,
      cert: pki.server.certPem,
      ca: [pki.ca.certPem],
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.3',
    },
    forceCloseConnections: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  installErrorHandlers(app);
  app.decorate('gateway', context);
  app.decorateRequest('node', undefined);

  app.addHook('onRequest', (request, _reply, next) => {
    const socket = request.raw.socket as TLSSocket;
    try {
      request.node = verifyNodeCertificate(socket.getPeerCertificate(true).raw, {
        caCertPem: pki.ca.certPem,
        revocations: pki.revocations,
        now: context.now(),
      });
    } catch (err) {
      if (!isSealgateError(err)) return next(err as Error);
      return next(new GatewayError('AUTH_NOT_NODE', `not an enrolled node: ${err.message}`, { cause: err }));
    }
    next();
  });

  await app.register(nodeBlobRoutes);
  await app.ready();
  return app;
}
