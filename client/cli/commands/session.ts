/**
 * What the gateway commands share: a client signed by this home's account key
 * (or by `--key-file`), an unsigned one for public reads, option readers that
 * turn a bad value into a one-line CLI_USAGE, and a two-column text layout.
 */
import { loadKeyFile, defaultKeyPath } from '../../keystore.js';
import { GatewayClient } from '../../sdk/gateway-client.js';
import type { CommandContext, ParsedArgs } from '../command.js';
import { CliError } from '../command.js';

/** A client signing as the account key at `keyFile`, else `$SEALGATE_HOME/keys/account.json`. */
export async function signedClient(ctx: CommandContext, keyFile?: string): Promise<GatewayClient> {
  const path = keyFile ?? defaultKeyPath(ctx.home, 'account');
  const { keyPair } = await loadKeyFile(path, 'account');
  return new GatewayClient({ gateway: ctx.gateway, key: keyPair });
}

/** A client for public reads: no key needed. */
export function publicClient(ctx: CommandContext): GatewayClient {
  return new GatewayClient({ gateway: ctx.gateway });
}

/** A string option's value; undefined when absent, CLI_USAGE when empty. */
export function optionalString(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new CliError('CLI_USAGE', `--${name} needs a value`);
  return value;
}

/** The values of a repeatable string option (empty when absent). */
export function repeated(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map(String);
}

/** An integer option within [min, max]; undefined when absent. */
export function integerOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const value = optionalString(args, name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new CliError('CLI_USAGE', `--${name} must be an integer from ${min} to ${max}`);
  }
  return Number(value);
}

/** A decimal amount of base units (`1234`); `what` names it in the error. */
export function amountOf(value: string, what: string, allowZero = false): string {
  if (!/^(0|[1-9][0-9]{0,37})$/.test(value) || (!allowZero && value === '0')) {
    throw new CliError(
      'CLI_USAGE',
      `${what} must be a whole number of base units${allowZero ? '' : ' above 0'}, e.g. 2500`,
    );
  }
  return value;
}

const ID_PATTERNS = {
  ds: 'a dataset id (ds_…)',
  mdl: 'a model id (mdl_…)',
  qt: 'a quote id (qt_…)',
  run: 'a run id (run_…)',
  acct: 'an account id (acct_…)',
} as const;

/** Check that `value` is an id of the kind `prefix` (ids: gateway/ids.ts; accounts: attest keys). */
export function idOf(value: string | undefined, prefix: keyof typeof ID_PATTERNS, what: string): string {
  const tail = prefix === 'acct' ? '[a-z2-7]{32}' : '[a-z2-7]{26}';
  if (value === undefined || !new RegExp(`^${prefix}_${tail}$`).test(value)) {
    throw new CliError('CLI_USAGE', `${what} '${value ?? ''}' is not ${ID_PATTERNS[prefix]}`);
  }
  return value;
}

/** An image digest as allowlists and models name it: `sha256:` + 64 lowercase hex. */
export function digestOf(value: string, what: string): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(value)) {
    throw new CliError(
      'CLI_USAGE',
      `${what} '${value}' is not an image digest (sha256: and 64 lowercase hex digits)`,
    );
  }
  return value;
}

/** Rows of `label value`, labels padded to one column; rows without a value are left out. */
export function rows(pairs: readonly (readonly [string, string | number | undefined])[]): string {
  const shown = pairs.filter((p): p is readonly [string, string | number] => p[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
