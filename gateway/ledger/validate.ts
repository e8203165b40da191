/**
 * The rules a transaction group must keep before anything is written
 * (DESIGN.md section 9): well-formed keys, kinds, accounts and amounts; every
 * transaction sums to zero; and, after the whole group, no balance but the
 * mint's below zero. Pure: balances come in as a map and go out as changes.
 */
import { LedgerError } from './errors.js';
import type { Posting, TransactionInput } from './types.js';
import { MINT_ACCOUNT, TRANSACTION_KINDS } from './types.js';

/** Account names: a lowercase prefix, optionally `:` and an id (`user:acct_…`, `escrow:run_…`). */
export const ACCOUNT_PATTERN = /^[a-z]+(:[A-Za-z0-9_.-]+)?$/;
const ACCOUNT_MAX = 200;
/** Idempotency keys: 1-256 printable ASCII characters, no spaces. */
const KEY_PATTERN = /^[\x21-\x7e]{1,256}$/;
/** The largest magnitude of one posting: 2^127 - 1 base units. */
export const MAX_AMOUNT = 2n ** 127n - 1n;
const MAX_POSTINGS = 64;
const MEMO_MAX = 1024;
const REF_MAX = 256;
const META_MAX_ENTRIES = 32;
const META_TEXT_MAX = 256;
// RFC 8785 section 3.2.2.2 hashes only well-formed Unicode.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `account` is a well-formed account name. */
export function isAccount(account: unknown): account is string {
  return typeof account === 'string' && account.length <= ACCOUNT_MAX && ACCOUNT_PATTERN.test(account);
}

/** Throws LEDGER_BAD_ACCOUNT unless `account` is a well-formed account name. */
export function checkAccount(account: unknown): asserts account is string {
  if (!isAccount(account))
    throw new LedgerError('LEDGER_BAD_ACCOUNT', `bad account name ${JSON.stringify(account)}`);
}

function checkText(value: unknown, max: number, what: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > max || LONE_SURROGATE.test(value)) {
    throw new LedgerError(
      'LEDGER_BAD_FIELD',
      `${what} must be a well-formed string of at most ${max} characters`,
    );
  }
}

function checkMeta(meta: unknown): void {
  if (meta === undefined) return;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw new LedgerError('LEDGER_BAD_FIELD', 'meta must be a record of strings');
  }
  const entries = Object.entries(meta);
  if (entries.length > META_MAX_ENTRIES)
    throw new LedgerError('LEDGER_BAD_FIELD', 'meta has too many entries');
  for (const [k, v] of entries) {
    checkText(k, META_TEXT_MAX, 'a meta name');
    if (typeof v !== 'string') throw new LedgerError('LEDGER_BAD_FIELD', 'meta must be a record of strings');
    checkText(v, META_TEXT_MAX, 'a meta value');
  }
}

function checkPosting(p: Posting): void {
  checkAccount(p.account);
  if (typeof p.amount !== 'bigint') throw new LedgerError('LEDGER_BAD_AMOUNT', 'an amount is a bigint');
  if (p.amount === 0n) throw new LedgerError('LEDGER_BAD_AMOUNT', `a zero posting to ${p.account}`);
  if (p.amount > MAX_AMOUNT || p.amount < -MAX_AMOUNT) {
    throw new LedgerError('LEDGER_BAD_AMOUNT', `a posting to ${p.account} is out of range`);
  }
}

/** Throws the code of the first rule `input` breaks; returns nothing when it is well formed and balanced. */
export function checkTransaction(input: TransactionInput): void {
  if (typeof input.key !== 'string' || !KEY_PATTERN.test(input.key)) {
    throw new LedgerError('LEDGER_BAD_KEY', 'an idempotency key is 1-256 printable ASCII characters');
  }
  if (!TRANSACTION_KINDS.includes(input.kind)) {
    throw new LedgerError('LEDGER_BAD_KIND', `${input.key}: unknown kind ${JSON.stringify(input.kind)}`);
  }
  if (!Array.isArray(input.postings) || input.postings.length < 2 || input.postings.length > MAX_POSTINGS) {
    throw new LedgerError(
      'LEDGER_BAD_POSTINGS',
      `${input.key}: a transaction has 2-${MAX_POSTINGS} postings`,
    );
  }
  input.postings.forEach(checkPosting);
  checkText(input.memo, MEMO_MAX, 'memo');
  checkText(input.ref, REF_MAX, 'ref');
  checkMeta(input.meta);
  const postings: readonly Posting[] = input.postings;
  const sum = postings.reduce((s, p) => s + p.amount, 0n);
  if (sum !== 0n) throw new LedgerError('LEDGER_UNBALANCED', `${input.key}: postings sum to ${sum}, not 0`);
}

/** Throws LEDGER_EMPTY_GROUP or LEDGER_DUPLICATE_KEY, or the first rule a transaction breaks. */
export function checkGroup(inputs: readonly TransactionInput[]): void {
  if (inputs.length === 0)
    throw new LedgerError('LEDGER_EMPTY_GROUP', 'a group holds at least one transaction');
  const keys = new Set<string>();
  for (const input of inputs) {
    checkTransaction(input);
    if (keys.has(input.key))
      throw new LedgerError('LEDGER_DUPLICATE_KEY', `${input.key} appears twice in a group`);
    keys.add(input.key);
  }
}

/**
 * The balances the group would leave, for the accounts it touches. Throws
 * LEDGER_INSUFFICIENT_FUNDS when one (not the mint) would end below zero.
 */
export function applyGroup(
  balances: ReadonlyMap<string, bigint>,
  inputs: readonly TransactionInput[],
): Map<string, bigint> {
  const changed = new Map<string, bigint>();
  for (const input of inputs) {
    for (const p of input.postings) {
      changed.set(p.account, (changed.get(p.account) ?? balances.get(p.account) ?? 0n) + p.amount);
    }
  }
  for (const [account, balance] of changed) {
    if (balance < 0n && account !== MINT_ACCOUNT) {
      throw new LedgerError('LEDGER_INSUFFICIENT_FUNDS', `${account} would fall to ${balance}`);
    }
  }
  return changed;
}
