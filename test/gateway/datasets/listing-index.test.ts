/**
 * The in-memory listing index on its own: ids inserted out of order still page
 * newest first, a replaced record keeps its place, delisting removes it, and
 * a cursor that names no listing still pages from its position.
 */
import t from 'tap';
import { parseDatasetPolicy } from '../../../policies/index.js';
import { ListingIndex } from '../../../gateway/index.js';
import type { DatasetRecord } from '../../../gateway/index.js';

// ids in the gateway's format (gateway/ids.ts); their order is their letters' order
const id = (c: string): string => `ds_${c.repeat(26)}`;

function record(c: string, over: Partial<DatasetRecord> = {}): DatasetRecord {
  return {
    id: id(c),
    seller: 'acct_a',
    title: `title ${c}`,
    description: '',
    schema: [],
    price: '10',
    policy: parseDatasetPolicy({}),
    blob: { digest: `sha256:${'0'.repeat(64)}`, size: 1 },
    key: { keyId: '0'.repeat(32), custody: 'broker', wrapped: '' },
    status: 'listed',
    runs: 0,
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    ...over,
  };
}

t.test('out-of-order inserts, replacement and removal keep newest-first order', (t) => {
  const index = new ListingIndex();
  for (const c of ['c', 'a', 'e', 'b', 'd']) index.set(record(c));
  const ids = () => index.page({}, 50).items.map((r) => r.id);
  t.same(ids(), ['e', 'd', 'c', 'b', 'a'].map(id));
  index.set(record('c', { price: '99' }));
  t.equal(index.size, 5, 'a replaced record is not added twice');
  t.equal(index.page({ maxPrice: 98n }, 50).items.length, 4);
  index.set(record('c', { status: 'delisted' }));
  index.set(record('z', { status: 'delisted' }));
  t.same(ids(), ['e', 'd', 'b', 'a'].map(id), 'delisted records leave; unknown delisted ones are ignored');
  t.same(
    index.page({}, 2, id('c')).items.map((r) => r.id),
    [id('b'), id('a')],
    'a cursor naming no listing pages from its position',
  );
  t.same(index.page({}, 2, id('a')), { items: [], next: null });
  t.end();
});
