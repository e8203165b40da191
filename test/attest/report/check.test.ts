import t from 'tap';
import {
  ReportError,
  bytesToBase64,
  checkReport,
  signEgressHead,
  signReport,
} from '../../../attest/index.js';
import type { Report, ReportBody } from '../../../attest/index.js';
import { body, entries, gatewayKey, otherKey, report } from './fixture.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const resign = (b: ReportBody): Report => signReport(b, gatewayKey.secretKey);

t.test('a good report checks, and says whose key signed it', (t) => {
  const r = report();
  const checked = checkReport(clone(r), { gatewayKey: gatewayKey.publicKey });
  t.equal(checked.keyId, r.body.gateway.keyId);
  t.same(checked.verdict, { pass: true, reasons: [] });
  const flagged = report(body(entries()));
  t.equal(flagged.body.egress && 'flags' in flagged.body.egress ? flagged.body.egress.flags.length : 0, 3);
  t.same(checkReport(clone(flagged)).verdict, {
    pass: false,
    reasons: ['egress rule exact: record 3 (stop)', 'egress rule canary: record 3 (stop)'],
  });
  t.end();
});

// Every leaf of the JSON tree, changed in place: a string gains a character
// (a base64 string loses its last one), a number grows, a boolean flips, a null becomes 0.
function* leaves(value: unknown, path: (string | number)[] = []): Generator<(string | number)[]> {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    for (const [k, v] of entries) yield* leaves(v, [...path, k]);
  } else yield path;
}

function tamper(root: unknown, path: (string | number)[]): unknown {
  const copy = clone(root);
  let parent = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const k = path[path.length - 1];
  const v = parent[k];
  if (typeof v === 'string') parent[k] = /^[A-Za-z0-9+/]{8,}=*$/.test(v) ? `B${v.slice(1)}` : `${v}x`;
  else if (typeof v === 'number') parent[k] = v + 1;
  else if (typeof v === 'boolean') parent[k] = !v;
  else parent[k] = 0;
  return copy;
}

t.test('changing any leaf of a report makes the check fail with a REPORT_ code', (t) => {
  for (const r of [report(), report(body(entries()))]) {
    let n = 0;
    for (const path of leaves(r)) {
      n++;
      const bad = tamper(r, path);
      t.throws(() => checkReport(bad), { name: 'ReportError', code: /^REPORT_/ }, path.join('.'));
    }
    t.ok(n > 40, `walked ${n} leaves`);
  }
  t.end();
});

t.test('a re-signed body whose verdict does not follow fails', (t) => {
  const r = report(body(entries()));
  t.throws(() => checkReport(resign({ ...r.body, verdict: { pass: true, reasons: [] } })), {
    code: 'REPORT_VERDICT_MISMATCH',
  });
  const reasons = [...r.body.verdict.reasons].reverse();
  t.throws(() => checkReport(resign({ ...r.body, verdict: { pass: false, reasons } })), {
    code: 'REPORT_VERDICT_MISMATCH',
  });
  t.end();
});

t.test('the gateway key: its id, the pinned key', (t) => {
  const r = report();
  t.throws(() => checkReport(r, { gatewayKey: otherKey.publicKey }), { code: 'REPORT_KEY_MISMATCH' });
  const swapped = { ...r.body, gateway: { ...r.body.gateway, publicKey: bytesToBase64(otherKey.publicKey) } };
  t.throws(() => checkReport(signReport(swapped, otherKey.secretKey)), { code: 'REPORT_KEY_MISMATCH' });
  t.throws(() => checkReport({ ...r, signature: bytesToBase64(new Uint8Array(64)) }), {
    code: 'REPORT_BAD_SIGNATURE',
  });
  const short = { ...r.body, gateway: { ...r.body.gateway, publicKey: 'AAAA' } };
  t.throws(() => checkReport(resign(short)), { code: 'REPORT_MALFORMED' });
  t.end();
});

t.test('shape and version', (t) => {
  const r = report();
  t.throws(() => checkReport(null), { code: 'REPORT_MALFORMED' });
  t.throws(() => checkReport({ ...r, extra: 1 }), { code: 'REPORT_MALFORMED' });
  t.throws(() => checkReport({ ...r, body: { ...r.body, version: 2 } }), {
    code: 'REPORT_UNSUPPORTED_VERSION',
  });
  t.throws(() => checkReport({ ...r, body: { ...r.body, version: '1' } }), { code: 'REPORT_MALFORMED' });
  t.end();
});

t.test('the egress head and the flags, in a re-signed report', (t) => {
  const r = report(body(entries()));
  const egress = r.body.egress as Extract<ReportBody['egress'], { head: unknown }>;
  const withEgress = (e: typeof egress): Report => resign({ ...r.body, egress: e });
  // a head changed but its old signature kept
  t.throws(() => checkReport(withEgress({ ...egress, head: { ...egress.head, size: 6 } })), {
    code: 'REPORT_HEAD_BAD_SIGNATURE',
  });
  const headed = (h: typeof egress.head) => ({
    ...egress,
    head: h,
    headSignature: signEgressHead(h, gatewayKey.secretKey),
  });
  t.throws(() => checkReport(withEgress(headed({ ...egress.head, owner: 'run_other' }))), {
    code: 'REPORT_HEAD_MISMATCH',
  });
  t.throws(() => checkReport(withEgress(headed({ ...egress.head, flagged: 3 }))), {
    code: 'REPORT_HEAD_MISMATCH',
  });
  t.throws(() => checkReport(withEgress({ ...egress, count: 6 })), { code: 'REPORT_HEAD_MISMATCH' });
  t.throws(() => checkReport(withEgress(headed({ ...egress.head, root: 'AAAA' }))), {
    code: 'REPORT_MALFORMED',
  });
  const zeroRoot = headed({ ...egress.head, root: bytesToBase64(new Uint8Array(32)) });
  t.throws(() => checkReport(withEgress(zeroRoot)), { code: 'REPORT_PROOF_INVALID' });
  const [first, ...rest] = egress.flags;
  if (first === undefined) throw new Error('fixture has flags');
  const flags = (f: typeof first) => ({ ...egress, flags: [f, ...rest] });
  t.throws(() => checkReport(withEgress(flags({ ...first, token: 'ff' }))), { code: 'REPORT_FLAG_MISMATCH' });
  t.throws(() => checkReport(withEgress(flags({ ...first, seq: 2 }))), { code: 'REPORT_FLAG_MISMATCH' });
  t.throws(() => checkReport(withEgress(flags({ ...first, proof: { ...first.proof, size: 4 } }))), {
    code: 'REPORT_PROOF_INVALID',
  });
  t.throws(() => checkReport(withEgress(flags({ ...first, proof: { ...first.proof, index: 2 } }))), {
    code: 'REPORT_PROOF_INVALID',
  });
  t.throws(() => checkReport(withEgress(flags({ ...first, proof: { ...first.proof, path: ['AA=='] } }))), {
    code: 'REPORT_MALFORMED',
  });
  // an entry changed with its flag: the leaf is no longer in the tree
  const entry = { ...first.entry, bytes: 1 };
  t.throws(() => checkReport(withEgress(flags({ ...first, entry }))), { code: 'REPORT_PROOF_INVALID' });
  // a flag left out of the list
  t.throws(() => checkReport(withEgress({ ...egress, flags: egress.flags.slice(0, 2) })), {
    code: 'REPORT_FLAG_MISMATCH',
  });
  t.throws(() => checkReport(withEgress({ ...egress, flags: egress.flags.slice(1) })), {
    code: 'REPORT_HEAD_MISMATCH',
  });
  t.ok(new ReportError('REPORT_MALFORMED', 'x') instanceof Error);
  t.end();
});

t.test('skipped parts check', (t) => {
  const b = {
    ...body(),
    egress: { skipped: 'no egress log' },
    rescan: { skipped: 'no index' },
    audit: { skipped: 'no canaries' },
  };
  t.same(checkReport(report(b)).verdict, { pass: true, reasons: [] });
  t.end();
});
