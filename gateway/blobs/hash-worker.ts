/**
 * The blob store's hashing thread: SHA-256 (FIPS 180-4) of uploads, off the
 * event loop that parses HTTP and writes files. On a CPU without SHA
 * extensions hashing is the slowest step of an upload, so running it on its
 * own core is what lets ingest keep pace with the disk (docs/blobs.md).
 * Each message names an upload; each batch's buffer goes back for reuse.
 */
import type { Hash } from 'node:crypto';
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/** From the store to the thread. */
export type HashRequest =
  | { readonly op: 'update'; readonly id: number; readonly buffer: ArrayBuffer; readonly length: number }
  | { readonly op: 'digest'; readonly id: number }
  | { readonly op: 'drop'; readonly id: number };

/** From the thread to the store. */
export type HashReply =
  | { readonly op: 'ack'; readonly id: number; readonly buffer: ArrayBuffer }
  | { readonly op: 'digest'; readonly id: number; readonly digest: Uint8Array };

const hashes = new Map<number, Hash>();

function handle(m: HashRequest): HashReply | undefined {
  const hash = hashes.get(m.id) ?? createHash('sha256');
  switch (m.op) {
    case 'update':
      hash.update(new Uint8Array(m.buffer, 0, m.length));
      hashes.set(m.id, hash);
      return { op: 'ack', id: m.id, buffer: m.buffer };
    case 'digest':
      hashes.delete(m.id);
      return { op: 'digest', id: m.id, digest: hash.digest() };
    case 'drop':
      hashes.delete(m.id);
      return undefined;
  }
}

parentPort?.on('message', (m: HashRequest) => {
  const reply = handle(m);
  if (reply?.op === 'ack') parentPort?.postMessage(reply, [reply.buffer]);
  else if (reply) parentPort?.postMessage(reply);
});
