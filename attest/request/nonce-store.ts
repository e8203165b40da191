/**
 * Replay protection for signed requests (DESIGN §6.1): a nonce is accepted
 * once per scope (the key id) while its request could still pass the time check.
 */
import { RequestError } from './errors.js';

/** Where seen nonces are remembered; the gateway may back it with LevelDB. */
export interface NonceStore {
  /**
   * Record `nonce` in `scope` until `expiresAt` (unix seconds). Resolves to
   * true when it was new, false when it was already there (a replay).
   */
  remember(scope: string, nonce: string, expiresAt: number): Promise<boolean>;
}

/** Options of {@link MemoryNonceStore}. */
export interface MemoryNonceStoreOptions {
  /** Most nonces held at once (default 100 000). */
  readonly maxEntries?: number;
  /** The clock, for expiry (default the system clock). */
  readonly now?: () => Date;
}

/**
 * An in-memory {@link NonceStore} for one gateway process. Expired nonces are
 * dropped as new ones arrive. It is bounded: when it holds `maxEntries`
 * unexpired nonces it refuses new ones with REQUEST_NONCE_STORE_FULL rather
 * than forgetting one early, since forgetting would reopen a replay window.
 */
export class MemoryNonceStore implements NonceStore {
  // key -> expiresAt. Insertion order is close to expiry order (created ± skew).
  private readonly entries = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly now: () => Date;

  constructor(options: MemoryNonceStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new TypeError('maxEntries must be a positive integer');
    }
    this.now = options.now ?? (() => new Date());
  }

  /** How many nonces are held (expired ones may linger until the next call). */
  get size(): number {
    return this.entries.size;
  }

  remember(scope: string, nonce: string, expiresAt: number): Promise<boolean> {
    const now = Math.floor(this.now().getTime() / 1000);
    this.dropExpired(now, false);
    const key = `${scope}\n${nonce}`;
    const seen = this.entries.get(key);
    if (seen !== undefined && seen >= now) return Promise.resolve(false);
    if (this.entries.size >= this.maxEntries) this.dropExpired(now, true);
    if (this.entries.size >= this.maxEntries) {
      return Promise.reject(
        new RequestError('REQUEST_NONCE_STORE_FULL', 'too many recent nonces; retry later'),
      );
    }
    this.entries.delete(key);
    this.entries.set(key, expiresAt);
    return Promise.resolve(true);
  }

  // Drop expired entries: from the front while they are expired, or all of them.
  private dropExpired(now: number, everywhere: boolean): void {
    for (const [key, expiresAt] of this.entries) {
      if (expiresAt < now) this.entries.delete(key);
      else if (!everywhere) return;
    }
  }
}
