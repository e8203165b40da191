/**
 * `sealgate admin enroll-token --miner ACCOUNT [--ttl S]`: the operator gets
 * a one-time node enrollment token for a miner account
 * (`POST /v1/admin/enroll-tokens`) and prints it alone on stdout; the miner passes it to
 * `sealgate node start --token` (docs/nodes.md).
 */
import type { CommandContext, ParsedArgs } from '../command.js';
import { requireString } from '../command.js';
import { createEnrollToken } from '../../sdk/nodes.js';
import { idOf, integerOption, optionalString, signedClient } from './session.js';

/** The admin enroll-token command (named and parsed in commands/index.ts). */
export async function runAdminEnrollToken(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const miner = idOf(requireString(args, 'miner'), 'acct', 'ACCOUNT');
  const ttlSeconds = integerOption(args, 'ttl', 60, 86_400);
  const client = await signedClient(ctx, optionalString(args, 'key-file'));
  const made = await createEnrollToken(client, {
    miner,
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });
  // The token alone on stdout, like the ids other commands print (`token=$(…)` works); the
  // note about it goes to stderr.
  ctx.print(made.token, made);
  if (!ctx.json)
    ctx.stderr.write(`sealgate: the token enrolls one node, once; it expires ${made.expiresAt}\n`);
}
