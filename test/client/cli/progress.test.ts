import t from 'tap';
import { createProgress, renderProgress } from '../../../client/cli/progress.js';

/** A fake stream that records what is written, a terminal or not. */
function sink(isTTY: boolean) {
  const writes: string[] = [];
  return {
    writes,
    stream: Object.assign(Object.create(null) as NodeJS.WritableStream, {
      isTTY,
      columns: 200,
      write: (s: string) => writes.push(s) > 0,
    }),
  };
}

t.test('renders label, bar, percentage, bytes and rate', (t) => {
  const MiB = 1024 * 1024;
  t.equal(
    renderProgress('encrypting a.csv', 512 * MiB, 1024 * MiB, 2000),
    'encrypting a.csv [############------------]  50% 512.0/1024.0 MiB 256 MiB/s',
  );
  t.equal(renderProgress('x', 0, 0, 0), 'x [########################] 100% 0.0/0.0 MiB 0 MiB/s');
  t.end();
});

t.test('draws nothing when the stream is not a terminal', (t) => {
  const { writes, stream } = sink(false);
  const p = createProgress(stream, { label: 'x', total: 100 });
  p.update(50);
  p.finish();
  t.same(writes, []);
  t.end();
});

t.test('on a terminal: redraws in place at most every interval, clears on finish', (t) => {
  const { writes, stream } = sink(true);
  let now = 0;
  const p = createProgress(stream, { label: 'x', total: 100, intervalMs: 100, now: () => now });
  p.update(10);
  now = 50;
  p.update(20); // too soon: skipped
  now = 150;
  p.update(30);
  p.update(100); // the last update always draws
  p.finish();
  t.equal(writes.length, 4);
  t.ok(writes.slice(0, 3).every((w) => w.startsWith('\r') && w.endsWith('\x1b[K')));
  t.match(writes[1], / 30% /);
  t.match(writes[2], / 100% /);
  t.equal(writes[3], '\r\x1b[K');
  p.finish();
  t.equal(writes.length, 4, 'finish clears only once');
  t.end();
});

t.test('a bar that never drew leaves no trace, and long lines are cut to the terminal', (t) => {
  const { writes, stream } = sink(true);
  createProgress(stream, { label: 'x', total: 1 }).finish();
  t.same(writes, []);
  const narrow = createProgress(stream, { label: 'a very long label', total: 1, columns: 20 });
  narrow.update(1);
  t.equal(writes[0], '\r' + 'a very long label [#'.slice(0, 19) + '\x1b[K');
  t.end();
});
