import t from 'tap';
import { MemoryNonceStore } from '../../../attest/index.js';

// A frozen clock the test moves by hand.
function clock(start: number) {
  let seconds = start;
  return { now: () => new Date(seconds * 1000), advance: (s: number) => (seconds += s) };
}

t.test('a nonce is accepted once per scope until it expires', async (t) => {
  const c = clock(1_700_000_000);
  const store = new MemoryNonceStore({ now: c.now });
  t.equal(await store.remember('acct_a', 'n1', 1_700_000_060), true);
  t.equal(await store.remember('acct_a', 'n1', 1_700_000_060), false, 'replay');
  t.equal(await store.remember('acct_b', 'n1', 1_700_000_060), true, 'another scope');
  c.advance(61);
  t.equal(await store.remember('acct_c', 'n2', 1_700_000_200), true);
  t.equal(store.size, 1, 'expired nonces were dropped');
  t.equal(await store.remember('acct_a', 'n1', 1_700_000_200), true, 'an expired nonce is forgotten');
});

t.test('the store is bounded and fails closed', async (t) => {
  const c = clock(1000);
  const store = new MemoryNonceStore({ maxEntries: 2, now: c.now });
  t.equal(await store.remember('s', 'a', 1100), true);
  t.equal(await store.remember('s', 'b', 1010), true);
  await t.rejects(store.remember('s', 'c', 1100), { code: 'REQUEST_NONCE_STORE_FULL' });
  t.equal(await store.remember('s', 'a', 1100), false, 'still a replay when full');
  c.advance(20);
  t.equal(await store.remember('s', 'c', 1100), true, 'room once b expired, behind an unexpired entry');
  t.equal(store.size, 2);
});

t.test('options are checked', (t) => {
  t.throws(() => new MemoryNonceStore({ maxEntries: 0 }), TypeError);
  t.ok(new MemoryNonceStore());
  t.end();
});
