/**
 * The set-up the guard's tests share (guard.test.ts and the close-path tests
 * tail.test.ts, release-close.test.ts, close-errors.test.ts,
 * answers-close.test.ts): a real gateway over LevelDB in a temp dir, a fake
 * node over real mTLS on loopback, and a running run of a dataset whose
 * egress policy the test gives ({@link runningRun}). {@link closeSetup} also
 * lists a real attest/fingerprint index of synthetic rows
 * (client/sdk/synthetic.ts, seed 5) with its key sealed to the broker, so the
 * guard's scanner is the real Scanner (gatewayScanners).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Test } from 'tap';
import { IndexBuilder, bytesToBase64, loadIndex, wrapKey } from '../../../attest/index.js';
import type { FingerprintIndex } from '../../../attest/index.js';
import { SYNTHETIC_COLUMNS, generateDataset } from '../../../client/sdk/synthetic.js';
import type { DatasetRecord, GatewayOptions, WireJob } from '../../../gateway/index.js';
import { DATASETS_SUBLEVEL, put } from '../../../gateway/index.js';
import { parseDatasetPolicy } from '../../../policies/index.js';
import type { FakeNode, NodeMarket, NodeReply } from '../nodes/fixture.js';
import { nodeMarket } from '../nodes/fixture.js';

/** A fixed fingerprint key (tests only), so that the keyed MinHash, and so each near score, is the same every run. */
export const KEY = new Uint8Array(32).fill(9);

/** The synthetic rows the index holds (seed 5). */
export const ROWS = generateDataset({ rows: 1200, seed: 5 })
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','));

/** A running run whose job the fake node holds; `post` sends egress records for it. */
export interface RunningRun {
  readonly m: NodeMarket;
  readonly node: FakeNode;
  readonly runId: string;
  readonly datasetId: string;
  readonly job: WireJob;
  post(records: unknown[]): Promise<NodeReply>;
}

export interface CloseSetup extends RunningRun {
  /** The listed index, loaded, for a probe Scanner over the same index. */
  readonly index: FingerprintIndex;
}

/** The index of {@link ROWS} under {@link KEY}, as the seller's client builds it. */
export function indexBytes(scan: DatasetRecord['policy']['egress']['scan']): Uint8Array {
  const builder = new IndexBuilder(KEY, SYNTHETIC_COLUMNS, scan);
  for (const row of ROWS) builder.addRecord(row);
  return builder.finish();
}

/** List `bytes` as the dataset's fingerprint index, its key sealed to the broker (or to `to`). */
export async function listIndex(
  m: NodeMarket,
  datasetId: string,
  bytes: Uint8Array,
  to = m.gw.app.gateway.identity.broker.publicKey,
): Promise<void> {
  const { store, blobs } = m.gw.app.gateway;
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await blobs.put(digest, Readable.from([Buffer.from(bytes)]));
  const sub = store.sublevel(DATASETS_SUBLEVEL);
  const ds = (await store.get<DatasetRecord>(sub, datasetId)) as DatasetRecord;
  const listing = {
    ...ds,
    fingerprint: { digest, size: bytes.length },
    fingerprintKey: { wrapped: bytesToBase64(wrapKey(KEY, to)) },
  };
  await store.write([put(sub, ds.id, listing)]);
}

/** The node's next job (it waits for none). */
export async function takeJob(node: FakeNode): Promise<WireJob> {
  const res = await node.call('GET', '/v1/node/jobs?waitSeconds=0');
  if (res.status !== 200) throw new Error(`jobs: ${res.status}`);
  return res.json<{ job: WireJob }>().job;
}

/** A running run of a dataset with `egress` as its policy (no index listed: the scanner is `options`'). */
export async function runningRun(
  t: Test,
  egress: Record<string, unknown>,
  options: Partial<GatewayOptions> = {},
): Promise<RunningRun> {
  const m = await nodeMarket(t, options);
  const node = await m.node();
  const run = await m.startRun();
  const { store, runs } = m.gw.app.gateway;
  const sub = store.sublevel(DATASETS_SUBLEVEL);
  const ds = (await store.get<DatasetRecord>(sub, run.dataset)) as DatasetRecord;
  const policy = parseDatasetPolicy({ release: ds.policy.release, egress });
  await store.write([put(sub, ds.id, { ...ds, policy })]);
  const job = await takeJob(node);
  for (const e of ['seal', 'start'] as const) await runs.transition(run.id, e);
  const post = (records: unknown[]) =>
    node.call('POST', `/v1/node/runs/${run.id}/egress`, { jobId: job.jobId, records });
  return { m, node, runId: run.id, datasetId: ds.id, job, post };
}

/** A running run of a dataset with `egress` as its policy and the real index listed. */
export async function closeSetup(
  t: Test,
  egress: Record<string, unknown>,
  options: Partial<GatewayOptions> = {},
): Promise<CloseSetup> {
  const s = await runningRun(t, egress, options);
  const { store } = s.m.gw.app.gateway;
  const ds = (await store.get<DatasetRecord>(
    store.sublevel(DATASETS_SUBLEVEL),
    s.datasetId,
  )) as DatasetRecord;
  const bytes = indexBytes(ds.policy.egress.scan);
  await listIndex(s.m, s.datasetId, bytes);
  return { ...s, index: loadIndex(bytes, KEY) };
}

/** The node uploads a sealed output (2 KiB of 7s, a dummy wrapped key) and completes the run's job. */
export async function completeRun(s: RunningRun): Promise<NodeReply> {
  const sealed = Buffer.alloc(2048, 7);
  const digest = `sha256:${createHash('sha256').update(sealed).digest('hex')}`;
  await s.node.call('PUT', `/v1/node/blobs/${digest}`, sealed);
  return s.node.call('POST', `/v1/node/runs/${s.runId}/complete`, {
    jobId: s.job.jobId,
    output: { digest, size: sealed.length, wrappedKey: Buffer.alloc(80).toString('base64'), keyId: 'mk1' },
    receipt: s.node.receipt(s.runId, s.job.jobId),
  });
}

/** Every key and value of the gateway's LevelDB, to show that a refused call wrote nothing. */
export async function storeSnapshot(m: NodeMarket): Promise<Map<string, string>> {
  const all = await m.gw.app.gateway.store.db.iterator().all();
  return new Map(all.map(([k, v]) => [k, JSON.stringify(v)]));
}

export const logRecord = (seq: number, text: string) => ({ seq, channel: 'logs', text });
export const metricRecord = (seq: number, name: string, value = 0.5) => ({
  seq,
  channel: 'metrics',
  metric: name,
  step: 1,
  value,
});
