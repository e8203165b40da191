/*
 * The supervisor's hello key pair on Node's X25519 (enclave-runtime/supervisor/hello-key.ts)
 * is tweetnacl's for the same secret, so boxes attest/keywrap.ts seals to it open.
 */
import nacl from 'tweetnacl';
import t from 'tap';
import { unwrapKey, wrapKey } from '../../../attest/index.js';
import { helloKeyPair, x25519PublicKey } from '../../../enclave-runtime/supervisor/hello-key.js';

t.test("the public key is tweetnacl's for the same secret", (t) => {
  for (let i = 0; i < 16; i++) {
    const secret = nacl.randomBytes(32);
    t.same(x25519PublicKey(secret), nacl.box.keyPair.fromSecretKey(secret).publicKey, `key ${i}`);
  }
  // RFC 7748 section 6.1 test vector: Alice's private key and public key.
  const alice = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex');
  t.equal(
    Buffer.from(x25519PublicKey(new Uint8Array(alice))).toString('hex'),
    '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
  );
  t.end();
});

t.test('a box sealed to a hello key opens with its secret', (t) => {
  const pair = helloKeyPair();
  t.equal(pair.publicKey.length, 32);
  t.equal(pair.secretKey.length, 32);
  const dek = nacl.randomBytes(32);
  t.same(unwrapKey(wrapKey(dek, pair.publicKey), pair.secretKey), dek);
  t.not(Buffer.from(helloKeyPair().secretKey).toString('hex'), Buffer.from(pair.secretKey).toString('hex'));
  t.end();
});

t.test('a secret of the wrong length is a programming mistake', (t) => {
  t.throws(() => x25519PublicKey(new Uint8Array(31)), TypeError);
  t.end();
});
