/**
 * `sealgate account create` and `sealgate account show`: the caller's account
 * key lives in `$SEALGATE_HOME/keys/account.json` (client/keystore.ts) and is
 * registered with the gateway through client/sdk/account.ts.
 */
import { rm } from 'node:fs/promises';
import type { SigningKeyPair } from '../../../attest/index.js';
import { generateSigningKeyPair, isKeyId } from '../../../attest/index.js';
import { KeystoreError, defaultKeyPath, loadKeyFile, saveKeyFile } from '../../keystore.js';
import type { AccountInfo, AccountRole } from '../../sdk/account.js';
import {
  SELF_ASSIGNABLE_ROLES,
  accountProfile,
  isAccountRole,
  myAccount,
  registerAccount,
} from '../../sdk/account.js';
import { GatewayClient } from '../../sdk/gateway-client.js';
import type { CommandContext, ParsedArgs } from '../command.js';
import { CliError } from '../command.js';

/** The `--role` values, checked: at least one, each a role one may give oneself. */
function rolesOf(args: ParsedArgs): AccountRole[] {
  const given = args.values.role;
  const list = (Array.isArray(given) ? given : given === undefined ? [] : [given]).map(String);
  if (list.length === 0)
    throw new CliError('CLI_USAGE', '--role is required (seller, buyer, publisher or miner)');
  for (const role of list) {
    if (!isAccountRole(role) || !SELF_ASSIGNABLE_ROLES.includes(role)) {
      throw new CliError('CLI_USAGE', `--role ${role} is not one of ${SELF_ASSIGNABLE_ROLES.join(', ')}`);
    }
  }
  return [...new Set(list as AccountRole[])];
}

function nameOf(args: ParsedArgs): string | undefined {
  const name = args.values.name;
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || name.length < 1 || name.length > 64) {
    throw new CliError('CLI_USAGE', '--name must be 1 to 64 characters');
  }
  return name;
}

/**
 * `sealgate account create --role R [--role R2] [--name N]`: make a key (never
 * over an existing one), register it, print the id. When the gateway refuses
 * or cannot be reached, the fresh key is removed again, so the command can
 * simply be run again.
 */
export async function runAccountCreate(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const roles = rolesOf(args);
  const name = nameOf(args);
  const keyFile = defaultKeyPath(ctx.home, 'account');
  const key = generateSigningKeyPair();
  await saveKeyFile(keyFile, 'account', key).catch((err: unknown) => {
    if (err instanceof KeystoreError && err.code === 'KEYSTORE_EXISTS') {
      throw new KeystoreError('KEYSTORE_EXISTS', `an account key already exists at ${keyFile}`);
    }
    throw err;
  });
  let account: AccountInfo;
  try {
    account = await registerAccount(new GatewayClient({ gateway: ctx.gateway, key }), roles, name);
  } catch (err) {
    await rm(keyFile, { force: true });
    throw err;
  }
  ctx.print(account.id, { ...account, keyFile });
}

/** `sealgate account show [ID]`: one's own account (signed), or any account's public profile. */
export async function runAccountShow(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const [id] = args.positionals;
  let account: AccountInfo;
  if (id === undefined) {
    const key: SigningKeyPair = (await loadKeyFile(defaultKeyPath(ctx.home, 'account'), 'account')).keyPair;
    account = await myAccount(new GatewayClient({ gateway: ctx.gateway, key }));
  } else {
    if (!isKeyId('account', id)) {
      throw new CliError('CLI_USAGE', `'${args.positionals[0]}' is not an account id (acct_…)`);
    }
    account = await accountProfile(new GatewayClient({ gateway: ctx.gateway }), id);
  }
  ctx.print(describe(account), account);
}

function describe(account: AccountInfo): string {
  const rows: [string, string | undefined][] = [
    ['id', account.id],
    ['name', account.name],
    ['roles', account.roles.join(', ')],
    ['created', account.createdAt],
    ['public key', account.publicKey],
  ];
  return rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([label, value]) => `${label.padEnd(11)} ${value}`)
    .join('\n');
}
