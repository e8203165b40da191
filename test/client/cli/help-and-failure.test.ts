/**
 * The CLI's help texts and failure lines (client/cli/help.ts, failure.ts),
 * in process: what a user reads when they ask for help or something fails.
 */
import t from 'tap';
import { PassThrough } from 'node:stream';
import { SealgateError } from '../../../attest/index.js';
import type { CommandInfo } from '../../../client/cli/index.js';
import {
  CliError,
  commandHelp,
  commands,
  describeFailure,
  helpText,
  hintFor,
  lazyCommand,
  reportFailure,
} from '../../../client/cli/index.js';

const info: CommandInfo = {
  name: ['thing', 'make'],
  usage: 'FILE --into DIR [--force]',
  summary: 'make a thing',
  options: {
    into: { type: 'string', short: 'i' },
    force: { type: 'boolean' },
    'max-size': { type: 'string' },
  },
  optionHelp: { into: 'where it goes' },
  positionals: [1, 1],
  example: 'sealgate thing make a.txt --into out',
};

t.test('a command’s help: usage, summary, options with value names, globals, example', (t) => {
  const text = commandHelp(info);
  t.match(text, /^usage: sealgate thing make FILE --into DIR \[--force\]\nmake a thing\n\noptions:\n/);
  t.match(text, /\n {2}--into DIR, -i +where it goes\n/, 'the value name comes from the usage line');
  t.match(text, /\n {2}--force\n/, 'a flag without help is listed bare');
  t.match(text, /\n {2}--max-size MAX_SIZE\n/, 'a value name not in the usage is the option in capitals');
  t.match(text, /\nglobal options:\n {2}--json/);
  t.match(text, /\nexample:\n {2}sealgate thing make a.txt --into out$/);
  const bare = commandHelp({ ...info, options: {}, usage: '' });
  t.notMatch(bare, /\noptions:/, 'no options section when there are none');
  t.match(bare, /^usage: sealgate thing make\n/);
  t.end();
});

t.test('the command list puts a long usage’s summary on its own line', (t) => {
  const long = lazyCommand({ ...info, usage: 'X '.repeat(40).trim() }, () => Promise.reject(new Error()));
  const text = helpText([...commands, long]);
  t.match(text, /\n {2}sealgate version +print the version/);
  t.match(text, /\n {2}sealgate thing make X X[X ]*\n {64}make a thing\n/);
  t.end();
});

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  const read = (s: PassThrough) => () => String(s.read() ?? '');
  return { out, err, stdout: read(out), stderr: read(err) };
}

t.test('a failure is one line with a hint; JSON on stdout with --json; a stack with --debug', (t) => {
  const unreachable = new SealgateError('CLIENT_UNREACHABLE', 'cannot reach the gateway at http://x', {
    cause: new Error('ECONNREFUSED'),
  });
  const plain = capture();
  reportFailure(unreachable, { json: false, debug: false }, plain.out, plain.err);
  t.equal(plain.stdout(), '');
  t.equal(
    plain.stderr(),
    `sealgate: cannot reach the gateway at http://x; ${hintFor('CLIENT_UNREACHABLE')} (CLIENT_UNREACHABLE)\n`,
  );

  const json = capture();
  reportFailure(
    new CliError('CLI_USAGE', '--role is required'),
    { json: true, debug: false },
    json.out,
    json.err,
  );
  t.same(JSON.parse(json.stdout()), { error: { code: 'CLI_USAGE', message: '--role is required' } });
  t.equal(json.stderr(), 'sealgate: --role is required (CLI_USAGE)\n');

  const debug = capture();
  reportFailure(unreachable, { json: false, debug: true }, debug.out, debug.err);
  t.match(
    debug.stderr(),
    /\(CLIENT_UNREACHABLE\)\nSealgateError: cannot reach[^\n]*\n\s+at [^]*\ncaused by:\nError: ECONNREFUSED/,
  );
  t.end();
});

t.test('anything that is not a sealgate error says only that it happened', (t) => {
  t.same(describeFailure(new Error('secret path /x')), {
    code: 'INTERNAL',
    message: 'unexpected failure',
    hint: 'run again with --debug for details',
  });
  t.same(describeFailure('a string'), describeFailure(new Error()));
  t.same(describeFailure(new SealgateError('X_Y', 'first\nsecond')), { code: 'X_Y', message: 'first' });
  const debug = capture();
  reportFailure('a string', { json: false, debug: true }, debug.out, debug.err);
  t.match(debug.stderr(), /\(INTERNAL\)\na string\n$/);
  t.end();
});
