import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { parseDocument } from './parse.js';

/** What the guard does with an egress record that breaks a rule (DESIGN.md section 8.2). */
export const EgressAction = Type.Union([Type.Literal('drop'), Type.Literal('stop'), Type.Literal('flag')]);
export type EgressAction = Static<typeof EgressAction>;

const action = (dflt: EgressAction) => Type.Union(EgressAction.anyOf, { default: dflt });

/** Channels a run may send out of its sealed container (DESIGN.md sections 6.5, 8). */
export const OutputChannel = Type.Union([Type.Literal('metrics'), Type.Literal('logs')]);

/** Encodings the guard undoes before matching, because they are the usual ways to hide data. */
export const Decoder = Type.Union([
  Type.Literal('base64'),
  Type.Literal('hex'),
  Type.Literal('url'),
  Type.Literal('reversed'),
  Type.Literal('digits'),
]);

/**
 * The egress policy of a dataset (DESIGN.md sections 7.4 and 8): what may leave
 * a sealed run, how much, how it is scanned, and what happens on a violation.
 * Defaults follow the design: 5-character shingles, 128 hash functions,
 * Jaccard at least 0.7 flags and at least 0.8 blocks.
 */
export const EgressPolicySchema = Type.Object(
  {
    channels: Type.Array(OutputChannel, { uniqueItems: true, minItems: 1, default: ['metrics'] }),
    /** Bytes a run may send in all. */
    byteBudget: Type.Integer({ minimum: 0, maximum: 1 << 30, default: 1 << 20 }),
    /** The largest single record; longer ones are refused before matching. */
    maxRecordBytes: Type.Integer({ minimum: 64, maximum: 1 << 20, default: 4096 }),
    /** Metric names allowed; null means exactly those the model's model.json declares. */
    allowedMetrics: Type.Union(
      [Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_.]{0,63}$' })), Type.Null()],
      {
        default: null,
      },
    ),
    scan: Type.Object(
      {
        shingleUnit: Type.Union([Type.Literal('char'), Type.Literal('token')], { default: 'char' }),
        shingleSize: Type.Integer({ minimum: 2, maximum: 16, default: 5 }),
        hashFunctions: Type.Integer({ minimum: 128, maximum: 256, default: 128 }),
        lshBands: Type.Integer({ minimum: 1, maximum: 256, default: 32 }),
        flagJaccard: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.7 }),
        blockJaccard: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.8 }),
        decoders: Type.Array(Decoder, {
          uniqueItems: true,
          default: ['base64', 'hex', 'url', 'reversed', 'digits'],
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    actions: Type.Object(
      {
        /** A record outside the schema (undeclared metric, non-numeric value, free text). */
        schema: action('drop'),
        /** The byte budget is spent. */
        budget: action('stop'),
        /** A keyed hash of a record or a distinctive field matched. */
        exact: action('stop'),
        /** A planted canary matched. */
        canary: action('stop'),
        /** A near-variant at or above flagJaccard but below blockJaccard. */
        nearFlag: action('flag'),
        /** A near-variant at or above blockJaccard. */
        nearBlock: action('drop'),
      },
      { additionalProperties: false, default: {} },
    ),
    /** The canary audit's thresholds (docs/audit.md: chosen from measured honest and memorising models). */
    audit: Type.Object(
      {
        /** Mean exposure of the planted canaries, in bits, above which the audit fails. */
        maxMeanExposureBits: Type.Number({ minimum: 0, maximum: 64, default: 3 }),
        /** Membership-inference AUC above which the audit fails (0.5 is chance). */
        maxAuc: Type.Number({ minimum: 0, maximum: 1, default: 0.75 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type EgressPolicy = Static<typeof EgressPolicySchema>;

/** Parse an egress policy, with defaults; throws `PolicyError` naming the bad field. */
export function parseEgressPolicy(input: unknown): EgressPolicy {
  return parseDocument(EgressPolicySchema, input, [
    (p) =>
      p.scan.blockJaccard < p.scan.flagJaccard
        ? { path: '/scan/blockJaccard', message: 'must be at least flagJaccard' }
        : undefined,
    (p) =>
      p.scan.hashFunctions % p.scan.lshBands !== 0
        ? { path: '/scan/lshBands', message: 'must divide hashFunctions' }
        : undefined,
    (p) =>
      p.maxRecordBytes > p.byteBudget && p.byteBudget > 0
        ? { path: '/maxRecordBytes', message: 'must not exceed byteBudget' }
        : undefined,
  ]);
}
