/**
 * How the CLI reports a failure (issue 7: "errors are one line, say what to do
 * next"): `sealgate: <message>; <hint> (<CODE>)` on stderr, and with --json
 * also `{"error":{"code","message","hint"?}}` on stdout. A stack is printed
 * only with --debug. A message that already says what to do gets no hint.
 */
import { inspect } from 'node:util';
import { isSealgateError } from '../../attest/envelope/index.js';

/** What to do next, by error code. */
const HINTS: Readonly<Record<string, string>> = {
  CLIENT_UNREACHABLE: 'is it running? name it with --gateway URL, SEALGATE_GATEWAY or config.json',
  CLIENT_BAD_REPLY: 'is that URL a sealgate gateway? check --gateway',
  KEYSTORE_NOT_FOUND: "make an account with 'sealgate account create --role ROLE', or pass --home DIR",
  KEYSTORE_EXISTS: "see it with 'sealgate account show', or pass --home DIR for another account",
  ACCOUNT_NOT_FOUND: 'check the id, or register with sealgate account create',
  AUTH_UNSIGNED: 'this key is not registered with this gateway; check --gateway and --home',
  REQUEST_UNKNOWN_KEY: 'this key is not registered with this gateway; check --gateway and --home',
  REQUEST_STALE: "check this machine's clock",
  REQUEST_FUTURE: "check this machine's clock",
  CONFIG_UNREADABLE: 'check its permissions, or pass --home DIR',
  HTTP_RATE_LIMITED: 'wait a minute and retry',
  HTTP_OVERLOADED: 'retry shortly',
  HTTP_SHUTTING_DOWN: 'retry once the gateway is back',
  SERVER_LISTEN: 'pick another --port (0 picks a free one) or --host',
  SERVER_DATA_UNUSABLE: "check the directory's permissions, or pass another --data",
  // --- the market commands ---
  AUTH_FORBIDDEN: "this account lacks the role; see 'sealgate account show' (an operator passes --key-file)",
  POLICY_INVALID: 'fix the named field (docs/policies.md)',
  DATASET_NOT_FOUND: "check the id with 'sealgate dataset ls'",
  DATASET_PRICE_BELOW_FLOOR: 'raise --price (fiat base units) to at least the floor',
  MODEL_NOT_FOUND: "check the id with 'sealgate model ls'",
  MODEL_EXISTS: 'bump version in model.json',
  MODEL_PRICE_BELOW_FLOOR: 'raise unitCost or baseFee in model.json',
  RUN_MODEL_NOT_ALLOWED: "the dataset's seller must allow this model's image digest",
  RUN_INSUFFICIENT_FUNDS: "see 'sealgate ledger balance'; an operator credits with 'sealgate admin credit'",
  RUN_QUOTE_EXPIRED: "ask for a new one with 'sealgate quote'",
  RUN_QUOTE_USED: "see the run with 'sealgate run status', or ask for a new quote",
  RUN_QUOTE_NOT_FOUND: "check the id printed by 'sealgate quote'",
  RUN_NOT_FOUND: 'check the id; only its buyer and seller see a run',
  RATING_NOT_SETTLED: "rate once 'sealgate run status' says settled",
  RATING_ALREADY_RATED: 'each side rates a run once',
  RATING_RUN_NOT_FOUND: 'check the id; only its buyer and seller rate a run',
  LEDGER_STORE_BUSY: 'stop the gateway first, or verify a copy of the directory',
  LEDGER_NO_DATA: "pass the gateway's --data directory",
  ARCHIVE_NO_MANIFEST: "make it with 'docker save IMAGE -o FILE', or pass --image-digest",
  // --- end market ---
  // --- bonds and penalties ---
  BOND_INSUFFICIENT_FUNDS: "see 'sealgate ledger balance'; an operator credits with 'sealgate admin credit'",
  BOND_NOT_MINER:
    "only the node's miner posts, withdraws or reads its bond (an operator reads with --key-file)",
  BOND_RUN_ACTIVE: 'withdraw once the node has finished its jobs',
  BOND_PENALTY_PENDING: "see 'sealgate node bond-status'; withdraw once its penalties are taken or waived",
  PENALTY_NOT_FOUND: "see the node's penalties with 'sealgate node bond-status'",
  PENALTY_NOT_APPEALED:
    'only an appealed penalty is decided; an unappealed one is taken when its window closes',
  NODE_NOT_FOUND: 'check the id printed by sealgate node start',
  // --- end bonds ---
};

/** The next step for `code`, if there is a general one. */
export function hintFor(code: string): string | undefined {
  return HINTS[code];
}

/** A failure as the CLI shows it. */
export interface FailureReport {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

/** Turn anything thrown into a report; unexpected errors say only that they happened. */
export function describeFailure(err: unknown): FailureReport {
  if (!isSealgateError(err)) {
    return { code: 'INTERNAL', message: 'unexpected failure', hint: 'run again with --debug for details' };
  }
  const message = err.message.split('\n')[0] ?? '';
  const hint = hintFor(err.code);
  return hint === undefined ? { code: err.code, message } : { code: err.code, message, hint };
}

/** Write the report: one line on stderr; the JSON document on stdout with --json; the stack with --debug. */
export function reportFailure(
  err: unknown,
  opts: { readonly json: boolean; readonly debug: boolean },
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): void {
  const report = describeFailure(err);
  if (opts.json) stdout.write(JSON.stringify({ error: report }) + '\n');
  const text = report.hint === undefined ? report.message : `${report.message}; ${report.hint}`;
  stderr.write(`sealgate: ${text} (${report.code})\n`);
  if (opts.debug) stderr.write(`${stackOf(err)}\n`);
}

function stackOf(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 5; depth++) {
    parts.push(e instanceof Error ? (e.stack ?? e.message) : typeof e === 'string' ? e : inspect(e));
    e = e instanceof Error ? e.cause : undefined;
    if (e !== undefined) parts.push('caused by:');
  }
  return parts.join('\n');
}
