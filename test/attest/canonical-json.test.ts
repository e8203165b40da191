import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { CanonicalJsonError, canonicalize, canonicalizeBytes } from '../../attest/index.js';

// RFC 8785 test vectors from github.com/cyberphone/json-canonicalization testdata/
// (see test/fixtures/reference/README.md): input/X.json canonicalizes to output/X.json.
const jcsDir = fileURLToPath(new URL('../../../test/fixtures/reference/jcs/', import.meta.url));

t.test('every reference vector, byte-exact', (t) => {
  const names = readdirSync(join(jcsDir, 'input')).filter((n) => n.endsWith('.json'));
  t.ok(names.length >= 6, 'the vectors are there');
  for (const name of names) {
    const input: unknown = JSON.parse(readFileSync(join(jcsDir, 'input', name), 'utf8'));
    const expected = readFileSync(join(jcsDir, 'output', name));
    t.same(Buffer.from(canonicalizeBytes(input)), expected, name);
  }
  t.end();
});

// RFC 8785 Appendix B, "Number Serialization Samples": IEEE 754 bit patterns and their JSON form.
const numberSamples: [string, string][] = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

t.test('RFC 8785 Appendix B numbers', (t) => {
  for (const [bits, json] of numberSamples) t.equal(canonicalize(fromBits(bits)), json, bits);
  t.end();
});

t.test('non-finite numbers are refused', (t) => {
  for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
    t.throws(() => canonicalize({ n: [fromBits(bits)] }), { code: 'CANONICAL_JSON_NON_FINITE' });
  }
  t.end();
});

t.test('lone surrogates are refused, in values and in names', (t) => {
  t.throws(() => canonicalize('\ud800'), { code: 'CANONICAL_JSON_LONE_SURROGATE' });
  t.throws(() => canonicalize(['a\udc00b']), { code: 'CANONICAL_JSON_LONE_SURROGATE' });
  t.throws(() => canonicalize({ '\ud83d': 1 }), { code: 'CANONICAL_JSON_LONE_SURROGATE' });
  t.throws(() => canonicalize('\ude02\ud83d'), { code: 'CANONICAL_JSON_LONE_SURROGATE' });
  t.equal(canonicalize('\ud83d\ude02'), '"😂"');
  t.end();
});

t.test('non-plain values are refused', (t) => {
  class Thing {
    a = 1;
  }
  const holey: unknown[] = [1];
  holey[2] = 3; // index 1 is a hole
  const cases: unknown[] = [
    undefined,
    { a: undefined },
    () => 1,
    Symbol('s'),
    10n,
    new Date(0),
    new Map(),
    new Thing(),
    new Uint8Array(2),
    holey,
    { [Symbol('k')]: 1 },
    Object.setPrototypeOf([], null),
  ];
  for (const value of cases) {
    t.throws(() => canonicalize(value), { code: 'CANONICAL_JSON_UNSUPPORTED' }, String(typeof value));
  }
  t.throws(
    () => canonicalize({ toJSON: () => 1 }),
    { code: 'CANONICAL_JSON_UNSUPPORTED' },
    'a function member',
  );
  t.end();
});

t.test('cycles and excessive depth are refused; shared references are fine', (t) => {
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  t.throws(() => canonicalize(loop), { code: 'CANONICAL_JSON_CYCLE' });
  const shared = { x: 1 };
  t.equal(canonicalize([shared, shared]), '[{"x":1},{"x":1}]');
  let deep: unknown = 0;
  for (let i = 0; i < 200; i++) deep = [deep];
  t.throws(() => canonicalize(deep), { code: 'CANONICAL_JSON_TOO_DEEP' });
  t.end();
});

t.test('plain data canonicalizes', (t) => {
  t.equal(canonicalize({ b: [1e30, 4.5, -0, true, null], a: 'é' }), '{"a":"é","b":[1e+30,4.5,0,true,null]}');
  t.equal(canonicalize(Object.assign(Object.create(null), { z: 1, y: 2 })), '{"y":2,"z":1}');
  t.equal(canonicalize('\u2028\u0007'), '"\u2028\\u0007"');
  t.type(new CanonicalJsonError('CANONICAL_JSON_CYCLE', 'x'), Error);
  t.end();
});
