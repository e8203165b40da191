/**
 * Naming a chunk failure. AES-GCM only says "this chunk did not authenticate";
 * on that failure path (never on the fast path) this works out why: a flipped
 * bit in the body, a flipped bit in the tag, or a genuine chunk of the same
 * envelope at the wrong position (reordered or duplicated). WebCrypto only.
 */
import { EnvelopeError } from './errors.js';
import { TAG_LENGTH, chunkLength, chunkNonce } from './format.js';
import type { EnvelopeHeader } from './format.js';
import type { FileKeys } from './keys.js';
import { subtle } from './keys.js';
import { bitDistance, constantTimeEqual, xor } from './bytes.js';

/** A received tag this close to the right one (in bits) was altered, not replaced. */
export const FEW_BITS = 8;
/** Positions searched for the true home of a chunk, nearest first. */
export const MAX_POSITIONS_SEARCHED = 1 << 16;
const BATCH = 256;

/** The 16-byte GCM counter block `nonce ‖ counter` (NIST SP 800-38D, section 7.1, for a 96-bit IV). */
function counterBlock(nonce: Uint8Array, counter: number): Uint8Array<ArrayBuffer> {
  const block = new Uint8Array(16);
  block.set(nonce, 0);
  new DataView(block.buffer).setUint32(12, counter);
  return block;
}

/** E_K(block): AES-CTR over one zero block is the block cipher applied to the counter block. */
async function encryptBlock(ctr: CryptoKey, block: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const out = await subtle().encrypt(
    { name: 'AES-CTR', counter: block, length: 32 },
    ctr,
    new Uint8Array(16),
  );
  return new Uint8Array(out);
}

/** Positions other than `j` whose sealed chunk has `sealedLength` bytes, nearest to `j` first. */
function* candidatePositions(header: EnvelopeHeader, j: number, sealedLength: number): Generator<number> {
  let yielded = 0;
  for (let d = 1; yielded < MAX_POSITIONS_SEARCHED && (j - d >= 0 || j + d < header.chunkCount); d++) {
    for (const k of [j - d, j + d]) {
      if (k < 0 || k >= header.chunkCount) continue;
      if (chunkLength(header, k) + TAG_LENGTH !== sealedLength) continue;
      yielded++;
      yield k;
    }
  }
}

/**
 * The error for chunk `j` of `header`, whose sealed bytes failed to
 * authenticate, following NIST SP 800-38D (GCM), sections 6.4 and 7.1.
 *
 * With a 96-bit IV, J0 = IV ‖ 0^31 ‖ 1 and the tag is T = GHASH_H(A, C) ⊕
 * E_K(J0); GHASH does not depend on the IV. So:
 * 1. P' = AES-CTR-decrypt(C) from counter block nonce_j ‖ 2 (GCTR, section 6.5)
 *    and GCM-encrypt P' at nonce_j: the same C with its correct tag T_j there;
 * 2. G = T_j ⊕ E_K(nonce_j ‖ 1) = GHASH_H(A, C);
 * 3. for each other position k, G ⊕ E_K(nonce_k ‖ 1) is the tag C would carry
 *    at k: if it equals the received tag, the chunk belongs at k — before j
 *    (already read) is a duplicate, after j a reordering;
 * 4. otherwise a received tag within FEW_BITS of T_j means the tag was
 *    altered, and anything else means the ciphertext was.
 */
export async function diagnoseChunk(
  keys: FileKeys,
  header: EnvelopeHeader,
  j: number,
  sealed: Uint8Array<ArrayBuffer>,
): Promise<EnvelopeError> {
  const ctr = await keys.ctr();
  const body = sealed.subarray(0, sealed.length - TAG_LENGTH);
  const tag = sealed.subarray(sealed.length - TAG_LENGTH);
  const nonceJ = chunkNonce(header.noncePrefix, j, j === header.chunkCount - 1);
  const plain = await subtle().decrypt(
    { name: 'AES-CTR', counter: counterBlock(nonceJ, 2), length: 32 },
    ctr,
    body,
  );
  const resealed = await subtle().encrypt(
    { name: 'AES-GCM', iv: nonceJ, additionalData: header.bytes },
    await keys.gcm(),
    plain,
  );
  const tagJ = new Uint8Array(resealed, resealed.byteLength - TAG_LENGTH);
  const ghash = xor(tagJ, await encryptBlock(ctr, counterBlock(nonceJ, 1)));

  let batch: number[] = [];
  const flush = async (): Promise<number | undefined> => {
    const masks = await Promise.all(
      batch.map((k) =>
        encryptBlock(ctr, counterBlock(chunkNonce(header.noncePrefix, k, k === header.chunkCount - 1), 1)),
      ),
    );
    const found = batch.find((_, i) => constantTimeEqual(xor(ghash, masks[i]), tag));
    batch = [];
    return found;
  };
  for (const k of candidatePositions(header, j, sealed.length)) {
    batch.push(k);
    const found = batch.length === BATCH ? await flush() : undefined;
    if (found !== undefined) return misplaced(j, found);
  }
  const found = await flush();
  if (found !== undefined) return misplaced(j, found);

  if (bitDistance(tagJ, tag) <= FEW_BITS) {
    return new EnvelopeError('ENVELOPE_TAG_TAMPERED', `chunk ${j}: its authentication tag was altered`);
  }
  return new EnvelopeError('ENVELOPE_CHUNK_TAMPERED', `chunk ${j}: its ciphertext was altered`);
}

function misplaced(j: number, k: number): EnvelopeError {
  return k < j
    ? new EnvelopeError('ENVELOPE_CHUNK_DUPLICATED', `chunk ${j} repeats chunk ${k}`)
    : new EnvelopeError('ENVELOPE_CHUNK_REORDERED', `chunk ${j} is chunk ${k} out of order`);
}
