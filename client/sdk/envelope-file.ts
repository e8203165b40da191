/**
 * Files in and out of the envelope: stream a file through `encryptStream` or
 * `decryptStream` with flat memory, writing to a temporary file beside the
 * output that is renamed into place only on success and deleted on any
 * failure, so a tampered envelope never leaves partial plaintext behind.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import {
  ENVELOPE_DEFAULT_CHUNK_SIZE,
  ENVELOPE_HEADER_LENGTH,
  ENVELOPE_TAG_LENGTH,
  decryptStream,
  encryptStream,
  readHeader,
  webCryptoChunkCipher,
} from '../../attest/envelope/index.js';
import type { ChunkCipherFactory, EnvelopeHeader } from '../../attest/envelope/index.js';
import { nodeChunkCipher } from './node-chunk-cipher.js';

/** About how many bytes each file read asks for. */
const READ_SIZE = 1024 * 1024;

/** A read size that is a whole number of `unit`s near READ_SIZE, so each chunk is a view of one read. */
function alignedReadSize(unit: number): number {
  return unit * Math.max(1, Math.floor(READ_SIZE / unit));
}

export interface FileCryptOptions {
  /** Called as input is consumed, with bytes read so far and the input's size. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Abort the operation; the temporary output is deleted. */
  readonly signal?: AbortSignal;
  /** Plaintext bytes per chunk when encrypting (default: the envelope's). */
  readonly chunkSize?: number;
  /** Chunks encrypted or decrypted concurrently (default: the envelope's). */
  readonly inFlight?: number;
  /** What seals and opens chunks (default: WebCrypto to encrypt, node:crypto to decrypt, by measurement). */
  readonly cipher?: ChunkCipherFactory;
}

export interface FileCryptResult {
  readonly plaintextBytes: number;
  readonly envelopeBytes: number;
  readonly header: EnvelopeHeader;
}

/** Encrypt the file at `input` into an envelope at `output` under the data key `key`. */
export async function encryptFile(
  input: string,
  output: string,
  key: Uint8Array,
  opts: FileCryptOptions = {},
): Promise<FileCryptResult> {
  const { size } = await stat(input);
  const chunkSize = opts.chunkSize ?? ENVELOPE_DEFAULT_CHUNK_SIZE;
  let header: Uint8Array | undefined;
  await writeAtomically(output, 0o666, async (out) => {
    const file = createReadStream(input, { highWaterMark: alignedReadSize(chunkSize) });
    const sealed = encryptStream(counted(file, size, opts.onProgress), {
      key,
      size,
      chunkSize,
      inFlight: opts.inFlight,
      // WebCrypto by measurement (docs/envelope.md): its chunks in flight use both cores.
      cipher: opts.cipher ?? webCryptoChunkCipher,
    });
    async function* keepHeader(parts: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      for await (const part of parts) {
        header ??= part;
        yield part;
      }
    }
    await pipeline(keepHeader(sealed), out, { signal: opts.signal });
  });
  const parsed = readHeader(header as Uint8Array);
  return { plaintextBytes: size, envelopeBytes: parsed.envelopeLength, header: parsed };
}

/** Decrypt the envelope at `input` into `output` (mode 0600) with the data key `key`. */
export async function decryptFile(
  input: string,
  output: string,
  key: Uint8Array,
  opts: FileCryptOptions = {},
): Promise<FileCryptResult> {
  const { size } = await stat(input);
  const prefix = await readPrefix(input, ENVELOPE_HEADER_LENGTH);
  await writeAtomically(output, 0o600, async (out) => {
    // Reads aligned on sealed chunks make each chunk a view of one read. The
    // chunk size is only a hint here: decryptStream authenticates it.
    let sealedChunk = READ_SIZE;
    try {
      sealedChunk = readHeader(prefix).chunkSize + ENVELOPE_TAG_LENGTH;
    } catch {
      // decryptStream reports what is wrong with the header
    }
    async function* file(): AsyncGenerator<Uint8Array> {
      yield prefix;
      yield* createReadStream(input, { start: prefix.length, highWaterMark: alignedReadSize(sealedChunk) });
    }
    const plain = decryptStream(counted(file(), size, opts.onProgress), {
      key,
      inFlight: opts.inFlight,
      cipher: opts.cipher ?? nodeChunkCipher,
    });
    await pipeline(plain, out, { signal: opts.signal });
  });
  const header = readHeader(prefix);
  return { plaintextBytes: header.plaintextLength, envelopeBytes: size, header };
}

/** The first `n` bytes of the file at `path` (fewer if it is shorter). */
async function readPrefix(path: string, n: number): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(new Uint8Array(n), 0, n, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** Count the bytes flowing out of `source` for a progress callback. */
async function* counted(
  source: AsyncIterable<Uint8Array>,
  total: number,
  onProgress: ((done: number, total: number) => void) | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  let done = 0;
  for await (const piece of source) {
    done += piece.length;
    onProgress?.(done, total);
    yield piece;
  }
}

/**
 * Run `write` against a fresh temporary file beside `output` (same directory,
 * so the rename is atomic; created exclusively with `mode`), then rename it
 * over `output`; delete it on any failure.
 */
export async function writeAtomically(
  output: string,
  mode: number,
  write: (out: Writable) => Promise<void>,
): Promise<void> {
  const tmp = join(dirname(output), `.${basename(output)}.${randomBytes(6).toString('hex')}.sealgate-tmp`);
  const out = createWriteStream(tmp, { flags: 'wx', mode, highWaterMark: READ_SIZE });
  try {
    await write(out);
    await rename(tmp, output);
  } catch (err) {
    // The file may still be opening: wait until it is closed, then remove it.
    out.destroy();
    if (!out.closed) await once(out, 'close').catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
