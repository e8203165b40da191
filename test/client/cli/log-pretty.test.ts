/**
 * Pretty service logs on a terminal (client/cli/log-pretty.ts): pino's JSON
 * lines (made here, in pino's shape: level, time, pid, hostname, name, msg)
 * become one readable line each; anything else passes through.
 */
import t from 'tap';
import { PassThrough } from 'node:stream';
import { logFormatFor, prettyDestination, prettyLogLine } from '../../../client/cli/index.js';

const line = (record: object) => JSON.stringify(record);
const base = {
  level: 30,
  time: Date.UTC(2026, 10, 29, 9, 5, 7, 123),
  pid: 1,
  hostname: 'h',
  name: 'gateway',
};

t.test('a pino line as text: time, level, name, message, then the fields', (t) => {
  t.equal(
    prettyLogLine(line({ ...base, msg: 'closing', signal: 'SIGTERM', n: 3 }), { color: false }),
    '09:05:07.123 INFO  gateway: closing signal=SIGTERM n=3',
  );
  t.equal(
    prettyLogLine(line({ ...base, level: 50, msg: 'x', err: { code: 'E' }, text: 'two words', empty: '' }), {
      color: false,
    }),
    '09:05:07.123 ERROR gateway: x err={"code":"E"} text="two words" empty=""',
  );
  t.equal(prettyLogLine(line({ level: 99, time: 'nonsense' }), { color: false }), '--:--:--.--- LOG');
  t.equal(prettyLogLine(line({ msg: 'no level' }), { color: false }), '--:--:--.--- INFO  no level');
  const ESC = String.fromCharCode(27);
  t.ok(
    prettyLogLine(line({ ...base, level: 40, msg: 'w' }), { color: true }).includes(
      `${ESC}[33mWARN ${ESC}[0m`,
    ),
    'the level in its colour on a colour terminal',
  );
  t.equal(prettyLogLine('not json', { color: false }), 'not json');
  t.equal(prettyLogLine('[1,2]', { color: false }), '[1,2]');
  t.end();
});

t.test('the destination writes each record as a line; the format follows the terminal', (t) => {
  const out = new PassThrough();
  const dest = prettyDestination(out);
  dest.write(`${line({ ...base, msg: 'a' })}\n${line({ ...base, msg: 'b' })}\n`);
  t.equal(String(out.read()), '09:05:07.123 INFO  gateway: a\n09:05:07.123 INFO  gateway: b\n');
  const colored = prettyDestination(Object.assign(new PassThrough(), { hasColors: () => true }));
  t.ok(colored.write(line({ ...base, msg: 'c' })));
  t.equal(logFormatFor(undefined, true), 'pretty');
  t.equal(logFormatFor('auto', false), 'json');
  t.equal(logFormatFor('json', true), 'json');
  t.equal(logFormatFor('pretty', false), 'pretty');
  t.end();
});
