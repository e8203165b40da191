import t from 'tap';
import type { PolicyError } from '../../policies/index.js';
import {
  parseDatasetPolicy,
  parseEconomicsParameters,
  parseEgressPolicy,
  parseKeyReleasePolicy,
  tierAtLeast,
} from '../../policies/index.js';

const digest = 'sha256:' + 'ab'.repeat(32);

t.test('an empty key-release policy takes the documented defaults', (t) => {
  t.same(parseKeyReleasePolicy({}), {
    allowedModels: [],
    minTier: 'software',
    custody: 'broker',
    maxRuns: null,
    expiresAt: null,
    minBuyerRating: 0,
  });
  t.end();
});

t.test('a full key-release policy parses as written', (t) => {
  const policy = {
    allowedModels: [digest],
    minTier: 'hardware',
    custody: 'seller',
    maxRuns: 3,
    expiresAt: '2027-01-01T00:00:00Z',
    minBuyerRating: 3.5,
  };
  t.same(parseKeyReleasePolicy(policy), policy);
  t.end();
});

t.test('parsing never changes the caller’s document', (t) => {
  const input = {};
  parseKeyReleasePolicy(input);
  t.same(input, {});
  t.end();
});

const badReleases: [string, unknown, string][] = [
  ['not an object', [], ''],
  ['null', null, ''],
  ['a digest that is not sha256', { allowedModels: ['md5:00'] }, '/allowedModels/0'],
  ['a repeated digest', { allowedModels: [digest, digest] }, '/allowedModels'],
  ['an unknown tier', { minTier: 'vibes' }, '/minTier'],
  ['an unknown custody', { custody: 'operator' }, '/custody'],
  ['zero runs', { maxRuns: 0 }, '/maxRuns'],
  ['a fractional run count', { maxRuns: 1.5 }, '/maxRuns'],
  ['a date that is no date', { expiresAt: 'tomorrow' }, '/expiresAt'],
  ['an impossible date', { expiresAt: '2027-13-45T99:00:00Z' }, '/expiresAt'],
  ['a rating above 5', { minBuyerRating: 6 }, '/minBuyerRating'],
  ['an unknown field', { maxRun: 3 }, '/maxRun'],
];
for (const [name, input, path] of badReleases) {
  t.test(`a key-release policy with ${name} is refused at ${path}`, (t) => {
    t.throws(() => parseKeyReleasePolicy(input), { code: 'POLICY_INVALID', path });
    t.end();
  });
}

t.test('the egress policy defaults follow the design (5-char shingles, 128 hashes, 0.7 / 0.8)', (t) => {
  const p = parseEgressPolicy({});
  t.same(p.channels, ['metrics']);
  t.equal(p.scan.shingleUnit, 'char');
  t.equal(p.scan.shingleSize, 5);
  t.equal(p.scan.hashFunctions, 128);
  t.equal(p.scan.flagJaccard, 0.7);
  t.equal(p.scan.blockJaccard, 0.8);
  t.same(p.scan.decoders, ['base64', 'hex', 'url', 'reversed', 'digits']);
  t.same(p.actions, {
    schema: 'drop',
    budget: 'stop',
    exact: 'stop',
    canary: 'stop',
    nearFlag: 'flag',
    nearBlock: 'drop',
  });
  t.equal(p.allowedMetrics, null);
  t.end();
});

const badEgress: [string, unknown, string][] = [
  ['too few hash functions', { scan: { hashFunctions: 64 } }, '/scan/hashFunctions'],
  ['too many hash functions', { scan: { hashFunctions: 512 } }, '/scan/hashFunctions'],
  [
    'a block threshold under the flag threshold',
    { scan: { flagJaccard: 0.9, blockJaccard: 0.8 } },
    '/scan/blockJaccard',
  ],
  ['bands that do not divide the hashes', { scan: { hashFunctions: 128, lshBands: 3 } }, '/scan/lshBands'],
  ['an unknown decoder', { scan: { decoders: ['rot13'] } }, '/scan/decoders/0'],
  ['an unknown action', { actions: { exact: 'ignore' } }, '/actions/exact'],
  ['no channel', { channels: [] }, '/channels'],
  ['a record larger than the budget', { byteBudget: 1000, maxRecordBytes: 2000 }, '/maxRecordBytes'],
  ['a bad metric name', { allowedMetrics: ['Loss!'] }, '/allowedMetrics/0'],
];
for (const [name, input, path] of badEgress) {
  t.test(`an egress policy with ${name} is refused at ${path}`, (t) => {
    t.throws(() => parseEgressPolicy(input), { code: 'POLICY_INVALID', path });
    t.end();
  });
}

t.test('economics defaults follow DeepBrain Chain’s seed (DESIGN.md section 9)', (t) => {
  const e = parseEconomicsParameters({});
  t.equal(e.blocks.intervalSeconds, 3600);
  t.same(e.emission, { totalTokens: '5000000000', initialAnnualTokens: '500000000', halvingYears: 5 });
  t.equal(e.rewards.firstDeploymentPpm, 9_500, '1% x 95%');
  t.equal(e.rewards.establishedPpm, 980_100, '99% x 99%');
  t.equal(e.rewards.interruptionMultiplierPpm, 10_000, 'x 1%');
  t.equal(e.rewards.interruptionHours, 100);
  const s = e.split;
  t.equal(s.sellerBps + s.publisherBps + s.minerBps + s.platformBps, 10_000);
  t.end();
});

const badEconomics: [string, unknown, string][] = [
  ['a split that does not sum to 10000', { split: { platformBps: 600 } }, '/split'],
  ['a negative amount', { fiat: { priceFloor: '-1' } }, '/fiat/priceFloor'],
  ['an amount with a leading zero', { bonds: { minimumBond: '01' } }, '/bonds/minimumBond'],
  [
    'a first year above the total',
    { emission: { initialAnnualTokens: '6000000000' } },
    '/emission/initialAnnualTokens',
  ],
  ['a probability above one', { rewards: { establishedPpm: 1_000_001 } }, '/rewards/establishedPpm'],
  ['a zero block interval', { blocks: { intervalSeconds: 0 } }, '/blocks/intervalSeconds'],
  ['a lowercase currency', { fiat: { currency: 'usd' } }, '/fiat/currency'],
];
for (const [name, input, path] of badEconomics) {
  t.test(`economics parameters with ${name} are refused at ${path}`, (t) => {
    t.throws(() => parseEconomicsParameters(input), { code: 'POLICY_INVALID', path });
    t.end();
  });
}

t.test('a dataset policy holds both parts, each with its defaults', (t) => {
  const p = parseDatasetPolicy({ release: { allowedModels: [digest] } });
  t.same(p.release.allowedModels, [digest]);
  t.equal(p.egress.byteBudget, 1 << 20);
  t.end();
});

t.test('a bad field deep in a dataset policy is named by its full path', (t) => {
  t.throws(() => parseDatasetPolicy({ egress: { scan: { shingleSize: 1 } } }), {
    code: 'POLICY_INVALID',
    path: '/egress/scan/shingleSize',
  });
  t.throws(() => parseDatasetPolicy({ release: { custody: 'nobody' } }), {
    code: 'POLICY_INVALID',
    path: '/release/custody',
  });
  t.throws(() => parseDatasetPolicy({ pricing: {} }), { code: 'POLICY_INVALID', path: '/pricing' });
  t.throws(() => parseDatasetPolicy('policy'), { code: 'POLICY_INVALID', path: '' });
  const err = t.throws(() => parseDatasetPolicy({ release: { maxRuns: -1 } })) as PolicyError;
  t.match(err.message, /^\/release\/maxRuns: /);
  t.throws(() => parseDatasetPolicy({ release: { minTier: 'gold' } }), {
    code: 'POLICY_INVALID',
    message: `/release/minTier: expected one of "software", "hardware"`,
  });
  t.end();
});

t.test('tiers are ordered software < hardware', (t) => {
  t.ok(tierAtLeast('hardware', 'software'));
  t.ok(tierAtLeast('software', 'software'));
  t.notOk(tierAtLeast('software', 'hardware'));
  t.end();
});
