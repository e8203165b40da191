import t from 'tap';
import { PkiError, REVOCATION_REASONS, RevocationList } from '../../../attest/index.js';

// The revocation list: a pure value keyed by canonical serial, serialisable,
// and strict when it reads a serialised list back. Serials are made up.

const T1 = new Date('2030-01-15T12:00:00.000Z');
const T2 = new Date('2030-02-01T08:30:00.250Z');
const fail = (code: string) => ({ constructor: PkiError, code });

t.test('revoke, look up, and keep the first revocation', (t) => {
  const list = new RevocationList();
  t.equal(list.size, 0);
  t.equal(list.revoke('0A1B', { reason: 'keyCompromise', time: T1 }), true);
  t.equal(list.revoke('000a1b', { reason: 'superseded', time: T2 }), false, 'already revoked');
  t.same(list.lookup('0a1b'), { reason: 'keyCompromise', time: T1 });
  t.same(list.lookup('00000A1B'), { reason: 'keyCompromise', time: T1 }, 'any spelling of the serial');
  t.equal(list.lookup('0a1c'), undefined);
  t.equal(list.lookup('not hex'), undefined);
  t.equal(list.size, 1);
  const found = list.lookup('0a1b');
  found?.time.setTime(0);
  t.same(list.lookup('0a1b')?.time, T1, 'callers get copies');
  t.end();
});

t.test('bad revocations are programming mistakes', (t) => {
  const list = new RevocationList();
  t.throws(() => list.revoke('xyz', { reason: 'unspecified', time: T1 }), TypeError);
  t.throws(() => list.revoke('ab'.repeat(22), { reason: 'unspecified', time: T1 }), TypeError);
  t.throws(() => list.revoke('0a', { reason: 'certificateHold' as never, time: T1 }), TypeError, 'no holds');
  t.throws(() => list.revoke('0a', { reason: 'unspecified', time: new Date('nope') }), TypeError);
  t.equal(list.size, 0);
  t.end();
});

t.test('a list survives a JSON round trip, sorted and canonical', (t) => {
  const list = new RevocationList();
  list.revoke('ff01', { reason: 'cessationOfOperation', time: T2 });
  list.revoke('00C0FFEE', { reason: 'keyCompromise', time: T1 });
  const json = JSON.parse(JSON.stringify(list)) as unknown;
  t.same(json, {
    version: 1,
    entries: [
      { serial: 'c0ffee', reason: 'keyCompromise', time: '2030-01-15T12:00:00.000Z' },
      { serial: 'ff01', reason: 'cessationOfOperation', time: '2030-02-01T08:30:00.250Z' },
    ],
  });
  const back = RevocationList.fromJSON(json);
  t.same(back.toJSON(), list.toJSON());
  t.same(back.lookup('ff01'), { reason: 'cessationOfOperation', time: T2 });
  t.same(RevocationList.fromJSON({ version: 1, entries: [] }).size, 0);
  t.same(REVOCATION_REASONS.length, 7);
  t.end();
});

t.test('a malformed serialised list is PKI_REVOCATION_LIST_MALFORMED', (t) => {
  const entry = { serial: '0a', reason: 'superseded', time: '2030-01-15T12:00:00Z' };
  const cases: [string, unknown][] = [
    ['null', null],
    ['a string', 'list'],
    ['another version', { version: 2, entries: [] }],
    ['no entries', { version: 1 }],
    ['an entry that is not an object', { version: 1, entries: [7] }],
    ['a serial that is not hex', { version: 1, entries: [{ ...entry, serial: 'zz' }] }],
    ['a serial that is not canonical', { version: 1, entries: [{ ...entry, serial: '000a' }] }],
    ['upper-case serial', { version: 1, entries: [{ ...entry, serial: '0A' }] }],
    ['an unknown reason', { version: 1, entries: [{ ...entry, reason: 'removeFromCRL' }] }],
    ['a local time', { version: 1, entries: [{ ...entry, time: '2030-01-15T12:00:00' }] }],
    ['a date only', { version: 1, entries: [{ ...entry, time: '2030-01-15' }] }],
    ['an impossible date', { version: 1, entries: [{ ...entry, time: '2030-13-45T12:00:00Z' }] }],
    ['a numeric time', { version: 1, entries: [{ ...entry, time: 1 }] }],
    ['a serial listed twice', { version: 1, entries: [entry, entry] }],
  ];
  for (const [name, value] of cases) {
    t.throws(() => RevocationList.fromJSON(value), fail('PKI_REVOCATION_LIST_MALFORMED'), name);
  }
  t.doesNotThrow(() => RevocationList.fromJSON({ version: 1, entries: [entry] }), 'the base entry is valid');
  t.end();
});
