/**
 * Fixtures of the catalog tests, all made here: blobs written straight into
 * the blob store's layout (`DATA/blobs/sha256/<2 hex>/<64 hex>`, what
 * gateway/blobs/file-lookup.ts reads), fresh data keys wrapped to the test
 * gateway's broker key, and a listing body built from them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { bytesToBase64, bytesToHex, dataKeyId, generateDataKey, wrapKey } from '../../../attest/index.js';

/** Store `bytes` (random by default) as a blob in `dataDir`; returns its digest. */
export async function storeBlob(dataDir: string, bytes: Uint8Array = randomBytes(64)): Promise<string> {
  const hex = createHash('sha256').update(bytes).digest('hex');
  const dir = join(dataDir, 'blobs', 'sha256', hex.slice(0, 2));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, hex), bytes);
  return `sha256:${hex}`;
}

/** A fresh data key, its key id, and the key sealed to `app`'s broker. */
export function brokerKey(app: FastifyInstance): { keyId: string; custody: 'broker'; wrapped: string } {
  const dek = generateDataKey();
  return {
    keyId: bytesToHex(dataKeyId(dek)),
    custody: 'broker',
    wrapped: bytesToBase64(wrapKey(dek, app.gateway.identity.broker.publicKey)),
  };
}

/** A fresh 32-byte fingerprint key sealed to `app`'s broker, as a listing's `fingerprintKey`. */
export function fingerprintKeyFor(app: FastifyInstance): { wrapped: string } {
  return { wrapped: bytesToBase64(wrapKey(randomBytes(32), app.gateway.identity.broker.publicKey)) };
}

/** A model image digest that is not stored anywhere (image ids are just names here). */
export function imageDigest(): string {
  return `sha256:${randomBytes(32).toString('hex')}`;
}

/** A valid listing body in broker custody over a freshly stored blob; override any field. */
export async function listingBody(
  app: FastifyInstance,
  dataDir: string,
  over: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  return {
    title: 'Hospital readmissions 2019-2023',
    description: 'De-identified discharge records with 30-day readmission labels.',
    schema: [
      { name: 'age', type: 'integer' },
      { name: 'readmitted', type: 'boolean', description: 'within 30 days' },
    ],
    price: '2500',
    policy: { release: { custody: 'broker' } },
    blob: { digest: await storeBlob(dataDir) },
    key: brokerKey(app),
    ...over,
  };
}

/**
 * A real clock that never returns the same millisecond twice, so objects
 * made one after another get ids in that order (ids made within one
 * millisecond are ordered by their random part).
 */
export function monotonicClock(): () => Date {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last);
  };
}
