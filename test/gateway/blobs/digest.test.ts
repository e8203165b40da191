import t from 'tap';
import { createHash } from 'node:crypto';
import { BlobError, blobDigestOf, parseBlobDigest } from '../../../gateway/index.js';

// SHA-256 of the empty string, FIPS 180-4 / NIST CSRC examples.
const EMPTY = 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

t.test('the canonical form parses to itself', (t) => {
  t.equal(parseBlobDigest(EMPTY), EMPTY);
  t.equal(blobDigestOf(createHash('sha256').digest()), EMPTY);
  t.end();
});

t.test('every other spelling is BLOB_BAD_DIGEST', (t) => {
  const hex = EMPTY.slice('sha256:'.length);
  const bad: unknown[] = [
    '',
    hex, // no algorithm
    `SHA256:${hex}`,
    `sha256:${hex.toUpperCase()}`,
    `sha512:${hex}`,
    `sha256:${hex.slice(1)}`, // 63 digits
    `sha256:${hex}0`, // 65 digits
    `sha256:${hex}\n`,
    ` ${EMPTY}`,
    `sha256:${hex.slice(0, 63)}g`,
    `sha256:../../${hex.slice(6)}`,
    `sha256-${hex}`,
    42,
    undefined,
  ];
  for (const text of bad) {
    t.throws(() => parseBlobDigest(text as string), BlobError, JSON.stringify(text));
    t.throws(() => parseBlobDigest(text as string), { code: 'BLOB_BAD_DIGEST' }, JSON.stringify(text));
  }
  t.end();
});

t.test('blobDigestOf takes exactly 32 bytes', (t) => {
  t.throws(() => blobDigestOf(new Uint8Array(31)), TypeError);
  t.end();
});
