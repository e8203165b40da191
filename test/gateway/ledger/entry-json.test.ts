import t from 'tap';
import fc from 'fast-check';
import { canonicalizeBytes } from '../../../attest/index.js';
import type { EntryBody } from '../../../gateway/ledger/codec.js';
import { entryHash } from '../../../gateway/ledger/codec.js';
import { committedEntryHash, entryBodyJson } from '../../../gateway/ledger/entry-json.js';
import { TRANSACTION_KINDS } from '../../../gateway/ledger/types.js';

// The specialised serialiser must give the RFC 8785 canonicaliser's bytes for
// every entry body a commit can build; bodies are generated here by fast-check.

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Any well-formed text, including quotes, backslashes, control and astral characters.
const text = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !LONE_SURROGATE.test(s));
const count = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const hex = fc.stringMatching(/^[0-9a-f]{64}$/);

const bodyArb: fc.Arbitrary<EntryBody> = fc
  .record(
    {
      seq: count,
      group: count,
      key: fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
      kind: fc.constantFrom(...TRANSACTION_KINDS),
      postings: fc.array(
        fc.record({
          account: fc.stringMatching(/^[a-z]+(:[A-Za-z0-9_.-]+)?$/),
          amount: fc.bigInt({ min: -(2n ** 127n) + 1n, max: 2n ** 127n - 1n }).map(String),
        }),
        { minLength: 2, maxLength: 8 },
      ),
      memo: text,
      ref: text,
      meta: fc.dictionary(text, text, { maxKeys: 6 }),
      time: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      prevHash: hex,
    },
    { requiredKeys: ['seq', 'group', 'key', 'kind', 'postings', 'time', 'prevHash'] },
  )
  .map((b) => b as EntryBody);

const canonical = (body: EntryBody): string => new TextDecoder().decode(canonicalizeBytes(body));

t.test('a settlement body gives the canonicaliser bytes (the bench shape)', (t) => {
  // hand-written from bench/ledger.ts's settlement of run 7
  const body: EntryBody = {
    seq: 2001,
    group: 2001,
    key: 'settle:run_7',
    kind: 'settle',
    postings: [
      { account: 'escrow:run_7', amount: '-707' },
      { account: 'user:seller', amount: '424' },
    ],
    ref: 'run_7',
    meta: { split: '6000/1500/2000/500', rate: '1' },
    time: '2025-01-02T03:04:05.000Z',
    prevHash: '0'.repeat(64),
  };
  t.equal(entryBodyJson(body), canonical(body));
  t.equal(committedEntryHash(body), entryHash(body));
  t.end();
});

t.test('random bodies: byte-identical to RFC 8785 and the same hash', (t) => {
  fc.assert(
    fc.property(bodyArb, (body) => {
      const json = entryBodyJson(body);
      if (json !== canonical(body)) throw new Error(`differs: ${json}`);
      if (committedEntryHash(body) !== entryHash(body)) throw new Error('hash differs');
    }),
    { numRuns: 2000, seed: 3 },
  );
  t.pass('2000 bodies');
  t.end();
});
