/**
 * An independent reader and writer of the envelope format, written from the
 * byte table in docs/envelope.md with node:crypto only (none of attest/'s
 * code), so the tests check the documented format, not the code against itself.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';

export const HEADER = 106;
export const TAG = 16;

const label = (s: string): Buffer => Buffer.from(`sealgate/envelope/v1 ${s}`);

/** key id = HKDF-SHA256(DEK, no salt, "sealgate/envelope/v1 key-id", 16). */
export function refKeyId(dek: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', dek, Buffer.alloc(0), label('key-id'), 16));
}

/** The per-file AES key and header MAC key (HKDF-SHA256 with the header's salt). */
export function refKeys(dek: Uint8Array, salt: Uint8Array): { aes: Buffer; mac: Buffer } {
  return {
    aes: Buffer.from(hkdfSync('sha256', dek, salt, label('aes-256-gcm'), 32)),
    mac: Buffer.from(hkdfSync('sha256', dek, salt, label('header-mac'), 32)),
  };
}

export interface RefHeaderFields {
  readonly version?: number;
  readonly algorithm?: number;
  readonly chunkSize: number;
  readonly plaintextLength: bigint;
  readonly salt: Uint8Array;
  readonly noncePrefix: Uint8Array;
}

/** A header with a valid MAC under `dek`, whatever the field values. */
export function refHeader(dek: Uint8Array, f: RefHeaderFields): Buffer {
  const body = Buffer.alloc(74);
  body.write('SGENV', 0, 'latin1');
  body[5] = f.version ?? 1;
  body[6] = f.algorithm ?? 1;
  body.writeUInt32BE(f.chunkSize, 7);
  body.writeBigUInt64BE(f.plaintextLength, 11);
  refKeyId(dek).copy(body, 19);
  Buffer.from(f.salt).copy(body, 35);
  Buffer.from(f.noncePrefix).copy(body, 67);
  const mac = createHmac('sha256', refKeys(dek, f.salt).mac).update(body).digest();
  return Buffer.concat([body, mac]);
}

function nonce(prefix: Uint8Array, i: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  Buffer.from(prefix).copy(n, 0);
  n.writeUInt32BE(i, 7);
  n[11] = last ? 1 : 0;
  return n;
}

/** Seal chunk `i` the documented way. */
export function refSealChunk(
  aes: Buffer,
  header: Buffer,
  i: number,
  last: boolean,
  plain: Uint8Array,
): Buffer {
  const c = createCipheriv('aes-256-gcm', aes, nonce(header.subarray(67, 74), i, last)).setAAD(header);
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

/** Decrypt a whole envelope the documented way; throws on any inconsistency. */
export function refDecrypt(dek: Uint8Array, envelope: Uint8Array): Buffer {
  const env = Buffer.from(envelope);
  const header = env.subarray(0, HEADER);
  if (header.toString('latin1', 0, 5) !== 'SGENV' || header[5] !== 1 || header[6] !== 1)
    throw new Error('magic');
  if (!header.subarray(19, 35).equals(refKeyId(dek))) throw new Error('key id');
  const { aes, mac } = refKeys(dek, header.subarray(35, 67));
  if (!createHmac('sha256', mac).update(header.subarray(0, 74)).digest().equals(header.subarray(74))) {
    throw new Error('header MAC');
  }
  const chunkSize = header.readUInt32BE(7);
  const length = Number(header.readBigUInt64BE(11));
  const count = Math.max(1, Math.ceil(length / chunkSize));
  if (env.length !== HEADER + length + TAG * count) throw new Error('length');
  const out: Buffer[] = [];
  let offset = HEADER;
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    const n = last ? length - (count - 1) * chunkSize : chunkSize;
    const body = env.subarray(offset, offset + n);
    const tag = env.subarray(offset + n, offset + n + TAG);
    const d = createDecipheriv('aes-256-gcm', aes, nonce(header.subarray(67, 74), i, last));
    d.setAAD(header).setAuthTag(tag);
    out.push(d.update(body), d.final());
    offset += n + TAG;
  }
  return Buffer.concat(out);
}
