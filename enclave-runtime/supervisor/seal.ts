/**
 * Sealing the trained model (DESIGN.md 5 step 8): the regular files of
 * /sealed/output are bundled (bundle.ts) and encrypted into an envelope under
 * a FRESH model key, which is wrapped to the broker's X25519 key; the
 * ciphertext streams to the agent as `output` messages of at most 64 KiB of
 * base64 each, then `output-end` names its digest, size and wrapped key.
 */
import { createHash } from 'node:crypto';
import { bytesToBase64, bytesToHex } from '../../attest/base-encoding.js';
import { keyId as dataKeyId, encryptStream, generateDataKey } from '../../attest/envelope/index.js';
import { isSealgateError } from '../../attest/errors.js';
import { wrapKey } from '../../attest/keywrap.js';
import { packTree, type BundleLimits } from './bundle.js';
import { SupervisorError } from './errors.js';
import type { SupervisorMessage } from './protocol.js';

/** Raw bytes per `output` message: 48 KiB is 64 KiB of base64. */
export const OUTPUT_CHUNK_BYTES = 48 * 1024;

/** What `output-end` reports. */
export interface SealedOutput {
  readonly digest: string;
  readonly size: number;
  readonly wrappedKey: string;
  readonly keyId: string;
}

/**
 * Seals `dir` to `brokerPublicKey`, sending the ciphertext through `send`.
 * Throws `SUPERVISOR_OUTPUT` when the output breaks a limit or cannot be read.
 */
export async function sealOutput(
  dir: string,
  brokerPublicKey: Uint8Array,
  limits: BundleLimits,
  send: (message: SupervisorMessage) => Promise<void>,
): Promise<SealedOutput> {
  const key = generateDataKey();
  try {
    const bundle = await packTree(dir, limits);
    const hash = createHash('sha256');
    let size = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      const all = Buffer.concat(pending, pendingBytes);
      for (let at = 0; at < all.length; at += OUTPUT_CHUNK_BYTES) {
        await send({ t: 'output', chunk: all.subarray(at, at + OUTPUT_CHUNK_BYTES).toString('base64') });
      }
      pending = [];
      pendingBytes = 0;
    };
    for await (const piece of encryptStream(bundle.bytes(), { key, size: bundle.size })) {
      hash.update(piece);
      size += piece.length;
      pending.push(Buffer.from(piece));
      pendingBytes += piece.length;
      if (pendingBytes >= OUTPUT_CHUNK_BYTES) {
        const keep = pendingBytes % OUTPUT_CHUNK_BYTES;
        const all = Buffer.concat(pending, pendingBytes);
        pending = [all.subarray(0, all.length - keep)];
        pendingBytes = all.length - keep;
        await flush();
        if (keep > 0) {
          pending = [all.subarray(all.length - keep)];
          pendingBytes = keep;
        }
      }
    }
    await flush();
    return {
      digest: `sha256:${hash.digest('hex')}`,
      size,
      wrappedKey: bytesToBase64(wrapKey(key, brokerPublicKey)),
      keyId: bytesToHex(dataKeyId(key)),
    };
  } catch (cause) {
    if (cause instanceof SupervisorError) throw cause;
    const why = isSealgateError(cause) ? cause.code : 'I/O';
    throw new SupervisorError('SUPERVISOR_OUTPUT', `cannot seal the output (${why})`, { cause });
  } finally {
    key.fill(0);
  }
}
