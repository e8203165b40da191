/**
 * Listing pages and their cursors rely on gateway/ids.ts: an id's string
 * order (LevelDB's key order) must be its creation order, across every
 * character boundary of the time part, and ids keep their `[a-z2-7]` pattern.
 */
import t from 'tap';
import { idPattern, newId } from '../../../gateway/ids.js';

t.test('ids sort by creation time, millisecond by millisecond', (t) => {
  const pattern = new RegExp(idPattern('ds'));
  const start = Date.parse('2024-06-01T00:00:00Z');
  let previous = newId('ds', new Date(start - 1));
  let unordered = 0;
  for (let ms = start; ms < start + 5000; ms++) {
    const id = newId('ds', new Date(ms));
    if (!(previous.slice(0, 13) < id.slice(0, 13))) unordered++;
    if (!pattern.test(id)) t.fail(`${id} does not match ${pattern}`);
    previous = id;
  }
  t.equal(unordered, 0, 'every later millisecond sorts after the one before');
  // far-apart times too, including a carry across every character
  const times = [0, 31, 32, 1023, 1024, 2 ** 40, Date.parse('2099-12-31T23:59:59.999Z')];
  const ids = times.map((ms) => newId('ds', new Date(ms)).slice(0, 13));
  t.same([...ids].sort(), ids);
  t.end();
});
