import type { ParseArgsConfig } from 'node:util';
// The envelope's light index, not attest/index.ts: start-up must not load node-forge etc. (docs/envelope.md).
import { SealgateError } from '../../attest/envelope/index.js';

/** Codes of errors the CLI itself raises (bad usage, missing files, ...). */
export type CliErrorCode = 'CLI_USAGE' | 'CLI_UNKNOWN_COMMAND' | 'CLI_IO';

/** A failure the CLI reports as one line and a non-zero exit. */
export class CliError extends SealgateError<CliErrorCode> {}

/** Options every command takes, normalised once in `main.ts`. */
export interface GlobalOptions {
  /** Machine-readable output on stdout. */
  readonly json: boolean;
  /** Where keys and local state live (`--home`, `SEALGATE_HOME`). */
  readonly home: string;
  /** The gateway's public URL (`--gateway`, `SEALGATE_GATEWAY`, `config.json`). */
  readonly gateway: string;
  /** Print the stack of a failure (`--debug`, `SEALGATE_DEBUG`). */
  readonly debug: boolean;
}

/** What a command gets to work with: the global options and its output streams. */
export interface CommandContext extends GlobalOptions {
  /** The environment the command was run with (the process's, unless a test runs it in process). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Print a result: `human` as text, or `data` as one JSON document with `--json`. */
  print(human: string, data: unknown): void;
}

export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

/** One `sealgate` command, such as `dataset encrypt`. */
export interface Command {
  /** The words that name it, e.g. `['dataset', 'encrypt']`. */
  readonly name: readonly string[];
  /** Usage after the command's name, e.g. `FILE --out OUT --key-file KEY`. */
  readonly usage: string;
  readonly summary: string;
  readonly options: CommandOptions;
  /** One line per option for `--help`, e.g. `{ out: 'where the envelope goes' }`. */
  readonly optionHelp?: Readonly<Record<string, string>>;
  /** A complete example invocation for `--help`, e.g. `sealgate version --json`. */
  readonly example: string;
  /** How many positional arguments it takes, inclusive. */
  readonly positionals: readonly [min: number, max: number];
  run(ctx: CommandContext, args: ParsedArgs): Promise<void>;
}

/** What `--help` and the argument parser need of a command: all of it but its code. */
export type CommandInfo = Omit<Command, 'run'>;

/**
 * A command whose implementation is imported only when it runs, so that
 * `sealgate version` or `--help` never load what other commands need.
 */
export function lazyCommand(info: CommandInfo, load: () => Promise<Command['run']>): Command {
  return {
    ...info,
    async run(ctx, args) {
      const run = await load();
      return run(ctx, args);
    },
  };
}

/** The value of a string option, or a usage error naming it. */
export function requireString(args: ParsedArgs, name: string): string {
  const value = args.values[name];
  if (typeof value !== 'string' || value === '') {
    throw new CliError('CLI_USAGE', `--${name} is required`);
  }
  return value;
}
