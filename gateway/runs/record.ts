/**
 * Quotes and runs as stored (sublevels `quotes` and `runs`, keyed by id).
 * Shared by the runs routes (which write them) and ratings (which read them).
 */
import type { Resource, UsageBasis } from '../economics/index.js';

export const QUOTES_SUBLEVEL = 'quotes';
export const RUNS_SUBLEVEL = 'runs';

/** A run's states (issue 3): the happy path, then the three ends that are not settlement. */
export type RunState =
  | 'queued'
  | 'placed'
  | 'sealing'
  | 'running'
  | 'sealing-output'
  | 'settled'
  | 'failed'
  | 'cancelled'
  | 'flagged';

/** What a run costs, all frozen when it was quoted. Amounts are decimal strings of base units. */
export interface Price {
  /** Fiat: unit cost × steps + base fee + data price. */
  readonly fiat: {
    readonly compute: string;
    readonly baseFee: string;
    readonly data: string;
    readonly total: string;
  };
  /** The same total in token base units at `rate`. */
  readonly tokens: string;
  /** `fiat` fiat base units are worth `tokens` token base units. */
  readonly rate: { readonly fiat: string; readonly tokens: string };
  /**
   * Seed pricing (issue 6): the unit cost used, fiat base units per step, and the unit-cost
   * adjustment it came from (null: the publisher's own). Absent on quotes made before issue 6.
   */
  readonly unitCost?: { readonly perStep: string; readonly adjustment: string | null };
  /**
   * By-use pricing (issue 6, docs/pricing.md): the rates frozen at order time, what quantities
   * are computed from, and the quantities at the run's limits (thousandths) whose charge is
   * `fiat.compute`, the most the run's use can cost. Absent: seed pricing.
   */
  readonly charges?: {
    readonly rates: Readonly<Partial<Record<Resource, string>>>;
    readonly basis: UsageBasis;
    readonly cap: Readonly<Partial<Record<Resource, string>>>;
  };
  /** The split in basis points (economics.split) frozen at order time. */
  readonly split: {
    readonly sellerBps: number;
    readonly publisherBps: number;
    readonly minerBps: number;
    readonly platformBps: number;
  };
}

export interface QuoteRecord {
  readonly id: string;
  readonly buyer: string;
  readonly dataset: string;
  readonly model: string;
  /** Steps asked for, after the model's cap. */
  readonly steps: number;
  /** The buyer's hyperparameters for the model (issue 4), when given. */
  readonly hyperparameters?: Readonly<Record<string, string | number | boolean>>;
  readonly price: Price;
  /** Nodes that could take the run now (node ids) and the queue estimate, seconds. */
  readonly nodes: readonly string[];
  readonly queueSeconds: number;
  /** How many nodes are eligible now, and the best few (id, tier). */
  readonly nodeCount?: number;
  readonly candidates?: readonly { readonly id: string; readonly tier: string }[];
  readonly createdAt: string;
  readonly expiresAt: string;
  /** The run started from it: set once, so a quote starts at most one run. */
  readonly run?: string;
}

export interface RunRecord {
  readonly id: string;
  readonly quote: string;
  readonly buyer: string;
  /** The dataset's seller and the model's publisher, copied so parties are known without lookups. */
  readonly seller: string;
  readonly publisher: string;
  readonly dataset: string;
  readonly model: string;
  readonly steps: number;
  /** The quote's hyperparameters (issue 4), handed to the model in the job's params. */
  readonly hyperparameters?: Readonly<Record<string, string | number | boolean>>;
  readonly price: Price;
  readonly state: RunState;
  /** The node that holds it (once placed). */
  readonly node?: string;
  /** The account paid for the node's work (issue 4: the node's miner, never sent to the node). */
  readonly miner?: string;
  /** Why it failed, was cancelled or flagged (a code and a line). */
  readonly reason?: { readonly code: string; readonly message: string };
  /** What was actually used (from the node's usage receipt), when settled. */
  readonly usage?: {
    readonly steps: number;
    readonly cpuSeconds: number;
    readonly gpuSeconds: number;
    readonly seconds: number;
  };
  /** The settlement amounts, token base units, when settled. */
  readonly settlement?: {
    readonly seller: string;
    readonly publisher: string;
    readonly miner: string;
    readonly platform: string;
    readonly refund: string;
  };
  /**
   * The sealed model (node-protocol §4 complete): its blob, and its model key sealed to the
   * broker's X25519 key (base64) with the key's id (hex). Set when the run completes; the broker
   * unwraps it only to re-wrap it to an attested predict container.
   */
  readonly output?: {
    readonly digest: string;
    readonly size: number;
    readonly wrappedKey: string;
    readonly keyId: string;
  };
  /** Each state entered and when, in order. */
  readonly history: readonly { readonly state: RunState; readonly at: string }[];
  readonly createdAt: string;
  readonly updatedAt: string;
}
