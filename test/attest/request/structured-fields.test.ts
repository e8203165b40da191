import t from 'tap';
import {
  StructuredFieldSyntaxError,
  parseDictionary,
  serializeBareItem,
  serializeInnerList,
  serializeParams,
} from '../../../attest/request/structured-fields.js';
import { serializeSignatureParams, signatureBase } from '../../../attest/request/signature-base.js';

t.test('RFC 9421 §4.1 style dictionaries parse', (t) => {
  // The Signature-Input shape of RFC 9421 §2.3 / Appendix B.2 examples.
  const d = parseDictionary(
    'sig1=("@method" "@authority" "content-digest");created=1618884473;keyid="test-key-ed25519", b=?0, c, d=tok/en:1;x, e=:AQID:, f=-5',
  );
  t.same([...d.keys()], ['sig1', 'b', 'c', 'd', 'e', 'f']);
  const sig1 = d.get('sig1')!;
  t.equal(sig1.kind, 'list');
  if (sig1.kind === 'list') {
    t.same(
      sig1.items.map((i) => i.value.value),
      ['@method', '@authority', 'content-digest'],
    );
    t.same(sig1.params.get('created'), { type: 'integer', value: 1618884473 });
    t.same(sig1.params.get('keyid'), { type: 'string', value: 'test-key-ed25519' });
  }
  t.same(d.get('b'), { kind: 'item', value: { type: 'boolean', value: false }, params: new Map() });
  t.same(d.get('c'), { kind: 'item', value: { type: 'boolean', value: true }, params: new Map() });
  const tok = d.get('d')!;
  t.same(tok.kind === 'item' && tok.value, { type: 'token', value: 'tok/en:1' });
  t.same(tok.params.get('x'), { type: 'boolean', value: true });
  const bytes = d.get('e')!;
  t.same(bytes.kind === 'item' && bytes.value.value, new Uint8Array([1, 2, 3]));
  t.same(d.get('f')?.kind === 'item' && d.get('f'), {
    kind: 'item',
    value: { type: 'integer', value: -5 },
    params: new Map(),
  });
  t.equal(parseDictionary('   ').size, 0);
  t.same(parseDictionary('a="q\\"\\\\"').get('a'), {
    kind: 'item',
    value: { type: 'string', value: 'q"\\' },
    params: new Map(),
  });
  t.same(parseDictionary('a=( )').get('a'), { kind: 'list', items: [], params: new Map() });
  t.end();
});

t.test('malformed fields are syntax errors', (t) => {
  const bad = [
    'A=1',
    'a=1,',
    'a=1 b=2',
    'a=1,a=2',
    'a=1;p=1;p=2',
    'a=1.5',
    'a=1234567890123456',
    'a="unterminated',
    'a="bad\\n"',
    'a="\u00e9"',
    'a=:AQI:',
    'a=:AQID',
    'a=?2',
    'a=("x""y")',
    'a=("x"',
    'a=@',
    'a=-',
    'a;=1',
  ];
  for (const value of bad) t.throws(() => parseDictionary(value), StructuredFieldSyntaxError, value);
  t.end();
});

t.test('serialization', (t) => {
  t.equal(serializeBareItem({ type: 'string', value: 'a"b\\' }), '"a\\"b\\\\"');
  t.equal(serializeBareItem({ type: 'token', value: 'tok' }), 'tok');
  t.equal(serializeBareItem({ type: 'boolean', value: false }), '?0');
  t.equal(serializeBareItem({ type: 'boolean', value: true }), '?1');
  t.equal(serializeBareItem({ type: 'integer', value: 42 }), '42');
  t.equal(serializeBareItem({ type: 'bytes', value: new Uint8Array([1, 2, 3]) }), ':AQID:');
  t.equal(
    serializeParams(
      new Map([
        ['a', { type: 'boolean', value: true }],
        ['b', { type: 'boolean', value: false }],
      ] as const),
    ),
    ';a;b=?0',
  );
  t.equal(
    serializeInnerList([{ value: { type: 'string', value: 'x' }, params: new Map() }], new Map()),
    '("x")',
  );
  t.end();
});

t.test('the signature base refuses what it cannot represent', (t) => {
  const params = serializeSignatureParams({
    created: 1,
    nonce: 'AAAAAAAAAAAAAAAAAAAAAA',
    keyid: 'k',
    alg: 'ed25519',
  });
  t.throws(() => signatureBase({ method: 'GET', target: '/', contentDigest: 'a\nb' }, params), TypeError);
  t.throws(() => signatureBase({ method: 'GET', target: '/a b', contentDigest: 'x' }, params), TypeError);
  t.equal(
    signatureBase({ method: 'GET', target: '/a?b=1&c', contentDigest: 'x' }, params),
    [
      '"@method": GET',
      '"@path": /a',
      '"@query": ?b=1&c',
      '"content-digest": x',
      '"@signature-params": ("@method" "@path" "@query" "content-digest");created=1;nonce="AAAAAAAAAAAAAAAAAAAAAA";keyid="k";alg="ed25519"',
    ].join('\n'),
  );
  t.end();
});
