/**
 * The demo's first five steps (issue 7; DESIGN.md section 5, steps 1-8 and
 * 12): accounts and a node, the seller's listing, the publisher's model, the
 * buyer's sealed run with live metrics, and sealed inference. Each acts
 * through the SDK on the real parts of bench/world.ts and returns what it
 * showed, for `--json`.
 */
import { REFERENCE_MODEL, SealedWorld, listFingerprinted } from '../../bench/world.js';
import { formatTokens, infer, myBalance, requestQuote, startRun } from '../../client/index.js';
import { DemoError } from './outcome.js';
import type { Details } from './outcome.js';
import type { DemoState } from './state.js';
import { balances, followRun, gatewayPublicKey, made, metricOf } from './state.js';

/** Token base units the operator credits the buyer: 1,000 tokens of 8 decimals. */
const CREDIT = '100000000000';
/** Rows of the synthetic dataset: over 50 distinct values a column, so names, IDs and e-mails are fingerprinted. */
const ROWS = 1000;
const CANARIES = 16;
/** The buyer's training: few steps, a metric every 4. */
const TRAINING = { steps: 20, hyperparameters: { seed: 1, learningRate: 0.1, batchSize: 32, logEvery: 4 } };

/** 1. Accounts: the gateway on loopback, four parties, the buyer credited, the miner's node enrolled. */
export async function accounts(s: DemoState): Promise<Details> {
  const world = await SealedWorld.create(s.scope, {}, CREDIT);
  s.world = world;
  s.gatewayKey = await gatewayPublicKey(world);
  s.say(`gateway on ${world.gateway.url} (nodes: ${world.gateway.nodeUrl ?? '-'}), data in ${world.dir}`);
  for (const role of ['seller', 'buyer', 'publisher', 'miner'] as const)
    s.say(`${role.padEnd(9)} ${world[role].id}`);
  const balance = await myBalance(world.buyer.client);
  s.token = balance.token;
  s.say(
    `operator credited the buyer ${formatTokens(balance.balance, balance.token.decimals)} ${balance.token.symbol}`,
  );
  s.node = await world.node();
  s.say(`miner's node enrolled with a one-time token: ${s.node.nodeId}`);
  s.before = await balances(world);
  return {
    gateway: world.gateway.url,
    seller: world.seller.id,
    buyer: world.buyer.id,
    publisher: world.publisher.id,
    miner: world.miner.id,
    operator: world.operator.id,
    credited: CREDIT,
    buyerBalance: balance.balance,
    node: s.node.nodeId,
  };
}

/** 2. The seller lists a synthetic dataset with personal fields: canaries, fingerprint, envelope. */
export async function listDataset(s: DemoState): Promise<Details> {
  const world = made(s.world, 'world');
  let bar: ReturnType<DemoState['progress']> | undefined;
  let phase = '';
  let encrypted = 0;
  const dataset = await listFingerprinted(world, {
    rows: ROWS,
    models: [],
    canaries: CANARIES,
    egress: s.egress,
    onProgress: (step, done, total) => {
      if (step !== phase) {
        bar?.finish();
        phase = step;
        bar = s.progress(step === 'encrypting' ? 'encrypting the dataset' : 'planting canaries', total);
      }
      bar?.update(done);
      if (step === 'encrypting') encrypted = total;
    },
  });
  bar?.finish();
  s.dataset = dataset;
  // The live bar (on a terminal) is cleared when done; this line stays.
  s.say(`encrypting the dataset [${'#'.repeat(24)}] 100% ${(encrypted / 1024).toFixed(1)} KiB`);
  const [header] = dataset.csv.split('\n');
  s.say(`columns: ${header}`);
  s.say(
    `${ROWS} synthetic people + ${dataset.plantedRows.length} planted canaries, encrypted (AES-256-GCM), ` +
      `fingerprinted (${dataset.index.length}-byte keyed index)`,
  );
  s.say(`listed as ${dataset.id}; the gateway holds ciphertext and keyed hashes, never a row`);
  return {
    dataset: dataset.id,
    rows: ROWS,
    columns: header.split(','),
    canariesPlanted: dataset.plantedRows.length,
    canariesHeldOut: dataset.heldOut.length,
    fingerprintBytes: dataset.index.length,
    encryptedBytes: encrypted,
    custody: 'broker',
    egress: s.egress,
  };
}

/** 3. The publisher builds the reference model locally and publishes it; the seller allows its digest. */
export async function publishModel(s: DemoState): Promise<Details> {
  const world = made(s.world, 'world');
  const dataset = made(s.dataset, 'dataset');
  const tag = `sealgate-demo/reference:${s.label}`;
  s.images.push(tag);
  const model = await world.publishModel(REFERENCE_MODEL, tag);
  s.reference = model;
  s.say(`built ${tag} FROM scratch (no registry): ${model.digest.slice(0, 19)}…`);
  await allowModels(s, [model.digest]);
  s.say(`published as ${model.id}; the seller allowed its digest on ${dataset.id}`);
  return { model: model.id, digest: model.digest, tag, allowedOn: dataset.id };
}

/** The seller's listing now allows `digests` (PATCH /v1/datasets/:id, the whole policy). */
export async function allowModels(s: DemoState, digests: readonly string[]): Promise<void> {
  const world = made(s.world, 'world');
  await world.seller.client.request('PATCH', `/v1/datasets/${made(s.dataset, 'dataset').id}`, {
    signed: true,
    body: { policy: { release: { allowedModels: [...digests], custody: 'broker' }, egress: s.egress } },
  });
}

/** 4. The buyer's quote and sealed run, its metrics shown as they arrive. */
export async function sealedRun(s: DemoState): Promise<Details> {
  const world = made(s.world, 'world');
  const dataset = made(s.dataset, 'dataset');
  const model = made(s.reference, 'model');
  const token = made(s.token, 'token');
  const quote = await requestQuote(world.buyer.client, {
    dataset: dataset.id,
    model: model.id,
    ...TRAINING,
  });
  s.say(
    `quote ${quote.id}: ${formatTokens(quote.price.tokens, token.decimals)} ${token.symbol} ` +
      `(compute ${quote.price.fiat.compute} + model fee ${quote.price.fiat.baseFee} + data ${quote.price.fiat.data}), ` +
      `${quote.nodes.length} node(s) can take it`,
  );
  const started = await startRun(world.buyer.client, quote.id);
  s.say(`run ${started.id} started; the quoted tokens are in escrow`);
  const rows = new Map<number, Map<string, number>>();
  const { run, events } = await followRun(world, started.id, (event) => {
    if (event.type === 'state') s.say(`  state ${(event.data as { state?: string }).state ?? '?'}`);
    const m = metricOf(event);
    if (!m) return;
    const row = rows.get(m.step) ?? new Map<string, number>();
    rows.set(m.step, row.set(m.metric, m.value));
    if (row.size === 2)
      s.say(
        `  step ${String(m.step).padStart(3)}  ${[...row].map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ')}`,
      );
  });
  s.run = run;
  if (run.state !== 'settled')
    throw new DemoError(
      'DEMO_RUN_NOT_SETTLED',
      `run ${run.id} ended ${run.state} (${run.reason?.code ?? 'no reason'})`,
    );
  const metrics = events.flatMap((e) => metricOf(e) ?? []);
  const losses = metrics.filter((m) => m.metric === 'loss').map((m) => m.value);
  if (losses.length < 2)
    throw new DemoError('DEMO_NO_METRICS', `run ${run.id} streamed ${losses.length} losses`);
  const endedAt = events.find((e) => e.type === 'state' && JSON.stringify(e.data).includes('settled'))?.at;
  const firstAt = events.find((e) => metricOf(e) !== undefined)?.at ?? Infinity;
  s.say(
    `settled on node ${run.node ?? '?'}: loss ${losses[0].toFixed(4)} → ${losses.at(-1)!.toFixed(4)}; the trained model stays sealed`,
  );
  return {
    quote: quote.id,
    tokens: quote.price.tokens,
    run: run.id,
    state: run.state,
    node: run.node,
    metrics: metrics.length,
    firstLoss: losses[0],
    lastLoss: losses.at(-1),
    live: endedAt === undefined || firstAt < endedAt,
    usage: run.usage,
  };
}

/** 5. Sealed inference: a few people's records (no label) answered by the sealed model. */
export async function inference(s: DemoState): Promise<Details> {
  const world = made(s.world, 'world');
  const dataset = made(s.dataset, 'dataset');
  const run = made(s.run, 'run');
  const [head, ...rows] = dataset.csv.trimEnd().split('\n');
  const columns = head.split(',');
  const picked = rows.filter((_, i) => !dataset.plantedRows.includes(i)).slice(0, 3);
  const queries = picked.map((row) => {
    const cells = row.split(',');
    const query = Object.fromEntries(
      columns.map((c, i) => [c, Number.isNaN(Number(cells[i])) ? cells[i] : Number(cells[i])]),
    );
    delete query.label;
    return { query, label: cells[columns.indexOf('label')] };
  });
  const info = await infer(
    world.buyer.client,
    run.id,
    queries.map((q) => JSON.stringify(q.query)).join('\n') + '\n',
    {
      timeoutMs: 120_000,
      pollMs: 250,
    },
  );
  const answers = (info.answers ?? []).map((a) => (typeof a === 'number' ? Math.round(a * 1000) / 1000 : a));
  if (answers.length !== queries.length)
    throw new DemoError('DEMO_NO_ANSWERS', `${answers.length} answers to ${queries.length} queries`);
  for (const [i, q] of queries.entries())
    s.say(
      `  ${String(q.query.name ?? `query ${i}`).padEnd(24)} P(label=1) = ${String(answers[i])}  (true label ${q.label})`,
    );
  s.say('answered inside a sealed predict container; the buyer never saw the model or its key');
  return {
    inference: info.inferenceId,
    queries: queries.length,
    answers,
    labels: queries.map((q) => q.label),
  };
}

/** The first five steps by name. */
export const trade = {
  accounts,
  'list-dataset': listDataset,
  'publish-model': publishModel,
  'sealed-run': sealedRun,
  inference,
} as const;
