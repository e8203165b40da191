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

/** Where a run of the CLI reads its environment and writes its output. */
export interface CliIo {
  readonly stdout: CommandContext['stdout'];
  readonly stderr: CommandContext['stderr'];
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * Run the CLI with `argv` (without `node` and the script) over `commands`;
 * resolves to the exit code: 0 on success, 1 on failure, 2 for a bare
 * `sealgate`. `io` defaults to the process's streams and environment; tests
 * pass their own to run many commands in one process.
 */
export async function main(
  argv: readonly string[],
  commands: readonly Command[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const { env } = io;
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
        io.stdout.write(helpText(commands) + '\n');
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
      io.stdout.write(commandHelp(command) + '\n');
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
    await command.run(context({ ...flags, home: settings.home, gateway: settings.gateway }, io), parsed);
    return 0;
  } catch (err) {
    reportFailure(err, flags, io.stdout, io.stderr);
    return 1;
  }
}

function context(opts: GlobalOptions, io: CliIo): CommandContext {
  return {
    ...opts,
    stdout: io.stdout,
    stderr: io.stderr,
    print(human, data) {
      io.stdout.write(opts.json ? JSON.stringify(data) + '\n' : human + '\n');
    },
  };
}
