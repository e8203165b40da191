/**
 * The demo's steps 8 and 9 (issue 7; DESIGN.md sections 5.9, 5.10 and 9):
 * the settlement as a table of balances before and after, checked to sum to
 * zero, to match the run's split and to hold no escrow; then buyer and
 * seller rate each other.
 */
import { formatTokens, getDataset, getRun, rateRun } from '../../client/index.js';
import { DemoError } from './outcome.js';
import type { Details } from './outcome.js';
import type { DemoState } from './state.js';
import { balances, made } from './state.js';

const PARTIES = ['seller', 'publisher', 'miner', 'platform', 'buyer'] as const;
type Party = (typeof PARTIES)[number];

/** 8. Balances before and after, their changes summing to zero and matching the run's settlement. */
export async function settlement(s: DemoState): Promise<Details> {
  const world = made(s.world, 'world');
  const before = made(s.before, 'balances');
  const token = made(s.token, 'token');
  const after = await balances(world);
  const run = await getRun(world.buyer.client, made(s.run, 'run').id);
  const split = run.settlement;
  const change = (p: Party): bigint => after[p] - before[p];
  const fmt = (v: bigint): string => formatTokens(v, token.decimals);
  const signed = (v: bigint): string => (v > 0n ? `+${fmt(v)}` : fmt(v));
  s.say(`  ${'party'.padEnd(10)}${'before'.padStart(14)}${'after'.padStart(14)}${'change'.padStart(14)}`);
  for (const p of PARTIES)
    s.say(
      `  ${p.padEnd(10)}${fmt(before[p]).padStart(14)}${fmt(after[p]).padStart(14)}${signed(change(p)).padStart(14)}`,
    );
  const sum = PARTIES.reduce((acc, p) => acc + change(p), 0n);
  const ledger = world.gateway.context.ledger;
  const leaky = s.leaky;
  const escrowLeft = [run.id, ...(leaky ? [leaky.id] : [])].reduce(
    (acc, id) => acc + ledger.balance(`escrow:${id}`),
    0n,
  );
  const paid = -change('buyer');
  const shares = ['seller', 'publisher', 'miner', 'platform'] as const;
  const matches = split !== undefined && shares.every((p) => change(p) === BigInt(split[p]));
  s.say(
    `the finished run: ${fmt(BigInt(run.price.tokens))} ${token.symbol} escrowed, ${fmt(paid)} paid out, ` +
      `${fmt(BigInt(split?.refund ?? '0'))} refunded (steps not used)`,
  );
  if (leaky)
    s.say(
      `the stopped run: ${fmt(BigInt(leaky.price.tokens))} ${token.symbol} escrowed, all refunded to the buyer`,
    );
  s.say(`the changes sum to ${fmt(sum)}; ${fmt(escrowLeft)} left in escrow`);
  if (sum !== 0n || !matches || escrowLeft !== 0n)
    throw new DemoError(
      'DEMO_BALANCES_INCONSISTENT',
      `balance changes sum to ${sum}, ${escrowLeft} left in escrow, and they ` +
        `${matches ? 'match' : 'differ from'} the run's settlement`,
    );
  const show = (f: (p: Party) => bigint): Record<string, string> =>
    Object.fromEntries(PARTIES.map((p) => [p, f(p).toString()]));
  return {
    before: show((p) => before[p]),
    after: show((p) => after[p]),
    change: show(change),
    settlement: split,
    escrowed: run.price.tokens,
    buyerPaid: paid.toString(),
    split: run.price.split,
    sum: sum.toString(),
    escrowLeft: escrowLeft.toString(),
    ...(leaky ? { leakyRefund: leaky.price.tokens } : {}),
  };
}

/** 9. Buyer and seller rate each other for the settled run; the seller's rating shows on the listing. */
export async function ratings(s: DemoState): Promise<Details> {
  const world = made(s.world, 'world');
  const run = made(s.run, 'run');
  const byBuyer = await rateRun(world.buyer.client, run.id, { stars: 5, comment: 'clean data, fast run' });
  const bySeller = await rateRun(world.seller.client, run.id, { stars: 4, comment: 'paid promptly' });
  s.say(
    `buyer rated the seller ${byBuyer.stars}★ ("${byBuyer.comment}"); seller rated the buyer ${bySeller.stars}★ ("${bySeller.comment}")`,
  );
  const listing = await getDataset(world.buyer.client, made(s.dataset, 'dataset').id);
  s.say(
    `the listing now shows the seller's rating: ${listing.sellerRating.count} rating(s), score ${listing.sellerRating.score.toFixed(2)}`,
  );
  const view = (r: typeof byBuyer): Details => ({
    id: r.id,
    by: r.by,
    of: r.of,
    side: r.side,
    stars: r.stars,
    comment: r.comment,
  });
  return { run: run.id, buyer: view(byBuyer), seller: view(bySeller), sellerRating: listing.sellerRating };
}

/** Steps 8 and 9 by name. */
export const settle = { settlement, ratings } as const;
