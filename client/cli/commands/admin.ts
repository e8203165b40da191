/**
 * `sealgate admin credit ACCOUNT AMOUNT --memo M`: the operator mints tokens to
 * an account (`POST /v1/admin/credit`); the ledger entry it writes is the
 * audit record. The request is signed by the operator account, whose key the
 * gateway made as `DATA/operator-key.json`: pass it with `--key-file`, or copy
 * it to the operator's `$SEALGATE_HOME/keys/account.json` (docs/cli.md).
 * Every credit carries a request id (`--request-id`, else a random one), so a
 * credit whose reply was lost is re-run with that id and credits once.
 */
import type { CommandContext, ParsedArgs } from '../command.js';
import { requireString } from '../command.js';
import { adminCredit } from '../../sdk/ledger.js';
import { replayNote, requestIdOf, withRetryHint } from './retry.js';
import { amountOf, idOf, optionalString, signedClient } from './session.js';

/** The admin credit command (named and parsed in commands/index.ts). */
export async function runAdminCredit(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const [accountArg, amountArg] = args.positionals;
  const account = idOf(accountArg, 'acct', 'ACCOUNT');
  const amount = amountOf(amountArg ?? '', 'AMOUNT');
  const memo = requireString(args, 'memo');
  const requestId = requestIdOf(args);
  const client = await signedClient(ctx, optionalString(args, 'key-file'));
  const credit = await withRetryHint(requestId, () =>
    adminCredit(client, { account, amount, memo }, { requestId }),
  );
  ctx.print(
    `credited ${credit.amount} token base units to ${credit.account}; balance ${credit.balance} (ledger entry ${credit.seq})` +
      replayNote(requestId, credit.replayed),
    credit,
  );
}
