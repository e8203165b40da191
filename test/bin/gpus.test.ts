/**
 * The services' GPU settings as an operator gives them (docs/operations.md "Settings"): `--max-gpus` is an option of `gateway
 * start` and `node start`; a bad flag is one CLI_USAGE line and a bad
 * SEALGATE_GATEWAY_MAX_GPUS / SEALGATE_NODE_MAX_GPUS one CONFIG_INVALID line,
 * before anything starts; a gateway given `--max-gpus` starts (no nodes port:
 * making its node CA would only slow the test). That the values reach the sandbox profiles is
 * unit-tested in test/enclave-runtime/gpu/offer.test.ts (node) and
 * test/gateway/broker/gpu.test.ts (broker); bin/ cannot be imported by tests.
 */
import { join } from 'node:path';
import t from 'tap';
import { assertOneLine, sealgate, sealgateProcess, startGatewayProcess } from './sealgate.js';

t.test('--max-gpus is in both commands’ help', async (t) => {
  for (const command of [
    ['gateway', 'start'],
    ['node', 'start'],
  ]) {
    const help = await sealgate([...command, '--help']);
    t.equal(help.code, 0);
    t.match(help.stdout, /--max-gpus/, `${command.join(' ')} --help names it`);
  }
});

t.test('bad values: one line, CLI_USAGE for a flag, CONFIG_INVALID for the environment', async (t) => {
  const node = ['node', 'start', '--gateway', 'https://127.0.0.1:1', '--data', t.testdir()];
  for (const bad of ['-1', '65', 'all']) {
    const r = await sealgate([...node, '--max-gpus', bad]);
    assertOneLine(t, r, 'CLI_USAGE');
    t.match(r.stderr, /--max-gpus/);
  }
  // the environment is read by the process itself: a child process
  const env = await sealgateProcess(node, { SEALGATE_NODE_MAX_GPUS: 'many' });
  assertOneLine(t, env, 'CONFIG_INVALID');
  t.match(env.stderr, /SEALGATE_NODE_MAX_GPUS/);
  const gw = ['gateway', 'start', '--port', '0', '--data', t.testdir()];
  assertOneLine(t, await sealgate([...gw, '--max-gpus', '17']), 'CLI_USAGE');
  const gwEnv = await sealgateProcess(gw, { SEALGATE_GATEWAY_MAX_GPUS: '-2' });
  assertOneLine(t, gwEnv, 'CONFIG_INVALID');
  t.match(gwEnv.stderr, /SEALGATE_GATEWAY_MAX_GPUS/);
});

t.test('a gateway with --max-gpus starts and stops', async (t) => {
  const gw = await startGatewayProcess(t, join(t.testdir(), 'gw'), '--max-gpus', '2');
  t.match(gw.line, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.equal(await gw.stop('SIGTERM'), 0);
});
