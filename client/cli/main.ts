#!/usr/bin/env node
/**
 * The `sealgate` command line. Global options (`--json`, `--home`, `--gateway`)
 * are parsed here once for every command; each command lives in `commands/`.
 * On failure it prints one line and exits non-zero, never a stack.
 */
import { parseArgs } from 'node:util';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isSealgateError } from '../../attest/envelope/index.js';
import { CliError } from './command.js';
import type { Command, CommandContext, GlobalOptions } from './command.js';
import { commands } from './commands/index.js';

const globalOptions = {
  json: { type: 'boolean', default: false },
  home: { type: 'string' },
  gateway: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Find the command named by the longest prefix of `words`. */
function findCommand(words: string[]): { command: Command; rest: string[] } | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.name.every((w, i) => words[i] === w) && c.name.length > (best?.name.length ?? 0)) best = c;
  }
  return best && { command: best, rest: words.slice(best.name.length) };
}

function helpText(): string {
  const lines = commands.map((c) => `  sealgate ${[...c.name, c.usage].join(' ').padEnd(52)} ${c.summary}`);
  return [
    'usage: sealgate COMMAND [options]',
    '',
    'commands:',
    ...lines,
    '',
    'every command takes --json, --home DIR (SEALGATE_HOME), --gateway URL (SEALGATE_GATEWAY)',
  ].join('\n');
}

function normalise(values: { json?: boolean; home?: string; gateway?: string }): GlobalOptions {
  const env = process.env;
  return {
    json: values.json === true,
    home: values.home ?? env.SEALGATE_HOME ?? join(homedir(), '.sealgate'),
    gateway: values.gateway ?? env.SEALGATE_GATEWAY ?? 'http://127.0.0.1:8080',
  };
}

/** Run the CLI with `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const words = argv.filter((a) => !a.startsWith('-'));
  const found = findCommand(words.slice(0, 3));
  let opts: GlobalOptions = normalise({ json: argv.includes('--json') });
  try {
    if (!found) {
      if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
        process.stdout.write(helpText() + '\n');
        return argv.length === 0 ? 2 : 0;
      }
      throw new CliError('CLI_UNKNOWN_COMMAND', `unknown command '${words.join(' ')}' (try sealgate --help)`);
    }
    const { command } = found;
    const args = argv.slice();
    for (const w of command.name) args.splice(args.indexOf(w), 1);
    let parsed;
    try {
      parsed = parseArgs({
        args,
        options: { ...globalOptions, ...command.options },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw new CliError('CLI_USAGE', (err as Error).message.split('\n')[0] ?? 'bad arguments');
    }
    opts = normalise(parsed.values);
    if (parsed.values.help === true) {
      process.stdout.write(
        `usage: sealgate ${command.name.join(' ')} ${command.usage}\n${command.summary}\n`,
      );
      return 0;
    }
    const [min, max] = command.positionals;
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new CliError('CLI_USAGE', `usage: sealgate ${command.name.join(' ')} ${command.usage}`);
    }
    await command.run(context(opts), parsed);
    return 0;
  } catch (err) {
    reportFailure(opts, err);
    return 1;
  }
}

function context(opts: GlobalOptions): CommandContext {
  return {
    ...opts,
    stdout: process.stdout,
    stderr: process.stderr,
    print(human, data) {
      process.stdout.write(opts.json ? JSON.stringify(data) + '\n' : human + '\n');
    },
  };
}

function reportFailure(opts: GlobalOptions, err: unknown): void {
  const code = isSealgateError(err) ? err.code : 'INTERNAL';
  const message = isSealgateError(err) ? err.message : 'unexpected failure';
  if (!isSealgateError(err) && process.env.SEALGATE_DEBUG) console.error(err);
  if (opts.json) process.stdout.write(JSON.stringify({ error: { code, message } }) + '\n');
  process.stderr.write(`sealgate: ${message} (${code})\n`);
}

const entry = process.argv[1];
if (entry !== undefined && realpathSync(entry) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
