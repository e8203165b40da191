/**
 * `sealgate node rewards NODE_ID [--limit N]`: a node's latest block rewards
 * and deployment records (its miner or the operator; docs/rewards.md).
 */
import type { CommandContext, ParsedArgs } from '../command.js';
import { CliError } from '../command.js';
import { listNodeDeployments, listNodeRewards } from '../../sdk/rewards.js';
import { integerOption, signedClient } from './session.js';

/** The node rewards command (named and parsed in commands/index.ts). */
export async function runNodeRewards(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const nodeId = args.positionals[0];
  if (!/^node_[a-z2-7]{32}$/.test(nodeId ?? ''))
    throw new CliError(
      'CLI_USAGE',
      `NODE_ID '${nodeId ?? ''}' is not a node id (node_ and 32 base32 letters)`,
    );
  const limit = integerOption(args, 'limit', 1, 500) ?? 10;
  const client = await signedClient(ctx);
  const rewards = await listNodeRewards(client, nodeId, { limit });
  const deployments = await listNodeDeployments(client, nodeId, { limit });
  const lines = [
    `rewards of ${nodeId} (newest first; token base units):`,
    ...rewards.items.map(
      (r) =>
        `  block ${r.height}  ${r.periodEnd}  ${r.amount}  contribution ${r.contribution}/${r.network}  p=${r.probability} ${r.basis}${r.interruption === 'none' ? '' : ` (${r.interruption})`}${r.repaid === undefined || r.repaid === '0' ? '' : `  repaid ${r.repaid} of debt`}`,
    ),
    `deployments (sealed starts, newest first):`,
    ...deployments.items.map((d) => `  ${d.timestamp}  ${d.runId}  ${d.imageId}`),
  ];
  ctx.print(lines.join('\n'), { rewards: rewards.items, deployments: deployments.items });
}
