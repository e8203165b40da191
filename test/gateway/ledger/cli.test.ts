import t from 'tap';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesToBase64 } from '../../../attest/index.js';
import {
  LedgerError,
  exportLedger,
  ledgerBalance,
  ledgerVerify,
  readGatewayPublicKey,
} from '../../../gateway/index.js';
import { Store } from '../../../gateway/store/index.js';
import { SIGNER, freshLedger, mint, openLedger, tempDir, tx } from './helpers.js';
import { createWriteStream } from 'node:fs';

// The functions `sealgate ledger balance|verify` wrap, over a data dir, an
// open store and an export; every refusal has its code.

const fail = (code: string) => ({ constructor: LedgerError, code });

async function stoppedGateway(t: Parameters<typeof freshLedger>[0]): Promise<string> {
  const { dir, store, ledger } = await freshLedger(t);
  await ledger.commit([mint('c1', 'user:b', 10n), mint('c2', 'user:a', 5n)]);
  await ledger.commit([tx('t1', 'transfer', ['user:a', -5n], ['platform', 5n])]);
  await ledger.sealBlock();
  await store.close();
  await writeFile(join(dir, 'gateway.pub'), bytesToBase64(SIGNER.publicKey));
  return dir;
}

t.test('balances of a data dir, sorted, or of one account', async (t) => {
  const dir = await stoppedGateway(t);
  t.same(await ledgerBalance(dir), [
    { account: 'mint', balance: -15n },
    { account: 'platform', balance: 5n },
    { account: 'user:a', balance: 0n },
    { account: 'user:b', balance: 10n },
  ]);
  t.same(await ledgerBalance(dir, 'user:b'), [{ account: 'user:b', balance: 10n }]);
  t.same(await ledgerBalance(dir, 'user:nobody'), [{ account: 'user:nobody', balance: 0n }]);
  await t.rejects(ledgerBalance(dir, 'User B'), fail('LEDGER_BAD_ACCOUNT'));
});

t.test('balances of an open store leave it open', async (t) => {
  const dir = await stoppedGateway(t);
  const { store } = await openLedger(dir);
  t.teardown(() => store.close());
  t.same(await ledgerBalance(store, 'platform'), [{ account: 'platform', balance: 5n }]);
  t.same(await ledgerBalance(store, 'platform'), [{ account: 'platform', balance: 5n }]);
  await store.sublevel('ledger-balances').put('user:a', 'x');
  await t.rejects(ledgerBalance(store), fail('LEDGER_CORRUPT'));
});

t.test('verify a data dir with its gateway.pub, or with a key given', async (t) => {
  const dir = await stoppedGateway(t);
  t.match(await ledgerVerify(dir), { ok: true, entries: 3, blocks: 1 });
  t.match(await ledgerVerify(dir, SIGNER.publicKey), { ok: true });
  t.same(await readGatewayPublicKey(dir), SIGNER.publicKey);
});

t.test('verify an export; it needs a key from elsewhere', async (t) => {
  const dir = await stoppedGateway(t);
  const store = await Store.open(dir);
  const path = join(await tempDir(t), 'ledger.jsonl');
  await exportLedger(store, createWriteStream(path));
  await store.close();
  t.match(await ledgerVerify(path, SIGNER.publicKey), { ok: true, entries: 3 });
  await t.rejects(ledgerVerify(path), fail('LEDGER_NO_PUBLIC_KEY'));
});

t.test('missing data, a bad or missing key, and a running gateway are refused', async (t) => {
  const empty = await tempDir(t);
  await t.rejects(ledgerVerify(join(empty, 'nope')), fail('LEDGER_NO_DATA'));
  await t.rejects(ledgerBalance(empty), fail('LEDGER_NO_DATA'));
  await mkdir(join(empty, 'db'));
  await t.rejects(ledgerVerify(empty), fail('LEDGER_NO_PUBLIC_KEY'));
  await writeFile(join(empty, 'gateway.pub'), 'not a key');
  await t.rejects(ledgerVerify(empty), fail('LEDGER_BAD_PUBLIC_KEY'));
  await writeFile(join(empty, 'gateway.pub'), bytesToBase64(new Uint8Array(16)));
  await t.rejects(ledgerVerify(empty), fail('LEDGER_BAD_PUBLIC_KEY'));

  const dir = await stoppedGateway(t);
  const running = await Store.open(dir);
  t.teardown(() => running.close());
  await t.rejects(ledgerVerify(dir), fail('LEDGER_STORE_BUSY'));
  await t.rejects(ledgerBalance(dir), fail('LEDGER_STORE_BUSY'));
});
