/**
 * The supervisor's lines are untrusted (hostile model code shares the
 * container): each parses to a typed message or fails with
 * AGENT_SUPERVISOR_PROTOCOL. And metric batching: 100 records or 250 ms.
 */
import { Readable } from 'node:stream';
import t from 'tap';
import type { AgentMetricRecord as MetricRecord, SupervisorMessage } from '../../../enclave-runtime/index.js';
import {
  MetricBatcher,
  METRIC_BATCH_RECORDS,
  jsonLines,
  parseSupervisorLine,
} from '../../../enclave-runtime/index.js';

t.test('well-formed messages parse', (t) => {
  t.same(parseSupervisorLine('{"t":"metric","metric":"loss","step":3,"value":0.5}'), {
    t: 'metric',
    metric: 'loss',
    step: 3,
    value: 0.5,
  });
  t.equal(parseSupervisorLine('{"t":"error","code":"SUPERVISOR_KEY","message":"bad key"}').t, 'error');
  t.equal(
    parseSupervisorLine(
      '{"t":"exit","code":null,"signal":"SIGKILL","steps":0,"cpuSeconds":0,"dropped":2,"wiped":true}',
    ).t,
    'exit',
  );
  t.end();
});

t.test('malformed lines are refused with AGENT_SUPERVISOR_PROTOCOL', (t) => {
  for (const line of [
    'not json',
    '[1]',
    '{"t":"nope"}',
    '{"t":"__proto__"}',
    '{"t":"metric","metric":"loss","step":1.5,"value":1}',
    '{"t":"metric","metric":"loss","step":1,"value":"1"}',
    '{"t":"hello","publicKey":"!!","version":"1"}',
    '{"t":"output","chunk":"not base64!"}',
    '{"t":"output-end","digest":"md5:x","size":1,"wrappedKey":"a","keyId":"k"}',
    '{"t":"error","code":"RUN_OOM","message":"a supervisor may only use its own codes"}',
    '{"t":"exit","code":0,"signal":null,"steps":-1,"cpuSeconds":0,"dropped":0,"wiped":true}',
    // every field of the supervisor's type, and no other (docs/node-protocol.md section 5)
    '{"t":"exit","code":0,"signal":null,"steps":0,"cpuSeconds":0,"dropped":0}',
    '{"t":"exit","code":0,"signal":null,"steps":0,"cpuSeconds":0,"dropped":0,"wiped":"yes"}',
    '{"t":"exit","code":0,"signal":null,"steps":0,"cpuSeconds":0,"dropped":0,"wiped":true,"x":1}',
    '{"t":"started","leak":"a record"}',
    '{"t":"answer","index":0,"value":"a"}',
    '{"t":"answer","index":0}',
  ]) {
    t.throws(
      () => parseSupervisorLine(line),
      { name: 'AgentError', code: 'AGENT_SUPERVISOR_PROTOCOL' },
      line,
    );
  }
  t.end();
});

t.test('lines split across chunks join; an endless line is refused', async (t) => {
  const got: SupervisorMessage[] = [];
  const euro = Buffer.from('{"t":"hello","publicKey":"AAAA","version":"€1"}\n{"t":"started"}');
  // split inside the multi-byte euro sign
  const at = euro.indexOf(0xe2) + 1;
  for await (const m of jsonLines(Readable.from([euro.subarray(0, at), euro.subarray(at)]))) got.push(m);
  t.same(got, [{ t: 'hello', publicKey: 'AAAA', version: '€1' }, { t: 'started' }]);
  const endless = Readable.from([Buffer.alloc(200 * 1024, 0x61)]);
  await t.rejects(
    (async () => {
      for await (const m of jsonLines(endless)) got.push(m);
    })(),
    { code: 'AGENT_SUPERVISOR_PROTOCOL' },
  );
});

t.test('metrics go in ordered batches of at most 100, the rest on close', async (t) => {
  const batches: MetricRecord[][] = [];
  const batcher = new MetricBatcher({
    send: async (records) => {
      batches.push(records);
      await new Promise((r) => setImmediate(r));
    },
    onError: () => t.fail('no error expected'),
    maxDelayMs: 60_000, // only count and close trigger here
  });
  for (let step = 0; step < 250; step++) batcher.add({ metric: 'loss', step, value: step });
  await batcher.close();
  t.same(
    batches.map((b) => b.length),
    [METRIC_BATCH_RECORDS, METRIC_BATCH_RECORDS, 50],
  );
  t.same(
    batches.flat().map((r) => r.step),
    Array.from({ length: 250 }, (_, i) => i),
    'in order',
  );
});

t.test('a partial batch is sent after the delay, and a failed send does not stop the next', async (t) => {
  const batches: MetricRecord[][] = [];
  const errors: unknown[] = [];
  let first = true;
  const batcher = new MetricBatcher({
    send: (records) => {
      if (first) {
        first = false;
        return Promise.reject(new Error('503'));
      }
      batches.push(records);
      return Promise.resolve();
    },
    onError: (err) => errors.push(err),
    maxDelayMs: 1,
  });
  batcher.add({ metric: 'loss', step: 1, value: 1 });
  while (errors.length === 0) await new Promise((r) => setTimeout(r, 2));
  batcher.add({ metric: 'loss', step: 2, value: 2 });
  while (batches.length === 0) await new Promise((r) => setTimeout(r, 2));
  await batcher.close();
  t.same(batches, [[{ metric: 'loss', step: 2, value: 2 }]]);
  t.equal(errors.length, 1);
});

t.test('egress messages: log and refused parse; a bad reason is a protocol error', (t) => {
  t.same(parseSupervisorLine('{"t":"log","text":"epoch 1"}'), { t: 'log', text: 'epoch 1' });
  t.same(parseSupervisorLine('{"t":"refused","reason":"overlong","bytes":5000}'), {
    t: 'refused',
    reason: 'overlong',
    bytes: 5000,
  });
  t.throws(() => parseSupervisorLine('{"t":"refused","reason":"secret","bytes":1}'), {
    code: 'AGENT_SUPERVISOR_PROTOCOL',
  });
  t.throws(() => parseSupervisorLine('{"t":"log","text":7}'), { code: 'AGENT_SUPERVISOR_PROTOCOL' });
  t.end();
});

t.test('a batcher told to stop sends nothing more and says so once', async (t) => {
  const sent: number[][] = [];
  let stops = 0;
  const batcher = new MetricBatcher<{ seq: number }>({
    send: (records) => {
      sent.push(records.map((r) => r.seq));
      return Promise.resolve({ stop: true });
    },
    onStop: () => (stops += 1),
    onError: () => t.fail('no error expected'),
    maxRecords: 2,
    maxDelayMs: 60_000,
  });
  for (let seq = 0; seq < 6; seq++) batcher.add({ seq });
  await batcher.close();
  t.same(sent, [[0, 1]]);
  t.equal(stops, 1);
});
