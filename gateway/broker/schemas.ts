/**
 * The broker's wire schemas (docs/node-protocol.md §3). Evidence and the
 * inspect document arrive as open JSON here on purpose: the broker parses
 * them itself (attest parseEvidence, policies securityConfig), so a bad one is
 * refused with its own code and leaves an audit record, rather than failing
 * generic validation.
 */
import { Type } from '@sinclair/typebox';
import { EvidenceDocumentSchema } from '../../attest/index.js';
import { ErrorReply, PageQuery } from '../http/schemas.js';
import { idPattern } from '../ids.js';

export { ErrorReply };

const RunId = Type.String({ pattern: idPattern('run'), description: 'run_…' });
const JobId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
  description: 'the job id from GET /v1/node/jobs',
});
const ReleaseId = Type.String({ pattern: idPattern('rel'), description: 'rel_…' });
const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/]+={0,2}$', maxLength: 4096 });

export const RunIdParams = Type.Object({ runId: RunId }, { additionalProperties: false });
export const ReleaseIdParams = Type.Object({ releaseId: ReleaseId }, { additionalProperties: false });

export const NonceBody = Type.Object({ jobId: JobId }, { additionalProperties: false });
export const NonceReply = Type.Object({
  nonce: Type.String({ description: 'single use, base64url; put it in the evidence body' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const EvidenceBody = Type.Object(
  {
    jobId: JobId,
    evidence: Type.Unknown({ description: "attest's EvidenceDocument { body, signature }" }),
    inspect: Type.Object(
      {},
      { additionalProperties: true, description: "the container's docker inspect document" },
    ),
  },
  { additionalProperties: false },
);

export const ReleasedReply = Type.Object({
  status: Type.Literal('released'),
  releaseId: ReleaseId,
  wrappedKey: Type.String({ description: "the key sealed to the evidence's ephemeral X25519 key, base64" }),
  keyId: Type.String({ description: "the key's id (hex)" }),
  modelWrappedKey: Type.Optional(
    Type.String({ description: 'audit jobs: the sealed model key, sealed to the same ephemeral key' }),
  ),
  modelKeyId: Type.Optional(Type.String()),
});
export const PendingReply = Type.Object({ status: Type.Literal('pending'), releaseId: ReleaseId });

const Expectations = Type.Object({
  nodeId: Type.String(),
  runId: Type.String(),
  nonce: Type.String(),
  nonceIssuedAt: Type.String(),
  imageDigest: Type.String(),
  seccompProfileDigest: Type.String(),
  supervisorDigests: Type.Array(Type.String()),
  runtimeVersions: Type.Array(Type.String()),
  allowedImageDigests: Type.Array(Type.String()),
  minimumLevel: Type.String(),
  ttlSeconds: Type.Integer(),
  skewSeconds: Type.Integer(),
  receivedAt: Type.String(),
});

/** A release waiting for its seller, with everything the seller's client checks. */
export const PendingRelease = Type.Object({
  releaseId: ReleaseId,
  runId: Type.String(),
  jobId: Type.String(),
  dataset: Type.String(),
  keyId: Type.String(),
  evidence: EvidenceDocumentSchema,
  inspect: Type.Unknown(),
  nodePublicKey: Type.String({ description: "the node's Ed25519 key from its certificate, base64" }),
  nonce: Type.String(),
  expectations: Expectations,
  measurementDigest: Type.String(),
  createdAt: Type.String(),
});

export const ApproveBody = Type.Object(
  { wrappedKey: Base64 },
  {
    additionalProperties: false,
    description: "the DEK sealed to the evidence's ephemeral key (attest wrapKey)",
  },
);
export const ConcludedReply = Type.Object({
  releaseId: ReleaseId,
  status: Type.Union([Type.Literal('released'), Type.Literal('declined')]),
});

const Judgement = Type.Object({
  rule: Type.String(),
  ok: Type.Boolean(),
  code: Type.Optional(Type.String()),
  message: Type.String(),
});

/** One audit record, as stored (never a key). */
export const ReleaseRecordSchema = Type.Object({
  id: Type.String(),
  runId: Type.String(),
  jobId: Type.String(),
  nodeId: Type.String(),
  purpose: Type.Union([Type.Literal('data'), Type.Literal('model'), Type.Literal('audit')]),
  outcome: Type.Union([Type.Literal('released'), Type.Literal('refused'), Type.Literal('pending')]),
  dataset: Type.Optional(Type.String()),
  rule: Type.Optional(Type.String()),
  code: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  judgements: Type.Array(Judgement),
  measurementDigest: Type.Optional(Type.String()),
  keyId: Type.Optional(Type.String()),
  modelKeyId: Type.Optional(Type.String()),
  ref: Type.Optional(Type.String()),
  at: Type.String(),
});

export const AuditQuery = Type.Object(
  { ...PageQuery, run: Type.Optional(RunId) },
  { additionalProperties: false },
);
export const AuditPage = Type.Object({
  items: Type.Array(ReleaseRecordSchema),
  next: Type.Union([Type.String(), Type.Null()]),
});
