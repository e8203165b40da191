/**
 * The JSON body parser. It keeps the exact bytes received (`request.rawBody`)
 * because a signed request's Content-Digest covers the body as sent
 * (RFC 9530), and parsing then re-serialising would not reproduce it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received, for signature checks; undefined when there was none. */
    rawBody?: Buffer;
  }
}

/** Replace fastify's JSON parser with one that keeps the raw bytes. */
export function installJsonParser(app: FastifyInstance): void {
  // fastify's own parser refuses `__proto__` and `constructor.prototype` keys (prototype poisoning).
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
      request.rawBody = body;
      if (body.length === 0) return done(new GatewayError('HTTP_BAD_JSON', 'the body is empty'));
      void parse(request, body.toString('utf8'), (err, value) => {
        if (err) done(new GatewayError('HTTP_BAD_JSON', 'the body is not valid JSON'));
        else done(null, value);
      });
    },
  );
}
