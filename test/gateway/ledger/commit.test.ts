import t from 'tap';
import type { TransactionInput } from '../../../gateway/index.js';
import {
  Ledger,
  LedgerError,
  MAX_AMOUNT,
  verifyLedger,
  ledgerSourceFromStore,
} from '../../../gateway/index.js';
import { put } from '../../../gateway/store/index.js';
import { NOW, SIGNER, SIGNER_KEY_ID, freshLedger, mint, openLedger, tx } from './helpers.js';

// Commits: every refusal has its own code and writes nothing; accepted groups
// are hash-chained, idempotent per key, and atomic with the caller's own ops.
// Account names and amounts are synthetic.

const fail = (code: string) => ({ constructor: LedgerError, code });

t.test('a credit, an escrow and a settlement move balances and chain entries', async (t) => {
  const { ledger } = await freshLedger(t);
  const credit = await ledger.commit([mint('credit:n1', 'user:buyer', 1000n)]);
  t.equal(credit.applied, true);
  t.match(credit.entries[0], { seq: 1, group: 1, prevHash: '0'.repeat(64), time: NOW.toISOString() });
  const escrow = await ledger.commit([
    {
      ...tx('escrow:r1', 'escrow', ['user:buyer', -600n], ['escrow:r1', 600n]),
      ref: 'r1',
      memo: 'quote',
      meta: { rate: '1/1' },
    },
  ]);
  t.equal(escrow.entries[0].prevHash, credit.entries[0].hash);
  t.same(escrow.entries[0].meta, { rate: '1/1' });
  const settle = await ledger.commit([
    tx('settle:r1', 'settle', ['escrow:r1', -500n], ['user:seller', 300n], ['platform', 200n]),
    tx('refund:r1', 'refund', ['escrow:r1', -100n], ['user:buyer', 100n]),
  ]);
  t.same(
    settle.entries.map((e) => [e.seq, e.group]),
    [
      [3, 3],
      [4, 3],
    ],
  );
  t.equal(ledger.lastSeq, 4);
  t.equal(ledger.balance('user:buyer'), 500n);
  t.equal(ledger.balance('escrow:r1'), 0n);
  t.equal(ledger.balance('mint'), -1000n);
  t.equal(ledger.balance('user:nobody'), 0n);
  t.equal(ledger.balances().get('user:seller'), 300n);
  t.same((await ledger.entryByKey('refund:r1'))?.seq, 4);
  t.equal(await ledger.entryByKey('refund:r2'), undefined);
  t.equal(await ledger.entry(99), undefined);
  const seqs: number[] = [];
  for await (const e of ledger.entries(2)) seqs.push(e.seq);
  t.same(seqs, [2, 3, 4]);
});

t.test('replaying committed keys writes nothing and returns the stored entries', async (t) => {
  const { ledger, store } = await freshLedger(t);
  await ledger.commit([mint('credit:n1', 'user:a', 10n)]);
  const marker = store.sublevel('test-marker');
  const first = await ledger.commit(
    [tx('t1', 'transfer', ['user:a', -4n], ['user:b', 4n])],
    [put(marker, 'x', 1)],
  );
  const again = await ledger.commit(
    [tx('t1', 'transfer', ['user:a', -4n], ['user:b', 4n])],
    [put(marker, 'x', 2)],
  );
  t.equal(again.applied, false);
  t.same(again.entries, first.entries);
  t.equal(ledger.balance('user:b'), 4n, 'applied once');
  t.equal(await store.get(marker, 'x'), 1, 'extra ops of a replay are not written');
  t.equal(ledger.lastSeq, 2);
});

t.test('extra ops land in the same batch, and a refused group writes none of them', async (t) => {
  const { ledger, store } = await freshLedger(t);
  const marker = store.sublevel('test-marker');
  await t.rejects(
    ledger.commit([tx('t1', 'transfer', ['user:a', -4n], ['user:b', 4n])], [put(marker, 'x', 1)]),
    fail('LEDGER_INSUFFICIENT_FUNDS'),
  );
  t.equal(await store.get(marker, 'x'), undefined);
  t.equal(ledger.lastSeq, 0);
  await ledger.commit([mint('c', 'user:a', 4n)], [put(marker, 'x', 1)]);
  t.equal(await store.get(marker, 'x'), 1);
});

t.test('a group is checked after all of it: a later leg may fund an earlier one', async (t) => {
  const { ledger, store } = await freshLedger(t);
  await ledger.commit([tx('t1', 'transfer', ['user:a', -4n], ['user:b', 4n]), mint('c1', 'user:a', 4n)]);
  t.equal(ledger.balance('user:a'), 0n);
  const report = await verifyLedger(ledgerSourceFromStore(store), SIGNER.publicKey);
  t.equal(report.ok, true, 'verify checks balances at group ends too');
});

t.test('each malformed input has its own code', async (t) => {
  const { ledger } = await freshLedger(t);
  const good = mint('k', 'user:a', 1n);
  const cases: [string, TransactionInput[]][] = [
    ['LEDGER_EMPTY_GROUP', []],
    ['LEDGER_BAD_KEY', [{ ...good, key: '' }]],
    ['LEDGER_BAD_KEY', [{ ...good, key: 'has space' }]],
    ['LEDGER_BAD_KEY', [{ ...good, key: 'x'.repeat(257) }]],
    ['LEDGER_DUPLICATE_KEY', [good, good]],
    ['LEDGER_BAD_KIND', [{ ...good, kind: 'gift' as never }]],
    ['LEDGER_BAD_POSTINGS', [{ ...good, postings: [{ account: 'mint', amount: 0n }].slice(1) }]],
    ['LEDGER_BAD_POSTINGS', [{ ...good, postings: [{ account: 'mint', amount: 1n }] }]],
    ['LEDGER_BAD_POSTINGS', [{ ...good, postings: 'x' as never }]],
    [
      'LEDGER_BAD_POSTINGS',
      [{ ...good, postings: Array.from({ length: 65 }, () => ({ account: 'mint', amount: 1n })) }],
    ],
    ['LEDGER_BAD_ACCOUNT', [tx('k', 'mint', ['mint', -1n], ['User:a', 1n])]],
    ['LEDGER_BAD_ACCOUNT', [tx('k', 'mint', ['mint', -1n], ['user:a b', 1n])]],
    ['LEDGER_BAD_ACCOUNT', [tx('k', 'mint', ['mint', -1n], ['user:' + 'a'.repeat(200), 1n])]],
    ['LEDGER_BAD_AMOUNT', [tx('k', 'mint', ['mint', 0n], ['user:a', 0n])]],
    [
      'LEDGER_BAD_AMOUNT',
      [
        {
          ...good,
          postings: [
            { account: 'mint', amount: -1 as never },
            { account: 'user:a', amount: 1n },
          ],
        },
      ],
    ],
    ['LEDGER_BAD_AMOUNT', [tx('k', 'mint', ['mint', -MAX_AMOUNT - 1n], ['user:a', MAX_AMOUNT + 1n])]],
    ['LEDGER_BAD_FIELD', [{ ...good, memo: 'x'.repeat(1025) }]],
    ['LEDGER_BAD_FIELD', [{ ...good, memo: 'lone \uD800 surrogate' }]],
    ['LEDGER_BAD_FIELD', [{ ...good, ref: 7 as never }]],
    ['LEDGER_BAD_FIELD', [{ ...good, meta: ['a'] as never }]],
    ['LEDGER_BAD_FIELD', [{ ...good, meta: { a: 1 } as never }]],
    [
      'LEDGER_BAD_FIELD',
      [{ ...good, meta: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) }],
    ],
    ['LEDGER_UNBALANCED', [tx('k', 'mint', ['mint', -1n], ['user:a', 2n])]],
    ['LEDGER_INSUFFICIENT_FUNDS', [tx('k', 'transfer', ['user:a', -1n], ['user:b', 1n])]],
  ];
  for (const [code, inputs] of cases) await t.rejects(ledger.commit(inputs), fail(code), code);
  t.equal(ledger.lastSeq, 0, 'nothing was written');
  t.equal(ledger.balances().size, 0);
});

t.test('the mint may go below zero; nothing else may', async (t) => {
  const { ledger } = await freshLedger(t);
  await ledger.commit([mint('c1', 'user:a', MAX_AMOUNT)]);
  t.equal(ledger.balance('mint'), -MAX_AMOUNT);
  await t.rejects(
    ledger.commit([tx('t', 'transfer', ['platform', -1n], ['user:a', 1n])]),
    fail('LEDGER_INSUFFICIENT_FUNDS'),
  );
});

t.test('keys: a group mixing old and new keys, and a key reused for another transaction', async (t) => {
  const { ledger } = await freshLedger(t);
  await ledger.commit([mint('c1', 'user:a', 10n)]);
  await t.rejects(
    ledger.commit([mint('c1', 'user:a', 10n), mint('c2', 'user:a', 1n)]),
    fail('LEDGER_KEY_CONFLICT'),
  );
  await t.rejects(ledger.commit([mint('c1', 'user:a', 11n)]), fail('LEDGER_KEY_REUSED'));
  await t.rejects(ledger.commit([mint('c1', 'user:b', 10n)]), fail('LEDGER_KEY_REUSED'));
  await t.rejects(
    ledger.commit([{ ...mint('c1', 'user:a', 10n), kind: 'reward' }]),
    fail('LEDGER_KEY_REUSED'),
  );
  await t.rejects(
    ledger.commit([tx('c1', 'mint', ['mint', -5n], ['mint', -5n], ['user:a', 10n])]),
    fail('LEDGER_KEY_REUSED'),
  );
  t.equal(ledger.balance('user:a'), 10n);
});

t.test('the locked variants refuse to run without the lock', async (t) => {
  const { ledger, store } = await freshLedger(t);
  await t.rejects(ledger.commitLocked([mint('c1', 'user:a', 1n)]), TypeError);
  t.throws(() => void ledger.sealBlockLocked(), TypeError);
  const result = await store.exclusive(async () => {
    const r = await ledger.commitLocked([mint('c1', 'user:a', 1n)]);
    await ledger.sealBlockLocked();
    return r;
  });
  t.equal(result.applied, true);
  t.equal(ledger.height, 1);
});

t.test('blocks seal the entries since the last one; a reopened ledger carries on', async (t) => {
  const { dir, store, ledger } = await freshLedger(t);
  const empty = await ledger.sealBlock();
  t.match(empty, {
    height: 1,
    firstSeq: 1,
    lastSeq: 0,
    count: 0,
    prevHash: '0'.repeat(64),
    keyId: SIGNER_KEY_ID,
  });
  await ledger.commit([mint('c1', 'user:a', 5n), mint('c2', 'user:b', 6n)]);
  const b2 = await ledger.sealBlock();
  t.match(b2, { height: 2, firstSeq: 1, lastSeq: 2, count: 2, prevHash: empty.hash });
  await ledger.commit([mint('c3', 'user:a', 1n)]);
  await store.close();

  const reopened = await openLedger(dir);
  t.teardown(() => reopened.store.close());
  t.equal(reopened.ledger.lastSeq, 3);
  t.equal(reopened.ledger.height, 2);
  t.equal(reopened.ledger.balance('user:a'), 6n);
  const e4 = await reopened.ledger.commit([mint('c4', 'user:a', 1n)]);
  t.equal(e4.entries[0].prevHash, (await reopened.ledger.entry(3))?.hash);
  const b3 = await reopened.ledger.sealBlock();
  t.match(b3, { height: 3, firstSeq: 3, lastSeq: 4, count: 2, prevHash: b2.hash });
  const heights: number[] = [];
  for await (const b of reopened.ledger.blocks()) heights.push(b.height);
  t.same(heights, [1, 2, 3]);
  const report = await verifyLedger(ledgerSourceFromStore(reopened.store), SIGNER.publicKey);
  t.match(report, { ok: true, entries: 4, blocks: 3, sealedSeq: 4 });
});

t.test('stored data that does not parse is LEDGER_CORRUPT', async (t) => {
  const { dir, store, ledger } = await freshLedger(t);
  await ledger.commit([mint('c1', 'user:a', 5n)]);
  await store.sublevel('ledger-entries').put('0000000000000001', { seq: 'one' });
  await t.rejects(ledger.entry(1), fail('LEDGER_CORRUPT'));
  await t.rejects(ledger.entryByKey('c1'), fail('LEDGER_CORRUPT'));
  await t.rejects(
    (async () => {
      for await (const _ of ledger.entries()) void _;
    })(),
    fail('LEDGER_CORRUPT'),
  );
  await t.rejects(
    Ledger.open(store, { now: () => NOW, signer: SIGNER, signerKeyId: SIGNER_KEY_ID }),
    fail('LEDGER_CORRUPT'),
  );
  await store.sublevel('ledger-balances').put('user:a', 'five');
  await t.rejects(
    Ledger.open(store, { now: () => NOW, signer: SIGNER, signerKeyId: SIGNER_KEY_ID }),
    fail('LEDGER_CORRUPT'),
  );
  void dir;
});

t.test('a failed write leaves the in-memory state as it was', async (t) => {
  const { store, ledger } = await freshLedger(t);
  await ledger.commit([mint('c1', 'user:a', 5n)]);
  const write = store.write.bind(store);
  store.write = () => Promise.reject(new Error('disk full'));
  await t.rejects(ledger.commit([mint('c2', 'user:a', 5n)]), { message: 'disk full' });
  store.write = write;
  t.equal(ledger.lastSeq, 1);
  t.equal(ledger.balance('user:a'), 5n);
  const next = await ledger.commit([mint('c2', 'user:a', 5n)]);
  t.equal(next.entries[0].seq, 2);
});
