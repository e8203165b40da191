/**
 * Files in and out of the envelope: a file through `encryptStream` or
 * `decryptStream` with flat memory, into a temporary file beside the output
 * that is renamed into place only on success and deleted on any failure, so a
 * tampered envelope never leaves partial plaintext behind.
 *
 * No stream pipelines and no fresh buffer per chunk (docs/envelope.md, "the
 * file path"): pieces are read ahead into pooled buffers, chunks are sealed or
 * opened into pooled buffers, and each buffer goes back to its pool once the
 * chunk it holds has come out (input) or has been written (output).
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import {
  ENVELOPE_DEFAULT_CHUNK_SIZE,
  ENVELOPE_DEFAULT_IN_FLIGHT,
  ENVELOPE_HEADER_LENGTH,
  ENVELOPE_MAX_CHUNK_SIZE,
  ENVELOPE_MIN_CHUNK_SIZE,
  ENVELOPE_TAG_LENGTH,
  EnvelopeError,
  decryptStream,
  encryptStream,
  readHeader,
} from '../../attest/envelope/index.js';
import type { ChunkCipherFactory, EnvelopeHeader } from '../../attest/envelope/index.js';
import { writeFileAtomically } from './atomic-file.js';
import { BufferPool } from './buffer-pool.js';
import { FileChunkReader, FileChunkWriter } from './file-chunks.js';
import { mapFile } from './mapped-file.js';
import { MappedChunkSource, settling } from './mapped-source.js';
import { openSslChunkCipher } from './openssl-chunk-cipher.js';

export { writeAtomically } from './atomic-file.js';

/** About how many bytes each file read asks for. */
const READ_SIZE = 1024 * 1024;
/** File reads and writes in flight: enough to keep the thread pool busy while AES runs. */
const READ_AHEAD = 2;
const WRITE_AHEAD = 2;

export interface FileCryptOptions {
  /** Called as input is consumed, with bytes read so far and the input's size. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Abort the operation; the temporary output is deleted. */
  readonly signal?: AbortSignal;
  /** Plaintext bytes per chunk when encrypting (default: the envelope's). */
  readonly chunkSize?: number;
  /** Chunks encrypted or decrypted concurrently (default: the envelope's). */
  readonly inFlight?: number;
  /** What seals and opens chunks (default: Node's OpenSSL into reused buffers, by measurement). */
  readonly cipher?: ChunkCipherFactory;
  /** Encrypt from a read-only mapping of the input instead of reads (default true, where possible). */
  readonly mapInput?: boolean;
}

export interface FileCryptResult {
  readonly plaintextBytes: number;
  readonly envelopeBytes: number;
  readonly header: EnvelopeHeader;
}

/** `chunk` if it is a valid chunk size, else the default: only a hint for buffer sizes. */
function sizeHint(chunk: number | undefined): number {
  const ok = Number.isInteger(chunk) && (chunk as number) >= ENVELOPE_MIN_CHUNK_SIZE;
  return ok && (chunk as number) <= ENVELOPE_MAX_CHUNK_SIZE ? (chunk as number) : ENVELOPE_DEFAULT_CHUNK_SIZE;
}

/** A read size that is a whole number of `unit`s near READ_SIZE, so each chunk is a view of one read. */
function alignedReadSize(unit: number): number {
  return unit * Math.max(1, Math.floor(READ_SIZE / unit));
}

/** The pools of one operation: read pieces of whole sealed or plain chunks, and outputs. */
function pools(readUnit: number, outputSize: number, inFlight: number | undefined) {
  const n =
    Number.isInteger(inFlight) && (inFlight as number) > 0
      ? (inFlight as number)
      : ENVELOPE_DEFAULT_IN_FLIGHT;
  return {
    input: new BufferPool(alignedReadSize(readUnit), Math.min(n, 64) + READ_AHEAD + 1),
    output: new BufferPool(outputSize, Math.min(n, 64) + WRITE_AHEAD + 1),
  };
}

/** Encrypt the file at `input` into an envelope at `output` under the data key `key`. */
export async function encryptFile(
  input: string,
  output: string,
  key: Uint8Array,
  opts: FileCryptOptions = {},
): Promise<FileCryptResult> {
  const chunkSize = opts.chunkSize ?? ENVELOPE_DEFAULT_CHUNK_SIZE;
  const hint = sizeHint(chunkSize);
  const pool = pools(hint, hint + ENVELOPE_TAG_LENGTH, opts.inFlight);
  return withFile(input, async (file, size) => {
    const mapped = opts.mapInput === false ? undefined : await mapFile(file.fd, size);
    const reader =
      mapped === undefined
        ? new FileChunkReader(file, pool.input, 0, READ_AHEAD)
        : new MappedChunkSource(mapped, alignedReadSize(hint));
    const chunks = settling(opts.cipher ?? openSslChunkCipher({ pool: pool.output }));
    try {
      const sealed = encryptStream(counted(reader, size, opts.onProgress), {
        key,
        size,
        chunkSize,
        inFlight: opts.inFlight,
        cipher: chunks.factory,
      });
      let header: Uint8Array | undefined;
      let consumed = 0;
      await writeFileAtomically(output, 0o666, async (out) => {
        await drain(sealed, new FileChunkWriter(out, pool.output, WRITE_AHEAD), opts.signal, (part) => {
          if (header === undefined) header = part;
          else reader.release((consumed += part.length - ENVELOPE_TAG_LENGTH));
        });
        // A mapping is as long as the file was: a file that grew meanwhile would lose its tail.
        if (mapped !== undefined && (await file.stat()).size !== size) {
          throw new EnvelopeError('ENVELOPE_SIZE_MISMATCH', `${input} changed size while it was encrypted`);
        }
      });
      const parsed = readHeader(header as Uint8Array);
      return { plaintextBytes: size, envelopeBytes: parsed.envelopeLength, header: parsed };
    } finally {
      if (mapped !== undefined) {
        await chunks.settled();
        mapped.unmap();
      }
    }
  });
}

/** Decrypt the envelope at `input` into `output` (mode 0600) with the data key `key`. */
export async function decryptFile(
  input: string,
  output: string,
  key: Uint8Array,
  opts: FileCryptOptions = {},
): Promise<FileCryptResult> {
  return withFile(input, async (file, size) => {
    const { buffer, bytesRead } = await file.read(
      new Uint8Array(ENVELOPE_HEADER_LENGTH),
      0,
      ENVELOPE_HEADER_LENGTH,
      0,
    );
    const prefix = buffer.subarray(0, bytesRead);
    // The chunk size read here only sizes buffers: decryptStream authenticates it.
    let chunkSize = ENVELOPE_DEFAULT_CHUNK_SIZE;
    try {
      chunkSize = readHeader(prefix).chunkSize;
    } catch {
      // decryptStream reports what is wrong with the header
    }
    const pool = pools(chunkSize + ENVELOPE_TAG_LENGTH, chunkSize, opts.inFlight);
    const reader = new FileChunkReader(file, pool.input, prefix.length, READ_AHEAD);
    async function* envelope(): AsyncGenerator<Uint8Array> {
      yield prefix;
      yield* reader;
    }
    const plain = decryptStream(counted(envelope(), size, opts.onProgress), {
      key,
      inFlight: opts.inFlight,
      cipher: opts.cipher ?? openSslChunkCipher({ pool: pool.output }),
    });
    let consumed = prefix.length;
    await writeFileAtomically(output, 0o600, (out) =>
      drain(plain, new FileChunkWriter(out, pool.output, WRITE_AHEAD), opts.signal, (part) =>
        reader.release((consumed += part.length + ENVELOPE_TAG_LENGTH)),
      ),
    );
    const header = readHeader(prefix);
    return { plaintextBytes: header.plaintextLength, envelopeBytes: size, header };
  });
}

/** Open `path` for reading, run `use` with it and its size, close it. */
async function withFile<T>(path: string, use: (file: FileHandle, size: number) => Promise<T>): Promise<T> {
  const file = await open(path, 'r');
  try {
    return await use(file, (await file.stat()).size);
  } finally {
    await file.close();
  }
}

/**
 * Write every part of `parts` in order, calling `seen` with each as it comes
 * out (before it is written); stop at `signal`. Waits for every write to end,
 * on failure too, so the file can be closed.
 */
async function drain(
  parts: AsyncIterable<Uint8Array>,
  writer: FileChunkWriter,
  signal: AbortSignal | undefined,
  seen: (part: Uint8Array) => void,
): Promise<void> {
  try {
    signal?.throwIfAborted();
    for await (const part of parts) {
      seen(part);
      await writer.write(part);
      signal?.throwIfAborted();
    }
  } catch (err) {
    await writer.flush().catch(() => undefined);
    throw err;
  }
  await writer.flush();
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
