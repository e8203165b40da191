/**
 * The scanner the guard runs over each run's egress stream, as the contract
 * names it (docs/egress-protocol.md section 1: attest/fingerprint's `Scanner`), and where one comes from: the dataset's fingerprint index
 * blob (the listing's `fingerprint.digest`), opened with the fingerprint key
 * the seller wrapped to the broker (`fingerprintKey.wrapped`). The loaded
 * index is cached per dataset; each run gets its own, stateful, scanner.
 */
import { createHmac } from 'node:crypto';
import type { EgressPolicy } from '../../policies/index.js';
import { Scanner, base64ToBytes, loadIndex, unwrapKey } from '../../attest/index.js';
import type { HmacSha256 } from '../../attest/index.js';
import type { BlobStore } from '../blobs/index.js';
import type { DatasetRecord } from '../datasets/record.js';

/** One piece of the egress stream (section 1). */
export type EgressPiece =
  | { readonly seq: number; readonly kind: 'text'; readonly text: string }
  | { readonly seq: number; readonly kind: 'number'; readonly value: number };

/** A match (section 1): by keyed hash, never plaintext. */
export interface Finding {
  readonly rule: 'exact' | 'canary' | 'near';
  readonly seqs: readonly number[];
  readonly token: string;
  readonly decoder: string;
  readonly jaccard?: number;
}

/**
 * What a scanner still has open (attest/fingerprint `Scanner.pending`): the
 * earliest seq a later piece could join into a match, and the earliest one
 * whose open match rests on a keyed anchor hit.
 */
export interface PendingMatch {
  readonly from: number;
  readonly anchoredFrom?: number;
}

/**
 * One run's scanner: pieces in stream order; `end` flushes what the tail still
 * holds; `pending` (optional: a scanner without it holds nothing back) says
 * from which seq on records must be held (docs/guard.md).
 */
export interface EgressScanner {
  push(piece: EgressPiece): Finding[];
  end(): Finding[];
  pending?(): PendingMatch | undefined;
}

/** Makes a fresh scanner for a run of `dataset`, or undefined when it has no index. */
export type ScannerSource = (dataset: DatasetRecord) => Promise<EgressScanner | undefined>;

/** attest/fingerprint's entry points (section 1), passed in so that this file does not depend on them. */
export interface FingerprintModule<Index> {
  loadIndex(bytes: Uint8Array, key: Uint8Array): Index;
  readonly Scanner: new (index: Index, scan: EgressPolicy['scan']) => EgressScanner;
}

/** What {@link fingerprintScanners} reads with. */
export interface FingerprintDeps {
  /** The whole blob `digest`. */
  readBlob(digest: string): Promise<Uint8Array>;
  /** Opens the fingerprint key the seller wrapped to the broker. */
  unwrap(wrapped: string): Uint8Array;
}

/** The listing fields the guard reads (the seller's publish adds `fingerprintKey` to the listing). */
type Listing = DatasetRecord & { readonly fingerprintKey?: { readonly wrapped: string } };

/**
 * A {@link ScannerSource} over attest/fingerprint: the index of each dataset
 * loaded once (by its blob digest) and cached; a dataset without an index (or
 * without a wrapped key) has no scanner, and still gets schema, budget and the log.
 */
export function fingerprintScanners<Index>(
  fp: FingerprintModule<Index>,
  deps: FingerprintDeps,
): ScannerSource {
  const cache = new Map<string, Promise<Index>>();
  return async (dataset) => {
    const listing = dataset as Listing;
    if (!listing.fingerprint || !listing.fingerprintKey) return undefined;
    const digest = listing.fingerprint.digest;
    let index = cache.get(digest);
    if (!index) {
      const wrapped = listing.fingerprintKey.wrapped;
      index = deps.readBlob(digest).then((bytes) => {
        const key = deps.unwrap(wrapped);
        try {
          return fp.loadIndex(bytes, key);
        } finally {
          key.fill(0);
        }
      });
      cache.set(digest, index);
      index.catch(() => cache.delete(digest));
    }
    return new fp.Scanner(await index, dataset.policy.egress.scan);
  };
}

/** Node's HMAC-SHA256 (OpenSSL) for an index's MAC: several times noble's speed over 300 MiB. */
const nodeHmacSha256: HmacSha256 = (key, data) => createHmac('sha256', key).update(data).digest();

/**
 * The gateway's scanners: attest/fingerprint over the blob store, the
 * fingerprint key unwrapped with the broker's X25519 key (the same sealed box
 * as a data key, attest/keywrap).
 */
export function gatewayScanners(blobs: BlobStore, brokerSecretKey: Uint8Array): ScannerSource {
  return fingerprintScanners(
    { loadIndex: (bytes, key) => loadIndex(bytes, key, { hmacSha256: nodeHmacSha256 }), Scanner },
    {
      async readBlob(digest) {
        const chunks: Buffer[] = [];
        for await (const chunk of await blobs.open(digest)) chunks.push(chunk as Buffer);
        return new Uint8Array(Buffer.concat(chunks));
      },
      unwrap(wrapped) {
        const sealed = base64ToBytes(wrapped);
        if (!sealed) throw new TypeError('fingerprintKey.wrapped is not base64');
        return unwrapKey(sealed, brokerSecretKey);
      },
    },
  );
}

/** No index anywhere: schema, budget and the log only. */
export const noScanners: ScannerSource = () => Promise.resolve(undefined);
