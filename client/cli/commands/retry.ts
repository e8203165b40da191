/**
 * Safe retries for the money-moving commands (`node bond`, `node unbond`,
 * `admin credit`; docs/protocols.md "Retrying money-moving requests"). Each
 * invocation sends a request id, `--request-id ID` or a fresh random one.
 * When the outcome is unknown (the connection dropped after the request was
 * sent, the gateway answered 5xx or a reply that does not parse), the
 * one-line error names the id: re-running with it applies the request at
 * most once. A refusal (4xx) or a connection never made is a known outcome:
 * nothing moved, and the error is passed on as it is.
 */
import { isSealgateError } from '../../../attest/envelope/index.js';
import { GatewayRequestError } from '../../sdk/gateway-client.js';
import { newRequestId } from '../../sdk/bonds.js';
import type { ParsedArgs } from '../command.js';
import { CliError } from '../command.js';
import { optionalString } from './session.js';

/** `--request-id` when given (CLI_USAGE when malformed), else a fresh random id. */
export function requestIdOf(args: ParsedArgs): string {
  const given = optionalString(args, 'request-id');
  if (given === undefined) return newRequestId();
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(given))
    throw new CliError('CLI_USAGE', '--request-id must be 16 to 64 of A-Z a-z 0-9 _ -');
  return given;
}

// Errors from the socket layer that mean the request was never sent (Node's errno codes).
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

function neverSent(err: unknown): boolean {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_SENT.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Whether the gateway may have applied a request that failed with `err`. */
export function outcomeUnknown(err: unknown): boolean {
  if (!(err instanceof GatewayRequestError)) return false;
  if (err.code === 'CLIENT_UNREACHABLE') return !neverSent(err.cause);
  return err.code === 'CLIENT_BAD_REPLY' || err.status >= 500;
}

/**
 * Run the request `send`; when it fails with an unknown outcome, throw
 * CLIENT_OUTCOME_UNKNOWN whose one-line message says how to retry with
 * `requestId` (the original error is its cause).
 */
export async function withRetryHint<T>(requestId: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (!outcomeUnknown(err)) throw err;
    const what = isSealgateError(err) ? `${err.message.split('\n')[0] ?? ''} (${err.code})` : 'failed';
    throw new GatewayRequestError(
      'CLIENT_OUTCOME_UNKNOWN',
      `${what}: it may or may not have applied; re-run with --request-id ${requestId} to retry without posting twice`,
      err instanceof GatewayRequestError ? err.status : 0,
      { cause: err },
    );
  }
}

/** The line a repeat of an applied request adds to the command's output. */
export function replayNote(requestId: string, replayed: boolean | undefined): string {
  return replayed === true ? `\n(request ${requestId} had already applied: nothing moved this time)` : '';
}
