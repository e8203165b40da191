/**
 * The CLI checks of issue 7, over EVERY command, kept fast: the whole table
 * (client's and the binary's service commands) comes from one run of
 * `sealgate --help --json`; everything else runs in this process through
 * client's runner (`main` with captured streams), which is the code the
 * binary runs. Help never loads a command's implementation, and each failure
 * below happens in the runner before any command code, so stand-ins built
 * from the real table entries behave exactly as the real commands do.
 *
 * For every command: `--help` exits 0 with its usage and an example that
 * runs that command; `--json` is accepted (the parser is strict, so an
 * unknown option would be CLI_USAGE instead); a bad gateway URL exits 1
 * with exactly one stderr line, no stack, and one JSON document on stdout;
 * a missing argument is one CLI_USAGE line. A stack appears only with --debug.
 */
import t from 'tap';
import { createServer } from 'node:net';
import type { Command, CommandInfo } from '../../../client/cli/index.js';
import { commands, lazyCommand } from '../../../client/cli/index.js';
import { runCli } from '../../helpers/cli-in-process.js';
import { sealgate } from './sealgate.js';

/** Run the runner in process over `table` with captured output and a private home. */
function run(table: readonly Command[], argv: string[], home: string) {
  return runCli(argv, { SEALGATE_HOME: home }, table);
}

/** A loopback URL where nothing listens: a port the OS handed out and that was closed again. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const ONE_LINE = (code: string) => new RegExp(`^sealgate: [^\\n]+ \\(${code}\\)\\n$`);

t.test('every command: --help with an example, --json accepted, one-line failures', async (t) => {
  const listed = await sealgate('--help', '--json');
  t.equal(listed.code, 0, listed.stderr);
  const table = (JSON.parse(listed.stdout) as { commands: CommandInfo[] }).commands;
  const names = table.map((c) => c.name.join(' '));
  for (const c of commands) t.ok(names.includes(c.name.join(' ')), `the binary offers ${c.name.join(' ')}`);
  for (const service of ['gateway start', 'node start']) t.ok(names.includes(service), `and ${service}`);
  // Stand-ins: the real entries; their code must never be reached by these checks.
  const stand = table.map((info) =>
    lazyCommand(info, () => Promise.reject(new Error(`${info.name.join(' ')} ran`))),
  );
  const home = t.testdir();

  for (const info of table) {
    const name = info.name.join(' ');
    const help = await run(stand, [...info.name, '--help'], home);
    t.equal(help.code, 0, `${name} --help exits 0`);
    t.match(help.stdout, new RegExp(`^usage: sealgate ${name}`), `${name}: usage first`);
    t.match(help.stdout, new RegExp(`\\nexample:\\n {2}sealgate ${name}[ \\n]`), `${name}: an example of it`);
    t.equal(help.stderr, '');

    const args = Array.from({ length: info.positionals[0] }, () => 'x');
    const bad = await run(stand, [...info.name, ...args, '--json', '--gateway', 'ftp://nowhere'], home);
    t.equal(bad.code, 1, `${name} --json with a bad gateway URL exits 1`);
    t.match(bad.stderr, ONE_LINE('CONFIG_INVALID'), `${name}: one line naming the code`);
    t.notMatch(bad.stderr, /\n\s+at /, 'no stack');
    t.match(JSON.parse(bad.stdout), { error: { code: 'CONFIG_INVALID', message: /--gateway/ } });

    if (info.positionals[0] > 0) {
      const missing = await run(stand, [...info.name], home);
      t.equal(missing.code, 1, `${name} without its argument exits 1`);
      t.match(missing.stderr, ONE_LINE('CLI_USAGE'));
    }
  }
});

t.test(
  'real commands fail in one line when the gateway is unreachable; --debug adds the stack',
  async (t) => {
    const home = t.testdir();
    const url = await deadUrl();
    for (const argv of [
      ['dataset', 'ls'],
      ['model', 'ls', '--json'],
      ['account', 'show', 'acct_hz3k5n7q2w4e6r7t3y2u4i6oabcdefgh'],
    ]) {
      const r = await run(commands, [...argv, '--gateway', url], home);
      t.equal(r.code, 1, `${argv.join(' ')} exits 1`);
      t.match(r.stderr, ONE_LINE('CLIENT_UNREACHABLE'));
      t.match(r.stderr, /--gateway URL/, 'it says what to do next');
    }
    const signed = await run(commands, ['run', 'status', 'run_hz3k5n7q2w4e6r7t3y2u4i6oab', '--follow'], home);
    t.match(
      signed.stderr,
      ONE_LINE('KEYSTORE_NOT_FOUND'),
      'a signed command without a key says how to make one',
    );
    const debug = await run(commands, ['dataset', 'ls', '--gateway', url, '--debug'], home);
    t.match(debug.stderr, /\(CLIENT_UNREACHABLE\)\n[^]*\n\s+at /, 'the stack only with --debug');
  },
);

t.test('--help --json is the table without code; bare --help is text', async (t) => {
  const home = t.testdir();
  const json = await run(commands, ['--help', '--json'], home);
  t.equal(json.code, 0);
  const listed = (JSON.parse(json.stdout) as { commands: CommandInfo[] }).commands;
  t.equal(listed.length, commands.length);
  t.match(
    listed.find((c) => c.name.join(' ') === 'run metrics'),
    {
      usage: 'ID [--follow]',
      options: { follow: { type: 'boolean' } },
      example: /--follow/,
    },
  );
  const text = await run(commands, ['--help'], home);
  t.match(text.stdout, /^usage: sealgate COMMAND/);
});
