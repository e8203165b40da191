/**
 * Client-chosen request ids for the money-moving requests (bond post, bond
 * withdraw, admin credit; docs/protocols.md "Retrying money-moving
 * requests"). A signed request's nonce is single use, so a client whose reply
 * was lost cannot resend it, and a re-signed request would move the money
 * again. With `requestId` in the signed body, the first request that applies
 * records (caller, requestId) -> what it did in the SAME batch as its ledger
 * entries; a repeat with the same parameters finds the record and changes
 * nothing, and the same id with other parameters is REQUEST_ID_REUSED.
 */
import { Type } from '@sinclair/typebox';
import { SealgateError } from '../../attest/index.js';
import type { Ledger } from '../ledger/ledger.js';
import type { LedgerEntry, TransactionInput } from '../ledger/types.js';
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';

/** Applied money-moving requests: `${caller}/${requestId}` -> {@link RequestRecord}. */
export const REQUEST_IDS_SUBLEVEL = 'request-ids';

/** The optional `requestId` body field of the three routes (shown in OpenAPI). */
export const RequestId = Type.String({
  pattern: '^[A-Za-z0-9_-]{16,64}$',
  description:
    'client-chosen id (16-64 of A-Z a-z 0-9 _ -): a repeat with the same id and parameters changes nothing and answers replayed',
});

export type RequestIdErrorCode = 'REQUEST_ID_REUSED';

/** A request id already used by this caller for a request with other parameters. */
export class RequestIdError extends SealgateError<RequestIdErrorCode> {}

/** Each code's HTTP status, registered in gateway/app.ts. */
export const REQUEST_ID_STATUSES = { REQUEST_ID_REUSED: 409 } satisfies Record<RequestIdErrorCode, number>;

/** What makes two requests "the same": the route, what it moves money for, how much and why. */
export interface RequestParams {
  readonly route: 'bond' | 'unbond' | 'credit';
  /** The node (bond, unbond) or the credited account (credit). */
  readonly subject: string;
  /** Base units, decimal. */
  readonly amount: string;
  readonly memo?: string;
}

/** A request that applied, as stored. */
export interface RequestRecord extends RequestParams {
  readonly caller: string;
  readonly requestId: string;
  readonly at: string;
  /** The ledger keys it committed (the result's refs: a replay reads its entries by them). */
  readonly keys: readonly string[];
}

/**
 * The base of a request's ledger keys: `CALLER:rid:ID` with a request id,
 * else `CALLER:NONCE` as before. A nonce is [A-Za-z0-9_-] only
 * (attest/request/parse-signature.ts), so it never contains `:` and the two
 * forms cannot collide.
 */
export function ledgerKeyBase(caller: string, nonce: string, requestId?: string): string {
  return requestId === undefined ? `${caller}:${nonce}` : `${caller}:rid:${requestId}`;
}

const recordKey = (caller: string, requestId: string) => `${caller}/${requestId}`;

const same = (a: RequestParams, b: RequestParams): boolean =>
  a.route === b.route && a.subject === b.subject && a.amount === b.amount && a.memo === b.memo;

/**
 * Inside `store.exclusive` (applyOnce): the record of `caller`'s request
 * `requestId` when it already applied with these `params` (answered as a
 * replay), undefined when it never applied; REQUEST_ID_REUSED when it applied
 * with other parameters.
 */
async function priorRequest(
  store: Store,
  caller: string,
  requestId: string,
  params: RequestParams,
): Promise<RequestRecord | undefined> {
  const record = await store.get<RequestRecord>(
    store.sublevel(REQUEST_IDS_SUBLEVEL),
    recordKey(caller, requestId),
  );
  if (record === undefined) return undefined;
  if (!same(record, params))
    throw new RequestIdError(
      'REQUEST_ID_REUSED',
      `request id ${requestId} was used for another ${record.route} request; choose a new id`,
    );
  return record;
}

/**
 * The op recording `caller`'s request `requestId` as applied at `at` by the
 * ledger transactions `txs` (none without a request id), written by applyOnce
 * in the commit that applies the request.
 */
function requestRecordOps(
  store: Store,
  caller: string,
  requestId: string | undefined,
  params: RequestParams,
  txs: readonly { readonly key: string }[],
  at: Date,
): BatchOp[] {
  if (requestId === undefined) return [];
  const record: RequestRecord = {
    ...params,
    caller,
    requestId,
    at: at.toISOString(),
    keys: txs.map((tx) => tx.key),
  };
  return [put(store.sublevel(REQUEST_IDS_SUBLEVEL), recordKey(caller, requestId), record)];
}

/** Who asks for a money-moving request, under which id, with what, and when it applies. */
export interface MoneyRequest {
  readonly caller: string;
  /** The client's id; without one the request is not recorded (its ledger keys still make it idempotent). */
  readonly requestId: string | undefined;
  readonly params: RequestParams;
  readonly now: () => Date;
}

/** What {@link applyOnce} did: found the request applied before, or committed it now. */
export type Applied =
  | { readonly replayed: true; readonly prior: RequestRecord }
  | { readonly replayed: false; readonly entries: readonly LedgerEntry[] };

/**
 * Apply a money-moving request at most once per (caller, request id), under
 * the store's lock: a request that already applied with these parameters
 * answers `replayed` with its record and `build` does not run (the same id
 * with other parameters is REQUEST_ID_REUSED); otherwise `build` checks the
 * request and returns its transactions (and any ops of its own), and they are
 * committed in one batch with the request's record.
 */
export async function applyOnce(
  store: Store,
  ledger: Ledger,
  request: MoneyRequest,
  build: () => Promise<{ readonly txs: TransactionInput[]; readonly ops?: BatchOp[] }>,
): Promise<Applied> {
  const { caller, requestId, params } = request;
  return store.exclusive(async (): Promise<Applied> => {
    const prior = requestId === undefined ? undefined : await priorRequest(store, caller, requestId, params);
    if (prior) return { replayed: true, prior };
    const { txs, ops = [] } = await build();
    const record = requestRecordOps(store, caller, requestId, params, txs, request.now());
    const { entries } = await ledger.commitLocked(txs, [...ops, ...record]);
    return { replayed: false, entries };
  });
}
