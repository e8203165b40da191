/**
 * The gateway's own keys, made on first start and kept in the data directory:
 * - `gateway-key.json` (0600): the Ed25519 key that signs ledger blocks and
 *   verification reports; its public half is also written to `gateway.pub`
 *   (base64) so `sealgate ledger verify` can check a copied data directory;
 * - `broker-key.json` (0600): the key broker's X25519 key, to which sellers
 *   wrap data keys in `broker` custody (published at GET /v1/broker);
 * - `operator-key.json` (0600): the first operator account's key, so the
 *   operator's CLI can sign `admin` requests (copy it to the operator's home).
 */
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BoxKeyPair, SigningKeyPair } from '../attest/index.js';
import nacl from 'tweetnacl';
import {
  accountId,
  base64ToBytes,
  bytesToBase64,
  decodeKeyFile,
  encodeKeyFile,
  generateBoxKeyPair,
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
  /** The key broker's X25519 key: data keys in `broker` custody are wrapped to it (DESIGN.md 5). */
  readonly broker: BoxKeyPair;
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

// broker-key.json: {"type":"sealgate-broker-key","version":1,"secretKey":base64 of the X25519 secret key}
async function loadOrCreateBroker(path: string): Promise<BoxKeyPair> {
  const fresh = generateBoxKeyPair();
  const doc = { type: 'sealgate-broker-key', version: 1, secretKey: bytesToBase64(fresh.secretKey) };
  await writeNew(path, `${JSON.stringify(doc)}\n`);
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<typeof doc>;
  const secret = parsed.type === 'sealgate-broker-key' ? base64ToBytes(parsed.secretKey ?? '') : undefined;
  if (secret?.length !== nacl.box.secretKeyLength) throw new TypeError(`${path} is not a broker key file`);
  return nacl.box.keyPair.fromSecretKey(secret);
}

/** Load the gateway's keys from `dataDir`, making any that are missing. */
export async function loadIdentity(dataDir: string): Promise<GatewayIdentity> {
  const gateway = await loadOrCreate(join(dataDir, 'gateway-key.json'));
  const operator = await loadOrCreate(join(dataDir, 'operator-key.json'));
  const broker = await loadOrCreateBroker(join(dataDir, 'broker-key.json'));
  const pub = `${bytesToBase64(gateway.keyPair.publicKey)}\n`;
  if (!(await writeNew(join(dataDir, 'gateway.pub'), pub))) {
    const stored = await readFile(join(dataDir, 'gateway.pub'), 'utf8');
    if (stored !== pub) throw new TypeError(`${dataDir}/gateway.pub does not match gateway-key.json`);
  }
  return { gateway, operator, broker };
}
