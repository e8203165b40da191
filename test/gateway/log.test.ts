import t from 'tap';
import { Writable } from 'node:stream';
import { createLogger } from '../../gateway/index.js';
import { REDACTED_FIELDS } from '../../policies/index.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

t.test('every redacted field is censored at the top level and one level down', (t) => {
  const { lines, stream } = capture();
  const log = createLogger({ level: 'info' }, stream);
  for (const field of REDACTED_FIELDS) {
    log.info({ [field]: 'SECRET', req: { [field]: 'SECRET', route: '/v1/runs' }, runId: 'run_1' }, 'event');
  }
  t.equal(lines.length, REDACTED_FIELDS.length);
  for (const line of lines) {
    t.notMatch(JSON.stringify(line), /SECRET/);
    t.equal(line.runId, 'run_1', 'other fields stay');
    t.match(line.req, { route: '/v1/runs' });
  }
  t.end();
});
