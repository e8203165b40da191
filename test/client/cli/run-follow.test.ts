/**
 * The live views (client/cli/commands/run-follow.ts, client/sdk/run-events.ts)
 * against a real gateway on loopback, run in process: `run metrics` replays
 * the metrics so far, `--follow` streams them (JSON lines with --json) until
 * the run ends, `run status --follow` prints each state change, `run cancel`
 * cancels a queued run; and the SSE parser reads the stream format.
 */
import t from 'tap';
import type tap from 'tap';
import { PassThrough } from 'node:stream';
import { commands, main } from '../../../client/cli/index.js';
import { defaultKeyPath, parseEventStream, saveKeyFile } from '../../../client/index.js';
import { listenForTest } from '../../helpers/gateway.js';
import { marketForTest } from '../../gateway/runs/market.js';
import type { Market } from '../../gateway/runs/market.js';

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

/** The buyer's CLI, in process, against `url`. */
async function buyerCli(t: Parameters<Parameters<typeof tap.test>[0]>[0], m: Market, url: string) {
  const home = t.testdir();
  await saveKeyFile(defaultKeyPath(home, 'account'), 'account', m.buyer.key);
  return async (...argv: string[]) => {
    const out = new PassThrough();
    const err = new PassThrough();
    const code = await main([...argv, '--gateway', url], commands, {
      stdout: out,
      stderr: err,
      env: { SEALGATE_HOME: home },
    });
    return { code, stdout: String(out.read() ?? ''), stderr: String(err.read() ?? '') };
  };
}
async function startedRun(m: Market) {
  const { runs } = m.gw.app.gateway;
  const q = await runs.quote(m.buyer.id, { dataset: m.dataset.id, model: m.model.id, steps: 10 });
  return runs.start(m.buyer.id, q.id);
}

t.test('run metrics replays; --follow streams until the run ends; status --follow; cancel', async (t) => {
  // The real clock: the CLI signs with it.
  const m = await marketForTest(t, 10n ** 12n, { now: () => new Date() });
  const url = await listenForTest(m.gw.app);
  const cli = await buyerCli(t, m, url);
  const { runs } = m.gw.app.gateway;
  const run = await startedRun(m);
  for (const e of ['place', 'seal', 'start'] as const) await runs.transition(run.id, e, { node: m.miner.id });
  await runs.appendMetric(run.id, { metric: 'loss', step: 1, value: 0.5 });

  const sofar = await cli('run', 'metrics', run.id, '--json');
  t.equal(sofar.code, 0, sofar.stderr);
  t.match(JSON.parse(sofar.stdout), { run: run.id, metrics: [{ metric: 'loss', step: 1, value: 0.5 }] });
  const text = await cli('run', 'metrics', run.id);
  t.match(text.stdout, /^\d\d:\d\d:\d\d step 1 loss=0\.5\n$/);

  const following = cli('run', 'metrics', run.id, '--follow', '--json');
  const status = cli('run', 'status', run.id, '--follow');
  await until(() => runs.events.subscribers(run.id) === 2);
  await runs.appendMetric(run.id, { metric: 'loss', step: 2, value: 0.25 });
  await runs.transition(run.id, 'seal-output');
  await runs.transition(run.id, 'settle', { usage: { steps: 10, cpuSeconds: 1, gpuSeconds: 0, seconds: 1 } });
  const lines = (await following).stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  t.match(
    lines.map((l) => [l.type, l.step ?? l.state]),
    [
      ['state', 'queued'],
      ['state', 'placed'],
      ['state', 'sealing'],
      ['state', 'running'],
      ['metric', 1],
      ['metric', 2],
      ['state', 'sealing-output'],
      ['state', 'settled'],
    ],
    'JSON lines: the history, then live, to the end',
  );
  const followed = await status;
  t.equal(followed.code, 0, followed.stderr);
  t.match(
    followed.stdout,
    /^\d\d:\d\d:\d\d running\n\d\d:\d\d:\d\d sealing-output\n\d\d:\d\d:\d\d settled\n/,
  );
  t.match(followed.stdout, /\nstate +settled\n/, 'then the whole run');

  const queued = await startedRun(m);
  const cancelled = await cli('run', 'cancel', queued.id, '--message', 'changed my mind');
  t.equal(cancelled.code, 0, cancelled.stderr);
  t.equal(cancelled.stdout, `cancelled ${queued.id}\n`);
  t.equal((await runs.get(queued.id)).state, 'cancelled');
  t.equal((await cli('run', 'cancel', queued.id)).code, 0, 'cancelling again changes nothing');
  const settled = await cli('run', 'cancel', run.id);
  t.equal(settled.code, 1, 'a settled run cannot be cancelled');
  t.match(settled.stderr, /^sealgate: [^\n]+\([A-Z_]+\)\n$/, 'in one line');
});

t.test('the event-stream parser: fields, comments, CRLF, multi-line data, a partial tail', (t) => {
  const { events, rest } = parseEventStream(
    ': keep-alive\n\nid: 1\nevent: state\ndata: {"a":1}\n\r\nid:2\ndata: x\ndata: y\nretry\n\nid: 3\nda',
  );
  t.same(events, [
    { id: '1', data: '{"a":1}' },
    { id: '2', data: 'x\ny' },
  ]);
  t.equal(rest, 'id: 3\nda');
  t.same(parseEventStream('event: only\n\n').events, [], 'an event without data is not dispatched');
  t.end();
});
