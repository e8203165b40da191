/**
 * The crash test's offline audit of a stopped gateway's data directory
 * (issue 3: "after each restart ledger verify passes, no run is settled
 * twice, and no escrow is lost"). It reads the store directly, as an operator
 * would with the gateway down, and checks the runs against the ledger: each
 * run has one escrow of its quoted tokens and at most one settlement or
 * refund; its state agrees with its ledger effect (a transition and its
 * effect are one batch), its event log and its quote; and what was escrowed
 * equals what escrow accounts hold plus what settlements and refunds took out.
 */
import type {
  ControlRecord,
  DatasetRecord,
  LedgerEntry,
  Posting,
  QuoteRecord,
  RunRecord,
} from '../../../gateway/index.js';
import {
  DATASETS_SUBLEVEL,
  QUOTES_SUBLEVEL,
  RUNS_SUBLEVEL,
  RUN_CONTROL_SUBLEVEL,
  RunEventLog,
  Store,
  isFinal,
  ledgerBalance,
  ledgerSourceFromStore,
  refundTransaction,
  settleTransaction,
} from '../../../gateway/index.js';

/** What one look at a stopped data directory found. */
export interface CrashAudit {
  /** Every broken rule, one line each (empty when the directory is consistent). */
  readonly problems: string[];
  readonly runs: ReadonlyMap<string, RunRecord>;
  /** Runs with a pending cancel request for their node (a 202 cancel of a sealing or running run). */
  readonly cancelRequested: ReadonlySet<string>;
  /** Ledger entry hashes by seq (to find acknowledged credits). */
  readonly hashes: ReadonlyMap<number, string>;
  /** Tokens moved into escrow, still held there, and taken out by settlements and refunds. */
  readonly escrowed: bigint;
  readonly held: bigint;
  readonly released: bigint;
}

const ESCROW = 'escrow:';

// Postings as comparable text, order-insensitive.
function postingsText(postings: readonly { account: string; amount: bigint | string }[]): string {
  return postings
    .map((p) => `${p.account}=${String(p.amount)}`)
    .sort()
    .join(' ');
}

/** The ledger effect a run in its state must have (undefined: none yet). */
function expectedEnd(run: RunRecord): { key: string; postings: readonly Posting[] } | undefined {
  if (run.state === 'settled') return settleTransaction(run, run.node ?? '', run.usage?.steps ?? -1).tx;
  if (isFinal(run.state)) return refundTransaction(run, run.state);
  return undefined;
}

function checkRun(run: RunRecord, escrows: LedgerEntry[], ends: LedgerEntry[], balance: bigint): string[] {
  const out: string[] = [];
  const id = run.id;
  const tokens = BigInt(run.price.tokens);
  const escrowIn = escrows.map((e) => e.postings.find((p) => p.account === ESCROW + id)?.amount);
  if (escrows.length !== 1 || escrows[0].key !== ESCROW + id || BigInt(escrowIn[0] ?? 0) !== tokens) {
    out.push(`${id}: ${escrows.length} escrow entries (${escrowIn.join(', ')}), expected one of ${tokens}`);
  }
  if (ends.length > 1) out.push(`${id}: settled or refunded ${ends.length} times`);
  const expected = expectedEnd(run);
  if (!expected) {
    if (ends.length > 0) out.push(`${id}: ${run.state} but the ledger has ${ends[0].key}`);
    if (balance !== tokens) out.push(`${id}: ${run.state} with escrow ${balance}, expected ${tokens}`);
  } else {
    const end = ends[0] as LedgerEntry | undefined;
    if (end?.key !== expected.key) out.push(`${id}: ${run.state} but its entry is ${end?.key ?? 'missing'}`);
    else if (postingsText(end.postings) !== postingsText(expected.postings))
      out.push(`${id}: ${end.key} postings differ from the run record`);
    if (run.state === 'settled') {
      const recomputed = settleTransaction(run, run.node ?? '', run.usage?.steps ?? -1).settlement;
      if (JSON.stringify(run.settlement) !== JSON.stringify(recomputed))
        out.push(`${id}: its settlement record differs from its usage`);
    }
    if (balance !== 0n) out.push(`${id}: ${run.state} with escrow ${balance}, expected 0`);
  }
  return out;
}

/** Audit the stopped gateway's data directory `dataDir` (the store must not be in use). */
export async function auditDataDir(dataDir: string): Promise<CrashAudit> {
  const store = await Store.open(dataDir);
  try {
    return await auditStore(store);
  } finally {
    await store.close();
  }
}

/** Audit an open store (no write may run meanwhile). */
export async function auditStore(store: Store): Promise<CrashAudit> {
  const problems: string[] = [];
  const hashes = new Map<number, string>();
  const escrows = new Map<string, LedgerEntry[]>();
  const ends = new Map<string, LedgerEntry[]>();
  let escrowed = 0n;
  let released = 0n;
  for await (const raw of ledgerSourceFromStore(store).entries()) {
    const e = raw as LedgerEntry;
    hashes.set(e.seq, e.hash);
    for (const p of e.postings.filter((q) => q.account.startsWith(ESCROW))) {
      const runId = p.account.slice(ESCROW.length);
      const into = e.kind === 'escrow' ? escrows : e.kind === 'settle' || e.kind === 'refund' ? ends : null;
      if (!into) problems.push(`seq ${e.seq}: a ${e.kind} entry touches ${p.account}`);
      else into.set(runId, [...(into.get(runId) ?? []), e]);
      if (e.kind === 'escrow') escrowed += BigInt(p.amount);
      else if (into) released -= BigInt(p.amount);
    }
  }
  const balances = new Map((await ledgerBalance(store)).map((b) => [b.account, b.balance]));
  let held = 0n;
  for (const [account, balance] of balances) if (account.startsWith(ESCROW)) held += balance;
  if (escrowed !== held + released)
    problems.push(`escrow lost: ${escrowed} escrowed != ${held} held + ${released} released`);

  const runs = new Map<string, RunRecord>();
  for (const run of (await store.sublevel(RUNS_SUBLEVEL).values().all()) as RunRecord[])
    runs.set(run.id, run);
  for (const runId of new Set([...escrows.keys(), ...ends.keys()])) {
    if (!runs.has(runId)) problems.push(`${runId}: the ledger moved its escrow but the run does not exist`);
  }
  const quotes = store.sublevel(QUOTES_SUBLEVEL);
  const log = new RunEventLog(store);
  const perDataset = new Map<string, number>();
  for (const run of runs.values()) {
    const balance = balances.get(ESCROW + run.id) ?? 0n;
    problems.push(...checkRun(run, escrows.get(run.id) ?? [], ends.get(run.id) ?? [], balance));
    const quote = await store.get<QuoteRecord>(quotes, run.quote);
    if (quote?.run !== run.id) problems.push(`${run.id}: its quote ${run.quote} is not marked used by it`);
    const states = (await log.read(run.id)).filter((e) => e.type === 'state');
    if (states.at(-1)?.state !== run.state || states.length !== run.history.length)
      problems.push(`${run.id}: ${run.state} (${run.history.length} states) but its events disagree`);
    perDataset.set(run.dataset, (perDataset.get(run.dataset) ?? 0) + 1);
  }
  for (const quote of (await quotes.values().all()) as QuoteRecord[]) {
    if (quote.run !== undefined && !runs.has(quote.run))
      problems.push(`${quote.id}: marked used by ${quote.run}, which does not exist`);
  }
  for (const ds of (await store.sublevel(DATASETS_SUBLEVEL).values().all()) as DatasetRecord[]) {
    if (ds.runs !== (perDataset.get(ds.id) ?? 0))
      problems.push(`${ds.id}: counts ${ds.runs} runs, ${perDataset.get(ds.id) ?? 0} exist`);
  }
  const cancelRequested = new Set<string>();
  for (const c of (await store.sublevel(RUN_CONTROL_SUBLEVEL).values().all()) as ControlRecord[])
    if (c.action === 'cancel') cancelRequested.add(c.runId);
  return { problems, runs, cancelRequested, hashes, escrowed, held, released };
}
