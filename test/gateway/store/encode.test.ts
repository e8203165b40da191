import t from 'tap';
import type { Test } from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchOp } from '../../../gateway/store/index.js';
import { Store, del, put } from '../../../gateway/store/index.js';
import { encodeBatch } from '../../../gateway/store/encode.js';

// Store.write encodes plain batches itself (gateway/store/encode.ts). These
// tests write the same batches through it and through abstract-level's public
// db.batch, and compare every raw key and value byte of the two databases.

async function twoStores(t: Test): Promise<[Store, Store]> {
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-store-encode-'));
  const a = await Store.open(join(dir, 'fast'));
  const b = await Store.open(join(dir, 'public'));
  t.teardown(async () => {
    await a.close();
    await b.close();
    await rm(dir, { recursive: true, force: true });
  });
  return [a, b];
}

async function rawPairs(store: Store): Promise<string[]> {
  const pairs: string[] = [];
  const it = store.db.iterator<Buffer, Buffer>({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
  for await (const [k, v] of it) pairs.push(`${k.toString('hex')}=${v.toString('hex')}`);
  return pairs;
}

// Made-up records in the shapes the gateway stores: nested JSON, unicode, numbers, a key with the separator.
function batch(store: Store, round: number): BatchOp[] {
  const entries = store.sublevel('ledger-entries');
  const keys = store.sublevel('ledger-keys');
  const runs = store.sublevel('runs');
  return [
    put(entries, String(round).padStart(16, '0'), {
      seq: round,
      memo: 'é "q" \\ \u0001 😀',
      list: [1, 2.5, null],
    }),
    put(keys, `settle:run_${round}!x`, round),
    put(runs, 'run_ü', { state: 'settled', n: -0, big: 1e21 }),
    { type: 'put', key: `root-${round}`, value: 'a string' },
    del(runs, `gone-${round}`),
    del(keys, 'never-written'),
  ];
}

t.test('the encoded path writes the bytes abstract-level writes', async (t) => {
  const [fast, pub] = await twoStores(t);
  for (let round = 1; round <= 3; round++) {
    await fast.exclusive(() => fast.write(batch(fast, round)));
    await pub.db.batch(batch(pub, round), { sync: true });
  }
  await fast.exclusive(() => fast.write([del(fast.sublevel('runs'), 'run_ü')]));
  await pub.db.batch([del(pub.sublevel('runs'), 'run_ü')], { sync: true });
  const a = await rawPairs(fast);
  t.equal(a.length, 9, 'three rounds of an entry, a key and a root key');
  t.same(a, await rawPairs(pub));
});

t.test('values read back through the sublevels', async (t) => {
  const [fast] = await twoStores(t);
  await fast.exclusive(() => fast.write(batch(fast, 9)));
  const entries = fast.sublevel('ledger-entries');
  t.same(await fast.get(entries, '0000000000000009'), {
    seq: 9,
    memo: 'é "q" \\ \u0001 😀',
    list: [1, 2.5, null],
  });
  t.equal(await fast.get(fast.sublevel('ledger-keys'), 'settle:run_9!x'), 9);
  t.equal(await fast.db.get('root-9'), 'a string');
  t.same(await entries.keys().all(), ['0000000000000009']);
  t.same(await fast.sublevel('runs').values().all(), [{ state: 'settled', n: 0, big: 1e21 }]);
});

t.test('observers see the ops they were given', async (t) => {
  const [fast] = await twoStores(t);
  const ops = batch(fast, 1);
  const seen: (readonly BatchOp[])[] = [];
  fast.observe((o) => seen.push(o));
  await fast.exclusive(() => fast.write(ops));
  t.equal(seen.length, 1);
  t.equal(seen[0], ops);
});

t.test('anything but a plain op takes the public path', async (t) => {
  const [fast] = await twoStores(t);
  const known = new Map([[fast.sublevel('runs'), '!runs!']]);
  const foreign = fast.db.sublevel<string, unknown>('foreign', { valueEncoding: 'json' });
  t.ok(encodeBatch([put(fast.sublevel('runs'), 'k', 1)], known));
  t.equal(encodeBatch([put(foreign, 'k', 1)], known), undefined, 'a sublevel the store did not make');
  t.equal(encodeBatch([{ type: 'put', key: 'k', value: 'v', valueEncoding: 'utf8' }], known), undefined);
  t.equal(encodeBatch([{ type: 'put', key: 'k', value: null }], known), undefined, 'null value');
  t.equal(encodeBatch([{ type: 'put', key: 'k', value: undefined }], known), undefined, 'no value');
  t.equal(encodeBatch([{ type: 'put', key: 'k', value: () => 1 }], known), undefined, 'not JSON');
  const nonString = { type: 'put', key: 1, value: 1 } as unknown as BatchOp;
  t.equal(encodeBatch([nonString], known), undefined, 'a non-string key');
  const badType = { type: 'merge', key: 'k', value: 1 } as unknown as BatchOp;
  t.equal(encodeBatch([badType], known), undefined, 'an unknown type');
  // the public path raises abstract-level's own errors, as before
  await t.rejects(
    fast.exclusive(() => fast.write([{ type: 'put', key: 'k', value: null }])),
    { code: 'LEVEL_INVALID_VALUE' },
  );
  await fast.exclusive(() => fast.write([put(foreign, 'k', { a: 1 })]));
  t.same(await foreign.get('k'), { a: 1 });
});

t.test('a closed store refuses the write as before (never reaching LevelDB)', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-store-encode-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = await Store.open(dir);
  const runs = store.sublevel('runs');
  await store.close();
  await t.rejects(store.write([put(runs, 'k', 1)]), { code: 'LEVEL_DATABASE_NOT_OPEN' });
});
