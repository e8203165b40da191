/**
 * The envelope's buffer pool: buffers come back only when given back, foreign
 * views are never adopted, a double give is caught, and the pool never blocks.
 */
import t from 'tap';
import { BufferPool } from '../../../client/sdk/buffer-pool.js';

t.test('a buffer given back is the next one taken; the pool keeps at most `keep` idle', (t) => {
  const pool = new BufferPool(1024, 2);
  const a = pool.take();
  const b = pool.take();
  const c = pool.take();
  t.equal(a.length, 1024);
  t.not(a.buffer, b.buffer, 'an empty pool allocates instead of blocking');
  pool.give(a.subarray(0, 10)); // a view of it is enough
  t.equal(pool.idle, 1);
  const again = pool.take();
  t.equal(again.buffer, a.buffer, 'reused');
  t.equal(again.length, 1024, 'at full size, whatever view was given back');
  pool.give(again);
  pool.give(b);
  pool.give(c);
  t.equal(pool.idle, 2, 'the third is left to the collector');
  t.end();
});

t.test('foreign buffers are ignored and a double give is a programming mistake', (t) => {
  const pool = new BufferPool(64, 4);
  pool.give(new Uint8Array(64));
  pool.give(Buffer.alloc(64));
  t.equal(pool.idle, 0, 'nothing the pool did not make is adopted');
  const a = pool.take();
  pool.give(a);
  t.throws(() => pool.give(a), TypeError);
  t.end();
});

t.test('bad sizes are refused', (t) => {
  t.throws(() => new BufferPool(0, 1), TypeError);
  t.throws(() => new BufferPool(1.5, 1), TypeError);
  t.throws(() => new BufferPool(16, 0), TypeError);
  t.end();
});
