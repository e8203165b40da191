/**
 * The crash test's market, made over HTTP with the client SDK exactly as
 * users would: a seller, two buyers, a publisher and a miner register their
 * keys; the operator (the gateway's operator-key.json) credits the buyers;
 * the seller uploads a small ciphertext blob and lists it in seller custody
 * with a policy that allows the model's image digest; the publisher
 * publishes the model. Keys and blob bytes derive from the test's seed.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SigningKeyPair } from '../../../attest/index.js';
import { accountId, decodeKeyFile, signingKeyPairFromSeed } from '../../../attest/index.js';
import { GatewayClient, registerAccount, uploadBlob } from '../../../client/index.js';

/** The model's image digest (a name only: the gateway never pulls it). sha256 of 'crash test model image'. */
export const IMAGE = `sha256:${createHash('sha256').update('crash test model image').digest('hex')}`;
/** The model's step cap: the test asks for 1..MAX_STEPS steps. */
export const MAX_STEPS = 1000;
/** What the operator credits each buyer at set-up (far more than all runs cost). */
export const FUNDS = 10n ** 16n;

/** The market's keys and listings. */
export interface CrashMarket {
  readonly operator: SigningKeyPair;
  readonly seller: SigningKeyPair;
  readonly buyers: readonly SigningKeyPair[];
  readonly publisher: SigningKeyPair;
  readonly miner: SigningKeyPair;
  readonly dataset: string;
  readonly model: string;
}

/** A key derived from the test's seed and a name (stable for a seed). */
function keyFor(seed: number, name: string): SigningKeyPair {
  return signingKeyPairFromSeed(createHash('sha256').update(`crash ${seed} ${name}`).digest());
}

/** The miner's key for `seed` (the harness needs its account id before the market exists). */
export function minerKey(seed: number): SigningKeyPair {
  return keyFor(seed, 'miner');
}

/** A client of the gateway at `url` signing as `key`. */
export function clientOf(url: string, key: SigningKeyPair): GatewayClient {
  return new GatewayClient({ gateway: url, key });
}

/** Make the market on the gateway at `url` over `dataDir`; `work` holds the blob file. */
export async function setUpMarket(
  url: string,
  dataDir: string,
  work: string,
  seed: number,
): Promise<CrashMarket> {
  const operatorFile = await readFile(join(dataDir, 'operator-key.json'), 'utf8');
  const operator = decodeKeyFile(operatorFile, 'account').keyPair;
  const seller = keyFor(seed, 'seller');
  const buyers = [keyFor(seed, 'buyer 1'), keyFor(seed, 'buyer 2')];
  const publisher = keyFor(seed, 'publisher');
  const miner = minerKey(seed);
  await registerAccount(clientOf(url, seller), ['seller']);
  for (const buyer of buyers) await registerAccount(clientOf(url, buyer), ['buyer']);
  await registerAccount(clientOf(url, publisher), ['publisher']);
  await registerAccount(clientOf(url, miner), ['miner']);
  for (const buyer of buyers) {
    const body = { account: accountId(buyer.publicKey), amount: String(FUNDS), memo: 'crash test funds' };
    await clientOf(url, operator).request('POST', '/v1/admin/credit', { body });
  }

  // 4 KiB standing in for an envelope: the gateway stores ciphertext without reading it
  const blobPath = join(work, 'dataset.sgenc');
  await writeFile(blobPath, Buffer.alloc(4096, createHash('sha256').update(`blob ${seed}`).digest()));
  const blob = await uploadBlob(clientOf(url, seller), blobPath);
  const dataset = await clientOf(url, seller).request<{ id: string }>('POST', '/v1/datasets', {
    body: {
      title: 'crash test records',
      description: 'synthetic ciphertext for the crash test',
      schema: [{ name: 'age', type: 'integer' }],
      price: '100',
      policy: { release: { custody: 'seller', allowedModels: [IMAGE] } },
      blob: { digest: blob.digest },
      key: {
        keyId: createHash('sha256').update(`dek ${seed}`).digest('hex').slice(0, 32),
        custody: 'seller',
      },
    },
  });
  const model = await clientOf(url, publisher).request<{ id: string }>('POST', '/v1/models', {
    body: {
      descriptor: {
        name: 'crash-linreg',
        version: '1.0.0',
        entrypoints: { train: ['/bin/train'] },
        metrics: ['loss'],
        unitCost: '2',
        baseFee: '50',
        maxSteps: MAX_STEPS,
        benchmark: { steps: 1000, seconds: 12.5 },
      },
      image: { digest: IMAGE },
    },
  });
  return { operator, seller, buyers, publisher, miner, dataset: dataset.id, model: model.id };
}
