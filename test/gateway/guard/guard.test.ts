/**
 * The egress guard at a real gateway over real LevelDB, with a fake node
 * speaking over real mTLS on loopback (docs/egress-protocol.md sections 3 and
 * 4): schema, budget and each action; the log's root matches attest/merkle
 * over the entries, its inclusion proofs verify and its head's signature
 * verifies; a stop moves the run to flagged and refunds; a record split across
 * two posts is one finding naming both seqs; bad input from a node changes
 * nothing; inference answers pass the guard; the flags route shows the seller
 * and refuses others. The scanner is test/gateway/guard/fake-scanner.ts, or
 * the real one over a listed index; the set-up is guard-market.ts.
 */
import t from 'tap';
import type { Test } from 'tap';
import { MerkleTree, base64ToBytes, leafHash, verifyInclusion } from '../../../attest/index.js';
import type { EgressEntry, RunEventRecord } from '../../../gateway/index.js';
import { leafData, recordBytes, verifyEgressHead } from '../../../gateway/index.js';
import { codeOf } from '../../helpers/gateway.js';
import { fakeScanners, fakeToken } from './fake-scanner.js';
import type { RunningRun } from './guard-market.js';
import {
  ROWS,
  closeSetup,
  completeRun,
  logRecord as log,
  metricRecord as metric,
  runningRun,
  takeJob,
} from './guard-market.js';

// Synthetic patterns (not from any dataset): what the fake index "holds".
const PATTERNS = [
  { text: 'Alice Smithson', rule: 'exact' },
  { text: 'Jane Q Doe', rule: 'exact' },
  { text: 'canary Zorblax', rule: 'canary' },
  { text: 'near variant', rule: 'near', jaccard: 0.75 },
  { text: 'block variant', rule: 'near', jaccard: 0.9 },
] as const;

// A running run whose scanner is the fake one over PATTERNS.
const setup = (t: Test, egress: Record<string, unknown>) =>
  runningRun(t, egress, { egressScanners: fakeScanners(PATTERNS) });

// The log's root rebuilt with attest/merkle from the entries; every proof verified against it.
async function checkLog(t: Test, s: RunningRun, owner: string): Promise<EgressEntry[]> {
  const { guard, identity } = s.m.gw.app.gateway;
  const entries = await guard.log.entries(owner);
  const signed = await guard.head(owner);
  t.ok(verifyEgressHead(signed, identity.gateway.keyPair.publicKey), 'the head is signed by the gateway');
  const forged = { ...signed, head: { ...signed.head, flagged: signed.head.flagged + 1 } };
  t.notOk(verifyEgressHead(forged, identity.gateway.keyPair.publicKey), 'a changed head does not verify');
  const tree = new MerkleTree();
  for (const e of entries) tree.append(leafData(e));
  t.equal(signed.head.size, entries.length);
  t.same(base64ToBytes(signed.head.root), tree.root(), 'the root is RFC 6962 over JCS of the entries');
  t.equal(
    signed.head.bytes,
    entries.reduce((n, e) => n + e.bytes, 0),
  );
  for (const e of entries) {
    const proof = await guard.log.proof(owner, e.seq);
    verifyInclusion(
      leafHash(leafData(e)),
      proof.index,
      proof.size,
      proof.path.map((h) => base64ToBytes(h) as Uint8Array),
      tree.root(),
    );
  }
  t.pass(`${entries.length} inclusion proofs verify`);
  return entries;
}

t.test('schema, budget and each action; a stop flags the run and refunds it', async (t) => {
  const s = await setup(t, {
    channels: ['metrics', 'logs'],
    byteBudget: 1000,
    maxRecordBytes: 200,
    actions: { budget: 'flag' },
  });
  const { runs, ledger } = s.m.gw.app.gateway;
  const buyerBefore = ledger.balance(`user:${s.m.buyer.id}`);
  const first = await s.post([
    metric(0, 'loss'),
    metric(1, 'accuracy'),
    { seq: 2, channel: 'refused', reason: 'free-text', bytes: 10 },
    log(3, 'x'.repeat(300)),
    log(4, 'step done'),
    log(5, 'a NEAR variant here'),
    log(6, 'block-variant'),
  ]);
  t.same([first.status, first.json()], [200, { stop: false }]);
  let entries = await s.m.gw.app.gateway.guard.log.entries(s.runId);
  t.same(
    entries.map((e) => [e.verdict, e.flags.map((f) => `${f.rule}:${f.action}`)]),
    [
      ['pass', []],
      ['drop', ['schema:drop']],
      ['drop', ['schema:drop']],
      ['drop', ['schema:drop']],
      ['pass', []],
      ['flag', ['nearFlag:flag']],
      ['drop', ['nearBlock:drop']],
    ],
  );
  t.equal(entries[5].flags[0].token, fakeToken('near variant'), 'flags carry the keyed token, not text');

  // the budget: released bytes so far, then 150-character lines until it is spent (action: flag)
  let released = entries
    .filter((e) => e.verdict === 'pass' || e.verdict === 'flag')
    .reduce((n, e) => n + e.bytes, 0);
  const lines = [7, 8, 9, 10, 11, 12].map((seq) => log(seq, `${seq}`.padEnd(150, '.')));
  const over = lines.findIndex((l) => (released += recordBytes({ channel: 'logs', text: l.text })) > 1000);
  t.ok(over > 0, 'the budget is spent within the lines');
  t.same((await s.post(lines.slice(0, over + 1))).json(), { stop: false });
  entries = await s.m.gw.app.gateway.guard.log.entries(s.runId);
  t.same(
    entries[7 + over].flags.map((f) => f.rule),
    ['budget'],
  );
  t.equal(entries[7 + over].verdict, 'flag', 'flag: released and flagged');

  const events = await runs.history(s.runId);
  const kinds = events.filter((e) => e.type !== 'state').map((e: RunEventRecord) => e.type);
  t.same(
    kinds.slice(0, 8),
    ['metric', 'flag', 'flag', 'flag', 'log', 'log', 'flag', 'flag'],
    'released metrics and logs, and a flag event for every flag, in seq order',
  );
  t.notMatch(JSON.stringify(events), /block-variant|x{300}/, 'nothing dropped reaches the buyer');

  // exact: stop (the default) - the run is flagged, refunded, and its job ends
  const seq = 8 + over;
  const stop = await s.post([log(seq, 'patient Jane Q. Doe, 123'), log(seq + 1, 'never looked at')]);
  t.same([stop.status, stop.json()], [200, { stop: true }]);
  const run = await runs.get(s.runId);
  t.equal(run.state, 'flagged');
  t.equal(run.reason?.code, 'GUARD_STOPPED');
  t.equal(
    ledger.balance(`user:${s.m.buyer.id}`),
    buyerBefore + BigInt(run.price.tokens),
    'the buyer is refunded in full',
  );
  const after = await s.post([log(seq + 1, 'more')]);
  t.equal(after.code, 'NODE_JOB_NOT_ACTIVE', 'the job has ended');
  entries = await checkLog(t, s, s.runId);
  t.equal(entries.length, seq + 1, 'the stopping record is the last entry');
  t.same(entries[seq].verdict, 'stop');
  const bodies = await s.m.gw.app.gateway.guard.log.bodies(s.runId);
  t.notOk(
    bodies.some((b) => b.seq === seq || b.seq === 1),
    'blocked bodies are not kept',
  );
  t.ok(
    bodies.some((b) => b.seq === 5),
    'released ones are',
  );
});

t.test('a record split across two posts is one finding naming both; bad input changes nothing', async (t) => {
  const s = await setup(t, { channels: ['metrics', 'logs'], actions: { exact: 'flag' } });
  const { guard } = s.m.gw.app.gateway;
  t.same((await s.post([metric(0, 'loss'), log(1, 'patient: Ali')])).json(), { stop: false });

  const size = async () => (await guard.log.entries(s.runId)).length;
  t.equal((await s.post([log(3, 'gap')])).code, 'GUARD_SEQ_GAP');
  t.equal((await s.post([log(1, 'again')])).code, 'GUARD_SEQ_REPEAT');
  const malformed = await s.post([{ seq: 2, channel: 'logs', text: 'x', extra: 1 }]);
  t.same([malformed.status, malformed.code], [400, 'HTTP_INVALID']);
  const other = await s.m.node();
  const foreign = await other.call('POST', `/v1/node/runs/${s.runId}/egress`, {
    jobId: s.job.jobId,
    records: [log(2, 'x')],
  });
  t.equal(foreign.code, 'NODE_JOB_NOT_YOURS');
  t.equal(await size(), 2, 'none of them changed the log');

  t.same((await s.post([log(2, 'ce Smithson, 42')])).json(), { stop: false });
  const entries = await guard.log.entries(s.runId);
  t.same(entries[2].flags, [
    { rule: 'exact', action: 'flag', token: fakeToken('Alice Smithson'), decoder: 'plain', seqs: [1, 2] },
  ]);

  const seller = await s.m.as(s.m.seller, 'GET', `/v1/datasets/${s.datasetId}/flags`);
  t.equal(seller.statusCode, 200);
  t.same(
    seller.json<{ items: unknown[] }>().items.map((f) => ({ ...(f as object), at: 'T' })),
    [{ runId: s.runId, seq: 2, rule: 'exact', action: 'flag', token: fakeToken('Alice Smithson'), at: 'T' }],
  );
  const buyer = await s.m.as(s.m.buyer, 'GET', `/v1/datasets/${s.datasetId}/flags`);
  t.same([buyer.statusCode, codeOf(buyer)], [403, 'DATASET_NOT_SELLER']);
  const unsigned = await s.m.gw.app.inject({ method: 'GET', url: `/v1/datasets/${s.datasetId}/flags` });
  t.equal(unsigned.statusCode, 401);

  await t.rejects(guard.head(s.runId), { code: 'GUARD_LOG_OPEN' });
  await s.m.gw.app.gateway.runs.transition(s.runId, 'fail');
  await checkLog(t, s, s.runId);
});

t.test('inference answers pass the guard before the buyer sees them', async (t) => {
  // maxRecordBytes and byteBudget 64: the first answer (41 bytes) fits, the second is over budget
  const s = await setup(t, { byteBudget: 64, maxRecordBytes: 64, actions: { budget: 'drop' } });
  const { guard, identity } = s.m.gw.app.gateway;
  const done = await completeRun(s);
  t.equal(done.status, 200);
  const asked = await s.m.as(s.m.buyer, 'POST', `/v1/runs/${s.runId}/infer`, { inputs: '1\n2\n' });
  const { inferenceId } = asked.json<{ inferenceId: string }>();
  const job = await takeJob(s.node);
  const path = `/v1/node/inferences/${inferenceId}/answers`;
  const bad = await s.node.call('POST', path, { jobId: job.jobId, answers: [0.2, 'text'] });
  t.same([bad.status, bad.code], [400, 'GUARD_RECORD_MALFORMED']);
  t.same(await guard.log.entries(inferenceId), [], 'a refused post logs nothing');

  const answered = await s.node.call('POST', path, { jobId: job.jobId, answers: [0.2, 0.9] });
  t.same(answered.json(), { inferenceId, state: 'answered' });
  const read = await s.m.as(s.m.buyer, 'GET', `/v1/inferences/${inferenceId}`);
  t.same(read.json<{ answers: unknown[] }>().answers, [0.2, null], 'the answer over budget is dropped');
  const entries = await guard.log.entries(inferenceId);
  t.same(
    entries.map((e) => [e.channel, e.verdict]),
    [
      ['answers', 'pass'],
      ['answers', 'drop'],
    ],
  );
  const head = await guard.head(inferenceId);
  t.ok(verifyEgressHead(head, identity.gateway.keyPair.publicKey), 'the inference log has a signed head');
  t.equal(head.head.size, 2);
  const flags = await s.m.as(s.m.seller, 'GET', `/v1/datasets/${s.datasetId}/flags`);
  t.match(flags.json<{ items: unknown[] }>().items, [
    { runId: s.runId, inferenceId, seq: 1, rule: 'budget' },
  ]);
});

t.test('with the real index: an ID number split across two posts stops the run', async (t) => {
  const s = await closeSetup(t, { channels: ['metrics', 'logs'] });
  const { guard, runs } = s.m.gw.app.gateway;
  const id = ROWS[7][1];
  t.same((await s.post([metric(0, 'loss'), log(1, `note ${id.slice(0, 5)}`)])).json(), { stop: false });
  t.same(
    (await guard.log.entries(s.runId)).map((e) => e.seq),
    [0],
    'the first five digits are held back, not logged nor released',
  );
  const stop = await s.post([log(2, `${id.slice(5)} end`)]);
  t.same(stop.json(), { stop: true });
  const entries = await guard.log.entries(s.runId);
  t.same(
    entries.map((e) => e.verdict),
    ['pass', 'stop', 'stop'],
  );
  t.match(
    entries[2].flags,
    [{ rule: 'exact', action: 'stop', seqs: [1, 2] }],
    'one finding naming both seqs',
  );
  t.match(entries[1].flags, [{ rule: 'exact', action: 'stop', seqs: [1, 2] }], 'the held part carries it');
  const logs = (await runs.events.read(s.runId)).filter((e: RunEventRecord) => e.type === 'log');
  t.same(logs, [], 'the buyer saw no part of the ID');
  t.equal((await runs.get(s.runId)).reason?.code, 'GUARD_STOPPED');
  t.notMatch(JSON.stringify(entries), new RegExp(id), 'no plaintext in the log');
  t.equal((await runs.get(s.runId)).state, 'flagged');
});

t.test('with the real index: what is held when the job ends is released before it completes', async (t) => {
  const s = await closeSetup(t, { channels: ['metrics', 'logs'] });
  const { guard, runs } = s.m.gw.app.gateway;
  t.same((await s.post([metric(0, 'loss'), log(1, 'epoch 12')])).json(), { stop: false });
  t.same(
    (await guard.log.entries(s.runId)).map((e) => e.seq),
    [0],
    'the short tail "12" is held',
  );
  const done = await completeRun(s);
  t.equal(done.status, 200);
  t.same(
    (await guard.log.entries(s.runId)).map((e) => [e.seq, e.verdict]),
    [
      [0, 'pass'],
      [1, 'pass'],
    ],
  );
  const events = await runs.events.read(s.runId);
  const logAt = events.findIndex((e: RunEventRecord) => e.type === 'log');
  const sealedAt = events.findIndex(
    (e: RunEventRecord) => e.type === 'state' && e.state === 'sealing-output',
  );
  t.ok(logAt >= 0 && logAt < sealedAt, 'the buyer got the held line before the run ended');
  await checkLog(t, s, s.runId);
});
