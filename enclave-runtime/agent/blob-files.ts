/**
 * The job directory's files: the ciphertext downloaded from the gateway, its
 * SHA-256 checked while it is written, and the sealed output gathered from the
 * supervisor's `output` chunks, checked against `output-end`. Both are
 * ciphertext; the job directory is deleted on every outcome (job.ts).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constantTimeEqualText } from '../../attest/index.js';
import { AgentError } from './errors.js';

/**
 * Write `source` to `path` (0600) while hashing it; refuse (AGENT_BLOB_DIGEST)
 * when the bytes are not `digest` and `size`, or grow past `size`.
 */
export async function downloadTo(
  source: Readable,
  path: string,
  digest: string,
  size: number,
): Promise<void> {
  const hash = createHash('sha256');
  let written = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      written += chunk.length;
      if (written > size)
        return done(new AgentError('AGENT_BLOB_DIGEST', `blob ${digest} is longer than ${size} bytes`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(source, meter, createWriteStream(path, { mode: 0o600 }));
  const got = `sha256:${hash.digest('hex')}`;
  if (written !== size || !constantTimeEqualText(got, digest)) {
    throw new AgentError('AGENT_BLOB_DIGEST', `blob ${digest}: received ${written} bytes with digest ${got}`);
  }
  // The sealed container runs as an unprivileged uid and reads this through a read-only bind:
  // it is ciphertext, so read access for all is no disclosure; nobody may change it.
  await chmod(path, 0o444);
}

/** Gathers `output` chunks into a file and checks them against `output-end`. */
export class OutputFile {
  readonly #file: WriteStream;
  readonly #hash = createHash('sha256');
  #size = 0;
  #closed = false;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
  ) {
    this.#file = createWriteStream(path, { mode: 0o600 });
    this.#file.on('error', () => undefined);
  }

  /** Append one base64 chunk. */
  async append(chunkBase64: string): Promise<void> {
    const bytes = Buffer.from(chunkBase64, 'base64');
    this.#size += bytes.length;
    if (this.#size > this.maxBytes) {
      throw new AgentError('AGENT_OUTPUT_DIGEST', `the sealed output is larger than ${this.maxBytes} bytes`);
    }
    this.#hash.update(bytes);
    if (!this.#file.write(bytes))
      await new Promise<void>((resolve) => this.#file.once('drain', () => resolve()));
  }

  /** Close the file and check size and digest; throws AGENT_OUTPUT_DIGEST. */
  async finish(digest: string, size: number): Promise<void> {
    await this.close();
    const got = `sha256:${this.#hash.digest('hex')}`;
    if (size !== this.#size || !constantTimeEqualText(got, digest)) {
      throw new AgentError(
        'AGENT_OUTPUT_DIGEST',
        `the sealed output is ${this.#size} bytes ${got}, not ${size} bytes ${digest}`,
      );
    }
  }

  /** Close without checking (cleanup); safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await new Promise<void>((resolve) => this.#file.end(resolve));
  }
}
