/**
 * The node behind a request on the nodes' listener (gateway/nodes/app.ts):
 * app.ts sets `request.node` once attest's verifyNodeCertificate accepted the
 * client certificate; routes read it through {@link nodeOf}. Apart from
 * app.ts so that the route modules it registers do not import it back.
 */
import type { FastifyRequest } from 'fastify';
import type { VerifiedNodeCertificate } from '../../attest/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified node of a request on the nodes' listener. */
    node?: VerifiedNodeCertificate;
  }
  interface FastifyContextConfig {
    /** A route a node without a certificate may call (the CA and enrollment). */
    enrollment?: boolean;
  }
}

/** The verified node of a request on the nodes' listener (a TypeError on an enrollment route). */
export function nodeOf(request: FastifyRequest): VerifiedNodeCertificate {
  if (!request.node) throw new TypeError(`${request.url} has no verified node`);
  return request.node;
}
