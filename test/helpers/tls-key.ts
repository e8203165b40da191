/**
 * One RSA TLS key per test process, for the stand-in nodes of the gateway's
 * tests (test/gateway/nodes/fixture.ts, test/gateway/broker/world.ts). Each
 * node still has its own Ed25519 identity, CSR and certificate (subject = its
 * node id, its own serial); only the RSA key under the certificate is shared.
 * A fresh 2048-bit key costs 0.1-0.5 CPU-s to find its primes, and these tests
 * enroll dozens of nodes. The real agent makes its own key
 * (enclave-runtime/agent/identity.ts), as do the PKI's own tests.
 */
import { generateKeyPairSync } from 'node:crypto';

let pem: string | undefined;

/** The process's shared TLS private key, PKCS#8 PEM, 2048 bits. */
export function sharedTlsKeyPem(): string {
  pem ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  return pem;
}
