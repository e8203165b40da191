/**
 * The nodes' API (DESIGN.md 3, 6.3): a separate fastify instance on its own
 * port, TLS 1.3 with client certificates. The TLS server asks every client
 * for a certificate but admits one without, because two routes serve nodes
 * that have none yet: `GET /v1/node/ca` and `POST /v1/node/enroll` (routes
 * with `config.enrollment`). Everything else needs a certificate that OpenSSL
 * chained to the node CA (`socket.authorized`) and that attest's
 * verifyNodeCertificate accepts on this very request (node identity,
 * validity, revocation - OpenSSL knows nothing of our revocation list), else
 * AUTH_NOT_NODE. A presented certificate that does not chain is refused on
 * every route, the enrollment routes included. Accounts never appear here.
 */
import type { TLSSocket } from 'node:tls';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { isSealgateError, verifyNodeCertificate } from '../../attest/index.js';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors.js';
import { installErrorHandlers } from '../http/error-handler.js';
import { installJsonParser } from '../http/json-body.js';
import { validatorCompiler } from '../http/validation.js';
import { nodeBlobRoutes } from './blob-routes.js';
import './peer.js'; // request.node and config.enrollment (the fastify declarations)
import { nodeRoutes } from './node-routes.js';
import { auditNodeRoutes } from '../audit/node-routes.js';
import { inferenceNodeRoutes } from '../inference/node-routes.js';
import { brokerNodeRoutes } from '../broker/node-routes.js';

/** Build the nodes' mTLS app over the gateway's shared context (its node CA: `context.nodes.pki()`). */
export async function buildNodeApp(context: GatewayContext): Promise<FastifyInstance> {
  const pki = await context.nodes.registry.pki();
  const app = Fastify({
    logger: false,
    https: {
      key: pki.server.keyPem,
      cert: pki.server.certPem,
      ca: [pki.ca.certPem],
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
    },
    forceCloseConnections: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  installErrorHandlers(app);
  installJsonParser(app);
  app.decorate('gateway', context);
  app.decorateRequest('node', undefined);

  app.addHook('onRequest', (request, _reply, next) => {
    const socket = request.raw.socket as TLSSocket;
    const peer = socket.getPeerCertificate(true);
    const presented = peer.raw !== undefined;
    if (presented && !socket.authorized) {
      return next(new GatewayError('AUTH_NOT_NODE', 'the client certificate is not from the node CA'));
    }
    if (request.routeOptions.config.enrollment === true) return next();
    try {
      if (!presented) throw new GatewayError('AUTH_NOT_NODE', 'this route needs a node certificate');
      request.node = verifyNodeCertificate(peer.raw, {
        caCertPem: pki.ca.certPem,
        revocations: pki.revocations,
        now: context.now(),
      });
    } catch (err) {
      if (!isSealgateError(err)) return next(err as Error);
      if (err instanceof GatewayError) return next(err);
      return next(new GatewayError('AUTH_NOT_NODE', `not an enrolled node: ${err.message}`, { cause: err }));
    }
    next();
  });

  await app.register(nodeBlobRoutes);
  await app.register(nodeRoutes);
  await app.register(inferenceNodeRoutes);
  await app.register(auditNodeRoutes);
  // the key broker: nonces, evidence and key release (docs/broker.md)
  await app.register(brokerNodeRoutes);
  await app.ready();
  return app;
}
