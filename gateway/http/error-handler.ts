/**
 * One error handler for the whole app. Typed errors answer with their
 * registered status, code and one-line message; fastify's own errors (bad
 * JSON, schema validation, body limits, content types) are translated to
 * HTTP_* codes; anything else is a bug: logged with its stack, answered 500
 * HTTP_INTERNAL with no detail.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isSealgateError } from '../../attest/index.js';
import { GatewayError, statusOf } from '../errors.js';

/** The body of every error reply. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

const FASTIFY_CODES: Readonly<Record<string, [string, string]>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['HTTP_BAD_JSON', 'the body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['HTTP_BAD_JSON', 'the body is empty'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['HTTP_BODY_TOO_LARGE', 'the body is larger than this route accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'HTTP_UNSUPPORTED_MEDIA_TYPE',
    'this route does not accept that content type',
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['HTTP_INVALID', 'Content-Length does not match the body'],
  FST_ERR_CTP_INVALID_TYPE: ['HTTP_UNSUPPORTED_MEDIA_TYPE', 'the Content-Type header is not valid'],
};

/** Turn any thrown value into a status and a client-safe body. */
export function toErrorReply(err: unknown): { status: number; body: ErrorBody } | undefined {
  if (isSealgateError(err)) {
    const status = statusOf(err.code);
    if (status === undefined) return undefined;
    return { status, body: { error: { code: err.code, message: err.message } } };
  }
  const fe = err as Partial<FastifyError> | undefined;
  if (fe?.validation) {
    const where = fe.validationContext ?? 'request';
    const first = fe.validation[0];
    const path = first?.instancePath ? first.instancePath : '';
    const message = `${where}${path} ${first?.message ?? 'is invalid'}`;
    return { status: 400, body: { error: { code: 'HTTP_INVALID', message } } };
  }
  const mapped = fe?.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) {
    const status = statusOf(mapped[0]) ?? 400;
    return { status, body: { error: { code: mapped[0], message: mapped[1] } } };
  }
  if (fe?.statusCode === 429) {
    return {
      status: 429,
      body: { error: { code: 'HTTP_RATE_LIMITED', message: 'too many requests; slow down' } },
    };
  }
  return undefined;
}

/** Install the error and not-found handlers on the root instance. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = toErrorReply(err);
    if (known) {
      if (known.status >= 500) request.log.warn({ code: known.body.error.code }, 'request refused');
      return reply.code(known.status).send(known.body);
    }
    request.log.error({ err }, 'unexpected error');
    const body: ErrorBody = { error: { code: 'HTTP_INTERNAL', message: 'internal error' } };
    return reply.code(500).send(body);
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const err = new GatewayError('HTTP_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
    return reply.code(404).send({ error: { code: err.code, message: err.message } } satisfies ErrorBody);
  });
}
