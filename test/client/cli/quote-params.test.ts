/**
 * `sealgate quote --param KEY=VALUE` (issue 4, docs/hyperparameters.md): the
 * options become the quote's hyperparameters (JSON numbers as numbers, the
 * rest as text), and a bad or repeated key is one line and exit 1 before any
 * request (the gateway named here does not exist: reaching it would be
 * CLIENT_UNREACHABLE instead).
 */
import t from 'tap';
import { paramsOf } from '../../../client/cli/commands/runs.js';
import { sealgate } from './sealgate.js';

const args = (...param: string[]) => ({ values: { param }, positionals: [] });

t.test('paramsOf: numbers parsed, the rest text', (t) => {
  t.equal(paramsOf({ values: {}, positionals: [] }), undefined, 'no --param, no hyperparameters');
  t.same(
    paramsOf(
      args('host=10.0.0.5', 'port=8080', 'rate=-0.5', 'big=1e3', 'flag=true', 'empty=', 'eq=a=b', 'hex=0x10'),
    ),
    { host: '10.0.0.5', port: 8080, rate: -0.5, big: 1000, flag: 'true', empty: '', eq: 'a=b', hex: '0x10' },
  );
  t.same(
    paramsOf(args('lead=007', 'inf=1e999')),
    { lead: '007', inf: '1e999' },
    'not JSON numbers, or not finite: text',
  );
  t.same(paramsOf({ values: { param: 'one=1' }, positionals: [] }), { one: 1 }, 'a single value');
  t.end();
});

t.test('paramsOf: bad keys are CLI_USAGE', (t) => {
  for (const bad of ['novalue', '=1', '1a=1', 'a-b=1', `${'k'.repeat(33)}=1`]) {
    t.throws(() => paramsOf(args(bad)), { code: 'CLI_USAGE', message: /KEY=VALUE/ }, bad);
  }
  t.throws(() => paramsOf(args('a=1', 'a=2')), { code: 'CLI_USAGE', message: /twice/ });
  t.end();
});

t.test('sealgate quote --param with a bad key fails before any request', async (t) => {
  const home = t.testdir({});
  const r = await sealgate(
    'quote',
    '--gateway',
    'http://127.0.0.1:9',
    '--home',
    home,
    '--dataset',
    `ds_${'a'.repeat(26)}`,
    '--model',
    `mdl_${'a'.repeat(26)}`,
    '--steps',
    '10',
    '--param',
    'bad key=1',
  );
  t.equal(r.code, 1);
  t.match(r.stderr, /^sealgate: [^\n]*KEY=VALUE[^\n]* \(CLI_USAGE\)\n$/);
});
