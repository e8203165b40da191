import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { TRUST_LEVELS, trustLevelRank } from '../../attest/index.js';
import type { TrustLevel } from '../../attest/index.js';
import { parseDocument } from './parse.js';

/** An OCI content digest: `sha256:` and 64 lowercase hex digits. */
export const Digest = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });

/**
 * The key-release policy a seller writes for a dataset (DESIGN.md section 7.3):
 * which models may see the data, on what evidence, for whom, how often and
 * until when. The output channels and the egress budget that section 7.3 also
 * names live in the egress policy, so each has one home (docs/policies.md). The key broker (or the seller's own client, with seller-held
 * custody) releases the data key only when all of it holds.
 */
export const KeyReleasePolicySchema = Type.Object(
  {
    /** Model image digests allowed to run on the data. Empty: no model may, until the seller adds one. */
    allowedModels: Type.Array(Digest, { uniqueItems: true, maxItems: 1000, default: [] }),
    /** The weakest evidence tier accepted. */
    minTier: Type.Union(
      TRUST_LEVELS.map((t) => Type.Literal(t)),
      { default: 'software' },
    ),
    /** Who holds the data key: the gateway's broker, or the seller alone. */
    custody: Type.Union([Type.Literal('broker'), Type.Literal('seller')], { default: 'broker' }),
    /** The most runs the data may serve; null for no limit. */
    maxRuns: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { default: null }),
    /** After this instant (RFC 3339) no key is released; null for never. */
    expiresAt: Type.Union(
      [
        Type.String({
          pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$',
        }),
        Type.Null(),
      ],
      {
        default: null,
      },
    ),
    /** The lowest Bayesian-average rating (0 to 5) a buyer may have; 0 admits new buyers. */
    minBuyerRating: Type.Number({ minimum: 0, maximum: 5, default: 0 }),
  },
  { additionalProperties: false },
);

export type KeyReleasePolicy = Static<typeof KeyReleasePolicySchema>;

/** Parse a seller's key-release policy, with defaults; throws `PolicyError` naming the bad field. */
export function parseKeyReleasePolicy(input: unknown): KeyReleasePolicy {
  return parseDocument(KeyReleasePolicySchema, input, [
    (p) =>
      p.expiresAt !== null && Number.isNaN(Date.parse(p.expiresAt))
        ? { path: '/expiresAt', message: 'not a valid RFC 3339 date-time' }
        : undefined,
  ]);
}

/** True when evidence of trust level `have` meets a policy's minimum `need` (software < hardware). */
export function tierAtLeast(have: TrustLevel, need: TrustLevel): boolean {
  return trustLevelRank(have) >= trustLevelRank(need);
}
