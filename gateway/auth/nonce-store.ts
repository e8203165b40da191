/**
 * The signed-request replay store on LevelDB: a nonce seen from a key is
 * remembered until its request could no longer pass the ±skew time check, and
 * survives a restart (an in-memory store would reopen the replay window for
 * the first minute after every crash). Expired nonces are pruned on an interval.
 */
import type { NonceStore } from '../../attest/index.js';
import type { Store, Sublevel } from '../store/index.js';

/** A NonceStore persisted in the gateway's database. */
export class LevelNonceStore implements NonceStore {
  private readonly sub: Sublevel;
  // nonces being remembered right now, so two concurrent requests with one nonce cannot both pass
  private readonly pending = new Set<string>();

  constructor(
    store: Store,
    private readonly now: () => Date,
  ) {
    this.sub = store.sublevel('nonces');
  }

  async remember(scope: string, nonce: string, expiresAt: number): Promise<boolean> {
    const key = `${scope}\n${nonce}`;
    if (this.pending.has(key)) return false;
    this.pending.add(key);
    try {
      const seen = (await this.sub.get(key)) as number | undefined;
      if (seen !== undefined && seen >= this.nowSeconds()) return false;
      // Not synced: a killed process still hands the write to the OS; only a host crash could lose it.
      await this.sub.put(key, expiresAt);
      return true;
    } finally {
      this.pending.delete(key);
    }
  }

  /** Delete every expired nonce; returns how many went. */
  async prune(): Promise<number> {
    const now = this.nowSeconds();
    const expired: string[] = [];
    for await (const [key, expiresAt] of this.sub.iterator()) {
      if ((expiresAt as number) < now) expired.push(key);
    }
    if (expired.length > 0) await this.sub.batch(expired.map((key) => ({ type: 'del' as const, key })));
    return expired.length;
  }

  private nowSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }
}
