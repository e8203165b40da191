/**
 * Parse untrusted evidence into a typed {@link Evidence} before any rule looks
 * at it (STYLE: parse, then verify). Failures name the field path.
 */
import { Value } from '@sinclair/typebox/value';
import { base64ToBytes } from '../base-encoding.js';
import { EvidenceError } from './errors.js';
import { EvidenceDocumentSchema } from './schema.js';
import type { Evidence, EvidenceBody, EvidenceDocument } from './types.js';
import { EVIDENCE_VERSION } from './types.js';

// A JSON pointer (RFC 6901) as a dotted path, printable and bounded, since the
// property names in it are the attacker's.
function dottedPath(pointer: string): string {
  if (pointer === '') return '$';
  const parts = pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^[A-Za-z0-9_]{1,64}$/.test(p) ? p : JSON.stringify(p.slice(0, 64))));
  return parts.join('.');
}

function malformed(path: string, message: string): never {
  throw new EvidenceError('EVIDENCE_MALFORMED', `evidence ${path}: ${message}`, { path });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parse evidence (a JSON-decoded value) into a typed value: closed objects,
 * bounded and patterned strings, a 32-byte ephemeral key, canonical base64.
 * Throws EVIDENCE_UNSUPPORTED_VERSION for another version and
 * EVIDENCE_MALFORMED (with `path`) for anything else that is wrong. It does
 * not check the signature or any rule: see `judgeEvidence`.
 */
export function parseEvidence(input: unknown): Evidence {
  if (isRecord(input) && isRecord(input.body)) {
    const version = input.body.version;
    if (typeof version === 'number' && Number.isInteger(version) && version !== EVIDENCE_VERSION) {
      throw new EvidenceError('EVIDENCE_UNSUPPORTED_VERSION', `evidence version ${version} is not supported`);
    }
  }
  const error = Value.Errors(EvidenceDocumentSchema, input).First();
  if (error !== undefined) malformed(dottedPath(error.path), error.message);
  const doc = input as EvidenceDocument;
  const ephemeralPublicKey = base64ToBytes(doc.body.ephemeralPublicKey);
  if (ephemeralPublicKey?.length !== 32)
    malformed('body.ephemeralPublicKey', 'not canonical base64 of 32 bytes');
  const signature = base64ToBytes(doc.signature);
  if (signature === undefined || signature.length === 0) malformed('signature', 'not canonical base64');
  const m = doc.body.measurement;
  // Copy only the known fields, so nothing else the sender put there travels on.
  const body: EvidenceBody = Object.freeze({
    version: EVIDENCE_VERSION,
    tier: doc.body.tier,
    nodeId: doc.body.nodeId,
    runId: doc.body.runId,
    nonce: doc.body.nonce,
    measurement: Object.freeze({
      imageDigest: m.imageDigest,
      containerConfigDigest: m.containerConfigDigest,
      seccompProfileDigest: m.seccompProfileDigest,
      supervisorDigest: m.supervisorDigest,
      runtimeVersion: m.runtimeVersion,
    }),
    ephemeralPublicKey: doc.body.ephemeralPublicKey,
    time: doc.body.time,
  });
  return Object.freeze({ body, signature, ephemeralPublicKey });
}
