/**
 * The wire schema of a verification report (docs/egress-protocol.md §6,
 * docs/verification.md), in TypeBox so the gateway can publish it in its
 * OpenAPI document and `checkReport` can parse before it verifies. Objects
 * the verdict is computed from are closed; the parts that are only shown
 * (the evidence document, the release records, a violation's details) are
 * open, since the signature covers every byte of them anyway.
 */
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

const Text = (maxLength = 1024) => Type.String({ maxLength });
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', maxLength: 256 });
const Skipped = Type.Object({ skipped: Text() }, { additionalProperties: false });

/** The signed head of a run's egress log (egress-protocol §4). */
export const EgressHeadSchema = Type.Object(
  {
    owner: Text(128),
    size: Count,
    /** RFC 6962 root of the log, base64 of 32 bytes. */
    root: Base64,
    bytes: Count,
    /** How many entries carry at least one flag. */
    flagged: Count,
    closedAt: Text(64),
  },
  { additionalProperties: false },
);

/** One flag the guard put on an entry (egress-protocol §4). */
export const EntryFlagSchema = Type.Object(
  {
    rule: Text(32),
    action: Text(16),
    token: Type.Optional(Text(256)),
    decoder: Type.Optional(Text(16)),
    jaccard: Type.Optional(Type.Number()),
    /** The records a match spans when they are more than this one (a split record). */
    seqs: Type.Optional(Type.Array(Count, { maxItems: 100_000 })),
  },
  { additionalProperties: false },
);

/** An egress log entry (egress-protocol §4): its leaf is SHA-256(0x00 ‖ JCS(entry)). */
export const EgressEntrySchema = Type.Object(
  {
    seq: Count,
    channel: Text(16),
    bytes: Count,
    bodyDigest: Text(71),
    verdict: Text(8),
    flags: Type.Array(EntryFlagSchema, { maxItems: 64 }),
  },
  { additionalProperties: false },
);

/** A flag as the report lists it: the entry it is on and the entry's inclusion proof. */
export const ReportFlagSchema = Type.Object(
  {
    seq: Count,
    rule: Text(32),
    action: Text(16),
    token: Type.Optional(Text(256)),
    entry: EgressEntrySchema,
    proof: Type.Object(
      { index: Count, size: Count, path: Type.Array(Base64, { maxItems: 64 }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const ReportEgressSchema = Type.Union([
  Type.Object(
    {
      head: EgressHeadSchema,
      headSignature: Base64,
      count: Count,
      bytes: Count,
      flags: Type.Array(ReportFlagSchema, { maxItems: 100_000 }),
    },
    { additionalProperties: false },
  ),
  Skipped,
]);

/** A finding of the fresh re-scan (attest/fingerprint Finding, by keyed hash only). */
export const RescanFindingSchema = Type.Object(
  {
    rule: Text(32),
    seqs: Type.Array(Count, { maxItems: 100_000 }),
    token: Text(256),
    decoder: Text(16),
    jaccard: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export const ReportRescanSchema = Type.Union([
  Type.Object(
    { at: Text(64), flags: Type.Array(RescanFindingSchema, { maxItems: 100_000 }) },
    { additionalProperties: false },
  ),
  Skipped,
]);

export const ReportAuditSchema = Type.Union([
  Type.Object(
    {
      planted: Count,
      heldOut: Count,
      exposure: Type.Object(
        {
          perCanary: Type.Array(Type.Number(), { maxItems: 100_000 }),
          mean: Type.Number(),
          max: Type.Number(),
          maxPossible: Type.Number(),
        },
        { additionalProperties: false },
      ),
      membership: Type.Object(
        { auc: Type.Number(), advantage: Type.Number() },
        { additionalProperties: false },
      ),
      /** The dataset policy's thresholds the audit is judged by (egress policy `audit`). */
      thresholds: Type.Object(
        { maxMeanExposureBits: Type.Number(), maxAuc: Type.Number() },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
  Skipped,
]);

export const ReportBodySchema = Type.Object(
  {
    version: Type.Integer(),
    runId: Text(128),
    datasetId: Text(128),
    model: Text(128),
    createdAt: Text(64),
    gateway: Type.Object({ keyId: Text(128), publicKey: Base64 }, { additionalProperties: false }),
    evidence: Type.Object(
      {
        /** The evidence document of the data-key release, or null when no key was released. */
        document: Type.Union([Type.Object({}), Type.Null()]),
        judgements: Type.Array(
          Type.Object(
            { rule: Text(64), ok: Type.Boolean(), code: Type.Optional(Text(64)), message: Text() },
            { additionalProperties: false },
          ),
          { maxItems: 64 },
        ),
      },
      { additionalProperties: false },
    ),
    releases: Type.Array(Type.Object({}), { maxItems: 10_000 }),
    sandbox: Type.Object(
      {
        /** sha256 of JCS(inspect document), or null when no container was measured. */
        inspectDigest: Type.Union([Text(71), Type.Null()]),
        violations: Type.Array(Type.Object({ code: Text(64), path: Text(256) }), { maxItems: 1000 }),
        profile: Text(128),
      },
      { additionalProperties: false },
    ),
    egress: ReportEgressSchema,
    rescan: ReportRescanSchema,
    audit: ReportAuditSchema,
    verdict: Type.Object(
      { pass: Type.Boolean(), reasons: Type.Array(Text(), { maxItems: 100_000 }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const ReportSchema = Type.Object(
  { body: ReportBodySchema, signature: Base64 },
  { additionalProperties: false },
);

export type EgressHead = Static<typeof EgressHeadSchema>;
export type EgressEntry = Static<typeof EgressEntrySchema>;
export type EntryFlag = Static<typeof EntryFlagSchema>;
export type ReportFlag = Static<typeof ReportFlagSchema>;
export type ReportEgress = Static<typeof ReportEgressSchema>;
export type RescanFinding = Static<typeof RescanFindingSchema>;
export type ReportRescan = Static<typeof ReportRescanSchema>;
export type ReportAudit = Static<typeof ReportAuditSchema>;
export type ReportBody = Static<typeof ReportBodySchema>;
export type Report = Static<typeof ReportSchema>;
/** A report body before its verdict is computed. */
export type UnjudgedReportBody = Omit<ReportBody, 'verdict'>;
