/**
 * A buyer's hyperparameters (issue 4, docs/hyperparameters.md): the pure
 * check with each rule's refusal, and POST /v1/quotes storing them on the
 * quote, the run copying them, and every bad shape or size answering 400
 * without a quote.
 */
import t from 'tap';
import type { QuoteRecord, RunRecord } from '../../../gateway/index.js';
import {
  HYPERPARAMETERS_MAX_BYTES,
  QUOTES_SUBLEVEL,
  RunError,
  checkHyperparameters,
} from '../../../gateway/index.js';
import { bodyOf, codeOf } from '../../helpers/gateway.js';
import type { Market } from './market.js';
import { as, marketForTest } from './market.js';

/** `n` keys k0..k(n-1), each with value 1. */
const manyKeys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 1]));
/** One key whose JSON `{"s":"…"}` takes exactly `bytes` bytes. */
const ofSize = (bytes: number) => ({ s: 'x'.repeat(bytes - '{"s":""}'.length) });

t.test('checkHyperparameters: what passes, copied', (t) => {
  const given = { host: '10.0.0.5', port: 8080, verbose: true, rate: -0.5, Name_2: '' };
  const out = checkHyperparameters(given);
  t.same(out, given);
  t.not(out, given, 'a copy, not the caller object');
  t.same(checkHyperparameters({}), {});
  t.same(checkHyperparameters(Object.assign(Object.create(null) as object, { a: 1 })), { a: 1 });
  t.same(Object.keys(checkHyperparameters(manyKeys(32))).length, 32, '32 keys is the limit');
  t.ok(checkHyperparameters(ofSize(HYPERPARAMETERS_MAX_BYTES)), 'exactly 4 KiB of JSON passes');
  t.ok(checkHyperparameters({ a: 'x'.repeat(31), b1234567890123456789012345678901: 1 }), 'a 32-char key');
  t.end();
});

t.test('checkHyperparameters: each broken rule is RUN_BAD_HYPERPARAMETERS', (t) => {
  const cases: [string, unknown, RegExp][] = [
    ['null', null, /JSON object/],
    ['an array', [1], /JSON object/],
    ['a string', 'a=1', /JSON object/],
    ['a Date', new Date(0), /JSON object/],
    ['33 keys', manyKeys(33), /at most 32/],
    ['a key with a space', { 'a b': 1 }, /names match/],
    ['a key starting with a digit', { '1a': 1 }, /names match/],
    ['a key starting with _', { _a: 1 }, /names match/],
    ['a 33-char key', { a12345678901234567890123456789012: 1 }, /names match/],
    ['a nested object', { a: { b: 1 } }, /not a string/],
    ['an array value', { a: [1] }, /not a string/],
    ['null value', { a: null }, /not a string/],
    ['Infinity', { a: Infinity }, /not a string/],
    ['NaN', { a: NaN }, /not a string/],
    ['4 KiB + 1 byte', ofSize(HYPERPARAMETERS_MAX_BYTES + 1), /4097 bytes/],
    ['multi-byte text counted in bytes', { s: 'é'.repeat(2100) }, /bytes of JSON/],
  ];
  for (const [what, value, message] of cases) {
    let caught: unknown;
    try {
      checkHyperparameters(value);
    } catch (err) {
      caught = err;
    }
    t.ok(caught instanceof RunError, `${what}: a RunError`);
    t.match(caught, { code: 'RUN_BAD_HYPERPARAMETERS', message }, what);
  }
  t.end();
});

function quoteBody(m: Market, hyperparameters?: unknown) {
  return {
    dataset: m.dataset.id,
    model: m.model.id,
    steps: 100,
    ...(hyperparameters === undefined ? {} : { hyperparameters }),
  };
}

async function quotesStored(m: Market): Promise<number> {
  const { store } = m.gw.app.gateway;
  return (await store.sublevel(QUOTES_SUBLEVEL).keys().all()).length;
}

t.test('POST /v1/quotes stores them on the quote and the run copies them', async (t) => {
  const m = await marketForTest(t);
  const hp = { host: '192.0.2.1', port: 4444, fast: false };
  const res = await as(m, m.buyer, 'POST', '/v1/quotes', quoteBody(m, hp));
  t.equal(res.statusCode, 201, res.body);
  const quote = bodyOf<QuoteRecord>(res);
  t.same(quote.hyperparameters, hp, 'the quote shows them');
  const started = await as(m, m.buyer, 'POST', '/v1/runs', { quote: quote.id });
  t.equal(started.statusCode, 201, started.body);
  const run = bodyOf<RunRecord>(started);
  t.same(run.hyperparameters, hp, 'the run copies them');
  t.same((await m.gw.app.gateway.runs.get(run.id)).hyperparameters, hp, 'stored on the run record');
  const read = await as(m, m.buyer, 'GET', `/v1/runs/${run.id}`);
  t.same(bodyOf<RunRecord>(read).hyperparameters, hp, 'GET /v1/runs/:id shows them');

  const plain = bodyOf<QuoteRecord>(await as(m, m.buyer, 'POST', '/v1/quotes', quoteBody(m)));
  t.notOk('hyperparameters' in plain, 'none given, none stored');
  const plainRun = bodyOf<RunRecord>(await as(m, m.buyer, 'POST', '/v1/runs', { quote: plain.id }));
  t.notOk('hyperparameters' in plainRun);
});

t.test('POST /v1/quotes refuses bad hyperparameters with 400 and stores no quote', async (t) => {
  const m = await marketForTest(t);
  const cases: [string, unknown, string][] = [
    ['33 keys', manyKeys(33), 'HTTP_INVALID'],
    ['a bad key', { 'no-dash': 1 }, 'HTTP_INVALID'],
    ['a nested object', { a: { b: 1 } }, 'HTTP_INVALID'],
    ['a null value', { a: null }, 'HTTP_INVALID'],
    ['an array', [1, 2], 'HTTP_INVALID'],
    ['a string', 'host=1', 'HTTP_INVALID'],
    ['more than 4 KiB of JSON', { a: 'x'.repeat(2500), b: 'y'.repeat(2500) }, 'RUN_BAD_HYPERPARAMETERS'],
  ];
  for (const [what, hp, code] of cases) {
    const res = await as(m, m.buyer, 'POST', '/v1/quotes', quoteBody(m, hp));
    t.equal(res.statusCode, 400, what);
    t.equal(codeOf(res), code, what);
  }
  t.equal(await quotesStored(m), 0, 'no refused quote was stored');
});
