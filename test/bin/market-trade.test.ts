/**
 * The trade from the command line (issue 3 "Done when"): the built `sealgate`
 * binary in child processes against a real gateway on loopback in this
 * process. The listing and the model are made through the SDK (the CLI
 * commands for them are market-catalog.test.ts); then a quote, a run, its
 * status, the online balance, a rating refused before settlement, the run
 * settled in-process as its node would, ratings both ways, and offline: the
 * stopped gateway's ledger verifies, exports and verifies again, and a copy
 * tampered with through LevelDB fails with the code of what was changed.
 */
import t from 'tap';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  adminCredit,
  brokerPublicKey,
  encryptFile,
  publishDataset,
  publishModel,
  uploadBlob,
} from '../../client/index.js';
import { GatewayClient } from '../../client/index.js';
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  dataKeyId,
  generateDataKey,
  wrapKey,
} from '../../attest/index.js';
import { Store } from '../../gateway/index.js';
import { CSV, MODEL, json, marketGateway, user } from './market.js';
import { assertOneLine, sealgate } from './sealgate.js';

const root = t.testdir();
const gw = await marketGateway(t, root);
const { app, data, work } = gw;
const as = (home: string, ...args: string[]) => gw.as(home, ...args);
const seller = await user(gw, root, 'seller', 'seller');
const buyer = await user(gw, root, 'buyer', 'buyer');
const publisher = await user(gw, root, 'publisher', 'publisher');
const miner = await user(gw, root, 'miner', 'miner');
const homes = { seller: seller.home, buyer: buyer.home, publisher: publisher.home, miner: miner.home };
const ids = { seller: seller.id, buyer: buyer.id, publisher: publisher.id, miner: miner.id };

const operator = new GatewayClient({ gateway: gw.url, key: app.gateway.identity.operator.keyPair });
await adminCredit(operator, { account: ids.buyer, amount: '10000000000', memo: 'welcome' });
await adminCredit(operator, { account: ids.seller, amount: '5', memo: 'tip' });
const imageId = `sha256:${'cd'.repeat(32)}`;
const modelId = (await publishModel(publisher.client, { descriptor: MODEL, image: { digest: imageId } })).id;
await writeFile(join(work, 'people.csv'), CSV);
const dek = generateDataKey();
await encryptFile(join(work, 'people.csv'), join(work, 'people.env'), dek);
const blob = await uploadBlob(seller.client, join(work, 'people.env'));
const broker = base64ToBytes(await brokerPublicKey(seller.client)) as Uint8Array;
const datasetId = (
  await publishDataset(seller.client, {
    title: 'Readmissions',
    description: '',
    schema: [],
    price: '2500',
    policy: { release: { allowedModels: [imageId] } },
    blob: { digest: blob.digest },
    key: {
      keyId: bytesToHex(dataKeyId(dek)),
      custody: 'broker',
      wrapped: bytesToBase64(wrapKey(dek, broker)),
    },
  })
).id;
let runId = '';
let tokens = '';

t.test('quote, run start, run status, online balance; rating refused before settlement', async (t) => {
  const q = await as(
    homes.buyer,
    'quote',
    '--dataset',
    datasetId,
    '--model',
    modelId,
    '--steps',
    '1000',
    '--json',
  );
  t.equal(q.code, 0, q.stderr);
  const quote = json<{ id: string; price: { fiat: { total: string }; tokens: string } }>(q.stdout);
  t.equal(quote.price.fiat.total, '3600', 'unit cost x steps + base fee + data price');
  tokens = quote.price.tokens;
  const text = await as(homes.buyer, 'quote', '--dataset', datasetId, '--model', modelId, '--steps', '10');
  t.match(text.stdout, /^quote\s+qt_[a-z2-7]{26}\n/);
  t.match(text.stdout, /next\s+sealgate run start qt_/);

  const start = await as(homes.buyer, 'run', 'start', quote.id);
  t.equal(start.code, 0, start.stderr);
  runId = start.stdout.trim();
  t.match(runId, /^run_[a-z2-7]{26}$/);
  const again = await as(homes.buyer, 'run', 'start', quote.id);
  assertOneLine(t, again, 'RUN_QUOTE_USED');

  const status = await as(homes.buyer, 'run', 'status', runId, '--json');
  t.match(json(status.stdout), { id: runId, state: 'queued', buyer: ids.buyer, seller: ids.seller });
  const stranger = await as(homes.miner, 'run', 'status', runId);
  assertOneLine(t, stranger, 'RUN_NOT_FOUND');

  const balance = await as(homes.buyer, 'ledger', 'balance', '--json');
  t.match(json(balance.stdout), {
    account: ids.buyer,
    balance: String(10_000_000_000n - BigInt(tokens)),
    token: { symbol: String },
  });
  const human = await as(homes.buyer, 'ledger', 'balance');
  t.match(
    human.stdout,
    new RegExp(`^[0-9.]+ [A-Z]+ \\(${10_000_000_000n - BigInt(tokens)} base units\\)\\n$`),
  );

  const early = await as(homes.buyer, 'rate', runId, '--stars', '5');
  assertOneLine(t, early, 'RATING_NOT_SETTLED');
  t.match(early.stderr, /run status/, 'the hint says when');
});

t.test('after the run settles (played in-process), both sides rate once', async (t) => {
  const runs = app.gateway.runs;
  await runs.transition(runId, 'place', { node: ids.miner });
  for (const event of ['seal', 'start', 'seal-output'] as const) await runs.transition(runId, event);
  await runs.transition(runId, 'settle', {
    usage: { steps: 1000, cpuSeconds: 10, gpuSeconds: 0, seconds: 12 },
  });

  const rated = await as(homes.buyer, 'rate', runId, '--stars', '4', '--comment', 'clean data', '--json');
  t.equal(rated.code, 0, rated.stderr);
  t.match(json(rated.stdout), {
    run: runId,
    by: ids.buyer,
    of: ids.seller,
    side: 'seller',
    stars: 4,
    comment: 'clean data',
  });
  const back = await as(homes.seller, 'rate', runId, '--stars', '5');
  t.match(back.stdout, new RegExp(`^rated the buyer ${ids.buyer} 5 stars for ${runId}\\n$`));
  assertOneLine(t, await as(homes.buyer, 'rate', runId, '--stars', '1'), 'RATING_ALREADY_RATED');

  const status = await as(homes.seller, 'run', 'status', runId);
  t.match(status.stdout, /state\s+settled\n/);
  t.match(status.stdout, /settlement\s+seller \d+, publisher \d+, miner \d+, platform \d+, refund 0/);
  const miner = await as(homes.miner, 'ledger', 'balance', '--json');
  t.not(json<{ balance: string }>(miner.stdout).balance, '0', 'the miner was paid');
  await app.gateway.ledger.sealBlock();
});

t.test(
  'offline: ledger verify passes on the stopped gateway; a tampered copy fails with its code',
  async (t) => {
    const busy = await sealgate(['ledger', 'verify', '--data', data]);
    assertOneLine(t, busy, 'LEDGER_STORE_BUSY');
    await gw.close();

    const ok = await sealgate(['ledger', 'verify', '--data', data]);
    t.equal(ok.code, 0, ok.stderr);
    t.match(ok.stdout, /^ledger ok: (\d+) entries, 1 blocks\n$/);
    const entries = Number(/(\d+) entries/.exec(ok.stdout)?.[1]);
    t.equal(entries, 4, 'two credits, the escrow and the settlement');

    const buyer = await sealgate(['ledger', 'balance', '--data', data, '--account', ids.buyer, '--json']);
    t.same(json(buyer.stdout), {
      balances: [{ account: `user:${ids.buyer}`, balance: String(10_000_000_000n - BigInt(tokens)) }],
    });
    const all = await sealgate(['ledger', 'balance', '--data', data]);
    t.match(all.stdout, /^escrow:run_\S+\s+0\n/m);
    t.match(all.stdout, /^mint\s+-10000000005\n/m);

    const out = join(work, 'ledger.jsonl');
    const exported = await sealgate(['ledger', 'export', '--data', data, '--out', out]);
    t.equal(exported.code, 0, exported.stderr);
    const pub = (await readFile(join(data, 'gateway.pub'), 'utf8')).trim();
    const fromExport = await sealgate(['ledger', 'verify', '--export', out, '--public-key', pub, '--json']);
    t.same(json(fromExport.stdout), { ok: true, entries, blocks: 1, sealedSeq: entries });
    const wrongKey = await sealgate([
      'ledger',
      'verify',
      '--export',
      out,
      '--public-key',
      Buffer.alloc(32, 7).toString('base64'),
    ]);
    t.equal(wrongKey.code, 1);
    t.match(wrongKey.stderr, /^LEDGER_BAD_BLOCK_SIGNATURE at block 1: /);

    // Tamper with a copy: raise the amounts of the buyer's credit, as a LevelDB write would.
    const copy = join(root, 'tampered');
    await cp(data, copy, { recursive: true });
    const store = await Store.open(copy);
    const sub = store.sublevel('ledger-entries');
    const key = '1'.padStart(16, '0');
    const entry = (await sub.get(key)) as { postings: { account: string; amount: string }[] };
    entry.postings = entry.postings.map((p) => ({
      ...p,
      amount: p.account === 'mint' ? '-20000000000' : '20000000000',
    }));
    await sub.put(key, entry);
    await store.close();
    const bad = await sealgate(['ledger', 'verify', '--data', copy]);
    t.equal(bad.code, 1, 'exit 1');
    t.match(bad.stderr, /^LEDGER_HASH_MISMATCH at seq 1: /, 'one line per problem, with its code');
    t.match(
      bad.stderr,
      /\nsealgate: the ledger does not verify: \d+ problems? in \d+ entries, 1 blocks \(LEDGER_HASH_MISMATCH\)\n$/,
    );
    t.equal(bad.stdout, '');
  },
);
