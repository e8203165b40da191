/**
 * `checkReport`: verify a verification report offline (docs/verification.md),
 * in the style of sigstore's bundle verification — parse, then check each
 * rule in order and throw the first failure's code: the shape, the gateway
 * key (its id, and the pinned key when given), the signature over the body,
 * the egress head (its signature and its agreement with the body), every
 * flag against its entry and the entry's inclusion proof against the head's
 * root (RFC 6962), and last that the verdict follows from the body.
 */
import { Value } from '@sinclair/typebox/value';
import { base64ToBytes } from '../base-encoding.js';
import { canonicalize } from '../canonical-json.js';
import { constantTimeEqual } from '../constant-time.js';
import { accountId } from '../keys.js';
import { MerkleError } from '../merkle/errors.js';
import { verifyInclusion } from '../merkle/verify.js';
import { ReportError } from './errors.js';
import type { Report, ReportBody, ReportFlag } from './schema.js';
import { ReportSchema } from './schema.js';
import { REPORT_VERSION, egressLeafHash, verifyEgressHead, verifyReportSignature } from './sign.js';
import type { Verdict } from './verdict.js';
import { computeVerdict } from './verdict.js';

/** What a checked report says. */
export interface CheckedReport {
  readonly report: Report;
  /** The gateway key's id (`acct_…`) and the key, base64. */
  readonly keyId: string;
  readonly publicKey: string;
  readonly verdict: Verdict;
}

/** Options of {@link checkReport}. */
export interface CheckReportOptions {
  /** The gateway's Ed25519 public key, when the checker pins it (otherwise the report's key is used). */
  readonly gatewayKey?: Uint8Array;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parse(input: unknown): Report {
  if (isRecord(input) && isRecord(input.body) && input.body.version !== REPORT_VERSION) {
    if (typeof input.body.version === 'number')
      throw new ReportError(
        'REPORT_UNSUPPORTED_VERSION',
        `report version ${input.body.version} is not supported`,
      );
  }
  const error = Value.Errors(ReportSchema, input).First();
  if (error !== undefined)
    throw new ReportError('REPORT_MALFORMED', `report ${error.path || '/'}: ${error.message}`);
  return input as Report;
}

function checkKey(body: ReportBody, pinned: Uint8Array | undefined): Uint8Array {
  const key = base64ToBytes(body.gateway.publicKey);
  if (key?.length !== 32)
    throw new ReportError('REPORT_MALFORMED', 'report /body/gateway/publicKey: not 32 bytes');
  if (accountId(key) !== body.gateway.keyId)
    throw new ReportError('REPORT_KEY_MISMATCH', 'the gateway key id is not the id of the key in the report');
  if (pinned !== undefined && !constantTimeEqual(pinned, key))
    throw new ReportError(
      'REPORT_KEY_MISMATCH',
      `the report is signed by ${body.gateway.keyId}, not the pinned key`,
    );
  return key;
}

function hash(text: string, what: string): Uint8Array {
  const bytes = base64ToBytes(text);
  if (bytes?.length !== 32) throw new ReportError('REPORT_MALFORMED', `report ${what}: not a 32-byte hash`);
  return bytes;
}

function sameFlag(f: ReportFlag): boolean {
  return f.entry.flags.some((e) => e.rule === f.rule && e.action === f.action && e.token === f.token);
}

// Every flag is its entry's, each flagged entry's flags are all listed, and
// each entry is in the log whose root the head signs (RFC 6962 §2.1.1).
function checkEgress(body: ReportBody, key: Uint8Array): void {
  const egress = body.egress;
  if ('skipped' in egress) return;
  const { head } = egress;
  if (!verifyEgressHead(head, egress.headSignature, key))
    throw new ReportError('REPORT_HEAD_BAD_SIGNATURE', 'the egress head signature does not verify');
  if (head.owner !== body.runId || head.size !== egress.count || head.bytes !== egress.bytes)
    throw new ReportError('REPORT_HEAD_MISMATCH', 'the egress head is not the log the report describes');
  const root = hash(head.root, '/body/egress/head/root');
  const perSeq = new Map<number, number>();
  for (const [i, f] of egress.flags.entries()) {
    if (f.entry.seq !== f.seq || !sameFlag(f))
      throw new ReportError('REPORT_FLAG_MISMATCH', `flag ${i} is not one its egress entry records`);
    perSeq.set(f.seq, (perSeq.get(f.seq) ?? 0) + 1);
    if (f.proof.size !== head.size)
      throw new ReportError('REPORT_PROOF_INVALID', `flag ${i}: the proof is not for the signed head`);
    const path = f.proof.path.map((p, j) => hash(p, `/body/egress/flags/${i}/proof/path/${j}`));
    try {
      verifyInclusion(egressLeafHash(f.entry), f.proof.index, f.proof.size, path, root);
    } catch (err) {
      if (!(err instanceof MerkleError)) throw err;
      throw new ReportError('REPORT_PROOF_INVALID', `flag ${i}: ${err.message}`, { cause: err });
    }
  }
  for (const f of egress.flags) {
    if (perSeq.get(f.seq) !== f.entry.flags.length)
      throw new ReportError('REPORT_FLAG_MISMATCH', `record ${f.seq}: not every flag of its entry is listed`);
  }
  if (perSeq.size !== head.flagged)
    throw new ReportError(
      'REPORT_HEAD_MISMATCH',
      `the head has ${head.flagged} flagged records, the report ${perSeq.size}`,
    );
}

/**
 * Check a verification report (a JSON-decoded value) offline. Throws a
 * ReportError with the first failed rule's code; returns the report, the
 * gateway key id and the verdict.
 *
 * @example
 * ```ts
 * const { keyId, verdict } = checkReport(JSON.parse(text), { gatewayKey });
 * ```
 */
export function checkReport(input: unknown, options: CheckReportOptions = {}): CheckedReport {
  const report = parse(input);
  const { body } = report;
  const key = checkKey(body, options.gatewayKey);
  if (!verifyReportSignature(body, report.signature, key))
    throw new ReportError('REPORT_BAD_SIGNATURE', 'the gateway signature over the report does not verify');
  checkEgress(body, key);
  const verdict = computeVerdict(body);
  if (canonicalize(verdict) !== canonicalize(body.verdict))
    throw new ReportError('REPORT_VERDICT_MISMATCH', 'the verdict does not follow from the report body');
  return { report, keyId: body.gateway.keyId, publicKey: body.gateway.publicKey, verdict };
}
