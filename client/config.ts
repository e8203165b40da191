/**
 * Where the client's settings come from, resolved once: a flag beats the
 * environment (SEALGATE_GATEWAY, SEALGATE_HOME), which beats the config file
 * `$SEALGATE_HOME/config.json`, which beats the built-in default. The config
 * file is parsed, then checked field by field; a bad value is a one-line
 * CONFIG_INVALID naming the file and the field.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
// The light index: every CLI start-up reads the config (docs/envelope.md on start-up cost).
import { SealgateError } from '../attest/envelope/index.js';

/** Codes of configuration failures. */
export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_UNREADABLE';

/** A setting, or the config file, is unusable. */
export class ConfigError extends SealgateError<ConfigErrorCode> {}

/** The gateway URL used when nothing else names one. */
export const DEFAULT_GATEWAY = 'http://127.0.0.1:7700';

/** The contents of `config.json`: defaults for this home. Every field is optional. */
export interface ConfigFile {
  /** The gateway's public URL. */
  readonly gateway?: string;
}

/** Settings a user may give as flags (undefined when not given). */
export interface SettingFlags {
  readonly home?: string;
  readonly gateway?: string;
}

/** The resolved settings, and where each came from. */
export interface Settings {
  readonly home: string;
  readonly gateway: string;
  /** Which source won for the gateway URL: `flag`, `env`, `config` or `default`. */
  readonly gatewaySource: 'flag' | 'env' | 'config' | 'default';
  /** The config file's path (it may not exist). */
  readonly configPath: string;
}

const FIELDS: Readonly<Record<keyof ConfigFile, (value: unknown) => boolean>> = {
  gateway: (value) => typeof value === 'string' && isHttpUrl(value),
};

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Parse the text of a config file into a checked {@link ConfigFile}. `path`
 * only names the file in errors. Unknown fields are refused, so a typo
 * (`gatway`) is an error rather than a silently ignored setting.
 */
export function parseConfig(text: string, path: string): ConfigFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError('CONFIG_INVALID', `${path} is not valid JSON; fix or remove it`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(
      'CONFIG_INVALID',
      `${path} must hold a JSON object such as {"gateway": "http://…"}`,
    );
  }
  for (const [field, entry] of Object.entries(value)) {
    const check = FIELDS[field as keyof ConfigFile] as ((v: unknown) => boolean) | undefined;
    if (!check) {
      const known = Object.keys(FIELDS).join(', ');
      throw new ConfigError('CONFIG_INVALID', `${path}: unknown field '${field}' (known: ${known})`);
    }
    if (!check(entry)) {
      throw new ConfigError('CONFIG_INVALID', `${path}: '${field}' must be an http(s) URL`);
    }
  }
  return value;
}

/** Read `<home>/config.json`; an absent file is an empty config. */
export function loadConfig(home: string): ConfigFile {
  const path = configPath(home);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    throw new ConfigError('CONFIG_UNREADABLE', `cannot read ${path} (${code ?? 'error'})`, { cause: err });
  }
  return parseConfig(text, path);
}

/** Where a home's config file lives. */
export function configPath(home: string): string {
  return join(home, 'config.json');
}

/**
 * Resolve the settings: flag > environment > config file > default. `env`
 * and `home` are injectable for tests. A gateway URL that is not http(s) is a
 * CONFIG_INVALID naming where it came from.
 */
export function resolveSettings(
  flags: SettingFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
  userHome: string = homedir(),
): Settings {
  const home = nonEmpty(flags.home) ?? nonEmpty(env.SEALGATE_HOME) ?? join(userHome, '.sealgate');
  const path = configPath(home);
  const fromFlag = nonEmpty(flags.gateway);
  const fromEnv = nonEmpty(env.SEALGATE_GATEWAY);
  // Always read and checked, so a broken file is reported even while a flag overrides it.
  const config = loadConfig(home);
  const [gateway, gatewaySource, origin] =
    fromFlag !== undefined
      ? ([fromFlag, 'flag', '--gateway'] as const)
      : fromEnv !== undefined
        ? ([fromEnv, 'env', 'SEALGATE_GATEWAY'] as const)
        : config.gateway !== undefined
          ? ([config.gateway, 'config', path] as const)
          : ([DEFAULT_GATEWAY, 'default', 'the default'] as const);
  if (!isHttpUrl(gateway)) {
    throw new ConfigError('CONFIG_INVALID', `${origin} gives '${gateway}', which is not an http(s) URL`);
  }
  return { home, gateway, gatewaySource, configPath: path };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
