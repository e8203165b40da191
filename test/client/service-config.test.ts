/**
 * Service settings (client/service-config.ts): flag > environment > the
 * --config file (or SEALGATE_CONFIG) > default; every source is checked at
 * start, and a bad one is one error naming the field and where it came from.
 */
import t from 'tap';
import { join } from 'node:path';
import { chmodSync } from 'node:fs';
import type { ServiceSpec } from '../../client/cli/index.js';
import { resolveServiceSettings } from '../../client/cli/index.js';

// A spec made here with one field of each kind.
const SPEC: ServiceSpec = {
  data: { type: { kind: 'string' }, flag: 'data', env: 'X_DATA', help: '' },
  port: { type: { kind: 'port' }, flag: 'port', env: 'X_PORT', help: '' },
  limit: { type: { kind: 'integer', min: 1, max: 10, orFalse: true }, env: 'X_LIMIT', help: '' },
  ratio: { type: { kind: 'number', min: 0 }, env: 'X_RATIO', help: '' },
  on: { type: { kind: 'boolean' }, env: 'X_ON', help: '' },
  level: { type: { kind: 'enum', values: ['info', 'debug'] }, env: 'X_LEVEL', help: '' },
  digest: { type: { kind: 'pattern', pattern: /^sha256:[0-9a-f]{4}$/, says: 'sha256:HEX' }, help: '' },
};

t.test('flag beats environment beats file; absent stays absent', (t) => {
  const dir = t.testdir({
    'c.json': JSON.stringify({ data: '/file', port: 1, limit: false, digest: 'sha256:abcd' }),
  });
  const file = join(dir, 'c.json');
  const r = resolveServiceSettings(
    SPEC,
    { config: file, data: '/flag' },
    { X_PORT: '2', X_RATIO: '0.5', X_ON: 'true' },
  );
  t.same(r.values, { data: '/flag', port: 2, limit: false, ratio: 0.5, on: true, digest: 'sha256:abcd' });
  t.same(r.sources, {
    data: '--data',
    port: 'X_PORT',
    limit: `${file}: 'limit'`,
    ratio: 'X_RATIO',
    on: 'X_ON',
    digest: `${file}: 'digest'`,
  });
  t.equal(r.file, file);
  const env = resolveServiceSettings(
    SPEC,
    {},
    { SEALGATE_CONFIG: file, X_LIMIT: '7', X_LEVEL: 'debug', X_ON: '' },
  );
  t.same(
    env.values,
    { data: '/file', port: 1, limit: 7, level: 'debug', digest: 'sha256:abcd' },
    'an empty variable is unset',
  );
  t.same(resolveServiceSettings(SPEC, {}, {}), { values: {}, sources: {} });
  t.end();
});

t.test('a bad value is one error naming the field and its source', (t) => {
  const dir = t.testdir({
    'typo.json': '{"prot": 1}',
    'port.json': '{"port": "7700"}',
    'nonjson.json': '{',
    'array.json': '[]',
    'ok.json': '{"port": 1}',
  });
  const at = (f: string) => join(dir, f);
  t.throws(() => resolveServiceSettings(SPEC, { config: at('typo.json') }, {}), {
    code: 'CONFIG_INVALID',
    message: /typo\.json: unknown field 'prot' \(known: data, port/,
  });
  t.throws(
    () => resolveServiceSettings(SPEC, { config: at('port.json'), port: '1' }, {}),
    { code: 'CONFIG_INVALID', message: /port\.json: 'port' must be a port number/ },
    'the file is checked even while a flag overrides it',
  );
  t.throws(() => resolveServiceSettings(SPEC, { config: at('nonjson.json') }, {}), {
    code: 'CONFIG_INVALID',
  });
  t.throws(() => resolveServiceSettings(SPEC, { config: at('array.json') }, {}), { code: 'CONFIG_INVALID' });
  t.throws(() => resolveServiceSettings(SPEC, { config: at('missing.json') }, {}), {
    code: 'CONFIG_UNREADABLE',
    message: /missing\.json \(ENOENT\)/,
  });
  t.throws(() => resolveServiceSettings(SPEC, { config: '' }, {}), { code: 'CLI_USAGE' });
  t.throws(() => resolveServiceSettings(SPEC, { port: '65536' }, {}), {
    code: 'CLI_USAGE',
    message: '--port must be a port number 0..65535 (0 picks a free one)',
  });
  const env = (vars: Record<string, string>) => () =>
    resolveServiceSettings(SPEC, { config: at('ok.json') }, vars);
  t.throws(env({ X_PORT: 'http' }), { code: 'CONFIG_INVALID', message: /^X_PORT must be a port/ });
  t.throws(env({ X_LIMIT: '11' }), { message: 'X_LIMIT must be an integer >= 1 and <= 10, or false' });
  t.throws(env({ X_RATIO: '0' }), { message: 'X_RATIO must be a number > 0' });
  t.throws(env({ X_ON: 'yes' }), { message: 'X_ON must be true or false' });
  t.throws(env({ X_LEVEL: 'loud' }), { message: 'X_LEVEL must be one of info, debug' });
  t.throws(() => resolveServiceSettings(SPEC, { data: '' }, {}), {
    message: '--data must be a non-empty string',
  });
  t.throws(() => resolveServiceSettings({ d: SPEC.digest }, { config: at('ok.json') }, {}), {
    code: 'CONFIG_INVALID',
  });
  if (process.getuid?.() !== 0) {
    chmodSync(at('ok.json'), 0);
    t.throws(env({}), { code: 'CONFIG_UNREADABLE' });
  }
  t.end();
});
