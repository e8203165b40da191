/**
 * Settings of the long-lived services (`sealgate gateway start`, `node start`):
 * each from a flag, an environment variable or the service's config file
 * (`--config FILE` or SEALGATE_CONFIG, a JSON object), first source wins, else
 * the default. Everything is checked at start, the file even where a flag
 * overrides it; a bad value is one line naming the field and where it came
 * from: CLI_USAGE for a flag, CONFIG_INVALID for the environment or the file.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from './config.js';
import { CliError } from './cli/command.js';

/** How a setting's text or JSON value is checked and what it becomes. */
export type FieldKind =
  | { readonly kind: 'string' }
  | { readonly kind: 'port' }
  | { readonly kind: 'integer'; readonly min: number; readonly max?: number; readonly orFalse?: boolean }
  | { readonly kind: 'number'; readonly min: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'pattern'; readonly pattern: RegExp; readonly says: string };

/** One setting: its config-file field, and the flag and variable that may give it. */
export interface FieldSpec {
  readonly type: FieldKind;
  /** The command's option (without `--`), when a flag may give it. */
  readonly flag?: string;
  /** The environment variable, when one may give it. */
  readonly env?: string;
  /** One line for docs and errors. */
  readonly help: string;
}

export type ServiceSpec = Readonly<Record<string, FieldSpec>>;
export type SettingValue = string | number | boolean;

/** The resolved settings (absent when no source gave one) and where each came from. */
export interface ServiceSettings {
  readonly values: Readonly<Record<string, SettingValue>>;
  readonly sources: Readonly<Record<string, string>>;
  /** The config file read, if any. */
  readonly file?: string;
}

const describe = (type: FieldKind): string => {
  switch (type.kind) {
    case 'string':
      return 'a non-empty string';
    case 'port':
      return 'a port number 0..65535 (0 picks a free one)';
    case 'integer':
      return `an integer >= ${type.min}${type.max === undefined ? '' : ` and <= ${type.max}`}${type.orFalse ? ', or false' : ''}`;
    case 'number':
      return `a number > ${type.min}`;
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${type.values.join(', ')}`;
    case 'pattern':
      return type.says;
  }
};

// A value from text (flags, environment) or JSON (the file), checked; undefined when it does not fit.
function check(type: FieldKind, raw: unknown, fromText: boolean): SettingValue | undefined {
  const text = fromText && typeof raw === 'string';
  switch (type.kind) {
    case 'string':
      return typeof raw === 'string' && raw !== '' ? raw : undefined;
    case 'enum':
      return typeof raw === 'string' && type.values.includes(raw) ? raw : undefined;
    case 'pattern':
      return typeof raw === 'string' && type.pattern.test(raw) ? raw : undefined;
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      return text && (raw === 'true' || raw === 'false') ? raw === 'true' : undefined;
    case 'port': {
      const n = text && /^\d{1,5}$/.test(raw) ? Number(raw) : raw;
      return Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 65535 ? (n as number) : undefined;
    }
    case 'integer': {
      if (type.orFalse && (raw === false || (text && raw === 'false'))) return false;
      const n = text && /^-?\d{1,15}$/.test(raw) ? Number(raw) : raw;
      const ok =
        Number.isSafeInteger(n) && (n as number) >= type.min && (n as number) <= (type.max ?? Infinity);
      return ok ? (n as number) : undefined;
    }
    case 'number': {
      const n = text && /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
      return typeof n === 'number' && Number.isFinite(n) && n > type.min ? n : undefined;
    }
  }
}

/** Read and parse a service config file: a JSON object whose fields are all in `spec`. */
export function readServiceConfig(path: string, spec: ServiceSpec): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError('CONFIG_UNREADABLE', `cannot read the config file ${path} (${code})`, {
      cause: err,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError('CONFIG_INVALID', `${path} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError('CONFIG_INVALID', `${path} must hold a JSON object of settings`);
  }
  for (const field of Object.keys(value)) {
    if (!Object.hasOwn(spec, field)) {
      throw new ConfigError(
        'CONFIG_INVALID',
        `${path}: unknown field '${field}' (known: ${Object.keys(spec).join(', ')})`,
      );
    }
  }
  return value as Record<string, unknown>;
}

/**
 * Resolve `spec` from the parsed `flags`, `env` and the config file named by
 * the `config` flag or SEALGATE_CONFIG. Throws CliError CLI_USAGE (a flag) or
 * ConfigError CONFIG_INVALID / CONFIG_UNREADABLE (environment, file), naming
 * the field.
 */
export function resolveServiceSettings(
  spec: ServiceSpec,
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ServiceSettings {
  const flagFile = flags.config;
  if (flagFile !== undefined && (typeof flagFile !== 'string' || flagFile === '')) {
    throw new CliError('CLI_USAGE', '--config needs a file');
  }
  const file = flagFile ?? (env.SEALGATE_CONFIG || undefined);
  const fromFile = file === undefined ? {} : readServiceConfig(file, spec);
  const values: Record<string, SettingValue> = {};
  const sources: Record<string, string> = {};
  for (const [field, f] of Object.entries(spec)) {
    // Every source is checked, so a broken file or variable is found even while a flag overrides it.
    const candidates: [origin: string, raw: unknown, text: boolean][] = [];
    if (f.flag !== undefined && flags[f.flag] !== undefined)
      candidates.push([`--${f.flag}`, flags[f.flag], true]);
    if (f.env !== undefined && env[f.env] !== undefined && env[f.env] !== '')
      candidates.push([f.env, env[f.env], true]);
    if (Object.hasOwn(fromFile, field)) candidates.push([`${file}: '${field}'`, fromFile[field], false]);
    for (const [origin, raw, text] of [...candidates].reverse()) {
      const value = check(f.type, raw, text);
      if (value === undefined) {
        const message = `${origin} must be ${describe(f.type)}`;
        throw origin.startsWith('--')
          ? new CliError('CLI_USAGE', message)
          : new ConfigError('CONFIG_INVALID', message);
      }
      values[field] = value;
      sources[field] = origin;
    }
  }
  return { values, sources, ...(file === undefined ? {} : { file }) };
}
