/**
 * A node's bond and its penalties through the gateway's API
 * (docs/bonds-and-placement.md): the node's miner posts and withdraws the
 * bond and appeals a penalty; the operator decides an appeal; both read the
 * bond's status. Every reply's shape is checked before it is handed on.
 */
import type { GatewayClient } from './gateway-client.js';
import { expectShape, isDecimal } from './reply.js';

/** One penalty on a node (amounts: decimal strings of base units). */
export interface PenaltyInfo {
  readonly id: string;
  readonly nodeId: string;
  readonly cause: string;
  readonly runId: string;
  readonly jobId: string;
  readonly code: string;
  readonly proposedAt: string;
  readonly appealBy: string;
  readonly amount: string;
  /** proposed, appealed, upheld, waived or taken. */
  readonly state: string;
  readonly appeal?: { readonly reason: string; readonly at: string };
  readonly decision?: { readonly uphold: boolean; readonly by: string; readonly at: string };
  readonly taken?: {
    readonly at: string;
    readonly amount: string;
    readonly fromBond: string;
    readonly debt: string;
  };
  readonly debt: string;
}

/** A node's bond as its miner and the operator see it. */
export interface BondInfo {
  readonly nodeId: string;
  readonly bond: string;
  readonly debt: string;
  readonly minimumBond: string;
  /** Bond at least the minimum, no debt and no pending forged-evidence penalty. */
  readonly schedulable: boolean;
  readonly penalties: PenaltyInfo[];
  /** True when the gateway answered a repeat of an applied request (same `requestId`): nothing moved. */
  readonly replayed?: boolean;
}

/** Options of the money-moving calls. */
export interface MoneyRequestOptions {
  /**
   * A client-chosen id (16-64 of A-Z a-z 0-9 _ -; see {@link newRequestId}).
   * Sending the same id again after a lost reply applies the request at most
   * once, and the reply says `replayed: true` (docs/protocols.md).
   */
  readonly requestId?: string;
}

/** A fresh random request id (22 base64url characters, 128 bits). */
export function newRequestId(): string {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
}

/** A `replayed` flag: absent, or a boolean. */
export const isOptionalFlag = (v: unknown): boolean => v === undefined || typeof v === 'boolean';

/** The body of a money-moving request: `requestId` added only when one is given. */
export function withRequestId<T extends object>(body: T, options: MoneyRequestOptions): T {
  return options.requestId === undefined ? body : { ...body, requestId: options.requestId };
}

function penalty(value: unknown): PenaltyInfo {
  return expectShape<PenaltyInfo>(value, 'a penalty', {
    id: 'string',
    nodeId: 'string',
    cause: 'string',
    runId: 'string',
    code: 'string',
    appealBy: 'string',
    amount: isDecimal,
    state: 'string',
    debt: isDecimal,
    appeal: 'object?',
    decision: 'object?',
    taken: 'object?',
  });
}

function bond(value: unknown): BondInfo {
  const info = expectShape<BondInfo>(value, "a node's bond", {
    nodeId: 'string',
    bond: isDecimal,
    debt: isDecimal,
    minimumBond: isDecimal,
    schedulable: 'boolean',
    penalties: 'array',
    replayed: isOptionalFlag,
  });
  return { ...info, penalties: info.penalties.map(penalty) };
}

const nodePath = (nodeId: string, tail = '') => `/v1/nodes/${encodeURIComponent(nodeId)}/bond${tail}`;
const penaltyPath = (id: string, action: string) => `/v1/penalties/${encodeURIComponent(id)}/${action}`;

/**
 * Post `amount` token base units from the miner's account to the node's bond
 * (debt is repaid first); returns the bond's status. Pass a `requestId` to
 * make a retry after a lost reply safe.
 * @example await postBond(client, 'node_…', '100000000000', { requestId: newRequestId() })
 */
export async function postBond(
  client: GatewayClient,
  nodeId: string,
  amount: string,
  options: MoneyRequestOptions = {},
): Promise<BondInfo> {
  const body = withRequestId({ amount }, options);
  return bond(await client.request('POST', nodePath(nodeId), { body, signed: true }));
}

/**
 * Move `amount` of the node's bond back to its miner (no active job, no
 * pending penalty); a `requestId` makes a retry safe, as for {@link postBond}.
 */
export async function withdrawBond(
  client: GatewayClient,
  nodeId: string,
  amount: string,
  options: MoneyRequestOptions = {},
): Promise<BondInfo> {
  const body = withRequestId({ amount }, options);
  return bond(await client.request('POST', nodePath(nodeId, '/withdraw'), { body, signed: true }));
}

/** The node's bond, debt, minimum and penalties (its miner or the operator). */
export async function bondStatus(client: GatewayClient, nodeId: string): Promise<BondInfo> {
  return bond(await client.request('GET', nodePath(nodeId), { signed: true }));
}

/** The node's miner appeals a proposed penalty before its window closes. */
export async function appealPenalty(client: GatewayClient, id: string, reason: string): Promise<PenaltyInfo> {
  return penalty(await client.request('POST', penaltyPath(id, 'appeal'), { body: { reason }, signed: true }));
}

/** The operator upholds (`true`: taken) or waives (`false`) an appealed penalty. */
export async function decidePenalty(
  client: GatewayClient,
  id: string,
  uphold: boolean,
): Promise<PenaltyInfo> {
  return penalty(await client.request('POST', penaltyPath(id, 'decide'), { body: { uphold }, signed: true }));
}
