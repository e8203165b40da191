/**
 * A verification report built from scratch for the report tests: a gateway
 * key from a fixed seed, an egress log of five entries (two flagged) in a
 * real RFC 6962 tree, and every part of the body filled. Made up here, not
 * recorded from a gateway.
 */
import {
  MerkleTree,
  accountId,
  bytesToBase64,
  canonicalizeBytes,
  judgeAndSignReport,
  signEgressHead,
  signingKeyPairFromSeed,
} from '../../../attest/index.js';
import type { EgressEntry, Report, ReportFlag, UnjudgedReportBody } from '../../../attest/index.js';

export const gatewayKey = signingKeyPairFromSeed(new Uint8Array(32).fill(7));
export const otherKey = signingKeyPairFromSeed(new Uint8Array(32).fill(9));
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

/** The five entries of the fixture's egress log: 1 is flagged nearFlag, 3 exact and canary. */
export function entries(): EgressEntry[] {
  const plain = (seq: number): EgressEntry => ({
    seq,
    channel: 'metrics',
    bytes: 40 + seq,
    bodyDigest: digest(seq + 1),
    verdict: 'pass',
    flags: [],
  });
  const list = [0, 1, 2, 3, 4].map(plain);
  list[1] = {
    ...plain(1),
    verdict: 'flag',
    flags: [{ rule: 'nearFlag', action: 'flag', token: 'aa11', jaccard: 0.75 }],
  };
  list[3] = {
    ...plain(3),
    channel: 'logs',
    verdict: 'stop',
    flags: [
      { rule: 'exact', action: 'stop', token: 'bb22', decoder: 'base64' },
      { rule: 'canary', action: 'stop', token: 'cc33', decoder: 'plain' },
    ],
  };
  return list;
}

/** The egress part of a body for `list`, with its head signed by `key`. */
export function egressPart(
  list: EgressEntry[],
  runId: string,
  key = gatewayKey,
): UnjudgedReportBody['egress'] {
  const tree = new MerkleTree();
  for (const e of list) tree.append(canonicalizeBytes(e));
  const bytes = list.reduce((n, e) => n + e.bytes, 0);
  const flagged = list.filter((e) => e.flags.length > 0);
  const head = {
    owner: runId,
    size: tree.size,
    root: bytesToBase64(tree.root()),
    bytes,
    flagged: flagged.length,
    closedAt: '2026-11-29T06:00:00.000Z',
  };
  const flags: ReportFlag[] = flagged.flatMap((entry) =>
    entry.flags.map((f) => ({
      seq: entry.seq,
      rule: f.rule,
      action: f.action,
      ...(f.token !== undefined ? { token: f.token } : {}),
      entry,
      proof: { index: entry.seq, size: tree.size, path: tree.inclusionProof(entry.seq).map(bytesToBase64) },
    })),
  );
  return { head, headSignature: signEgressHead(head, key.secretKey), count: list.length, bytes, flags };
}

/** An unjudged body: an honest run unless `list` says otherwise. */
export function body(
  list: EgressEntry[] = entries().map((e) => ({ ...e, verdict: 'pass', flags: [] })),
): UnjudgedReportBody {
  const runId = 'run_fixture';
  return {
    version: 1,
    runId,
    datasetId: 'ds_fixture',
    model: 'mdl_fixture',
    createdAt: '2026-11-29T06:30:00.000Z',
    gateway: { keyId: accountId(gatewayKey.publicKey), publicKey: bytesToBase64(gatewayKey.publicKey) },
    evidence: {
      document: { body: { version: 1, runId }, signature: 'AAAA' },
      judgements: [
        { rule: 'tier', ok: true, message: 'tier software is allowed' },
        { rule: 'signature', ok: true, message: 'signed' },
      ],
    },
    releases: [{ id: 'rel_1', runId, outcome: 'released', judgements: [], at: '2026-11-29T06:01:00.000Z' }],
    sandbox: { inspectDigest: digest(99), violations: [], profile: digest(98) },
    egress: egressPart(list, runId),
    rescan: { at: '2026-11-29T06:30:00.000Z', flags: [] },
    audit: {
      planted: 2,
      heldOut: 8,
      exposure: { perCanary: [0.5, 1.5], mean: 1, max: 1.5, maxPossible: Math.log2(9) },
      membership: { auc: 0.5, advantage: 0.25 },
      thresholds: { maxMeanExposureBits: 2, maxAuc: 0.7 },
    },
  };
}

/** The fixture signed, verdict computed. */
export function report(b: UnjudgedReportBody = body()): Report {
  return judgeAndSignReport(b, gatewayKey.secretKey);
}
