/**
 * Verifications through the gateway (docs/verification.md): a real gateway
 * over LevelDB and a real key release (the broker's test world, with a real
 * inspect document of a sealed container), then the seller's report, its
 * offline check, and who may ask. The guard and the audit are stand-ins here
 * (EgressLogSource, AuditSource) built from attest's own Merkle tree.
 */
import t from 'tap';
import type { Test } from 'tap';
import {
  MerkleTree,
  bytesToBase64,
  canonicalizeBytes,
  checkReport,
  signEgressHead,
} from '../../../attest/index.js';
import type { EgressEntry, Report } from '../../../attest/index.js';
import { RUNS_SUBLEVEL, put } from '../../../gateway/index.js';
import type { RunRecord } from '../../../gateway/index.js';
import type { AuditSource, EgressLogSource } from '../../../gateway/verification/index.js';
import {
  VerificationService,
  dataRelease,
  guardEgressLogs,
  noAudits,
} from '../../../gateway/verification/index.js';
import type { GatewayContext } from '../../../gateway/index.js';
import { EgressLog, noScanners } from '../../../gateway/guard/index.js';
import type { NodeRecord } from '../../../gateway/nodes/records.js';
import { NODES_SUBLEVEL } from '../../../gateway/nodes/records.js';

// A second EgressLog over the same store: it rebuilds each tree from the stored entries.
const egressLogOf = (ctx: GatewayContext) => new EgressLog(ctx.store, ctx.identity);
import type { ReleaseRecord } from '../../../gateway/index.js';
import { signedInject } from '../../helpers/gateway.js';
import { sealedInspect } from '../broker/inspect.js';
import { BrokerWorld, generateBoxKeyPair } from '../broker/world.js';

// A world with one run whose data key was released, then the run settled.
async function released(t: Test) {
  const inspect = await sealedInspect(t);
  if (inspect === undefined) return undefined;
  const w = await BrokerWorld.create(t, inspect);
  const node = await w.node();
  const run = await w.run(node);
  const nonce = await w.nonce(node, run);
  const res = await w.sendEvidence(node, run, w.evidence(node, run.runId, nonce, generateBoxKeyPair()));
  if (res.statusCode !== 200) throw new Error(res.body);
  return { w, run };
}

async function settle(w: BrokerWorld, runId: string): Promise<void> {
  const record = await w.gw.app.gateway.runs.get(runId);
  const settled: RunRecord = { ...record, state: 'settled' };
  await w.store.write([put(w.store.sublevel(RUNS_SUBLEVEL), runId, settled)]);
}

t.test('only the seller asks and reads; the report checks offline', async (t) => {
  const world = await released(t);
  if (!world) return;
  const { w, run } = world;
  const app = w.gw.app;
  const now = () => new Date(w.clock.ms);
  const ask = (key = w.seller.key, runId = run.runId) =>
    signedInject(app, { method: 'POST', url: `/v1/runs/${runId}/verifications`, key, now: now() });
  const read = (id: string, key = w.seller.key) =>
    signedInject(app, { method: 'GET', url: `/v1/verifications/${id}`, key, now: now() });

  const active = await ask();
  t.equal(active.statusCode, 409);
  t.equal(active.json<{ error: { code: string } }>().error.code, 'VERIFICATION_RUN_ACTIVE');
  await settle(w, run.runId);

  const buyer = await w.gw.account('buyer', 'seller');
  const stranger = await ask(buyer.key);
  const missing = await ask(buyer.key, `run_${'a'.repeat(26)}`);
  t.equal(stranger.statusCode, 403);
  t.same(
    stranger.json(),
    missing.json(),
    'a run that is not yours and one that does not exist look the same',
  );
  t.equal(stranger.json<{ error: { code: string } }>().error.code, 'VERIFICATION_FORBIDDEN');
  const plainBuyer = await w.gw.account('buyer');
  t.equal((await ask(plainBuyer.key)).statusCode, 403, 'a buyer is not a seller');

  const asked = await ask();
  t.equal(asked.statusCode, 202, asked.body);
  const { verificationId } = asked.json<{ verificationId: string }>();
  t.equal((await read(verificationId, buyer.key)).statusCode, 403);
  t.same((await read(verificationId, buyer.key)).json(), (await read(`ver_${'b'.repeat(26)}`)).json());

  let res = await read(verificationId);
  while (res.statusCode === 202) {
    await new Promise((r) => setTimeout(r, 20));
    res = await read(verificationId);
  }
  t.equal(res.statusCode, 200, res.body);
  const { report } = res.json<{ report: Report }>();
  const checked = checkReport(report, { gatewayKey: app.gateway.identity.gateway.keyPair.publicKey });
  t.equal(checked.keyId, app.gateway.identity.gateway.keyId);
  t.same(checked.verdict, { pass: true, reasons: [] });
  t.equal(report.body.runId, run.runId);
  t.equal(report.body.datasetId, run.dataset.id);
  t.ok(report.body.evidence.document, 'the evidence of the release');
  t.ok(report.body.evidence.judgements.length >= 12 && report.body.evidence.judgements.every((j) => j.ok));
  t.equal(report.body.releases.length, 1);
  t.match(report.body.sandbox, { inspectDigest: /^sha256:/, violations: [] });
  t.match(report.body.egress, { head: { owner: run.runId, size: 0, flagged: 0 }, count: 0, flags: [] });
  t.match(report.body.rescan, { skipped: /no fingerprint index/ });
  t.match(report.body.audit, { skipped: /\(AUDIT_[A-Z_]+\)$/ }, 'the audit says why it could not run');
});

t.test('with an egress log and an audit: flags, proofs and the verdict', async (t) => {
  const world = await released(t);
  if (!world) return;
  const { w, run } = world;
  await settle(w, run.runId);
  const ctx = w.gw.app.gateway;
  const entries: EgressEntry[] = [0, 1, 2].map((seq) => ({
    seq,
    channel: 'metrics',
    bytes: 50,
    bodyDigest: `sha256:${String(seq).repeat(64)}`,
    verdict: seq === 1 ? 'stop' : 'pass',
    flags: seq === 1 ? [{ rule: 'canary', action: 'stop', token: 'c0ffee', decoder: 'plain' }] : [],
  }));
  const tree = new MerkleTree();
  for (const e of entries) tree.append(canonicalizeBytes(e));
  const head = {
    owner: run.runId,
    size: 3,
    root: bytesToBase64(tree.root()),
    bytes: 150,
    flagged: 1,
    closedAt: ctx.now().toISOString(),
  };
  const egress: EgressLogSource = {
    closedLog: () =>
      Promise.resolve({
        head,
        headSignature: signEgressHead(head, ctx.identity.gateway.keyPair.secretKey),
        flagged: [
          {
            entry: entries[1],
            proof: { index: 1, size: 3, path: tree.inclusionProof(1).map(bytesToBase64) },
          },
        ],
      }),
    rescan: () => Promise.resolve({ at: ctx.now().toISOString(), flags: [] }),
  };
  const audit: AuditSource = {
    audit: () =>
      Promise.resolve({
        planted: 2,
        heldOut: 8,
        exposure: { perCanary: [3, 3], mean: 3, max: 3, maxPossible: 3.17 },
        membership: { auc: 1, advantage: 1 },
        thresholds: { maxMeanExposureBits: 1.5, maxAuc: 0.75 },
      }),
  };
  const service = new VerificationService({
    store: ctx.store,
    runs: ctx.runs,
    now: ctx.now,
    signer: ctx.identity.gateway,
    profile: ctx.options.broker.profile,
    egress,
    audit,
  });
  const id = await service.request(w.seller.id, run.runId);
  await service.settled();
  const record = await service.get(w.seller.id, id);
  t.equal(record.status, 'done');
  const checked = checkReport(record.report);
  t.same(checked.verdict.reasons, [
    'egress rule canary: record 1 (stop)',
    'audit rule maxMeanExposureBits: mean exposure 3 > 1.5',
    'audit rule maxAuc: membership AUC 1 > 0.75',
  ]);
  await t.rejects(service.get('acct_other', id), { code: 'VERIFICATION_FORBIDDEN' });

  const broken = new VerificationService({
    store: ctx.store,
    runs: ctx.runs,
    now: ctx.now,
    signer: ctx.identity.gateway,
    profile: ctx.options.broker.profile,
    egress: { ...egress, closedLog: () => Promise.reject(new Error('disk gone')) },
    audit,
  });
  const bad = await broken.request(w.seller.id, run.runId);
  await broken.settled();
  t.match(await broken.get(w.seller.id, bad), { status: 'failed', error: { code: 'VERIFICATION_FAILED' } });
});

t.test('the release a report shows: the last data release, or the pending one a seller approved', (t) => {
  const r = (id: string, fields: Partial<ReleaseRecord>) =>
    ({ id, purpose: 'data', outcome: 'released', ...fields }) as ReleaseRecord;
  t.equal(dataRelease([]), undefined);
  t.equal(dataRelease([r('a', {}), r('b', { outcome: 'refused' }), r('c', { purpose: 'model' })]), 'a');
  t.equal(dataRelease([r('p', { outcome: 'pending' }), r('q', { ref: 'p' })]), 'p');
  t.end();
});

t.test("the guard's real log: a schema drop shows with its proof and fails the report", async (t) => {
  const world = await released(t);
  if (!world) return;
  const { w, run } = world;
  const ctx = w.gw.app.gateway;
  const node = (await ctx.store.get(
    ctx.store.sublevel(NODES_SUBLEVEL),
    (await ctx.runs.get(run.runId)).node ?? '',
  )) as NodeRecord;
  await ctx.guard.runEgress(node, run.runId, run.jobId, [
    { seq: 0, channel: 'metrics', metric: 'loss', step: 1, value: 0.5 },
    { seq: 1, channel: 'metrics', metric: 'undeclared', step: 1, value: 0.5 },
    { seq: 2, channel: 'metrics', metric: 'loss', step: 2, value: 0.4 },
  ]);
  await settle(w, run.runId);
  const service = new VerificationService({
    store: ctx.store,
    runs: ctx.runs,
    now: ctx.now,
    signer: ctx.identity.gateway,
    profile: ctx.options.broker.profile,
    egress: guardEgressLogs({
      guard: ctx.guard,
      log: egressLogOf(ctx),
      scanners: noScanners,
      datasets: ctx.datasets,
      now: ctx.now,
    }),
    audit: noAudits,
  });
  const id = await service.request(w.seller.id, run.runId);
  await service.settled();
  const record = await service.get(w.seller.id, id);
  t.equal(record.status, 'done', JSON.stringify(record.error));
  const checked = checkReport(record.report);
  t.match(checked.report.body.egress, { count: 3, head: { size: 3, flagged: 1 } });
  t.same(checked.verdict.reasons, ['egress rule schema: record 1 (drop)']);
  t.match(checked.report.body.rescan, { skipped: /no fingerprint index/ });
});
