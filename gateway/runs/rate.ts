/**
 * The fiat-to-token rate quotes are priced at (DESIGN.md 9, "converted at the
 * rate recorded when the order is made"). It starts at the `tokenRate` option
 * and the operator may change it (`POST /v1/admin/rate`); a change is stored
 * (sublevel `settings`, key `token-rate`) so it survives a restart. Quotes
 * freeze the rate they were priced at; a change never reprices a quote.
 */
import type { ExchangeRate } from '../ledger/index.js';
import type { Store, Sublevel } from '../store/index.js';
import { put } from '../store/index.js';

const SETTINGS_SUBLEVEL = 'settings';
const RATE_KEY = 'token-rate';

/** A rate as stored and shown: decimal strings. */
export interface StoredRate {
  readonly fiat: string;
  readonly tokens: string;
  readonly updatedAt: string | null;
}

/** The current rate, in memory, backed by the store. */
export class TokenRate {
  #rate: ExchangeRate;
  #updatedAt: string | null;

  private constructor(
    private readonly store: Store,
    private readonly sub: Sublevel,
    stored: StoredRate,
  ) {
    this.#rate = { fiat: BigInt(stored.fiat), tokens: BigInt(stored.tokens) };
    this.#updatedAt = stored.updatedAt;
  }

  /** Load the stored rate, or start at `initial`. */
  static async open(store: Store, initial: ExchangeRate): Promise<TokenRate> {
    const sub = store.sublevel(SETTINGS_SUBLEVEL);
    const stored = await store.get<StoredRate>(sub, RATE_KEY);
    return new TokenRate(
      store,
      sub,
      stored ?? { fiat: String(initial.fiat), tokens: String(initial.tokens), updatedAt: null },
    );
  }

  /** The rate now. */
  current(): ExchangeRate {
    return this.#rate;
  }

  /** The rate as shown. */
  toJSON(): StoredRate {
    return { fiat: String(this.#rate.fiat), tokens: String(this.#rate.tokens), updatedAt: this.#updatedAt };
  }

  /** Change the rate (both parts > 0; a TypeError otherwise: routes validate first). */
  async set(rate: ExchangeRate, now: Date): Promise<StoredRate> {
    if (rate.fiat <= 0n || rate.tokens <= 0n) throw new TypeError('a rate is two positive integers');
    const stored: StoredRate = {
      fiat: String(rate.fiat),
      tokens: String(rate.tokens),
      updatedAt: now.toISOString(),
    };
    await this.store.exclusive(() => this.store.write([put(this.sub, RATE_KEY, stored)]));
    this.#rate = { fiat: rate.fiat, tokens: rate.tokens };
    this.#updatedAt = stored.updatedAt;
    return stored;
  }
}
