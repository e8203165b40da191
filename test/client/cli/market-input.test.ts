/**
 * Bad input to the market commands is one line and exit 1, found before any
 * request (the gateway named here does not exist, so reaching it would be
 * CLIENT_UNREACHABLE instead); and each command's --help has its example.
 */
import t from 'tap';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Run, Test } from './sealgate.js';
import { sealgate } from './sealgate.js';

const GW = ['--gateway', 'http://127.0.0.1:9'];

function oneLine(t: Test, r: Run, code: string) {
  t.equal(r.code, 1, `exit 1 for ${code}`);
  t.match(r.stderr, new RegExp(`^sealgate: [^\\n]+ \\(${code}\\)\\n$`), `one line naming ${code}`);
}

t.test('usage errors', async (t) => {
  const dir = t.testdir({
    'a.csv': 'x\n1\n',
    'bad.json': '{',
    'policy.json': '{"release":{"custody":"seller"}}',
  });
  const home = ['--home', dir];
  const cases: [string[], string, RegExp?][] = [
    [['dataset', 'publish', join(dir, 'a.csv'), '--price', '1'], 'CLI_USAGE', /--title is required/],
    [['dataset', 'publish', join(dir, 'a.csv'), '--title', 'T', '--price', '1.5'], 'CLI_USAGE', /--price/],
    [
      [
        'dataset',
        'publish',
        join(dir, 'a.csv'),
        '--title',
        'T',
        '--price',
        '1',
        '--allow-model',
        'sha256:AB',
      ],
      'CLI_USAGE',
      /image digest/,
    ],
    [
      [
        'dataset',
        'publish',
        join(dir, 'a.csv'),
        '--title',
        'T',
        '--price',
        '1',
        '--policy',
        join(dir, 'policy.json'),
        '--custody',
        'broker',
      ],
      'CLI_USAGE',
      /contradicts/,
    ],
    [
      [
        'dataset',
        'publish',
        join(dir, 'a.csv'),
        '--title',
        'T',
        '--price',
        '1',
        '--policy',
        join(dir, 'bad.json'),
      ],
      'CLI_USAGE',
      /not valid JSON/,
    ],
    [
      [
        'dataset',
        'publish',
        join(dir, 'a.csv'),
        '--title',
        'T',
        '--price',
        '1',
        '--schema',
        join(dir, 'policy.json'),
      ],
      'CLI_USAGE',
      /JSON array/,
    ],
    [
      [
        'dataset',
        'publish',
        join(dir, 'a.csv'),
        '--title',
        'T',
        '--price',
        '1',
        '--policy',
        join(dir, 'nope.json'),
      ],
      'CLI_IO',
    ],
    [['dataset', 'show', 'ds_1'], 'CLI_USAGE', /not a dataset id/],
    [['dataset', 'ls', '--limit', '0'], 'CLI_USAGE', /--limit/],
    [['model', 'publish', '--descriptor', join(dir, 'bad.json')], 'CLI_USAGE', /exactly one of/],
    [
      ['quote', '--dataset', `ds_${'a'.repeat(26)}`, '--model', `mdl_${'a'.repeat(26)}`],
      'CLI_USAGE',
      /--steps is required/,
    ],
    [['run', 'start', 'run_x'], 'CLI_USAGE', /quote id/],
    [['rate', `run_${'a'.repeat(26)}`, '--stars', '6'], 'CLI_USAGE', /--stars/],
    [['admin', 'credit', 'acct_x', '5', '--memo', 'm'], 'CLI_USAGE', /account id/],
    [['ledger', 'verify'], 'CLI_USAGE', /exactly one of/],
    [['ledger', 'verify', '--export', join(dir, 'a.csv')], 'CLI_USAGE', /--public-key/],
    [['ledger', 'verify', '--data', join(dir, 'none')], 'LEDGER_NO_DATA'],
    [['ledger', 'balance', '--account', 'platform'], 'CLI_USAGE', /needs --data/],
    [['run', 'status', `run_${'a'.repeat(26)}`], 'KEYSTORE_NOT_FOUND'],
  ];
  for (const [args, code, message] of cases) {
    const r = await sealgate(...args, ...home, ...GW);
    oneLine(t, r, code);
    if (message) t.match(r.stderr, message, args.slice(0, 2).join(' '));
  }
});

t.test('a bad policy names its field, before anything is encrypted', async (t) => {
  const dir = t.testdir({ 'a.csv': 'x\n', 'p.json': '{"release":{"minTier":"gold"}}' });
  const r = await sealgate(
    'dataset',
    'publish',
    join(dir, 'a.csv'),
    '--title',
    'T',
    '--price',
    '1',
    '--policy',
    join(dir, 'p.json'),
    '--home',
    dir,
    ...GW,
  );
  oneLine(t, r, 'POLICY_INVALID');
  t.match(r.stderr, /\/release\/minTier/);
  await writeFile(join(dir, 'm.json'), '{"name":"x"}');
  const m = await sealgate(
    'model',
    'publish',
    '--descriptor',
    join(dir, 'm.json'),
    '--image-digest',
    `sha256:${'a'.repeat(64)}`,
    '--home',
    dir,
    ...GW,
  );
  oneLine(t, m, 'POLICY_INVALID');
});

t.test('every market command has --help with an example', async (t) => {
  const names = [
    ['dataset', 'publish'],
    ['dataset', 'ls'],
    ['dataset', 'show'],
    ['model', 'publish'],
    ['model', 'ls'],
    ['quote'],
    ['run', 'start'],
    ['run', 'status'],
    ['rate'],
    ['admin', 'credit'],
    ['ledger', 'balance'],
    ['ledger', 'verify'],
    ['ledger', 'export'],
  ];
  const help = await sealgate('--help');
  for (const name of names) {
    t.match(help.stdout, `sealgate ${name.join(' ')}`, `${name.join(' ')} is listed`);
    const r = await sealgate(...name, '--help');
    t.equal(r.code, 0);
    t.match(
      r.stdout,
      new RegExp(`\\nexample:\\n  sealgate ${name.join(' ')} `),
      `${name.join(' ')} has an example`,
    );
  }
});
