import t from 'tap';
import { bytesToHex } from '@noble/hashes/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import nacl from 'tweetnacl';
import {
  NODE_KEY_OID,
  NODE_KEY_POP_OID,
  createNodeCsr,
  nodeId,
  nodeUri,
  verifyNodeCsr,
} from '../../../attest/index.js';
import { encodeOid, fromBinary, parseCanonicalDer, pemToDer, toBinary } from '../../../attest/pki/der.js';
import { popMessage, signPop, verifyPop } from '../../../attest/pki/proof-of-possession.js';
import { canonicalSerial, randomSerial, serialToDerHex } from '../../../attest/pki/serial.js';

// The small encodings under the PKI: OIDs, base32 node ids, serials and the
// proof-of-possession message.

const hexOf = (binary: string): string => bytesToHex(fromBinary(binary));

t.test('OIDs encode per X.690 §8.19, arcs of any size', (t) => {
  // Expected content octets: `openssl asn1parse -genstr OID:<oid>` (OpenSSL 3),
  // tag and length bytes dropped; 2.999.3 is also the example of X.690 §8.19.5.
  t.equal(hexOf(encodeOid('1.2.840.113549.1.1.11')), '2a864886f70d01010b');
  t.equal(hexOf(encodeOid('2.999.3')), '883703');
  t.equal(hexOf(encodeOid(NODE_KEY_OID)), '69c78dbbab9e89ca9ed38e82cdc1e6ba99fe1601');
  t.equal(NODE_KEY_POP_OID, NODE_KEY_OID.replace(/\.1$/, '.2'));
  for (const bad of ['', '3.1', '1.40', '1', '1.2.', '1.02', 'a.b']) {
    t.throws(() => encodeOid(bad), TypeError, `refuses ${JSON.stringify(bad)}`);
  }
  t.end();
});

t.test('certificates name a node by the id attest/keys.ts derives, and its URI', (t) => {
  const { publicKey, secretKey } = nacl.sign.keyPair();
  const { nodeId: subject } = verifyNodeCsr(createNodeCsr({ nodeKey: secretKey }).csrPem);
  t.equal(subject, nodeId(publicKey));
  t.match(subject, /^node_[a-z2-7]{32}$/);
  t.equal(nodeUri(subject), `sealgate:node:${subject}`);
  t.end();
});

t.test('serials: random ones are positive 16-byte values; spellings canonicalise', (t) => {
  const seen = new Set(Array.from({ length: 50 }, () => randomSerial()));
  t.equal(seen.size, 50);
  for (const serial of seen) t.match(serial, /^[0-7][0-9a-f]{31}$/);
  t.equal(canonicalSerial('00C0FFEE'), 'c0ffee');
  t.equal(canonicalSerial('000001'), '01');
  t.equal(canonicalSerial('00'), '00');
  t.equal(canonicalSerial('abc'), undefined, 'odd length');
  t.equal(canonicalSerial('ab'.repeat(22)), undefined, 'too long');
  t.equal(serialToDerHex('c0ffee'), '00c0ffee');
  t.equal(serialToDerHex('7f'), '7f');
  t.end();
});

t.test('the proof of possession is domain-separated and bound to the key bytes', (t) => {
  const node = nacl.sign.keyPair();
  const spki = new TextEncoder().encode('stands in for a SubjectPublicKeyInfo');
  const signature = signPop(node.secretKey, spki);
  t.ok(verifyPop(node.publicKey, spki, signature));
  t.notOk(verifyPop(node.publicKey, spki.slice(1), signature));
  t.notOk(verifyPop(nacl.sign.keyPair().publicKey, spki, signature));
  t.equal(new TextDecoder().decode(popMessage(spki).subarray(0, 28)), 'sealgate/pki/node-key-pop/v1');
  t.notOk(
    nacl.sign.detached.verify(sha256(spki), signature, node.publicKey),
    'not a bare signature of the digest',
  );
  t.end();
});

t.test('DER helpers refuse what is not one canonical PEM block', (t) => {
  t.throws(() => pemToDer('-----BEGIN X-----\nAAAA\n-----END X-----\n', 'Y'), /exactly one PEM block/);
  const encrypted =
    '-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END X-----\n';
  t.throws(() => pemToDer(encrypted, 'X'), /encrypted PEM/);
  t.throws(() => parseCanonicalDer(toBinary(Uint8Array.from([0x02, 0x02, 0x00, 0x01]))), /canonical DER/);
  t.end();
});
