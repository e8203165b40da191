import t from 'tap';
import { hexTexts } from '../../../attest/fingerprint/decoders.js';
import { normalise, NormalBuffer } from '../../../attest/fingerprint/normal.js';

// The scanner's reusable normal-form buffer gives what normalise() gives, including on the
// U+FFFD that TextDecoder puts for invalid UTF-8 (its fast path drops it; docs/fingerprint.md,
// "Scan cost"). Inputs: made up here, and hex runs of a float's digits as the bench's lines carry.
const same = (input: string): [number[], number[]] => {
  const b = new NormalBuffer().set(input);
  const n = normalise(input);
  return [
    [...b.units.subarray(0, b.length), -1, ...b.bounds.subarray(0, b.length)],
    [...[...n.text].map((c) => c.charCodeAt(0)), -1, ...n.bounds],
  ];
};

t.test('NormalBuffer equals normalise() around U+FFFD', (t) => {
  for (const s of [
    'ab\ufffdcd',
    '\ufffd12\ufffd\ufffd34x',
    'A1\ufffdB2',
    '\ufffd',
    'x\ufffd\u00e9y',
    'Ab\ufffd\u0301c',
  ]) {
    const [got, want] = same(s);
    t.same(got, want, JSON.stringify(s));
  }
  for (const digits of ['66331870672293', '6011770296176161', '7454110051137189', '41424344454647']) {
    for (const text of hexTexts(`loss 0.${digits}`)) {
      const [got, want] = same(text);
      t.same(got, want, digits);
    }
  }
  t.end();
});
