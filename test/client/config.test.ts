/**
 * client/config.ts: the config file is parsed then checked, and settings
 * resolve flag > environment > config.json > default. Homes are temp dirs
 * made here; no user's real ~/.sealgate takes part (`userHome` is injected).
 */
import t from 'tap';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  DEFAULT_GATEWAY,
  loadConfig,
  parseConfig,
  resolveSettings,
} from '../../client/index.js';

t.test('parseConfig accepts the known fields and refuses anything else with one line', (t) => {
  t.same(parseConfig('{}', 'c.json'), {});
  t.same(parseConfig('{"gateway":"https://gw.example:7700"}', 'c.json'), {
    gateway: 'https://gw.example:7700',
  });
  const bad: [string, RegExp][] = [
    ['{', /^c\.json is not valid JSON/],
    ['[]', /must hold a JSON object/],
    ['null', /must hold a JSON object/],
    ['{"gatway":"http://x"}', /unknown field 'gatway' \(known: gateway\)/],
    ['{"gateway":7700}', /'gateway' must be an http\(s\) URL/],
    ['{"gateway":"ftp://x"}', /'gateway' must be an http\(s\) URL/],
    ['{"gateway":"not a url"}', /'gateway' must be an http\(s\) URL/],
  ];
  for (const [text, message] of bad) {
    t.throws(() => parseConfig(text, 'c.json'), ConfigError, text);
    t.throws(
      () => parseConfig(text, 'c.json'),
      { name: 'ConfigError', code: 'CONFIG_INVALID', message },
      text,
    );
  }
  t.end();
});

t.test('loadConfig: a missing file is empty; an unreadable one is CONFIG_UNREADABLE', (t) => {
  const home = t.testdir({ 'config.json': '{"gateway":"http://a:1"}' });
  t.same(loadConfig(home), { gateway: 'http://a:1' });
  t.same(loadConfig(join(home, 'nowhere')), {});
  const dir = t.testdir({ 'config.json': {} });
  t.throws(
    () => loadConfig(dir),
    { name: 'ConfigError', code: 'CONFIG_UNREADABLE', message: /EISDIR/ },
    'a directory',
  );
  if (process.getuid?.() !== 0) {
    chmodSync(join(home, 'config.json'), 0);
    t.throws(() => loadConfig(home), { code: 'CONFIG_UNREADABLE' });
  }
  t.end();
});

t.test('settings: flag > environment > config file > default', (t) => {
  const home = t.testdir();
  const user = t.testdir();
  t.same(resolveSettings({}, {}, user), {
    home: join(user, '.sealgate'),
    gateway: DEFAULT_GATEWAY,
    gatewaySource: 'default',
    configPath: join(user, '.sealgate', 'config.json'),
  });
  t.equal(DEFAULT_GATEWAY, 'http://127.0.0.1:7700');
  t.equal(resolveSettings({}, { SEALGATE_HOME: home }, user).home, home, 'SEALGATE_HOME');
  t.equal(resolveSettings({ home }, { SEALGATE_HOME: '/elsewhere' }, user).home, home, '--home wins');
  writeFileSync(join(home, 'config.json'), '{"gateway":"http://config:1"}');
  const env = { SEALGATE_HOME: home };
  t.match(resolveSettings({}, env, user), { gateway: 'http://config:1', gatewaySource: 'config' });
  t.match(resolveSettings({}, { ...env, SEALGATE_GATEWAY: 'http://env:2' }, user), {
    gateway: 'http://env:2',
    gatewaySource: 'env',
  });
  t.match(resolveSettings({ gateway: 'http://flag:3' }, { ...env, SEALGATE_GATEWAY: 'http://env:2' }, user), {
    gateway: 'http://flag:3',
    gatewaySource: 'flag',
  });
  t.match(
    resolveSettings({ gateway: '' }, { ...env, SEALGATE_GATEWAY: '' }, user),
    {
      gatewaySource: 'config',
    },
    'empty values count as unset',
  );
  t.end();
});

t.test('a bad URL names where it came from; a broken file fails even under a flag', (t) => {
  const home = t.testdir();
  t.throws(() => resolveSettings({ home, gateway: 'localhost:7700' }, {}), {
    code: 'CONFIG_INVALID',
    message: "--gateway gives 'localhost:7700', which is not an http(s) URL",
  });
  t.throws(() => resolveSettings({ home }, { SEALGATE_GATEWAY: 'gw' }), {
    code: 'CONFIG_INVALID',
    message: /^SEALGATE_GATEWAY gives 'gw'/,
  });
  writeFileSync(join(home, 'config.json'), '{"gateway": 1}');
  t.throws(() => resolveSettings({ home, gateway: 'http://flag:3' }, {}), { code: 'CONFIG_INVALID' });
  t.end();
});
