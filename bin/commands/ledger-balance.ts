/**
 * `sealgate ledger balance`: online, the caller's own balance (a signed
 * `GET /v1/ledger/balance` by this home's account); with `--data DIR`,
 * offline, the cached balances of a stopped gateway's data directory (every
 * account, or `--account A`), read through gateway/ledger/cli.ts. One command
 * does both because the runner names a command by its words alone.
 */
import type { CommandContext, ParsedArgs } from '../../client/cli/index.js';
import { CliError } from '../../client/cli/index.js';
import { GatewayClient, defaultKeyPath, formatTokens, loadKeyFile, myBalance } from '../../client/index.js';
import { ledgerBalance } from '../../gateway/index.js';

function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new CliError('CLI_USAGE', `--${name} needs a value`);
  return value;
}

/** The ledger balance command (named in bin/commands.ts). */
export async function runLedgerBalance(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const data = stringOption(args, 'data');
  const account = stringOption(args, 'account');
  if (data === undefined) {
    if (account !== undefined)
      throw new CliError('CLI_USAGE', '--account needs --data DIR (online, you see your own balance)');
    const { keyPair } = await loadKeyFile(defaultKeyPath(ctx.home, 'account'), 'account');
    const balance = await myBalance(new GatewayClient({ gateway: ctx.gateway, key: keyPair }));
    const { symbol, decimals } = balance.token;
    ctx.print(
      `${formatTokens(balance.balance, decimals)} ${symbol} (${balance.balance} base units)`,
      balance,
    );
    return;
  }
  // A bare account id means its user account, as the gateway names it (`user:acct_…`).
  const name = account?.startsWith('acct_') === true ? `user:${account}` : account;
  const balances = await ledgerBalance(data, name);
  const width = Math.max(0, ...balances.map((b) => b.account.length));
  ctx.print(
    balances.length === 0
      ? 'no balances'
      : balances.map((b) => `${b.account.padEnd(width)}  ${b.balance}`).join('\n'),
    { balances: balances.map((b) => ({ account: b.account, balance: b.balance.toString() })) },
  );
}
