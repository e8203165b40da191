/**
 * The catalog from the command line (issue 3 "Done when"): the built
 * `sealgate` binary in child processes, one SEALGATE_HOME per user, against a
 * real gateway over LevelDB on a loopback listener in this process.
 * Accounts, an operator credit with the key file the gateway made, a model
 * published from a `docker save`-shaped archive and by digest, a CSV
 * encrypted, uploaded and listed (the stored blob, the listing and the key
 * file's mode checked), and browsing. The trade itself is market-trade.test.ts.
 */
import t from 'tap';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CSV, MODEL, dockerSaveArchive, json, marketGateway } from './market.js';
import { assertOneLine } from './sealgate.js';

const root = t.testdir();
const gw = await marketGateway(t, root);
const { app, data, work } = gw;
const as = (home: string, ...args: string[]) => gw.as(home, ...args);
const homes = {
  seller: join(root, 'seller'),
  buyer: join(root, 'buyer'),
  publisher: join(root, 'publisher'),
  miner: join(root, 'miner'),
};
const ids: Record<keyof typeof homes, string> = { seller: '', buyer: '', publisher: '', miner: '' };
let modelId = '';
let imageId = '';
let datasetId = '';

t.test('accounts, and the operator credits the buyer with the key file the gateway made', async (t) => {
  const roles = { seller: 'seller', buyer: 'buyer', publisher: 'publisher', miner: 'miner' } as const;
  for (const who of Object.keys(homes) as (keyof typeof homes)[]) {
    const r = await as(homes[who], 'account', 'create', '--role', roles[who]);
    t.equal(r.code, 0, r.stderr);
    ids[who] = r.stdout.trim();
  }
  const operatorKey = join(data, 'operator-key.json');
  const refused = await as(homes.seller, 'admin', 'credit', ids.buyer, '1000', '--memo', 'no');
  assertOneLine(t, refused, 'AUTH_FORBIDDEN');
  const credit = await as(
    homes.seller,
    'admin',
    'credit',
    ids.buyer,
    '10000000000',
    '--memo',
    'welcome',
    '--key-file',
    operatorKey,
    '--json',
  );
  t.equal(credit.code, 0, credit.stderr);
  t.match(json(credit.stdout), {
    account: ids.buyer,
    amount: '10000000000',
    balance: '10000000000',
    seq: Number,
  });
  const text = await as(
    homes.seller,
    'admin',
    'credit',
    ids.seller,
    '5',
    '--memo',
    'tip',
    '--key-file',
    operatorKey,
  );
  t.match(
    text.stdout,
    new RegExp(`^credited 5 token base units to ${ids.seller}; balance 5 \\(ledger entry \\d+\\)\\n$`),
  );
});

t.test(
  'model publish: from a docker save archive (image id read from it) and by digest; model ls',
  async (t) => {
    const made = dockerSaveArchive();
    imageId = made.imageId;
    const archive = made.archive;
    await writeFile(join(work, 'model.tar'), archive);
    await writeFile(join(work, 'model.json'), JSON.stringify(MODEL));
    const r = await as(
      homes.publisher,
      'model',
      'publish',
      '--descriptor',
      join(work, 'model.json'),
      '--archive',
      join(work, 'model.tar'),
      '--json',
    );
    t.equal(r.code, 0, r.stderr);
    const model = json<{ id: string; image: { digest: string; archive: { digest: string; size: number } } }>(
      r.stdout,
    );
    modelId = model.id;
    t.equal(model.image.digest, imageId, 'the image id is the SHA-256 of the config manifest.json names');
    t.equal(model.image.archive.size, archive.length, 'the archive was uploaded as a blob');

    await writeFile(join(work, 'other.json'), JSON.stringify({ ...MODEL, name: 'other' }));
    const other = await as(
      homes.publisher,
      'model',
      'publish',
      '--descriptor',
      join(work, 'other.json'),
      '--image-digest',
      `sha256:${'ab'.repeat(32)}`,
    );
    t.equal(other.code, 0, other.stderr);
    t.match(other.stdout, /^mdl_[a-z2-7]{26}\n$/, 'the model id alone');

    const ls = await as(homes.buyer, 'model', 'ls', '--name', 'tabular-gbm', '--json');
    t.same(
      json<{ items: { id: string }[] }>(ls.stdout).items.map((m) => m.id),
      [modelId],
    );
    const lsText = await as(homes.buyer, 'model', 'ls');
    t.match(lsText.stdout, /tabular-gbm@1\.0\.0/);
    t.match(lsText.stdout, /other@1\.0\.0/);
  },
);

t.test('dataset publish encrypts, uploads, wraps the key to the broker and lists it', async (t) => {
  await writeFile(join(work, 'people.csv'), CSV);
  await writeFile(
    join(work, 'schema.json'),
    JSON.stringify([
      { name: 'age', type: 'integer' },
      { name: 'readmitted', type: 'boolean' },
    ]),
  );
  const r = await as(
    homes.seller,
    'dataset',
    'publish',
    join(work, 'people.csv'),
    '--title',
    'Readmissions',
    '--price',
    '2500',
    '--description',
    'discharges',
    '--schema',
    join(work, 'schema.json'),
    '--allow-model',
    imageId,
    '--json',
  );
  t.equal(r.code, 0, r.stderr);
  const listing = json<{
    id: string;
    blob: { digest: string; size: number };
    key: { keyId: string; custody: string };
    keyFile: string;
    envelope: string;
    policy: { release: { allowedModels: string[] } };
  }>(r.stdout);
  datasetId = listing.id;
  t.match(datasetId, /^ds_[a-z2-7]{26}$/);
  t.equal(listing.key.custody, 'broker');
  t.same(listing.policy.release.allowedModels, [imageId]);
  t.equal(listing.keyFile, join(homes.seller, 'datasets', `${listing.key.keyId}.key`));
  t.equal((await stat(listing.keyFile)).mode & 0o777, 0o600, 'the data key file is 0600');
  const envelope = await readFile(listing.envelope);
  t.notOk(envelope.includes(Buffer.from('readmitted')), 'the envelope holds no plaintext');
  const hex = listing.blob.digest.slice('sha256:'.length);
  const stored = await readFile(join(data, 'blobs', 'sha256', hex.slice(0, 2), hex));
  t.ok(stored.equals(envelope), 'the gateway stored exactly the envelope as the blob');
  const record = await app.gateway.store.get<{ key: { wrapped?: string } }>(
    app.gateway.store.sublevel('datasets'),
    datasetId,
  );
  t.type(record?.key.wrapped, 'string', 'the DEK was wrapped to the broker');
  const fp = json<{
    fingerprint?: { digest: string };
    fingerprintKeyFile?: string;
    canariesSkipped?: string;
  }>(r.stdout);
  t.ok(fp.fingerprint && fp.fingerprintKeyFile, 'fingerprinted by default (docs/canaries.md)');
  t.match(fp.canariesSkipped, /fresh/, 'two low-entropy columns: no fresh canary, none planted by default');

  const plain = await as(
    homes.seller,
    'dataset',
    'publish',
    join(work, 'people.csv'),
    '--title',
    'Held by me',
    '--price',
    '100',
    '--custody',
    'seller',
  );
  t.equal(plain.code, 0, plain.stderr);
  t.match(plain.stdout, /^ds_[a-z2-7]{26}\n$/, 'the dataset id alone');
  t.match(plain.stderr, /no model may run on it yet/, 'an empty allowlist is pointed out');
  t.equal(
    (await readdir(join(homes.seller, 'datasets'))).length,
    6,
    'two keys, two envelopes and two dataset folders (fingerprint index and key) in the home',
  );
});

t.test('dataset ls and show', async (t) => {
  const all = await as(homes.buyer, 'dataset', 'ls', '--json');
  t.equal(json<{ items: unknown[] }>(all.stdout).items.length, 2);
  const byModel = await as(
    homes.buyer,
    'dataset',
    'ls',
    '--model',
    modelId,
    '--max-price',
    '3000',
    '--q',
    'readmis',
    '--json',
  );
  t.match(
    json<{ items: { id: string }[]; next: null }>(byModel.stdout),
    { items: [{ id: datasetId }], next: null },
    'filters reach the gateway',
  );
  t.equal(json<{ items: unknown[] }>(byModel.stdout).items.length, 1, 'only the matching listing');
  const paged = await as(homes.buyer, 'dataset', 'ls', '--limit', '1');
  t.match(paged.stdout, /^ds_\S+ .*\nmore: --cursor ds_[a-z2-7]{26}\n$/);
  const show = await as(homes.buyer, 'dataset', 'show', datasetId);
  t.match(show.stdout, new RegExp(`^id\\s+${datasetId}\\ntitle\\s+Readmissions\\n`));
  t.match(show.stdout, /schema\s+age:integer, readmitted:boolean/);
  t.match(show.stdout, new RegExp(`models\\s+${imageId}`));
  const shown = json<Record<string, unknown>>(
    (await as(homes.buyer, 'dataset', 'show', datasetId, '--json')).stdout,
  );
  t.notOk('blob' in shown || 'key' in shown, 'the public view shows no digest or key');
  const missing = await as(homes.buyer, 'dataset', 'show', `ds_${'a'.repeat(26)}`);
  assertOneLine(t, missing, 'DATASET_NOT_FOUND');
  t.match(missing.stderr, /dataset ls/, 'with a hint');
});
