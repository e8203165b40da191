import t from 'tap';
import fc from 'fast-check';
import { LedgerError, fiatToTokens, splitSettlement } from '../../../gateway/index.js';

// splitSettlement and fiatToTokens: hand-worked examples and properties over
// random totals, splits and rates.

const fail = (code: string) => ({ constructor: LedgerError, code });

t.test('the platform takes the rounding of a split', (t) => {
  const split = { sellerBps: 5000, publisherBps: 2000, minerBps: 2500, platformBps: 500 };
  t.same(splitSettlement(101n, split), { seller: 50n, publisher: 20n, miner: 25n, platform: 6n });
  t.same(splitSettlement(3n, { sellerBps: 3333, publisherBps: 3333, minerBps: 3334, platformBps: 0 }), {
    seller: 0n,
    publisher: 0n,
    miner: 1n,
    platform: 2n,
  });
  t.same(splitSettlement(0n, split), { seller: 0n, publisher: 0n, miner: 0n, platform: 0n });
  t.same(splitSettlement(10n ** 30n, { sellerBps: 10000, publisherBps: 0, minerBps: 0, platformBps: 0 }), {
    seller: 10n ** 30n,
    publisher: 0n,
    miner: 0n,
    platform: 0n,
  });
  t.end();
});

t.test('a bad split or total is refused', (t) => {
  const ok = { sellerBps: 5000, publisherBps: 2000, minerBps: 2500, platformBps: 500 };
  t.throws(() => splitSettlement(1n, { ...ok, platformBps: 501 }), fail('LEDGER_BAD_SPLIT'));
  t.throws(
    () => splitSettlement(1n, { ...ok, sellerBps: 5000.5, platformBps: 499.5 }),
    fail('LEDGER_BAD_SPLIT'),
  );
  t.throws(
    () => splitSettlement(1n, { ...ok, sellerBps: 5600, platformBps: -100 }),
    fail('LEDGER_BAD_SPLIT'),
  );
  t.throws(() => splitSettlement(-1n, ok), fail('LEDGER_BAD_AMOUNT'));
  t.throws(() => splitSettlement(1 as never, ok), fail('LEDGER_BAD_AMOUNT'));
  t.end();
});

t.test('shares always sum to the total; each non-platform share is the floor', (t) => {
  const bps = fc
    .tuple(fc.nat(10000), fc.nat(10000), fc.nat(10000))
    .map(([a, b, c]) => [a, b, c].sort((x, y) => x - y))
    .map(([a, b, c]) => ({ sellerBps: a, publisherBps: b - a, minerBps: c - b, platformBps: 10000 - c }));
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 10n ** 36n }), bps, (total, split) => {
      const s = splitSettlement(total, split);
      t.equal(s.seller + s.publisher + s.miner + s.platform, total);
      t.equal(s.seller, (total * BigInt(split.sellerBps)) / 10000n);
      t.ok(
        s.platform >= (total * BigInt(split.platformBps)) / 10000n,
        'the platform never gets less than its floor',
      );
      t.ok(
        s.platform - (total * BigInt(split.platformBps)) / 10000n < 4n,
        'the rounding is under one unit per share',
      );
    }),
    { numRuns: 300 },
  );
  t.end();
});

t.test('fiat converts at the recorded rate, rounding up', (t) => {
  t.equal(fiatToTokens(1n, { fiat: 3n, tokens: 10n }), 4n);
  t.equal(fiatToTokens(3n, { fiat: 3n, tokens: 10n }), 10n);
  t.equal(fiatToTokens(0n, { fiat: 3n, tokens: 10n }), 0n);
  t.equal(fiatToTokens(250n, { fiat: 100n, tokens: 1n }), 3n, '2.5 rounds up to 3');
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 10n ** 24n }),
      fc.bigInt({ min: 1n, max: 10n ** 12n }),
      fc.bigInt({ min: 1n, max: 10n ** 18n }),
      (fiat, rf, rt) => {
        const tokens = fiatToTokens(fiat, { fiat: rf, tokens: rt });
        t.ok(tokens * rf >= fiat * rt, 'the buyer pays at least the price');
        t.ok((tokens - 1n) * rf < fiat * rt || tokens === 0n, 'and not a whole unit more');
      },
    ),
    { numRuns: 300 },
  );
  t.end();
});

t.test('a bad rate or fiat amount is refused', (t) => {
  t.throws(() => fiatToTokens(1n, { fiat: 0n, tokens: 1n }), fail('LEDGER_BAD_RATE'));
  t.throws(() => fiatToTokens(1n, { fiat: 1n, tokens: -1n }), fail('LEDGER_BAD_RATE'));
  t.throws(() => fiatToTokens(1n, { fiat: 1 as never, tokens: 1n }), fail('LEDGER_BAD_RATE'));
  t.throws(() => fiatToTokens(-1n, { fiat: 1n, tokens: 1n }), fail('LEDGER_BAD_AMOUNT'));
  t.end();
});
