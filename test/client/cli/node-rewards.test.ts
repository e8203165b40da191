import { PassThrough } from 'node:stream';
import t from 'tap';
import type { CommandContext } from '../../../client/cli/command.js';
import { runNodeRewards } from '../../../client/cli/commands/node-rewards.js';

// `sealgate node rewards`: its arguments are checked before any request (the
// gateway's side and the SDK calls are tested in test/gateway/rewards/week.test.ts).

const ctx: CommandContext = {
  json: true,
  home: '/nonexistent',
  env: {},
  gateway: 'http://127.0.0.1:9',
  debug: false,
  stdout: new PassThrough(),
  stderr: new PassThrough(),
  print: () => undefined,
};

t.test('a node id and a limit in range, or CLI_USAGE', async (t) => {
  const node = `node_${'a'.repeat(32)}`;
  await t.rejects(runNodeRewards(ctx, { values: {}, positionals: ['acct_x'] }), { code: 'CLI_USAGE' });
  await t.rejects(runNodeRewards(ctx, { values: {}, positionals: [] }), { code: 'CLI_USAGE' });
  await t.rejects(runNodeRewards(ctx, { values: { limit: '0' }, positionals: [node] }), {
    code: 'CLI_USAGE',
  });
  await t.rejects(runNodeRewards(ctx, { values: { limit: '501' }, positionals: [node] }), {
    code: 'CLI_USAGE',
  });
});
