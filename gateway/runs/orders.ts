/**
 * Quotes and starts (DESIGN.md 5 step 3): a quote prices a run and freezes
 * the rate and split; a start re-checks the dataset policy and, in ONE
 * batch, writes the queued run, marks the quote used, counts the run on the
 * dataset, indexes it for both parties, logs its first event and moves the
 * quoted tokens into the run's escrow account. The quote's `run` field makes
 * a second start from it a conflict, never a second run.
 */
import type { EconomicsParameters } from '../../policies/index.js';
import { DATASETS_SUBLEVEL } from '../datasets/record.js';
import { newId } from '../ids.js';
import type { Ledger } from '../ledger/index.js';
import { LedgerError } from '../ledger/index.js';
import { readSummary } from '../ratings/summary.js';
import type { Store } from '../store/index.js';
import { put } from '../store/index.js';
import { escrowTransaction } from './effects.js';
import { RunError } from './errors.js';
import { checkHyperparameters } from './hyperparameters.js';
import type { RunEventLog, RunStateEvent } from './events.js';
import type { NodeDirectory } from './nodes.js';
import { checkPolicy, loadDataset, loadModel } from './policy.js';
import { priceRun } from './price.js';
import { byUseInput } from '../pricing/by-use.js';
import type { PricingService } from '../pricing/service.js';
import type { TokenRate } from './rate.js';
import type { QuoteRecord, RunRecord } from './record.js';
import { QUOTES_SUBLEVEL, RUNS_SUBLEVEL } from './record.js';

/** The sublevel indexing runs by party: `${side}/${accountId}/${runId}`. */
export const RUN_PARTIES_SUBLEVEL = 'run-parties';

/** What quotes and starts use. */
export interface OrderDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly now: () => Date;
  readonly rate: TokenRate;
  readonly economics: EconomicsParameters;
  readonly nodes: NodeDirectory;
  readonly events: RunEventLog;
  /** How long a quote holds, seconds. */
  readonly quoteTtlSeconds: number;
  /** Adjusted unit costs (issue 6, gateway/pricing/); absent: the publisher's own. */
  readonly pricing?: Pick<PricingService, 'unitCostOf'>;
}

/** What a buyer asks a quote for. */
export interface QuoteRequest {
  readonly dataset: string;
  readonly model: string;
  readonly steps: number;
  /** The model's hyperparameters (issue 4): checked by checkHyperparameters, stored on the quote. */
  readonly hyperparameters?: Readonly<Record<string, unknown>>;
}

/** The key of a run in the party index. */
export function partyKey(side: 'buyer' | 'seller', account: string, runId: string): string {
  return `${side}/${account}/${runId}`;
}

/** Price a run for `buyer` and store the quote; the policy is checked as a start would. */
export async function createQuote(
  deps: OrderDeps,
  buyer: string,
  request: QuoteRequest,
): Promise<QuoteRecord> {
  const { store } = deps;
  const now = deps.now();
  const hyperparameters =
    request.hyperparameters === undefined ? undefined : checkHyperparameters(request.hyperparameters);
  const dataset = await loadDataset(store, request.dataset);
  const model = await loadModel(store, request.model);
  checkPolicy(dataset, model, { now, buyerScore: (await readSummary(store, buyer, 'buyer')).score });
  const steps = Math.min(request.steps, model.descriptor.maxSteps);
  const price = priceRun({
    model: model.descriptor,
    dataPrice: dataset.price,
    steps,
    rate: deps.rate.current(),
    economics: deps.economics,
    // issue 6: the adjusted unit cost, or by-use charges where the model or operator asks
    ...(deps.pricing ? { unitCost: await deps.pricing.unitCostOf(model) } : {}),
    charges: byUseInput(model, dataset, deps.economics),
  });
  const offer = await deps.nodes.eligible(dataset, model);
  const quote: QuoteRecord = {
    id: newId('qt', now),
    buyer,
    dataset: dataset.id,
    model: model.id,
    steps,
    ...(hyperparameters === undefined ? {} : { hyperparameters }),
    price,
    nodes: [...offer.nodes],
    queueSeconds: offer.queueSeconds,
    ...(offer.nodeCount === undefined ? {} : { nodeCount: offer.nodeCount }),
    ...(offer.candidates === undefined ? {} : { candidates: offer.candidates.map((c) => ({ ...c })) }),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.quoteTtlSeconds * 1000).toISOString(),
  };
  await store.exclusive(() => store.write([put(store.sublevel(QUOTES_SUBLEVEL), quote.id, quote)]));
  return quote;
}

/** Start a run from `buyer`'s quote: the checks, then one batch with the escrow. */
export async function startRun(deps: OrderDeps, buyer: string, quoteId: string): Promise<RunRecord> {
  const { store } = deps;
  return store.exclusive(async () => {
    const now = deps.now();
    const quotes = store.sublevel(QUOTES_SUBLEVEL);
    const quote = await store.get<QuoteRecord>(quotes, quoteId);
    // another buyer's quote is reported as missing, so quote ids do not leak
    if (quote?.buyer !== buyer) throw new RunError('RUN_QUOTE_NOT_FOUND', `no quote ${quoteId}`);
    if (quote.run !== undefined)
      throw new RunError('RUN_QUOTE_USED', `${quoteId} already started ${quote.run}`);
    if (now.getTime() >= Date.parse(quote.expiresAt)) {
      throw new RunError('RUN_QUOTE_EXPIRED', `${quoteId} expired at ${quote.expiresAt}`);
    }
    const dataset = await loadDataset(store, quote.dataset);
    const model = await loadModel(store, quote.model);
    checkPolicy(dataset, model, { now, buyerScore: (await readSummary(store, buyer, 'buyer')).score });

    const at = now.toISOString();
    const run: RunRecord = {
      id: newId('run', now),
      quote: quote.id,
      buyer,
      seller: dataset.seller,
      publisher: model.publisher,
      dataset: dataset.id,
      model: model.id,
      steps: quote.steps,
      ...(quote.hyperparameters === undefined ? {} : { hyperparameters: quote.hyperparameters }),
      price: quote.price,
      state: 'queued',
      history: [{ state: 'queued', at }],
      createdAt: at,
      updatedAt: at,
    };
    const first: RunStateEvent = { seq: 1, type: 'state', state: 'queued', at };
    const parties = store.sublevel(RUN_PARTIES_SUBLEVEL);
    const ops = [
      put(store.sublevel(RUNS_SUBLEVEL), run.id, run),
      put(quotes, quote.id, { ...quote, run: run.id }),
      put(store.sublevel(DATASETS_SUBLEVEL), dataset.id, { ...dataset, runs: dataset.runs + 1 }),
      put(parties, partyKey('buyer', buyer, run.id), run.id),
      put(parties, partyKey('seller', dataset.seller, run.id), run.id),
      deps.events.appendOp(run.id, first),
    ];
    try {
      await deps.ledger.commitLocked([escrowTransaction(run)], ops);
    } catch (err) {
      if (err instanceof LedgerError && err.code === 'LEDGER_INSUFFICIENT_FUNDS') {
        throw new RunError(
          'RUN_INSUFFICIENT_FUNDS',
          `the balance does not cover the ${run.price.tokens} tokens this run costs`,
          { cause: err },
        );
      }
      throw err;
    }
    return run;
  });
}
