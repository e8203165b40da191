/**
 * The seller's publish with canaries and a fingerprint index
 * (client/sdk/fingerprint-publish.ts) against a real gateway: the listing
 * carries `fingerprint`, `fingerprintKey` and `canaries`, the blobs exist,
 * the fingerprint key opens with the gateway's broker key, the canary set
 * and the planted dataset decrypt under the data key, and the index builder
 * saw every real row and each planted canary once. The builder here records
 * what it is given (the contract's IndexBuilder API, docs/egress-protocol.md
 * 1); the real one is attest's.
 */
import t from 'tap';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  IndexBuilder,
  Scanner,
  loadIndex,
  base64ToBytes,
  bytesToHex,
  dataKeyId,
  generateDataKey,
  unwrapKey,
  wrapKey,
} from '../../../attest/index.js';
import { parseDatasetPolicy } from '../../../policies/index.js';
import {
  brokerPublicKey,
  csvLine,
  decryptFile,
  GatewayClient,
  generateDataset,
  getDataset,
  prepareDataset,
  publishDataset,
  uploadBlob,
  uploadFingerprint,
} from '../../../client/index.js';
import type { FingerprintIndexBuilder } from '../../../client/index.js';
import { gatewayForTest, listenForTest } from '../../helpers/gateway.js';

/** A builder that records its calls; its "index" is their JSON. */
function recordingBuilder(calls: {
  records: string[][];
  canaries: string[][];
  key?: Uint8Array;
  columns?: readonly string[];
}) {
  return (key: Uint8Array, columns: readonly string[]): FingerprintIndexBuilder => {
    calls.key = key;
    calls.columns = columns;
    return {
      addRecord: (f) => calls.records.push([...f]),
      addCanary: (f) => calls.canaries.push([...f]),
      finish: () => new TextEncoder().encode(JSON.stringify(calls)),
    };
  };
}

t.test('publish with 5 canaries x 2 and an index: the listing, its blobs and keys', async (t) => {
  const gw = await gatewayForTest(t);
  const url = await listenForTest(gw.app);
  const seller = { client: new GatewayClient({ gateway: url, key: (await gw.account('seller')).key }) };
  const dir = t.testdir();
  const file = join(dir, 'people.csv');
  const csv = generateDataset({ rows: 400, seed: 5 });
  await writeFile(file, csv);
  const dek = generateDataKey();
  const policy = parseDatasetPolicy({});
  const calls = { records: [] as string[][], canaries: [] as string[][] } as Parameters<
    typeof recordingBuilder
  >[0];
  const prepared = await prepareDataset(file, dir, dek, {
    index: recordingBuilder(calls),
    scan: policy.egress.scan,
    canaries: 5,
    repeat: 2,
  });
  t.equal(prepared.rows, 410);
  t.same(calls.columns, csv.split('\n')[0].split(','));
  t.same(
    calls.records,
    csv
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')),
    'every real row, in order',
  );
  t.equal(calls.canaries.length, 5, 'each planted canary once');
  for (const f of [
    prepared.envelope,
    prepared.fingerprint!.file,
    prepared.fingerprint!.keyFile,
    prepared.canaries!.file,
    prepared.canaries!.envelope,
  ]) {
    t.equal((await stat(f)).mode & 0o777, 0o600, `${f} is 0600`);
  }
  await t.rejects(stat(join(dir, 'data.planted.csv')), { code: 'ENOENT' }, 'the planted plaintext is gone');

  const broker = base64ToBytes(await brokerPublicKey(seller.client))!;
  const blob = await uploadBlob(seller.client, prepared.envelope);
  const fields = await uploadFingerprint(seller.client, prepared, broker);
  const listing = await publishDataset(seller.client, {
    title: 'people',
    description: '',
    schema: [],
    price: '1000',
    policy: {},
    blob: { digest: blob.digest },
    ...fields,
    key: {
      keyId: bytesToHex(dataKeyId(dek)),
      custody: 'broker',
      wrapped: Buffer.from(wrapKey(dek, broker)).toString('base64'),
    },
  });
  t.match(listing, {
    fingerprint: { digest: fields.fingerprint!.digest },
    canaries: { planted: 5, heldOut: 20 },
  });
  const blobs = gw.app.gateway.blobs;
  t.ok(await blobs.stat(fields.fingerprint!.digest), 'the index blob exists');
  t.ok(await blobs.stat(fields.canaries!.digest), 'the canary set blob exists');
  t.match(await getDataset(gw.client(), listing.id), { fingerprinted: true, canaries: 5 });

  const stored = await gw.app.gateway.datasets.get(listing.id);
  const opened = unwrapKey(
    base64ToBytes(stored.fingerprintKey!.wrapped)!,
    gw.app.gateway.identity.broker.secretKey,
  );
  t.same(opened, prepared.fingerprint!.key, "the fingerprint key opens with the gateway's broker key");
  t.equal(
    (await readFile(prepared.fingerprint!.keyFile, 'utf8')).trim(),
    Buffer.from(opened).toString('base64'),
  );

  const setPlain = join(dir, 'set.out.csv');
  await decryptFile(prepared.canaries!.envelope, setPlain, dek);
  const setLines = (await readFile(setPlain, 'utf8')).trim().split('\n');
  t.equal(setLines.length, 1 + 5 + 20);
  t.same(
    setLines.slice(1, 6),
    calls.canaries.map((r) => csvLine(r)),
    'the planted canaries come first',
  );
  const dataPlain = join(dir, 'data.out.csv');
  await decryptFile(prepared.envelope, dataPlain, dek);
  const lines = (await readFile(dataPlain, 'utf8')).trim().split('\n');
  t.equal(lines.length, 1 + 400 + 10);
  for (const c of setLines.slice(1, 6)) t.equal(lines.filter((l) => l === c).length, 2, 'planted twice');
  for (const c of setLines.slice(6)) t.notOk(lines.includes(c), 'a held-out canary is not in the data');
});

t.test('without index or canaries it only encrypts; an index needs the broker key', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'people.csv');
  await writeFile(file, generateDataset({ rows: 10, seed: 1 }));
  const policy = parseDatasetPolicy({});
  const plain = await prepareDataset(file, dir, generateDataKey(), { scan: policy.egress.scan, canaries: 0 });
  t.same(Object.keys(plain).sort(), ['envelope', 'envelopeBytes']);
  const gw = await gatewayForTest(t);
  t.same(await uploadFingerprint(gw.client(), plain, undefined), {});
  await t.rejects(
    prepareDataset(file, dir, generateDataKey(), { scan: policy.egress.scan, canaries: 2, repeat: 101 }),
    { code: 'CANARY_BAD_OPTIONS' },
  );
});

t.test(
  "the index built at publish (attest's IndexBuilder) finds a real row and a planted canary",
  async (t) => {
    const dir = t.testdir();
    const file = join(dir, 'people.csv');
    const csv = generateDataset({ rows: 300, seed: 9 });
    await writeFile(file, csv);
    const scan = parseDatasetPolicy({}).egress.scan;
    const prepared = await prepareDataset(file, dir, generateDataKey(), {
      index: (key, columns, s) => new IndexBuilder(key, columns, s),
      scan,
      canaries: 4,
    });
    const index = loadIndex(await readFile(prepared.fingerprint!.file), prepared.fingerprint!.key);
    const found = (text: string) => {
      const scanner = new Scanner(index, scan);
      return [...scanner.push({ seq: 0, kind: 'text', text }), ...scanner.end()].map((f) => f.rule);
    };
    const realRow = csv.split('\n')[17];
    t.ok(found(`leaked: ${realRow}`).includes('exact'), 'a real row is an exact finding');
    const canaryRow = (await readFile(prepared.canaries!.file, 'utf8')).split('\n')[2];
    const canaryName = canaryRow.split(',')[0];
    t.ok(found(`hello ${canaryName} bye`).includes('canary'), "a planted canary's name is a canary finding");
    const heldOut = (await readFile(prepared.canaries!.file, 'utf8')).split('\n')[8].split(',')[1];
    t.same(found(`id ${heldOut}`), [], 'a held-out canary is not in the index');
    t.same(found('loss 0.6931 accuracy 0.81 step 12'), [], 'honest metrics find nothing');
  },
);
