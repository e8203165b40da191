/**
 * GET /v1/runs/:id/events through a real loopback listener and the client
 * SDK (app.inject cannot stream): the current state first, then every
 * transition and metric as it happens, the end after a final state, a resume
 * from Last-Event-ID, buyer-only access, and streams that end when the
 * client goes away or the gateway closes.
 */
import t from 'tap';
import type { TestAccount } from '../../helpers/gateway.js';
import { listenForTest } from '../../helpers/gateway.js';
import { GatewayClient } from '../../../client/index.js';
import type { Market } from './market.js';
import { marketForTest } from './market.js';

interface Frame {
  id: string;
  event: string;
  data: { seq: number; type: string; state?: string; metric?: string; step?: number; value?: number };
}

/** Reads server-sent events (HTML Living Standard, "Server-sent events": the parts we emit). */
class SseReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** The next event, or undefined when the stream ended. */
  async next(): Promise<Frame | undefined> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        if (block.startsWith(':')) continue; // a comment (keepalive)
        const fields = Object.fromEntries(
          block.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
        );
        return { id: fields.id, event: fields.event, data: JSON.parse(fields.data) as Frame['data'] };
      }
      const { done, value } = await this.reader.read();
      if (done) return undefined;
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

async function follow(
  m: Market,
  base: string,
  who: TestAccount,
  runId: string,
  lastEventId?: string,
  query = '',
) {
  const client = new GatewayClient({ gateway: base, key: who.key, now: () => m.gw.app.gateway.now() });
  const res = await client.send('GET', `/v1/runs/${runId}/events${query}`, {
    ...(lastEventId === undefined ? {} : { headers: { 'last-event-id': lastEventId } }),
  });
  return { res, events: new SseReader((res.body as ReadableStream<Uint8Array>).getReader()) };
}

async function startedRun(m: Market) {
  const { runs } = m.gw.app.gateway;
  const q = await runs.quote(m.buyer.id, { dataset: m.dataset.id, model: m.model.id, steps: 10 });
  return runs.start(m.buyer.id, q.id);
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

t.test(
  'a follower sees the current state, then every event live, and the stream ends when the run does',
  async (t) => {
    const m = await marketForTest(t);
    const base = await listenForTest(m.gw.app);
    const { runs } = m.gw.app.gateway;
    const run = await startedRun(m);
    await runs.transition(run.id, 'place', { node: m.miner.id });

    const { res, events } = await follow(m, base, m.buyer, run.id);
    t.match(res.headers.get('content-type'), /^text\/event-stream/);
    t.same(await events.next(), {
      id: '2',
      event: 'state',
      data: { seq: 2, type: 'state', state: 'placed', at: m.gw.app.gateway.now().toISOString() },
    });
    await until(() => runs.events.subscribers(run.id) === 1);

    await runs.transition(run.id, 'seal');
    t.match(await events.next(), { id: '3', event: 'state', data: { state: 'sealing' } });
    await runs.transition(run.id, 'start');
    await runs.appendMetric(run.id, { metric: 'loss', step: 1, value: 0.75 });
    t.match(await events.next(), { id: '4', data: { state: 'running' } });
    t.match(await events.next(), {
      id: '5',
      event: 'metric',
      data: { metric: 'loss', step: 1, value: 0.75 },
    });
    await runs.transition(run.id, 'seal-output');
    await runs.transition(run.id, 'settle', {
      usage: { steps: 10, cpuSeconds: 1, gpuSeconds: 0, seconds: 1 },
    });
    t.match(await events.next(), { id: '6', data: { state: 'sealing-output' } });
    t.match(await events.next(), { id: '7', data: { state: 'settled' } });
    t.equal(await events.next(), undefined, 'the stream ends after a final state');
    await until(() => runs.events.subscribers(run.id) === 0);
    t.pass('the follower unsubscribed');
  },
);

t.test('a reconnect with Last-Event-ID resumes after it; a finished run replays and ends', async (t) => {
  const m = await marketForTest(t);
  const base = await listenForTest(m.gw.app);
  const { runs } = m.gw.app.gateway;
  const run = await startedRun(m);
  for (const e of ['place', 'seal', 'start'] as const) await runs.transition(run.id, e, { node: m.miner.id });
  for (let step = 1; step <= 3; step++)
    await runs.appendMetric(run.id, { metric: 'loss', step, value: 1 / step });

  const first = await follow(m, base, m.buyer, run.id, '3');
  const seen = [];
  for (let i = 0; i < 4; i++) seen.push((await first.events.next())?.id);
  t.same(seen, ['4', '5', '6', '7'], 'the stored events after 3');
  await runs.appendMetric(run.id, { metric: 'loss', step: 4, value: 0.2 });
  t.match(await first.events.next(), { id: '8', data: { step: 4 } }, 'then live');
  await first.events.cancel();
  await until(() => runs.events.subscribers(run.id) === 0);

  await runs.appendMetric(run.id, { metric: 'loss', step: 5, value: 0.1 }); // missed while away
  await runs.transition(run.id, 'fail', { reason: { code: 'NODE_LOST', message: 'gone' } });
  const second = await follow(m, base, m.buyer, run.id, '8');
  t.match(await second.events.next(), { id: '9', data: { step: 5 } });
  t.match(await second.events.next(), { id: '10', data: { state: 'failed', reason: { code: 'NODE_LOST' } } });
  t.equal(await second.events.next(), undefined);

  const fresh = await follow(m, base, m.buyer, run.id);
  t.match(await fresh.events.next(), {
    id: '10',
    data: { state: 'failed', reason: { code: 'NODE_LOST', message: 'gone' } },
  });
  t.equal(await fresh.events.next(), undefined, 'a final run: its state, then the end');

  const garbage = await follow(m, base, m.buyer, run.id, 'not-a-number');
  t.match(
    await garbage.events.next(),
    { id: '10' },
    'an unreadable Last-Event-ID counts as a fresh follower',
  );
});

t.test('?live=false ends the stream after the stored events, though the run goes on', async (t) => {
  const m = await marketForTest(t);
  const base = await listenForTest(m.gw.app);
  const { runs } = m.gw.app.gateway;
  const run = await startedRun(m);
  for (const e of ['place', 'seal', 'start'] as const) await runs.transition(run.id, e, { node: m.miner.id });
  await runs.appendMetric(run.id, { metric: 'loss', step: 1, value: 0.5 });

  const history = await follow(m, base, m.buyer, run.id, '0', '?live=false');
  const ids = [];
  for (let e = await history.events.next(); e !== undefined; e = await history.events.next()) ids.push(e.id);
  t.same(ids, ['1', '2', '3', '4', '5'], 'every stored event, then the end');
  t.equal(runs.events.subscribers(run.id), 0, 'nothing stays subscribed');
  t.equal((await runs.get(run.id)).state, 'running', 'the run itself goes on');

  await t.rejects(
    follow(m, base, m.buyer, run.id, '0', '?live=maybe'),
    { code: 'HTTP_INVALID', status: 400 },
    'a live that is not a boolean is a 400',
  );
});

t.test('only the buyer follows a run', async (t) => {
  const m = await marketForTest(t);
  const base = await listenForTest(m.gw.app);
  const run = await startedRun(m);
  const other = await m.gw.account('buyer');
  await t.rejects(follow(m, base, other, run.id), {
    name: 'GatewayRequestError',
    code: 'RUN_NOT_FOUND',
    status: 404,
  });
  await t.rejects(follow(m, base, m.seller, run.id), { code: 'RUN_BUYER_ONLY', status: 403 });
  const anonymous = await fetch(`${base}/v1/runs/${run.id}/events`);
  t.equal(anonymous.status, 401);
  t.equal(m.gw.app.gateway.runs.events.subscribers(run.id), 0, 'no refused follower subscribed');
});

t.test('closing the gateway ends open streams', async (t) => {
  const m = await marketForTest(t);
  const base = await listenForTest(m.gw.app);
  const run = await startedRun(m);
  const { events } = await follow(m, base, m.buyer, run.id);
  t.match(await events.next(), { data: { state: 'queued' } });
  await m.gw.app.close();
  t.equal(await events.next(), undefined, 'the stream ended and close did not hang');
});
