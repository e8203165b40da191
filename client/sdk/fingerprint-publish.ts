/**
 * The seller's side of docs/egress-protocol.md 2 before anything is
 * uploaded: learn the CSV's shape (first pass), make the canaries, plant them
 * into a copy of the plaintext while feeding every row to the fingerprint
 * index (second pass), write the canary set, and encrypt the planted dataset
 * and the canary set under the data key. Then `uploadFingerprint` puts the
 * index and the canary set in the blob store and returns the listing fields
 * (`fingerprint`, `fingerprintKey` sealed to the broker, `canaries`).
 */
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bytesToBase64, generateFingerprintKey, wrapKey } from '../../attest/index.js';
import type { EgressPolicy } from '../../policies/index.js';
import { uploadBlob } from './blobs.js';
import type { CanaryRandom, CanarySet } from './canaries.js';
import {
  HELD_OUT_FACTOR,
  checkCanaryCounts,
  makeCanaries,
  plantCanaries,
  writeCanarySet,
} from './canaries.js';
import { encryptFile } from './envelope-file.js';
import { CanaryError } from './fingerprint-errors.js';
import { csvRecords, isBlankRecord } from './fingerprint-csv.js';
import type { GatewayClient } from './gateway-client.js';
import { learnShape } from './fingerprint-shapes.js';

/** The index builder of docs/egress-protocol.md 1 (attest's IndexBuilder), as this file uses it. */
export interface FingerprintIndexBuilder {
  addRecord(fields: readonly string[]): void;
  addCanary(fields: readonly string[]): void;
  finish(): Uint8Array;
}

/** Makes an index builder: `new IndexBuilder(key, columns, scan)`. */
export type IndexBuilderFactory = (
  key: Uint8Array,
  columns: readonly string[],
  scan: EgressPolicy['scan'],
) => FingerprintIndexBuilder;

/** What to do to the plaintext before it is sealed. */
export interface PrepareOptions {
  /** Build the fingerprint index with this factory; none: no index. */
  readonly index?: IndexBuilderFactory;
  /** The scan parameters of the dataset's egress policy (the index's shingles and MinHash). */
  readonly scan: EgressPolicy['scan'];
  /** Canaries to plant (0: none). */
  readonly canaries: number;
  /**
   * When no fresh canary can be made (a dataset of low-entropy columns only),
   * go on without canaries instead of failing with CANARY_NO_FRESH_VALUE.
   */
  readonly canariesOptional?: boolean;
  /** Times each canary is planted (default 1). */
  readonly repeat?: number;
  /** Called with the step and its progress, for a progress bar. */
  readonly onProgress?: (step: 'planting' | 'encrypting', done: number, total: number) => void;
  /** Where the dataset's envelope goes (default `dir/data.env`). */
  readonly envelope?: string;
  /** Random source for canaries and positions (default node:crypto). */
  readonly random?: CanaryRandom;
}

/** The files made in `dir`, all 0600; the planted plaintext is not kept. */
export interface PreparedDataset {
  /** The dataset's envelope (planted when there are canaries). */
  readonly envelope: string;
  readonly envelopeBytes: number;
  /** Data rows in the envelope (the file's and N x R canary rows); not counted without index or canaries. */
  readonly rows?: number;
  readonly fingerprint?: { readonly file: string; readonly keyFile: string; readonly key: Uint8Array };
  /** Why no canary was planted although some were asked for (only with `canariesOptional`). */
  readonly canariesSkipped?: string;
  readonly canaries?: {
    readonly file: string;
    readonly envelope: string;
    readonly planted: number;
    readonly heldOut: number;
    readonly repeat: number;
  };
}

/**
 * Prepare `file` for listing into `dir` under data key `dek`: canaries
 * planted, the index built, both the dataset and the canary set encrypted.
 * Files: `data.env`, `fingerprint.idx`, `fingerprint.key` (base64),
 * `canaries.csv` (plaintext, the seller's reference), `canaries.env`.
 */
export async function prepareDataset(
  file: string,
  dir: string,
  dek: Uint8Array,
  options: PrepareOptions,
): Promise<PreparedDataset> {
  const repeat = options.repeat ?? 1;
  if (options.canaries > 0) checkCanaryCounts({ planted: options.canaries, repeat });
  const envelope = options.envelope ?? join(dir, 'data.env');
  if (options.canaries === 0 && !options.index) {
    const sealed = await encrypt(file, envelope, dek, options);
    return { envelope, envelopeBytes: sealed };
  }
  const shape = await learnShape(file, options.random);
  let canaries: CanarySet = { planted: [], heldOut: [] };
  let canariesSkipped: string | undefined;
  try {
    if (options.canaries > 0) canaries = makeCanaries(shape, options.canaries, options.random);
  } catch (err) {
    const skip =
      options.canariesOptional && err instanceof CanaryError && err.code === 'CANARY_NO_FRESH_VALUE';
    if (!skip) throw err;
    canariesSkipped = err.message;
  }
  const key = options.index ? generateFingerprintKey() : undefined;
  const builder = key && options.index ? options.index(key, shape.header, options.scan) : undefined;
  for (const row of canaries.planted) builder?.addCanary(row);
  const planted = join(dir, 'data.planted.csv');
  try {
    let rows = shape.rows;
    if (canaries.planted.length > 0) {
      const total = shape.rows + canaries.planted.length * repeat;
      let done = 0;
      rows = await plantCanaries(
        file,
        planted,
        shape,
        canaries,
        repeat,
        (fields, canary) => {
          if (!canary) builder?.addRecord(fields);
          if (++done % 4096 === 0) options.onProgress?.('planting', done, total);
        },
        options.random,
      );
    } else {
      let header = true;
      for await (const record of csvRecords(file)) {
        if (isBlankRecord(record)) continue;
        if (header) header = false;
        else builder?.addRecord(record.fields);
      }
    }
    const envelopeBytes = await encrypt(canaries.planted.length > 0 ? planted : file, envelope, dek, options);
    const result: PreparedDataset = {
      envelope,
      envelopeBytes,
      rows,
      ...(canariesSkipped ? { canariesSkipped } : {}),
    };
    let fingerprint: PreparedDataset['fingerprint'];
    if (builder && key) {
      fingerprint = { file: join(dir, 'fingerprint.idx'), keyFile: join(dir, 'fingerprint.key'), key };
      await writeFile(fingerprint.file, builder.finish(), { flag: 'wx', mode: 0o600 });
      await writeFile(fingerprint.keyFile, bytesToBase64(key) + '\n', { flag: 'wx', mode: 0o600 });
    }
    if (canaries.planted.length === 0) return { ...result, ...(fingerprint ? { fingerprint } : {}) };
    const set = { file: join(dir, 'canaries.csv'), envelope: join(dir, 'canaries.env') };
    await writeCanarySet(set.file, shape, canaries);
    await encryptFile(set.file, set.envelope, dek);
    await chmod(set.envelope, 0o600);
    return {
      ...result,
      ...(fingerprint ? { fingerprint } : {}),
      canaries: {
        ...set,
        planted: canaries.planted.length,
        heldOut: canaries.planted.length * HELD_OUT_FACTOR,
        repeat,
      },
    };
  } finally {
    await rm(planted, { force: true });
  }
}

async function encrypt(
  source: string,
  envelope: string,
  dek: Uint8Array,
  options: PrepareOptions,
): Promise<number> {
  const sealed = await encryptFile(source, envelope, dek, {
    onProgress: (done, total) => options.onProgress?.('encrypting', done, total),
  });
  await chmod(envelope, 0o600);
  return sealed.envelopeBytes;
}

/** The listing fields of docs/egress-protocol.md 2. */
export interface FingerprintFields {
  readonly fingerprint?: { readonly digest: string };
  readonly fingerprintKey?: { readonly wrapped: string };
  readonly canaries?: {
    readonly digest: string;
    readonly size: number;
    readonly planted: number;
    readonly heldOut: number;
  };
}

/**
 * Upload the index and the canary set of `prepared` as blobs and return the
 * listing fields, the fingerprint key sealed to `brokerKey` (X25519) whatever
 * the data key's custody.
 */
export async function uploadFingerprint(
  client: GatewayClient,
  prepared: PreparedDataset,
  brokerKey: Uint8Array | undefined,
  onProgress?: (step: 'index' | 'canaries', sent: number, total: number) => void,
): Promise<FingerprintFields> {
  const fields: { -readonly [K in keyof FingerprintFields]: FingerprintFields[K] } = {};
  if (prepared.fingerprint) {
    if (!brokerKey) throw new TypeError("a fingerprint index needs the broker's key to seal its key to");
    const blob = await uploadBlob(client, prepared.fingerprint.file, (s, t) => onProgress?.('index', s, t));
    fields.fingerprint = { digest: blob.digest };
    fields.fingerprintKey = { wrapped: bytesToBase64(wrapKey(prepared.fingerprint.key, brokerKey)) };
  }
  if (prepared.canaries) {
    const { planted, heldOut } = prepared.canaries;
    const blob = await uploadBlob(client, prepared.canaries.envelope, (s, t) =>
      onProgress?.('canaries', s, t),
    );
    fields.canaries = { digest: blob.digest, size: blob.size, planted, heldOut };
  }
  return fields;
}
