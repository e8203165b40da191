import t from 'tap';
import { generateSigningKeyPair } from '../../../attest/index.js';
import type { Ledger } from '../../../gateway/index.js';
import {
  LedgerError,
  MAX_PROBLEMS,
  entryHash,
  ledgerSourceFromStore,
  verifyLedger,
} from '../../../gateway/index.js';
import type { RawLedger } from './helpers.js';
import { SIGNER, codes, freshLedger, memorySource, mint, rawLedger, reseal, resign, tx } from './helpers.js';

// verifyLedger finds each broken invariant under its own code. A small real
// ledger is built, read into JSON, edited, and (where the edit is one a key
// holder could hide) re-hashed and re-signed so only that invariant breaks.

async function sample(ledger: Ledger): Promise<void> {
  await ledger.commit([mint('credit:1', 'user:buyer', 100n)]); // seq 1
  await ledger.commit([tx('escrow:r1', 'escrow', ['user:buyer', -60n], ['escrow:r1', 60n])]); // 2
  await ledger.sealBlock(); // block 1: 1..2
  await ledger.commit([
    tx('settle:r1', 'settle', ['escrow:r1', -50n], ['user:seller', 40n], ['platform', 10n]), // 3
    tx('refund:r1', 'refund', ['escrow:r1', -10n], ['user:buyer', 10n]), // 4
  ]);
  await ledger.sealBlock(); // block 2: 3..4
  await ledger.sealBlock(); // block 3: empty
  await ledger.commit([tx('t:1', 'transfer', ['user:buyer', -5n], ['user:other', 5n])]); // 5, unsealed
}

async function baseline(t: Parameters<typeof freshLedger>[0]): Promise<RawLedger> {
  const { ledger, store } = await freshLedger(t);
  await sample(ledger);
  return rawLedger(ledgerSourceFromStore(store));
}

// Recompute one entry's hash, leaving the chain after it as it was.
function rehash(e: Record<string, unknown>): void {
  delete e.hash;
  e.hash = entryHash(e as unknown as Parameters<typeof entryHash>[0]);
}

const verify = (raw: RawLedger, key = SIGNER.publicKey) => verifyLedger(memorySource(raw), key);

t.test('the untouched ledger verifies, with rebuilt balances', async (t) => {
  const report = await verify(await baseline(t));
  t.match(report, { ok: true, entries: 5, blocks: 3, sealedSeq: 4, problems: [], problemsOmitted: 0 });
  t.equal(report.balances.get('user:buyer'), 45n);
  t.equal(report.balances.get('mint'), -100n);
  const resealed = await verify(reseal(await baseline(t)));
  t.equal(resealed.ok, true, 'resealing an unedited ledger changes nothing');
});

t.test('an empty ledger verifies', async (t) => {
  t.match(await verifyLedger(memorySource({}), SIGNER.publicKey), { ok: true, entries: 0, blocks: 0 });
});

type Case = [code: string, edit: (raw: RawLedger) => RawLedger | void];
const cases: Case[] = [
  ['LEDGER_ENTRY_MALFORMED', (r) => void (r.entries[1] = { seq: 2 })],
  ['LEDGER_ENTRY_MALFORMED', (r) => void ((r.entries[1].postings as unknown[]).length = 1)],
  ['LEDGER_ENTRY_MALFORMED', (r) => void (r.entries[1].memo = 'lone \uD800')],
  ['LEDGER_SEQ_GAP', (r) => reseal(((r.entries[4].seq = 6), (r.entries[4].group = 6), r))],
  ['LEDGER_HASH_MISMATCH', (r) => void ((r.entries[0].postings as { amount: string }[])[1].amount = '101')],
  ['LEDGER_CHAIN_BROKEN', (r) => rehash(((r.entries[2].prevHash = r.entries[0].hash), r.entries[2]))],
  ['LEDGER_BAD_GROUP', (r) => reseal(((r.entries[3].group = 1), r))],
  ['LEDGER_BAD_GROUP', (r) => reseal(((r.entries[3].group = 5), r))],
  [
    'LEDGER_UNBALANCED',
    (r) => reseal((((r.entries[0].postings as { amount: string }[])[1].amount = '101'), r)),
  ],
  [
    'LEDGER_NEGATIVE_BALANCE',
    (r) =>
      reseal(
        ((r.entries[4].postings as { amount: string }[]).splice(
          0,
          2,
          { account: 'user:buyer', amount: '-500' } as never,
          {
            account: 'user:other',
            amount: '500',
          } as never,
        ),
        r),
      ),
  ],
  ['LEDGER_DUPLICATE_KEY', (r) => reseal(((r.entries[4].key = 'credit:1'), r))],
  ['LEDGER_KEY_INDEX_MISMATCH', (r) => void (r.keys[0][1] = 4)],
  ['LEDGER_KEY_INDEX_MISMATCH', (r) => void r.keys.pop()],
  ['LEDGER_BLOCK_MALFORMED', (r) => void (r.blocks[1] = {})],
  ['LEDGER_BLOCK_MALFORMED', (r) => void (r.blocks[1].count = 5)],
  ['LEDGER_BLOCK_MALFORMED', (r) => void (r.blocks[1].keyId = '\uDC00')],
  ['LEDGER_BLOCK_GAP', (r) => reseal((r.blocks.splice(0, 1), r))],
  ['LEDGER_BLOCK_GAP', (r) => reseal((r.entries.splice(3), r))],
  ['LEDGER_BAD_MERKLE_ROOT', (r) => resign(((r.blocks[0].entriesRoot = 'ab'.repeat(32)), r.blocks[0]))],
  ['LEDGER_BLOCK_CHAIN_BROKEN', (r) => resign(((r.blocks[1].prevHash = 'ab'.repeat(32)), r.blocks[1]))],
  ['LEDGER_BLOCK_HASH_MISMATCH', (r) => void (r.blocks[0].hash = 'ab'.repeat(32))],
  ['LEDGER_BAD_BLOCK_SIGNATURE', (r) => resign(r.blocks[2], generateSigningKeyPair().secretKey)],
  ['LEDGER_BAD_BLOCK_SIGNATURE', (r) => void (r.blocks[2].signature = 'not base64!')],
  ['LEDGER_BALANCE_MISMATCH', (r) => void (r.balances[0][1] = '7')],
  ['LEDGER_BALANCE_MISMATCH', (r) => void (r.balances[0][1] = 7)],
  ['LEDGER_BALANCE_MISMATCH', (r) => void (r.balances = r.balances.filter(([a]) => a !== 'user:buyer'))],
];

for (const [code, edit] of cases) {
  t.test(`${code}: ${edit.toString().slice(0, 90)}`, async (t) => {
    const raw = await baseline(t);
    const edited = edit(raw) ?? raw;
    const report = await verify(edited);
    t.equal(report.ok, false);
    t.ok(codes(report).includes(code), `${code} in ${codes(report).join(', ')}`);
  });
}

t.test('the wrong public key fails every block signature', async (t) => {
  const report = await verify(await baseline(t), generateSigningKeyPair().publicKey);
  t.same(codes(report), [
    'LEDGER_BAD_BLOCK_SIGNATURE',
    'LEDGER_BAD_BLOCK_SIGNATURE',
    'LEDGER_BAD_BLOCK_SIGNATURE',
  ]);
});

t.test('a public key that is not 32 bytes is refused', async (t) => {
  await t.rejects(verifyLedger(memorySource({}), new Uint8Array(31)), {
    constructor: LedgerError,
    code: 'LEDGER_BAD_PUBLIC_KEY',
  });
});

t.test('the problem list is capped; the rest are counted', async (t) => {
  const entries = Array.from({ length: MAX_PROBLEMS + 50 }, () => ({}));
  const report = await verifyLedger(memorySource({ entries }), SIGNER.publicKey);
  t.equal(report.problems.length, MAX_PROBLEMS);
  t.equal(report.problemsOmitted, 50);
});

t.test('an error of the source that is not the ledger is thrown', async (t) => {
  const source = memorySource({});
  source.entries = () => ({
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('EIO')) }),
  });
  await t.rejects(verifyLedger(source, SIGNER.publicKey), { message: 'EIO' });
});
