/**
 * The wire schema of evidence (TypeBox, so the gateway can put it in its
 * OpenAPI document). Every field is attacker-controlled: strings are bounded
 * and patterned, objects are closed (no extra properties), numbers are
 * integers in range. Base64 fields are decoded and length-checked after this.
 */
import { Type } from '@sinclair/typebox';

/** `sha256:` and 64 lowercase hex digits. */
export const DIGEST_PATTERN = '^sha256:[0-9a-f]{64}$';

const Digest = Type.String({ pattern: DIGEST_PATTERN, maxLength: 71 });

/** The measurement object. */
export const MeasurementSchema = Type.Object(
  {
    imageDigest: Digest,
    containerConfigDigest: Digest,
    seccompProfileDigest: Digest,
    supervisorDigest: Digest,
    runtimeVersion: Type.String({ pattern: '^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$', maxLength: 64 }),
  },
  { additionalProperties: false },
);

/** The evidence body (version checked separately, so a newer version gets its own code). */
export const EvidenceBodySchema = Type.Object(
  {
    version: Type.Integer(),
    tier: Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$', maxLength: 32 }),
    nodeId: Type.String({ pattern: '^node_[a-z2-7]{32}$', maxLength: 37 }),
    runId: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$', maxLength: 128 }),
    nonce: Type.String({ pattern: '^[A-Za-z0-9_-]{16,128}$', maxLength: 128 }),
    measurement: MeasurementSchema,
    ephemeralPublicKey: Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$', maxLength: 44 }),
    time: Type.Integer({ minimum: 0, maximum: 253402300799 }),
  },
  { additionalProperties: false },
);

/** Most bytes of base64 a tier's signature or report may take (64 KiB). */
export const MAX_SIGNATURE_BASE64 = 65536;

/** The evidence document: body and signature. */
export const EvidenceDocumentSchema = Type.Object(
  {
    body: EvidenceBodySchema,
    signature: Type.String({ pattern: '^[A-Za-z0-9+/]+={0,2}$', maxLength: MAX_SIGNATURE_BASE64 }),
  },
  { additionalProperties: false },
);
