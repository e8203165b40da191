/**
 * The `sealgate` command-line runner. Global options (`--json`, `--home`,
 * `--gateway`, `--debug`) are parsed and resolved here once for every command
 * (flag > environment > config file > default, client/config.ts); each
 * command lives in a command table. On failure it prints one line and exits
 * non-zero, never a stack unless asked. The binary itself is bin/sealgate.ts,
 * which hands this runner client's commands plus the service commands.
 */
import { parseArgs } from 'node:util';
import { resolveSettings } from '../config.js';
import { CliError } from './command.js';
import type { Command, CommandContext, GlobalOptions } from './command.js';
import { reportFailure } from './failure.js';
import { commandHelp, helpText } from './help.js';

const globalOptions = {
  json: { type: 'boolean', default: false },
  home: { type: 'string' },
  gateway: { type: 'string' },
  debug: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Find the command named by the longest prefix of `words`. */
function findCommand(commands: readonly Command[], words: string[]): Command | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.name.every((w, i) => words[i] === w) && c.name.length > (best?.name.length ?? 0)) best = c;
  }
  return best;
}

/** Global options that take a value: the word after them is not a command word. */
const VALUE_OPTIONS = new Set(['--home', '--gateway']);

/** Indexes of the words that are neither options nor a global option's value: the command's name comes first. */
function wordIndexes(argv: readonly string[]): number[] {
  return [...argv.keys()].filter((i) => !argv[i].startsWith('-') && !VALUE_OPTIONS.has(argv[i - 1] ?? ''));
}

/** Where the runner reads and writes; the process's own by default (tests run commands in process). */
export interface CliIo {
  readonly stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The command table as `sealgate --help --json` prints it: everything but the code. */
function tableOf(commands: readonly Command[]): unknown {
  return commands.map(({ name, usage, summary, options, optionHelp, example, positionals }) => ({
    name,
    usage,
    summary,
    options,
    ...(optionHelp === undefined ? {} : { optionHelp }),
    example,
    positionals,
  }));
}

/**
 * Run the CLI with `argv` (without `node` and the script) over `commands`;
 * resolves to the exit code: 0 on success, 1 on failure, 2 for a bare
 * `sealgate`.
 */
export async function main(
  argv: readonly string[],
  commands: readonly Command[],
  io: CliIo = {},
): Promise<number> {
  const env = io.env ?? process.env;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let flags = {
    json: argv.includes('--json'),
    debug: argv.includes('--debug') || Boolean(env.SEALGATE_DEBUG),
  };
  try {
    const indexes = wordIndexes(argv);
    const words = indexes.map((i) => argv[i]);
    const command = findCommand(commands, words);
    if (!command) {
      if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
        // --json: the whole table, for tools (completion, docs, the CLI checks in test/)
        stdout.write(
          (flags.json ? JSON.stringify({ commands: tableOf(commands) }) : helpText(commands)) + '\n',
        );
        return argv.length === 0 ? 2 : 0;
      }
      const named = words.length > 0 ? words.join(' ') : argv.join(' ');
      throw new CliError('CLI_UNKNOWN_COMMAND', `unknown command '${named}' (try sealgate --help)`);
    }
    let parsed;
    try {
      parsed = parseArgs({
        args: argv.filter((_, i) => !indexes.slice(0, command.name.length).includes(i)),
        options: { ...globalOptions, ...command.options },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw new CliError('CLI_USAGE', (err as Error).message.split('\n')[0] ?? 'bad arguments');
    }
    const values = parsed.values;
    flags = { json: values.json === true, debug: values.debug === true || flags.debug };
    if (values.help === true) {
      stdout.write(commandHelp(command) + '\n');
      return 0;
    }
    const [min, max] = command.positionals;
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new CliError(
        'CLI_USAGE',
        `usage: sealgate ${[...command.name, command.usage].join(' ').trimEnd()} (see --help)`,
      );
    }
    const settings = resolveSettings({ home: values.home, gateway: values.gateway }, env);
    const ctx = context({ ...flags, home: settings.home, gateway: settings.gateway }, env, stdout, stderr);
    await command.run(ctx, parsed);
    return 0;
  } catch (err) {
    reportFailure(err, flags, stdout, stderr);
    return 1;
  }
}

function context(
  opts: GlobalOptions,
  env: NonNullable<CliIo['env']>,
  stdout: NonNullable<CliIo['stdout']>,
  stderr: NonNullable<CliIo['stderr']>,
): CommandContext {
  return {
    ...opts,
    env,
    stdout,
    stderr,
    print(human, data) {
      stdout.write(opts.json ? JSON.stringify(data) + '\n' : human + '\n');
    },
  };
}
