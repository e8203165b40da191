/** Shared helpers for the envelope tests: sources, collection and sample data. */
import { randomBytes } from 'node:crypto';

/** A small chunk size so the tests cover many chunks with little data. */
export const CHUNK = 64;

/** `n` random bytes. */
export function data(n: number): Uint8Array {
  return new Uint8Array(randomBytes(n));
}

/** An async source yielding `bytes` in pieces of the given sizes, cycling through them. */
export async function* pieces(bytes: Uint8Array, sizes: readonly number[] = [bytes.length || 1]) {
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    await Promise.resolve();
    yield bytes.subarray(offset, offset + n);
    offset += n;
  }
}

/** Everything an async iterable yields, as a list. */
export async function collect(parts: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const p of parts) out.push(p);
  return out;
}

/** The concatenation of `parts`. */
export function join(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}
