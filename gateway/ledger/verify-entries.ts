/**
 * Replaying entries in seq order for offline verification: each entry is
 * parsed, its hash recomputed and its link to the previous entry checked; it
 * must sum to zero and reuse no idempotency key; balances are rebuilt, and
 * at the end of each commit group no balance but the mint's may be negative
 * (the rule commits enforce, DESIGN.md section 9).
 */
import { constantTimeEqualText } from '../../attest/index.js';
import { entryBody, entryHash, parseEntry } from './codec.js';
import { LedgerError } from './errors.js';
import type { Problems } from './problems.js';
import type { LedgerEntry } from './types.js';
import { GENESIS_HASH, MINT_ACCOUNT } from './types.js';
import { isAccount } from './validate.js';

/** The replay state: balances, keys and the chain head. */
export class EntryReplay {
  readonly balances = new Map<string, bigint>();
  /** Idempotency key -> seq of every parsed entry. */
  readonly keys = new Map<string, number>();
  count = 0;
  lastSeq = 0;
  /** The previous entry's stored hash; undefined after a malformed entry. */
  #prevHash: string | undefined = GENESIS_HASH;
  #group = 0;
  #groupEnd = 0;
  #touched = new Set<string>();

  constructor(private readonly problems: Problems) {}

  /** Check and apply one raw entry; returns it parsed, or undefined when it does not parse. */
  apply(raw: unknown): LedgerEntry | undefined {
    this.count += 1;
    const expected = this.lastSeq + 1;
    let entry: LedgerEntry;
    try {
      entry = parseEntry(raw);
      if (!entry.postings.every((p) => isAccount(p.account)) || entry.postings.length < 2) {
        throw new LedgerError('LEDGER_ENTRY_MALFORMED', 'bad accounts or fewer than two postings');
      }
    } catch (err) {
      if (!(err instanceof LedgerError)) throw err;
      this.problems.add('LEDGER_ENTRY_MALFORMED', `entry after seq ${this.lastSeq}: ${err.message}`, {
        seq: expected,
      });
      this.lastSeq = expected;
      this.#prevHash = undefined;
      return undefined;
    }
    const where = { seq: entry.seq };
    if (entry.seq !== expected)
      this.problems.add('LEDGER_SEQ_GAP', `seq ${entry.seq} follows ${this.lastSeq}`, where);
    this.lastSeq = entry.seq;
    this.#checkHash(entry);
    this.#checkGroup(entry);
    const sum = entry.postings.reduce((s, p) => s + BigInt(p.amount), 0n);
    if (sum !== 0n) this.problems.add('LEDGER_UNBALANCED', `postings sum to ${sum}`, where);
    const first = this.keys.get(entry.key);
    if (first !== undefined) {
      this.problems.add('LEDGER_DUPLICATE_KEY', `key ${entry.key} was already used by seq ${first}`, where);
    } else this.keys.set(entry.key, entry.seq);
    for (const p of entry.postings) {
      this.balances.set(p.account, (this.balances.get(p.account) ?? 0n) + BigInt(p.amount));
      this.#touched.add(p.account);
    }
    this.#groupEnd = entry.seq;
    return entry;
  }

  /** Close the last group: call once after the last entry. */
  finish(): void {
    this.#closeGroup();
  }

  #checkHash(entry: LedgerEntry): void {
    let recomputed: string;
    try {
      recomputed = entryHash(entryBody(entry));
    } catch (err) {
      this.problems.add('LEDGER_ENTRY_MALFORMED', `no canonical form: ${(err as Error).message}`, {
        seq: entry.seq,
      });
      recomputed = '';
    }
    if (recomputed !== '' && !constantTimeEqualText(recomputed, entry.hash)) {
      this.problems.add('LEDGER_HASH_MISMATCH', 'the stored hash is not the hash of the entry', {
        seq: entry.seq,
      });
    }
    if (this.#prevHash !== undefined && !constantTimeEqualText(this.#prevHash, entry.prevHash)) {
      this.problems.add('LEDGER_CHAIN_BROKEN', 'prevHash is not the previous entry hash', { seq: entry.seq });
    }
    this.#prevHash = entry.hash;
  }

  // A group starts at an entry whose group is its own seq; the others continue
  // the open group, with contiguous seqs.
  #checkGroup(entry: LedgerEntry): void {
    if (entry.group === entry.seq) {
      this.#closeGroup();
      this.#group = entry.seq;
    } else if (entry.group !== this.#group || entry.group > entry.seq) {
      this.problems.add('LEDGER_BAD_GROUP', `group ${entry.group} is not the open group ${this.#group}`, {
        seq: entry.seq,
      });
    }
  }

  #closeGroup(): void {
    for (const account of this.#touched) {
      const balance = this.balances.get(account) ?? 0n;
      if (balance < 0n && account !== MINT_ACCOUNT) {
        this.problems.add('LEDGER_NEGATIVE_BALANCE', `${account} is ${balance} after the group`, {
          seq: this.#groupEnd,
        });
      }
    }
    this.#touched = new Set();
  }

  /** The seq of the first entry of the open group. */
  get group(): number {
    return this.#group;
  }
}
