/**
 * Node enrollment through the gateway's API (docs/node-protocol.md section 1):
 * the operator asks for a one-time token for a miner account, then hands it
 * to the miner, who starts a node with it (`sealgate node start --token`).
 */
import type { GatewayClient } from './gateway-client.js';
import { expectShape } from './reply.js';

/** A one-time enrollment token and when it expires (RFC 3339). */
export interface EnrollToken {
  readonly token: string;
  readonly expiresAt: string;
}

/** Ask for an enrollment token for `miner` (the operator's key signs); `ttlSeconds` 60..86400, default 3600. */
export async function createEnrollToken(
  client: GatewayClient,
  request: { readonly miner: string; readonly ttlSeconds?: number },
): Promise<EnrollToken> {
  const reply = await client.request('POST', '/v1/admin/enroll-tokens', { body: request, signed: true });
  return expectShape(reply, 'an enrollment token', {
    token: (v) => typeof v === 'string' && v.startsWith('sgn1.'),
    expiresAt: 'string',
  });
}
