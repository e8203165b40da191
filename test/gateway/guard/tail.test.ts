/**
 * The scanner's tail when a run's log closes (docs/guard.md, "Scanner state";
 * gateway/guard/close.ts, flags.ts `tailFlagOps`): the real Scanner scores
 * its last near-match window only in `end()`, so a near-variant of a listed
 * record sent as the run's last records is found only at close. It becomes a
 * seller flag (`nearFlag`, action `flag`) at the last seq it spans, stored
 * under `${datasetId}/${at}/${runId}/${seq10}/t${i}` (the seq padded as for logged entries), listed by the seller's
 * flags route; the signed head still verifies over the log.
 */
import t from 'tap';
import type { Test } from 'tap';
import { MerkleTree, Scanner, base64ToBytes } from '../../../attest/index.js';
import type { FingerprintIndex } from '../../../attest/index.js';
import type { DatasetFlag, RunEventRecord } from '../../../gateway/index.js';
import type { EgressPolicy } from '../../../policies/index.js';
import { DATASET_FLAGS_SUBLEVEL, leafData, verifyEgressHead } from '../../../gateway/index.js';
import type { CloseSetup } from './guard-market.js';
import { ROWS, closeSetup, logRecord } from './guard-market.js';

// An honest line of a record's length or more: the near window scores it alone and starts empty after it.
const HONEST = 'epoch 3 finished and the training loss went down steadily over all of the batches';

/** Record `i` with one character changed in each of its name, ID and e-mail (no exact value left). */
function variant(i: number): string {
  const [name, id, email, ...rest] = ROWS[i];
  const digit = String((Number(id.at(-1)) + 1) % 10);
  return [`${name.slice(0, -1)}x`, id.slice(0, -1) + digit, `x${email.slice(1)}`, ...rest].join(',');
}

/** Its two halves, as two log lines. */
function halves(text: string): [string, string] {
  const cut = Math.ceil(text.length / 2);
  return [text.slice(0, cut), text.slice(cut)];
}

/**
 * The first row whose variant a probe Scanner over the listed index (the
 * same index and key the guard loads) finds nowhere while the lines are
 * pushed and as a near match at `end()`; the finding it expects.
 */
function tailOnlyVariant(index: FingerprintIndex, scan: EgressPolicy['scan']) {
  for (let i = 0; i < ROWS.length; i++) {
    const lines = [HONEST, ...halves(variant(i))];
    const s = new Scanner(index, scan);
    const pushed = lines.flatMap((text, seq) => s.push({ seq, kind: 'text', text }));
    const end = s.end();
    if (pushed.length === 0 && end.length === 1 && end[0].rule === 'near') return { lines, found: end[0] };
  }
  throw new Error('no row gives a tail-only near variant');
}

async function sellerFlags(s: CloseSetup): Promise<DatasetFlag[]> {
  const res = await s.m.as(s.m.seller, 'GET', `/v1/datasets/${s.datasetId}/flags`);
  if (res.statusCode !== 200) throw new Error(`flags: ${res.statusCode}`);
  return res.json<{ items: DatasetFlag[] }>().items;
}

// The log's root rebuilt with attest/merkle from the entries, and the gateway's signature.
async function checkHead(t: Test, s: CloseSetup, size: number): Promise<void> {
  const { guard, identity } = s.m.gw.app.gateway;
  const signed = await guard.head(s.runId);
  t.ok(verifyEgressHead(signed, identity.gateway.keyPair.publicKey), 'the head verifies');
  const entries = await guard.log.entries(s.runId);
  const tree = new MerkleTree();
  for (const e of entries) tree.append(leafData(e));
  t.equal(signed.head.size, size);
  t.same(base64ToBytes(signed.head.root), tree.root(), 'over every entry, the released tail included');
}

t.test('a near-variant sent last is found at close and becomes a seller flag under its key', async (t) => {
  const s = await closeSetup(t, { channels: ['metrics', 'logs'] });
  const { guard, runs, store, datasets } = s.m.gw.app.gateway;
  const scan = (await datasets.get(s.datasetId)).policy.egress.scan;
  const { lines, found } = tailOnlyVariant(s.index, scan);
  t.ok(found.jaccard! >= scan.flagJaccard && found.jaccard! < scan.blockJaccard, `jaccard ${found.jaccard}`);
  t.same(found.seqs, [1, 2], 'the window spans both halves');

  t.same((await s.post(lines.map((text, seq) => logRecord(seq, text)))).json(), { stop: false });
  t.same(await sellerFlags(s), [], 'nothing is found while the run is open');
  t.same(
    (await guard.log.entries(s.runId)).flatMap((e) => e.flags),
    [],
  );

  await runs.transition(s.runId, 'fail');
  await checkHead(t, s, 3);
  const at = s.m.gw.app.gateway.options.now().toISOString();
  const flag = { runId: s.runId, seq: 2, rule: 'nearFlag', action: 'flag', token: found.token, at };
  t.same(await sellerFlags(s), [flag], 'the seller sees the tail finding, by its keyed token');
  const sub = store.sublevel(DATASET_FLAGS_SUBLEVEL);
  t.same(
    await sub.keys({ gt: `${s.datasetId}/`, lt: `${s.datasetId}/~` }).all(),
    [`${s.datasetId}/${at}/${s.runId}/0000000002/t0`],
    'stored under …/<seq>/t<i>',
  );
  t.same(
    (await guard.log.entries(s.runId)).map((e) => [e.seq, e.verdict, e.flags.length]),
    [
      [0, 'pass', 0],
      [1, 'pass', 0],
      [2, 'pass', 0],
    ],
    'a tail finding is a flag, not a log entry: the entries are as they were released',
  );
  const events = await runs.events.read(s.runId);
  t.notOk(
    events.some((e: RunEventRecord) => e.type === 'flag'),
    'no flag event: the buyer’s stream ended with the run',
  );

  // A second close (the head asked for again) writes no second flag.
  await guard.closeOwner(s.runId);
  t.equal((await sellerFlags(s)).length, 1);
});
