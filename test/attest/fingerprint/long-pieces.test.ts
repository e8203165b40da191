import t from 'tap';
import { indexOf, rows, scanTexts } from './helpers.js';

// Pieces longer than the scanner's buffers (4096 normal-form characters, 1024
// for the normal form itself): the buffers grow and matches are still found.
// Synthetic rows from client/sdk/synthetic.ts (seed 11) via helpers.ts.
const data = rows(100);
const index = indexOf(data);

t.test('a record inside a very long ASCII piece', (t) => {
  const filler = 'lorem ipsum dolor '.repeat(400);
  const f = scanTexts(index, ['start', `${filler} ${data[3].join(',')} ${filler}`]);
  t.ok(f.some((x) => x.rule === 'exact' && x.seqs.join() === '1'));
  t.end();
});

t.test('a name inside a very long non-ASCII piece', (t) => {
  const filler = 'ｌｏｒｅｍ\u3000ｉｐｓｕｍ\u3000'.repeat(200);
  const f = scanTexts(index, [`${filler}${data[4][0].toUpperCase()}\u3000${filler}`]);
  t.ok(f.some((x) => x.rule === 'exact'));
  t.end();
});
