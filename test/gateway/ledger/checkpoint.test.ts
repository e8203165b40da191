import t from 'tap';
import { LedgerError, ledgerBalance, ledgerSourceFromStore, verifyLedger } from '../../../gateway/index.js';
import { SIGNER, freshLedger, mint, openLedger, tx } from './helpers.js';

// The balance cache is a checkpoint written with each block (docs/ledger.md
// section 3): commits write entries and keys only, and opening a ledger
// replays the entries after the checkpoint, so balances survive a restart
// whether or not a block was sealed since the last commit.

const fail = (code: string) => ({ constructor: LedgerError, code });

async function stored(store: Parameters<typeof ledgerSourceFromStore>[0]) {
  const source = ledgerSourceFromStore(store);
  const balances: [string, unknown][] = [];
  for await (const row of source.balances()) balances.push([row[0], row[1]]);
  return { balances, checkpoint: await source.checkpoint() };
}

t.test('commits leave the cache alone; a reopened ledger replays them', async (t) => {
  const { dir, store, ledger } = await freshLedger(t);
  await ledger.commit([mint('c1', 'user:a', 10n)]);
  await ledger.commit([tx('t1', 'transfer', ['user:a', -4n], ['user:b', 4n])]);
  t.same(await stored(store), { balances: [], checkpoint: undefined }, 'nothing cached before a seal');
  t.same(await ledgerBalance(store, 'user:b'), [{ account: 'user:b', balance: 4n }]);
  t.match(await verifyLedger(ledgerSourceFromStore(store), SIGNER.publicKey), { ok: true });
  await store.close();
  const again = await openLedger(dir);
  t.teardown(() => again.store.close());
  t.equal(again.ledger.balance('user:a'), 6n);
  t.equal(again.ledger.balance('user:b'), 4n);
  t.equal(again.ledger.balance('mint'), -10n);
});

t.test('a seal writes the moved balances and the seq they reflect, in the block batch', async (t) => {
  const { dir, store, ledger } = await freshLedger(t);
  await ledger.commit([mint('c1', 'user:a', 10n)]);
  await ledger.sealBlock();
  t.same(await stored(store), {
    balances: [
      ['mint', '-10'],
      ['user:a', '10'],
    ],
    checkpoint: 1,
  });
  await ledger.commit([tx('t1', 'transfer', ['user:a', -3n], ['user:c', 3n])]);
  await ledger.sealBlock();
  t.same(await stored(store), {
    balances: [
      ['mint', '-10'],
      ['user:a', '7'],
      ['user:c', '3'],
    ],
    checkpoint: 2,
  });
  await ledger.commit([tx('t2', 'transfer', ['user:c', -1n], ['platform', 1n])]);
  t.match(await verifyLedger(ledgerSourceFromStore(store), SIGNER.publicKey), { ok: true });
  await store.close();
  const again = await openLedger(dir);
  t.teardown(() => again.store.close());
  t.same(
    [...again.ledger.balances()].sort(),
    [
      ['mint', -10n],
      ['platform', 1n],
      ['user:a', 7n],
      ['user:c', 2n],
    ],
    'checkpoint at seq 2 plus the replay of seq 3',
  );
  await again.ledger.sealBlock();
  t.equal((await stored(again.store)).checkpoint, 3);
});

t.test('a checkpoint that is not a count is LEDGER_CORRUPT at open', async (t) => {
  const { dir, store, ledger } = await freshLedger(t);
  await ledger.commit([mint('c1', 'user:a', 10n)]);
  await ledger.sealBlock();
  await store.sublevel('ledger-checkpoint').put('seq', -1);
  await store.close();
  await t.rejects(openLedger(dir), fail('LEDGER_CORRUPT'));
});
