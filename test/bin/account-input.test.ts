/**
 * `sealgate account ...` given bad input, and where it finds the gateway: the
 * built binary against a real gateway started by `sealgate gateway start`.
 * Every failure is one line with its code; the gateway URL comes from the flag,
 * else SEALGATE_GATEWAY, else `$SEALGATE_HOME/config.json`, else the default.
 */
import t from 'tap';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertOneLine, deadUrl, sealgate, startGatewayProcess } from './sealgate.js';

const gw = await startGatewayProcess(t, join(t.testdir(), 'gateway'));

t.test('bad input is one line with its code', async (t) => {
  const home = t.testdir();
  const env = { SEALGATE_HOME: home };
  const base = ['account', 'create', '--gateway', gw.url];
  assertOneLine(t, await sealgate(base, env), 'CLI_USAGE');
  assertOneLine(t, await sealgate([...base, '--role', 'king'], env), 'CLI_USAGE');
  assertOneLine(t, await sealgate([...base, '--role', 'operator'], env), 'CLI_USAGE');
  assertOneLine(t, await sealgate([...base, '--role', 'buyer', '--name', 'x'.repeat(65)], env), 'CLI_USAGE');
  t.notOk(existsSync(join(home, 'keys')), 'no key was made for a refused command');
  assertOneLine(t, await sealgate(['account', 'show', '--gateway', gw.url], env), 'KEYSTORE_NOT_FOUND');
  assertOneLine(t, await sealgate(['account', 'show', 'alice', '--gateway', gw.url]), 'CLI_USAGE');
  const unknown = await sealgate(['account', 'show', 'acct_' + 'a'.repeat(32), '--gateway', gw.url]);
  assertOneLine(t, unknown, 'ACCOUNT_NOT_FOUND');
});

t.test('the gateway URL: flag beats SEALGATE_GATEWAY beats config.json beats the default', async (t) => {
  const home = t.testdir();
  const dead = await deadUrl();
  const made = await sealgate(['account', 'create', '--role', 'miner', '--gateway', gw.url], {
    SEALGATE_HOME: home,
  });
  t.equal(made.code, 0, made.stderr);
  writeFileSync(join(home, 'config.json'), JSON.stringify({ gateway: gw.url }));
  const fromConfig = await sealgate(['account', 'show', '--home', home]);
  t.equal(fromConfig.code, 0, 'config.json names the gateway');
  const fromEnv = await sealgate(['account', 'show', '--home', home], { SEALGATE_GATEWAY: dead });
  assertOneLine(t, fromEnv, 'CLIENT_UNREACHABLE');
  const fromFlag = await sealgate(['account', 'show', '--home', home, '--gateway', gw.url], {
    SEALGATE_GATEWAY: dead,
  });
  t.equal(fromFlag.code, 0, 'the flag beats the environment');

  writeFileSync(join(home, 'config.json'), JSON.stringify({ gatway: gw.url }));
  const typo = await sealgate(['account', 'show', '--home', home, '--gateway', gw.url]);
  assertOneLine(t, typo, 'CONFIG_INVALID');
  t.match(typo.stderr, /config\.json: unknown field 'gatway'/);
});
