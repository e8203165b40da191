import t from 'tap';
import { DEFAULT_SCAN, Scanner } from '../../../attest/index.js';
import { indexOf, rows } from './helpers.js';

// Zero false positives: honest metric streams (names 'loss' and 'accuracy',
// float values, integer steps, log lines with numbers) against an index of
// 100k synthetic rows give no finding.
const index = indexOf(rows(100_000, 5));

// A deterministic pseudo-random generator for the honest values (xorshift32).
let state = 0x2545f491;
const random = (): number => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
};

t.test('honest metric and log streams raise nothing', (t) => {
  const s = new Scanner(index, DEFAULT_SCAN);
  const found = [];
  let seq = 0;
  for (let step = 0; step < 4000; step++) {
    const loss = Math.exp(-step / 1000) * (0.7 + 0.1 * random());
    const accuracy = 0.5 + 0.3 * (1 - Math.exp(-step / 800)) + 0.01 * random();
    found.push(...s.push({ seq: seq++, kind: 'text', text: 'loss' }));
    found.push(...s.push({ seq: seq++, kind: 'number', value: loss }));
    found.push(...s.push({ seq: seq++, kind: 'text', text: 'accuracy' }));
    found.push(...s.push({ seq: seq++, kind: 'number', value: accuracy }));
    found.push(...s.push({ seq: seq++, kind: 'text', text: 'step' }));
    found.push(...s.push({ seq: seq++, kind: 'number', value: step }));
    if (step % 4 === 0) {
      const text = `step ${step} loss ${loss} accuracy ${accuracy.toFixed(4)} lr ${1e-3 * random()} seed ${Math.floor(random() * 1e9)}`;
      found.push(...s.push({ seq: seq++, kind: 'text', text }));
    }
  }
  found.push(...s.end());
  t.same(found, [], `${seq} pieces, no finding`);
  t.end();
});
