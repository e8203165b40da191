import t from 'tap';
import fc from 'fast-check';
import { parseEconomicsParameters } from '../../../policies/index.js';
import { YEAR_MS, emissionSchedule } from '../../../gateway/index.js';

// The emission schedule with the seed's parameters (DESIGN.md 9: 5 billion in
// all, 500 million a year at first, halving every 5 years, 8 decimals) and
// with small parameters whose every unit can be counted by hand.

const seed = emissionSchedule(parseEconomicsParameters({}));
const TOKEN = 10n ** 8n;
const HOUR = 3_600_000;

t.test('the seed schedule, year by year', (t) => {
  t.equal(seed.total, 5_000_000_000n * TOKEN);
  t.equal(seed.eraMs, 5n * BigInt(YEAR_MS));
  // eras 0..57 halve 2.5 billion tokens; era 58 is the first whose halving is 0 and takes the rest
  t.equal(seed.eras.length, 59);
  t.equal(seed.eras[0], 2_500_000_000n * TOKEN);
  t.equal(seed.eras[1], 1_250_000_000n * TOKEN);
  t.equal(
    seed.eras.reduce((a, b) => a + b, 0n),
    seed.total,
  );
  const year = (y: number) => seed.cumulative((y + 1) * YEAR_MS) - seed.cumulative(y * YEAR_MS);
  for (let y = 0; y < 5; y++) t.equal(year(y), 500_000_000n * TOKEN, `year ${y + 1}`);
  for (let y = 5; y < 10; y++) t.equal(year(y), 250_000_000n * TOKEN, `year ${y + 1}`);
  for (let y = 10; y < 15; y++) t.equal(year(y), 125_000_000n * TOKEN, `year ${y + 1}`);
  t.equal(year(15), 62_500_000n * TOKEN);
  t.equal(seed.cumulative(5 * YEAR_MS), 2_500_000_000n * TOKEN);
  t.equal(seed.cumulative(10 * YEAR_MS), 3_750_000_000n * TOKEN);
  // after the last era everything was emitted, exactly, and nothing more
  t.equal(seed.cumulative(59 * 5 * YEAR_MS), seed.total);
  t.equal(seed.cumulative(59 * 5 * YEAR_MS - 1) < seed.total, true);
  t.equal(seed.cumulative(400 * YEAR_MS), seed.total);
  t.equal(seed.forBlock(400 * YEAR_MS, HOUR), 0n);
  t.end();
});

t.test('hourly blocks: floors carry forward, a year of blocks is exact', (t) => {
  // 5e16 / 8760 = 5707762557077.6...: blocks get ...077 or ...078
  t.equal(seed.forBlock(0, HOUR), 5_707_762_557_077n);
  t.equal(seed.forBlock(HOUR, HOUR), 5_707_762_557_078n);
  let sum = 0n;
  let odd = 0;
  for (let h = 0; h < 8760; h++) {
    const b = seed.forBlock(h * HOUR, HOUR);
    if (b !== 5_707_762_557_077n && b !== 5_707_762_557_078n) odd++;
    sum += b;
  }
  t.equal(odd, 0, 'every block is the rate, floored or not');
  t.equal(sum, 500_000_000n * TOKEN);
  t.end();
});

t.test('the halving edges and a block straddling one', (t) => {
  const edge = 5 * YEAR_MS;
  const perMsEra0 = Number(seed.eras[0]) / Number(seed.eraMs);
  // the block just before the halving is at the first era's rate, just after at half of it
  t.equal(seed.forBlock(edge - HOUR, HOUR), seed.cumulative(edge) - seed.cumulative(edge - HOUR));
  t.equal(seed.forBlock(edge - HOUR, HOUR), 5_707_762_557_078n);
  t.equal(seed.forBlock(edge, HOUR), 2_853_881_278_538n);
  // a block from half an hour before to half an hour after: half of each rate, floors aside
  const straddle = seed.forBlock(edge - HOUR / 2, HOUR);
  t.equal(straddle, seed.cumulative(edge + HOUR / 2) - seed.cumulative(edge - HOUR / 2));
  // 2853881278538.8 + 1426940639269.4 = 4280821917808.2 tokens' base units, floored once
  t.equal(straddle, 4_280_821_917_808n);
  t.ok(Math.abs(Number(straddle) - perMsEra0 * 0.75 * HOUR) < 2);
  // one millisecond either side
  // 1585489.599 and 792744.799 base units a millisecond
  t.equal(seed.forBlock(edge - 1, 1), 1_585_490n);
  t.equal(seed.forBlock(edge, 1), 792_744n);
  t.end();
});

t.test('small parameters counted by hand', (t) => {
  // 10 tokens in all, 3 a year, halving every 2 years, no decimals:
  // eras 6, 3, 1 (cut: only 1 left), then the total is reached
  const s = emissionSchedule(
    parseEconomicsParameters({
      token: { decimals: 0 },
      emission: { totalTokens: '10', initialAnnualTokens: '3', halvingYears: 2 },
    }),
  );
  t.same(s.eras, [6n, 3n, 1n]);
  t.equal(s.cumulative(2 * YEAR_MS), 6n);
  t.equal(s.cumulative(YEAR_MS), 3n);
  t.equal(s.cumulative(6 * YEAR_MS), 10n);
  t.equal(s.cumulative(60 * YEAR_MS), 10n);
  // a total the halvings never reach: the last era takes the rest (5 tokens over its 2 years)
  const slow = emissionSchedule(
    parseEconomicsParameters({
      token: { decimals: 0 },
      emission: { totalTokens: '20', initialAnnualTokens: '2', halvingYears: 2 },
    }),
  );
  t.same(slow.eras, [4n, 2n, 1n, 13n]);
  t.equal(slow.cumulative(8 * YEAR_MS), 20n);
  // a total reached in the first era
  const capped = emissionSchedule(
    parseEconomicsParameters({
      token: { decimals: 0 },
      emission: { totalTokens: '5', initialAnnualTokens: '5', halvingYears: 3 },
    }),
  );
  t.same(capped.eras, [5n]);
  t.equal(capped.cumulative(3 * YEAR_MS), 5n);
  t.end();
});

t.test('before genesis nothing is emitted; bad times are programming mistakes', (t) => {
  t.equal(seed.cumulative(-HOUR), 0n);
  t.equal(seed.forBlock(-HOUR, HOUR), 0n);
  t.equal(seed.forBlock(-HOUR / 2, HOUR), seed.cumulative(HOUR / 2));
  t.equal(seed.forBlock(HOUR, 0), 0n);
  t.throws(() => seed.cumulative(1.5), TypeError);
  t.throws(() => seed.forBlock(0, -1), TypeError);
  t.throws(() => seed.forBlock(0, Number.NaN), TypeError);
  t.end();
});

t.test('property: blocks of any lengths add up to the cumulative, which never exceeds the total', (t) => {
  fc.assert(
    fc.property(
      fc.record({
        decimals: fc.integer({ min: 0, max: 18 }),
        total: fc.bigInt({ min: 1n, max: 10n ** 12n }),
        share: fc.integer({ min: 1, max: 1000 }),
        halvingYears: fc.integer({ min: 1, max: 100 }),
      }),
      fc.array(fc.integer({ min: 0, max: 60 * YEAR_MS }), { minLength: 1, maxLength: 40 }),
      (p, lengths) => {
        const initial = (p.total * BigInt(p.share)) / 1000n;
        const s = emissionSchedule(
          parseEconomicsParameters({
            token: { decimals: p.decimals },
            emission: {
              totalTokens: String(p.total),
              initialAnnualTokens: String(initial),
              halvingYears: p.halvingYears,
            },
          }),
        );
        if (s.eras.reduce((a, b) => a + b, 0n) !== s.total) return false;
        let at = 0;
        let sum = 0n;
        for (const length of lengths) {
          const b = s.forBlock(at, length);
          if (b < 0n) return false;
          sum += b;
          at += length;
          if (sum !== s.cumulative(at) || sum > s.total) return false;
        }
        // long after the last era: all of it
        return s.cumulative(Number(s.eraMs) * (s.eras.length + 1)) === s.total;
      },
    ),
    { numRuns: 300 },
  );
  t.pass('held for 300 random schedules');
  t.end();
});
