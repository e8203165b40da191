import t from 'tap';
import { createWriteStream } from 'node:fs';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { bytesToBase64 } from '../../../attest/index.js';
import type { Ledger } from '../../../gateway/index.js';
import { exportLedger, ledgerVerify, readLedgerExport, verifyLedger } from '../../../gateway/index.js';
import { Store } from '../../../gateway/store/index.js';
import { SIGNER, codes, freshLedger, mint, tempDir, tx } from './helpers.js';

// Tampering with a copy of the data directory or with an export: each edit is
// caught under the code that names it. The ledger is a small synthetic one.

async function sample(ledger: Ledger): Promise<void> {
  await ledger.commit([mint('credit:1', 'user:buyer', 100n)]);
  await ledger.commit([tx('escrow:r1', 'escrow', ['user:buyer', -60n], ['escrow:r1', 60n])]);
  await ledger.sealBlock();
  await ledger.commit([
    tx('settle:r1', 'settle', ['escrow:r1', -60n], ['user:seller', 50n], ['platform', 10n]),
  ]);
  await ledger.sealBlock();
}

/** A stopped gateway's data dir with a sample ledger and its gateway.pub. */
async function dataDir(t: Parameters<typeof freshLedger>[0]): Promise<string> {
  const { dir, store, ledger } = await freshLedger(t);
  await sample(ledger);
  await store.close();
  await writeFile(join(dir, 'gateway.pub'), bytesToBase64(SIGNER.publicKey) + '\n');
  return dir;
}

async function exported(t: Parameters<typeof freshLedger>[0]): Promise<{ path: string; lines: string[] }> {
  const { store, ledger } = await freshLedger(t);
  await sample(ledger);
  const path = join(await tempDir(t), 'ledger.jsonl');
  await exportLedger(ledger, createWriteStream(path));
  void store;
  return { path, lines: (await readFile(path, 'utf8')).trimEnd().split('\n') };
}

/** An export line, or a stored entry or block, typed just enough for the edits below. */
interface Line {
  type: string;
  entry: { postings: { amount: string }[]; memo?: string };
  block: Record<string, string>;
  amount: string;
  seq: number;
  postings: { amount: string }[];
  entriesRoot: string;
  signature: string;
}

function editLine(lines: string[], type: string, index: number, edit: (v: Line) => void): string {
  const matching = lines
    .map((l, i) => [l, i] as const)
    .filter(([l]) => (JSON.parse(l) as { type?: string }).type === type);
  const [text, at] = matching[index];
  const value = JSON.parse(text) as Line;
  edit(value);
  const out = [...lines];
  out[at] = JSON.stringify(value);
  return out.join('\n') + '\n';
}

t.test('an export verifies like its ledger, and its lines are what the docs say', async (t) => {
  const { path, lines } = await exported(t);
  t.same(JSON.parse(lines[0]), { format: 'sealgate-ledger-export', version: 1 });
  t.same(
    lines.slice(1).map((l) => (JSON.parse(l) as { type: string }).type),
    [
      ...['entry', 'entry', 'entry', 'block', 'block', ...Array<string>(5).fill('balance')],
      ...['checkpoint', 'key', 'key', 'key'],
    ],
  );
  t.match(await ledgerVerify(path, SIGNER.publicKey), { ok: true, entries: 3, blocks: 2, sealedSeq: 3 });
});

t.test('exporting a store waits for a slow reader and can leave the stream open', async (t) => {
  const { store, ledger } = await freshLedger(t);
  await sample(ledger);
  const chunks: string[] = [];
  const slow = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      setImmediate(done);
    },
  });
  await exportLedger(store, slow, { end: false });
  t.equal(slow.writableEnded, false);
  t.equal(chunks.length, 15);
  slow.end();
});

const exportEdits: [string, string, number, (v: Line) => void][] = [
  ['LEDGER_HASH_MISMATCH', 'entry', 1, (v) => (v.entry.postings[0].amount = '-59')],
  ['LEDGER_HASH_MISMATCH', 'entry', 0, (v) => (v.entry.memo = 'added later')],
  ['LEDGER_BALANCE_MISMATCH', 'balance', 0, (v) => (v.amount = '1000')],
  ['LEDGER_BALANCE_MISMATCH', 'checkpoint', 0, (v) => (v.seq = 2)],
  ['LEDGER_CHECKPOINT_INVALID', 'checkpoint', 0, (v) => (v.seq = 9)],
  ['LEDGER_BAD_MERKLE_ROOT', 'block', 0, (v) => (v.block.entriesRoot = 'cd'.repeat(32))],
  ['LEDGER_BLOCK_HASH_MISMATCH', 'block', 1, (v) => (v.block.time = '2030-01-01T00:00:00.000Z')],
  ['LEDGER_BAD_BLOCK_SIGNATURE', 'block', 1, (v) => (v.block.signature = bytesToBase64(new Uint8Array(64)))],
  ['LEDGER_KEY_INDEX_MISMATCH', 'key', 0, (v) => (v.seq = 3)],
];

for (const [code, type, index, edit] of exportEdits) {
  t.test(`export: editing a ${type} is ${code}`, async (t) => {
    const { path, lines } = await exported(t);
    await writeFile(path, editLine(lines, type, index, edit));
    const report = await verifyLedger(readLedgerExport(path), SIGNER.publicKey);
    t.equal(report.ok, false);
    t.ok(codes(report).includes(code), codes(report).join(', '));
  });
}

t.test('a malformed export is LEDGER_EXPORT_MALFORMED, reported not thrown', async (t) => {
  const { path, lines } = await exported(t);
  const variants: string[] = [
    '',
    'not json\n',
    '{"format":"other","version":1}\n',
    lines[0] + '\n[1]\n',
    lines[0] + '\n{"type":"coin"}\n',
    lines[0] + '\n{"type":"balance","amount":"1"}\n',
    lines[0] + '\n{"type":"key","seq":1}\n',
    lines.join('\n') + '\n{"type":"entry",\n',
  ];
  for (const text of variants) {
    await writeFile(path, text);
    const report = await verifyLedger(readLedgerExport(path), SIGNER.publicKey);
    t.same(codes(report).slice(-1), ['LEDGER_EXPORT_MALFORMED'], JSON.stringify(text.slice(0, 40)));
  }
  await writeFile(path, lines[0] + '\n\n');
  t.match(
    await verifyLedger(readLedgerExport(path), SIGNER.publicKey),
    { ok: true },
    'blank lines are skipped',
  );
});

const dirEdits: [string, string, string, (v: Line) => unknown][] = [
  ['LEDGER_HASH_MISMATCH', 'ledger-entries', '0000000000000002', (v) => ((v.postings[1].amount = '70'), v)],
  ['LEDGER_BALANCE_MISMATCH', 'ledger-balances', 'user:seller', () => '5000'],
  ['LEDGER_CHECKPOINT_INVALID', 'ledger-checkpoint', 'seq', () => 'three'],
  [
    'LEDGER_BAD_MERKLE_ROOT',
    'ledger-blocks',
    '0000000000000001',
    (v) => ((v.entriesRoot = '00'.repeat(32)), v),
  ],
  ['LEDGER_BAD_BLOCK_SIGNATURE', 'ledger-blocks', '0000000000000002', (v) => ((v.signature = 'AAAA'), v)],
  ['LEDGER_KEY_INDEX_MISMATCH', 'ledger-keys', 'settle:r1', () => 1],
];

for (const [code, sub, key, edit] of dirEdits) {
  t.test(`data dir: editing ${sub}/${key} is ${code}`, async (t) => {
    const original = await dataDir(t);
    const copy = join(await tempDir(t), 'copy');
    await cp(original, copy, { recursive: true });
    const store = await Store.open(copy);
    const level = store.sublevel(sub);
    await level.put(key, edit((await level.get(key)) as Line));
    await store.close();
    const report = await ledgerVerify(copy);
    t.equal(report.ok, false);
    t.ok(codes(report).includes(code), codes(report).join(', '));
    t.match(await ledgerVerify(original), { ok: true }, 'the original still verifies');
  });
}
