/**
 * A dataset listing as stored (sublevel `datasets`, keyed by id). Shared by
 * the catalog routes (which write it) and runs, quotes and ratings (which read it).
 */
import type { DatasetPolicy } from '../../policies/index.js';

export const DATASETS_SUBLEVEL = 'datasets';

export interface DatasetRecord {
  /** `ds_…` (gateway/ids.ts). */
  readonly id: string;
  /** The seller's account id. */
  readonly seller: string;
  readonly title: string;
  readonly description: string;
  /** The columns or fields, as the seller describes them (no data). */
  readonly schema: readonly { readonly name: string; readonly type: string; readonly description?: string }[];
  /** The data price in fiat base units (decimal string, economics.fiat). */
  readonly price: string;
  /** The key-release and egress policies (policies/ parseDatasetPolicy). */
  readonly policy: DatasetPolicy;
  /** The ciphertext: a blob (`sha256:…`) and its size. */
  readonly blob: { readonly digest: string; readonly size: number };
  /** The fingerprint index (DESIGN.md 8.1), stored as a blob; absent until the seller adds one. */
  readonly fingerprint?: { readonly digest: string; readonly size: number };
  /**
   * The fingerprint key (docs/egress-protocol.md 2): a sealed box (attest
   * wrapKey) of the 32-byte key to the broker's X25519 key, base64; present
   * exactly when `fingerprint` is, whatever the data key's custody (the guard
   * scans at the gateway).
   */
  readonly fingerprintKey?: { readonly wrapped: string };
  /**
   * The canary set (docs/egress-protocol.md 2): a blob, the CSV of the
   * `planted` canaries then the `heldOut` ones, encrypted under the data key.
   */
  readonly canaries?: {
    readonly digest: string;
    readonly size: number;
    readonly planted: number;
    readonly heldOut: number;
  };
  /** The data key: its id (attest dataKeyId), custody, and in `broker` custody the DEK wrapped to the broker. */
  readonly key: {
    readonly keyId: string;
    readonly custody: 'broker' | 'seller';
    /** Sealed box (attest wrapKey) of the DEK to the broker's X25519 key, base64; only in `broker` custody. */
    readonly wrapped?: string;
  };
  readonly status: 'listed' | 'delisted';
  /** Runs started on it (for the policy's maxRuns). */
  readonly runs: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}
