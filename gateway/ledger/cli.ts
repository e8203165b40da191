/**
 * What `sealgate ledger balance` and `sealgate ledger verify` run, offline:
 * over a stopped gateway's data directory, an open store, or (verify only) a
 * JSON-lines export. The CLI wraps these and prints their results.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { base64ToBytes } from '../../attest/index.js';
import type { Store } from '../store/index.js';
import { LedgerError } from './errors.js';
import { readLedgerExport } from './export.js';
import { currentBalances } from './balances.js';
import { ledgerSourceFromDataDir, openLedgerStore } from './source.js';
import { ledgerSublevels } from './storage.js';
import type { LedgerSource } from './source.js';
import { checkAccount } from './validate.js';
import type { LedgerReport } from './verify.js';
import { verifyLedger } from './verify.js';

/** The file in a data directory holding base64 of the gateway's Ed25519 public key. */
export const GATEWAY_PUBLIC_KEY_FILE = 'gateway.pub';

/** One account's cached balance. */
export interface AccountBalance {
  readonly account: string;
  readonly balance: bigint;
}

/**
 * Balances of a data directory or an open store (the checkpoint plus the
 * entries after it): every account with a balance, sorted by name, or just
 * `account` (0 when it never moved).
 */
export async function ledgerBalance(from: string | Store, account?: string): Promise<AccountBalance[]> {
  if (account !== undefined) checkAccount(account);
  const store = typeof from === 'string' ? await openLedgerStore(from) : from;
  try {
    const { balances } = await currentBalances(ledgerSublevels(store));
    if (account !== undefined) return [{ account, balance: balances.get(account) ?? 0n }];
    return [...balances]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([a, balance]) => ({ account: a, balance }));
  } finally {
    if (typeof from === 'string') await store.close();
  }
}

/** The gateway public key of a data directory (`DATA/gateway.pub`, base64). */
export async function readGatewayPublicKey(dataDir: string): Promise<Uint8Array> {
  let text: string;
  try {
    text = await readFile(join(dataDir, GATEWAY_PUBLIC_KEY_FILE), 'utf8');
  } catch (err) {
    throw new LedgerError('LEDGER_NO_PUBLIC_KEY', `no ${GATEWAY_PUBLIC_KEY_FILE} in ${dataDir}`, {
      cause: err,
    });
  }
  const key = base64ToBytes(text.trim());
  if (key?.length !== 32)
    throw new LedgerError('LEDGER_BAD_PUBLIC_KEY', `${GATEWAY_PUBLIC_KEY_FILE} is not a base64 Ed25519 key`);
  return key;
}

/**
 * Verify the ledger of a stopped gateway's data directory or of an export
 * file. A directory's public key defaults to its `gateway.pub`; an export
 * needs `publicKey` (LEDGER_NO_PUBLIC_KEY otherwise): the key must come from
 * somewhere the export's author does not control.
 */
export async function ledgerVerify(path: string, publicKey?: Uint8Array): Promise<LedgerReport> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    throw new LedgerError('LEDGER_NO_DATA', `${path} does not exist`, { cause: err });
  }
  let key = publicKey;
  if (key === undefined) {
    if (!isDir)
      throw new LedgerError('LEDGER_NO_PUBLIC_KEY', 'verifying an export needs the gateway public key');
    key = await readGatewayPublicKey(path);
  }
  const source: LedgerSource = isDir ? await ledgerSourceFromDataDir(path) : readLedgerExport(path);
  try {
    return await verifyLedger(source, key);
  } finally {
    await source.close();
  }
}
