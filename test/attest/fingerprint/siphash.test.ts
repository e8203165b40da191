import t from 'tap';
import { sipHash, sipKey, sipOut } from '../../../attest/fingerprint/siphash.js';

// SipHash-2-4 known answers: key 00..0f, messages 00..(n-1), from the reference
// implementation's vectors.h (github.com/veorq/SipHash), as little-endian u64.
const VECTORS: Record<number, string> = {
  0: '726fdb47dd0e0e31',
  1: '74f839c593dc67fd',
  7: 'ab0200f58b01d137',
  8: '93f5f5799a932462',
  15: 'a129ca6149be45e5',
  63: '958a324ceb064572',
};

t.test('SipHash-2-4 reference vectors', (t) => {
  const key = sipKey(Uint8Array.from({ length: 16 }, (_, i) => i));
  for (const [n, want] of Object.entries(VECTORS)) {
    const msg = Uint8Array.from({ length: Number(n) }, (_, i) => i);
    sipHash(key, msg, msg.length);
    const got = sipOut[1].toString(16).padStart(8, '0') + sipOut[0].toString(16).padStart(8, '0');
    t.equal(got, want, `length ${n}`);
  }
  t.throws(() => sipKey(new Uint8Array(8)), TypeError);
  t.end();
});
