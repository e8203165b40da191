/**
 * `--help` texts: the list of commands, and one command's usage, options and
 * example. Built from the command table alone, so help never loads a
 * command's implementation.
 */
import type { Command, CommandInfo } from './command.js';

/** The global options every command takes, as `--help` shows them. */
export const GLOBAL_OPTION_HELP: readonly (readonly [string, string])[] = [
  ['--json', 'machine-readable output on stdout'],
  ['--home DIR', 'where keys and config.json live (SEALGATE_HOME; default ~/.sealgate)'],
  ['--gateway URL', "the gateway's URL (SEALGATE_GATEWAY, config.json; default http://127.0.0.1:7700)"],
  ['--debug', 'print the stack of a failure'],
  ['--help, -h', 'this help'],
];

/** `sealgate --help`: every command with its usage and summary. */
export function helpText(commands: readonly Command[]): string {
  const lines = commands.map((c) => {
    const usage = [...c.name, c.usage].join(' ').trimEnd();
    // A usage too long for the column puts its summary on the next line, aligned.
    return usage.length <= 52
      ? `  sealgate ${usage.padEnd(52)} ${c.summary}`
      : `  sealgate ${usage}\n  ${''.padEnd(61)} ${c.summary}`;
  });
  return [
    'usage: sealgate COMMAND [options]',
    '',
    'commands:',
    ...lines,
    '',
    'every command takes --json, --home DIR (SEALGATE_HOME), --gateway URL (SEALGATE_GATEWAY), --debug',
    "run 'sealgate COMMAND --help' for a command's options and an example",
  ].join('\n');
}

/** `sealgate COMMAND --help`: usage, summary, the command's options, the global ones, an example. */
export function commandHelp(command: CommandInfo): string {
  const own = Object.entries(command.options).map(([name, spec]): [string, string] => {
    const short = spec.short === undefined ? '' : `, -${spec.short}`;
    const value = spec.type === 'string' ? ` ${valueName(command.usage, name)}` : '';
    const repeat = spec.multiple === true ? ' (repeatable)' : '';
    return [`--${name}${value}${short}`, `${command.optionHelp?.[name] ?? ''}${repeat}`.trim()];
  });
  const table = (rows: readonly (readonly [string, string])[]) =>
    rows.map(([flag, text]) => `  ${flag.padEnd(24)} ${text}`.trimEnd());
  return [
    `usage: sealgate ${[...command.name, command.usage].join(' ').trimEnd()}`,
    command.summary,
    ...(own.length > 0 ? ['', 'options:', ...table(own)] : []),
    '',
    'global options:',
    ...table(GLOBAL_OPTION_HELP),
    '',
    'example:',
    `  ${command.example}`,
  ].join('\n');
}

/** The placeholder the usage line gives an option's value (`--data DIR` gives DIR), else its name in capitals. */
function valueName(usage: string, option: string): string {
  const escaped = option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`--${escaped} ([A-Z][A-Z0-9_]*)`).exec(usage);
  return match?.[1] ?? option.toUpperCase().replace(/-/g, '_');
}
