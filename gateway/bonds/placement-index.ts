/**
 * The placement directory kept in memory (docs/bonds-and-placement.md
 * "Placement in memory"): the unrevoked node records, each node's active jobs
 * and the nodes with a pending forged-evidence penalty, read once from the
 * store at start and then updated from every batch the store writes
 * (`Store.observe`), so a scheduling decision or a quote builds its snapshot
 * without reading LevelDB. Bond and debt come from the ledger's in-memory
 * balances, online and uptime from the clock, at snapshot time, exactly as
 * the store read does (`snapshotOf` is shared).
 */
import type { JobLimits, JobRecord, NodeRecord } from '../nodes/records.js';
import { JOBS_SUBLEVEL, NODE_JOBS_SUBLEVEL, NODES_SUBLEVEL } from '../nodes/records.js';
import { activeJobs } from '../nodes/jobs.js';
import type { BatchOp, Sublevel } from '../store/index.js';
import type { PenaltyRecord } from './records.js';
import { openPenalties, PENALTIES_SUBLEVEL } from './records.js';
import type { PlacementNode } from '../economics/index.js';
import type { PlacementViewDeps } from './placement-view.js';
import { PlacementSnapshot, placementNode } from './placement-view.js';
import { forgedPending } from './shared.js';
import { bondAccount, debtAccount } from './shared.js';
import type { LedgerEntry } from '../ledger/index.js';
import { ledgerSublevels } from '../ledger/storage.js';

type IndexDeps = PlacementViewDeps;

interface Entry {
  readonly record: NodeRecord;
  /** Its last heartbeat, ms (undefined before any). */
  readonly heartbeat: number | undefined;
  /** Its bond and whether it owes debt, from the ledger (re-read when a ledger entry posts to either). */
  bond: bigint;
  inDebt: boolean;
  /** Its view at the last snapshot, valid for clock times in [from, until] (uptime's week window). */
  view: PlacementNode | undefined;
  from: number;
  until: number;
}

const WEEK = 7 * 86_400_000;

// The last instant (from `t` on) the node's uptime stays what it is at `t`: the first counted outage to
// leave the week's window leaves after it (placementNode counts offline faults at >= t - WEEK).
function uptimeUntil(record: NodeRecord, t: number): number {
  let until = Infinity;
  for (const f of record.faults) {
    const leaves = Date.parse(f.at) + WEEK;
    if (f.kind === 'offline' && leaves >= t && leaves < until) until = leaves;
  }
  return until;
}

export class PlacementIndex {
  readonly #deps: IndexDeps;
  readonly #subs: {
    nodes: Sublevel;
    jobs: Sublevel;
    nodeJobs: Sublevel;
    penalties: Sublevel;
    ledger: Sublevel;
  };
  /**
   * nodeId → the seq of the latest ledger entry posting to its bond or debt. The ledger sets its
   * balances after the batch is written, so the balance is re-read until `ledger.lastSeq` reaches it.
   */
  readonly #ledgerMoved = new Map<string, number>();
  /** nodeId → its unrevoked record and its last view; nodes' views are rebuilt only when an input moved. */
  readonly #entries = new Map<string, Entry>();
  /** nodeId → (jobId → limits) of the jobs it holds. */
  readonly #held = new Map<string, Map<string, JobLimits>>();
  /** penaltyId → nodeId of the pending forged-evidence penalties. */
  readonly #forged = new Map<string, string>();
  /** A batch this index could not follow (a job indexed without its record): reload before use. */
  #stale = true;
  /** Counts the batches that touched what the index holds (a reload re-reads when one lands meanwhile). */
  #generation = 0;
  #unobserve: () => void = () => undefined;

  private constructor(deps: IndexDeps) {
    this.#deps = deps;
    const s = deps.store;
    this.#subs = {
      nodes: s.sublevel(NODES_SUBLEVEL),
      jobs: s.sublevel(JOBS_SUBLEVEL),
      nodeJobs: s.sublevel(NODE_JOBS_SUBLEVEL),
      penalties: s.sublevel(PENALTIES_SUBLEVEL),
      ledger: ledgerSublevels(s).entries,
    };
  }

  /** Read the directory from the store and follow its writes from now on. */
  static async open(deps: IndexDeps): Promise<PlacementIndex> {
    const index = new PlacementIndex(deps);
    index.#unobserve = deps.store.observe((ops) => index.#apply(ops));
    await index.#reload();
    return index;
  }

  /** Stop following the store. */
  close(): void {
    this.#unobserve();
  }

  /** The snapshot now, from memory (a reload first only after a batch it could not follow). */
  async snapshot(): Promise<PlacementSnapshot> {
    if (this.#stale) await this.#reload();
    const { ledger, economics } = this.#deps;
    const now = this.#deps.now();
    const t = now.getTime();
    const timeout = this.#deps.nodeTimeoutSeconds * 1000;
    const seq = ledger.lastSeq;
    for (const [id, moved] of this.#ledgerMoved) {
      const e = this.#entries.get(id);
      if (e) {
        e.bond = ledger.balance(bondAccount(id));
        e.inDebt = ledger.balance(debtAccount(id)) > 0n;
      }
      if (!e || seq >= moved) this.#ledgerMoved.delete(id);
    }
    const forged = new Set(this.#forged.values());
    const nodes: PlacementNode[] = [];
    for (const e of this.#entries.values()) {
      // the same inputs as snapshotOf (placement-view.ts), compared with the view's last ones
      const online = e.heartbeat !== undefined && t - e.heartbeat < timeout;
      const bond = e.bond;
      const out = e.inDebt || (forged.size > 0 && forged.has(e.record.id));
      let v = e.view;
      if (
        !v ||
        v.online !== online ||
        v.bond !== bond ||
        v.penalisedOut !== out ||
        t < e.from ||
        t > e.until
      ) {
        const held = this.#held.get(e.record.id);
        v = placementNode(e.record, held ? [...held.values()] : [], { online, bond, penalisedOut: out, now });
        e.view = v;
        e.from = t;
        e.until = uptimeUntil(e.record, t);
      }
      nodes.push(v);
    }
    return new PlacementSnapshot(nodes, economics);
  }

  // Read everything again, until no batch touching the directory landed during the read.
  async #reload(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const generation = this.#generation;
      this.#stale = false;
      await this.#read();
      if (generation === this.#generation) return;
      if (attempt === 4) {
        this.#stale = true; // the store keeps changing: serve this read, read again next time
        return;
      }
    }
  }

  async #read(): Promise<void> {
    const { store } = this.#deps;
    const [records, jobs, penalties] = await Promise.all([
      this.#subs.nodes.values().all() as Promise<NodeRecord[]>,
      activeJobs(store),
      openPenalties(store),
    ]);
    this.#entries.clear();
    this.#held.clear();
    this.#forged.clear();
    for (const n of records) this.#node(n.id, n);
    for (const job of jobs) this.#hold(job.nodeId, job.id, job.limits);
    for (const p of penalties) this.#penalty(p.id, p);
  }

  #node(id: string, record: NodeRecord | undefined): void {
    if (record === undefined || record.revoked !== undefined) {
      this.#entries.delete(id);
      return;
    }
    const heartbeat = record.lastHeartbeat === undefined ? undefined : Date.parse(record.lastHeartbeat);
    this.#entries.set(id, {
      record,
      heartbeat,
      bond: this.#deps.ledger.balance(bondAccount(id)),
      inDebt: this.#deps.ledger.balance(debtAccount(id)) > 0n,
      view: undefined,
      from: 0,
      until: 0,
    });
  }

  #hold(nodeId: string, jobId: string, limits: JobLimits | undefined): void {
    this.#moved(nodeId);
    let jobs = this.#held.get(nodeId);
    if (limits === undefined) {
      jobs?.delete(jobId);
      if (jobs?.size === 0) this.#held.delete(nodeId);
      return;
    }
    if (!jobs) this.#held.set(nodeId, (jobs = new Map<string, JobLimits>()));
    jobs.set(jobId, limits);
  }

  // A ledger entry: the nodes whose bond or debt it moves are re-read at the next snapshot.
  #posted(entry: LedgerEntry): void {
    for (const p of entry.postings) {
      if (!p.account.startsWith('bond:') && !p.account.startsWith('debt:')) continue;
      const id = p.account.slice('bond:'.length); // bondAccount, debtAccount (shared.ts)
      this.#ledgerMoved.set(id, Math.max(entry.seq, this.#ledgerMoved.get(id) ?? 0));
    }
  }

  // A node's load moved: its view is rebuilt at the next snapshot.
  #moved(nodeId: string): void {
    const e = this.#entries.get(nodeId);
    if (e) e.view = undefined;
  }

  #penalty(id: string, p: PenaltyRecord | undefined): void {
    if (p !== undefined && forgedPending(p)) this.#forged.set(id, p.nodeId);
    else this.#forged.delete(id);
  }

  // One written batch: node records, the node-jobs index (with the job records of the same batch), penalties.
  #apply(ops: readonly BatchOp[]): void {
    const jobs = new Map<string, JobRecord>();
    let touched = false;
    for (const op of ops) {
      const sub = op.sublevel;
      if (sub === this.#subs.ledger && op.type === 'put') this.#posted(op.value as LedgerEntry);
      if (sub === this.#subs.nodes || sub === this.#subs.nodeJobs || sub === this.#subs.penalties)
        touched = true;
      if (sub === this.#subs.jobs && op.type === 'put') jobs.set(op.key, op.value as JobRecord);
    }
    if (!touched) return;
    this.#generation++;
    for (const op of ops) {
      const value = op.type === 'put' ? op.value : undefined;
      const put = op.type === 'put';
      if (op.sublevel === this.#subs.nodes) this.#node(op.key, value as NodeRecord | undefined);
      else if (op.sublevel === this.#subs.penalties)
        this.#penalty(op.key, value as PenaltyRecord | undefined);
      else if (op.sublevel === this.#subs.nodeJobs) {
        // key `${nodeId}/${jobId}` (nodes/jobs.ts newJobOps, endJobOps)
        const slash = op.key.lastIndexOf('/');
        const nodeId = op.key.slice(0, slash);
        const jobId = op.key.slice(slash + 1);
        if (!put) this.#hold(nodeId, jobId, undefined);
        else {
          const job = jobs.get(jobId);
          if (job === undefined) this.#stale = true;
          else this.#hold(job.nodeId, jobId, job.limits);
        }
      }
    }
  }
}
