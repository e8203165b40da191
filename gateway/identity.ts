/**
 * The gateway's own keys, made on first start and kept in the data directory:
 * - `gateway-key.json` (0600): the Ed25519 key that signs ledger blocks and
 *   verification reports; its public half is also written to `gateway.pub`
 *   (base64) so `sealgate ledger verify` can check a copied data directory;
 * - `operator-key.json` (0600): the first operator account's key, so the
 *   operator's CLI can sign `admin` requests (copy it to the operator's home).
 */
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SigningKeyPair } from '../attest/index.js';
import {
  accountId,
  bytesToBase64,
  decodeKeyFile,
  encodeKeyFile,
  generateSigningKeyPair,
} from '../attest/index.js';

/** A key and the id it signs as. */
export interface Identity {
  readonly keyPair: SigningKeyPair;
  readonly keyId: string;
}

/** The gateway's keys. */
export interface GatewayIdentity {
  readonly gateway: Identity;
  readonly operator: Identity;
}

async function writeNew(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

async function loadOrCreate(path: string): Promise<Identity> {
  const fresh = generateSigningKeyPair();
  await writeNew(path, encodeKeyFile('account', fresh));
  const { keyPair } = decodeKeyFile(await readFile(path, 'utf8'), 'account');
  return { keyPair, keyId: accountId(keyPair.publicKey) };
}

/** Load the gateway's keys from `dataDir`, making any that are missing. */
export async function loadIdentity(dataDir: string): Promise<GatewayIdentity> {
  const gateway = await loadOrCreate(join(dataDir, 'gateway-key.json'));
  const operator = await loadOrCreate(join(dataDir, 'operator-key.json'));
  const pub = `${bytesToBase64(gateway.keyPair.publicKey)}\n`;
  if (!(await writeNew(join(dataDir, 'gateway.pub'), pub))) {
    const stored = await readFile(join(dataDir, 'gateway.pub'), 'utf8');
    if (stored !== pub) throw new TypeError(`${dataDir}/gateway.pub does not match gateway-key.json`);
  }
  return { gateway, operator };
}
