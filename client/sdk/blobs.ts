/**
 * Blob uploads from a file: hash it (one streaming pass), then stream it to
 * `PUT /v1/blobs/:digest` signed through that digest. A second upload of the
 * same bytes is cheap for the gateway (it deduplicates) and returns
 * `created: false`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { GatewayClient } from './gateway-client.js';

/** What the gateway stored. */
export interface UploadedBlob {
  readonly digest: string;
  readonly size: number;
  readonly created: boolean;
}

/** Progress of an upload: bytes sent of the total. */
export type UploadProgress = (sent: number, total: number) => void;

/** The SHA-256 of a file, streamed. */
export async function fileSha256(path: string): Promise<Uint8Array> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }))
    hash.update(chunk as Buffer);
  return hash.digest();
}

async function* counted(path: string, total: number, onProgress?: UploadProgress): AsyncIterable<Uint8Array> {
  let sent = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    sent += (chunk as Buffer).length;
    onProgress?.(sent, total);
    yield chunk as Buffer;
  }
}

/** Upload the file at `path` as a blob; resolves to its digest once the gateway has verified and stored it. */
export async function uploadBlob(
  client: GatewayClient,
  path: string,
  onProgress?: UploadProgress,
): Promise<UploadedBlob> {
  const { size } = await stat(path);
  const sha256 = await fileSha256(path);
  const digest = `sha256:${Buffer.from(sha256).toString('hex')}`;
  const response = await client.sendStream('PUT', `/v1/blobs/${digest}`, counted(path, size, onProgress), {
    sha256,
    length: size,
  });
  return (await response.json()) as UploadedBlob;
}
