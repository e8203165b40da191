import forge from 'node-forge';
import { UNIVERSAL, bytesOf, childrenOf, toDer, type Asn1 } from './der.js';
import { PkiError } from './errors.js';

// RSA through node-forge, whose X.509 code only handles RSA keys: the TLS keys
// and the CA key are RSA, signatures are RSASSA-PKCS1-v1_5 with SHA-256
// (RFC 8017 §8.2, RFC 4055), and nothing else is accepted.

const { pki, md } = forge;
export type RsaPublicKey = forge.pki.rsa.PublicKey;
export type RsaPrivateKey = forge.pki.rsa.PrivateKey;

/** sha256WithRSAEncryption (RFC 4055 §5): the only signature algorithm sealgate issues or accepts. */
export const SHA256_WITH_RSA_OID = pki.oids.sha256WithRSAEncryption;
/** The smallest RSA modulus accepted in a CSR or issued certificate. */
export const MIN_RSA_BITS = 2048;
const RSA_ENCRYPTION_OID_DER = forge.asn1.oidToDer(pki.oids.rsaEncryption).getBytes();

/**
 * The algorithm allowlist for a CSR or certificate: its outer and inner
 * signature algorithms are both sha256WithRSAEncryption (RFC 5280 §4.1.1.2
 * requires them equal) and its RSA key has at least MIN_RSA_BITS. Throws
 * PKI_UNSUPPORTED_ALGORITHM otherwise.
 */
export function checkRsaKey(signatureOid: string, innerOid: string, key: RsaPublicKey, what: string): void {
  if (signatureOid !== SHA256_WITH_RSA_OID || innerOid !== SHA256_WITH_RSA_OID) {
    throw new PkiError('PKI_UNSUPPORTED_ALGORITHM', `the ${what} is not signed sha256WithRSAEncryption`);
  }
  if (rsaBits(key) < MIN_RSA_BITS) {
    throw new PkiError('PKI_UNSUPPORTED_ALGORITHM', `the ${what} key is under ${MIN_RSA_BITS} bits`);
  }
}

/** True when a SubjectPublicKeyInfo node's algorithm is rsaEncryption (RFC 3279 §2.3.1). */
export function isRsaSpki(spki: Asn1 | undefined): boolean {
  const [algorithm] = childrenOf(spki, UNIVERSAL, forge.asn1.Type.SEQUENCE);
  const [oid] = childrenOf(algorithm, UNIVERSAL, forge.asn1.Type.SEQUENCE);
  return bytesOf(oid, forge.asn1.Type.OID) === RSA_ENCRYPTION_OID_DER;
}

/**
 * Generates an RSA key pair with e = 65537. On Node, node-forge hands this to
 * the native `crypto.generateKeyPairSync` (no custom PRNG is passed, and
 * `forge.options.usePureJavaScript` stays false), so a 2048-bit key takes tens
 * of milliseconds; elsewhere it falls back to forge's slow pure-JS generator.
 */
export function generateRsaKeyPair(bits: number): forge.pki.rsa.KeyPair {
  return pki.rsa.generateKeyPair({ bits, e: 0x10001 });
}

/** A private key as unencrypted PKCS#8 PEM (RFC 5208), the form Node's tls expects. */
export function privateKeyToPem(key: RsaPrivateKey): string {
  const info = pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(key));
  return pki.privateKeyInfoToPem(info).replace(/\r\n/g, '\n');
}

/** Reads an RSA private key from PKCS#8 or PKCS#1 PEM; a caller's bad key is a TypeError. */
export function readRsaPrivateKey(pem: string, what: string): RsaPrivateKey {
  try {
    return pki.privateKeyFromPem(pem);
  } catch (err) {
    throw new TypeError(`${what} is not an unencrypted RSA private key in PEM`, { cause: err });
  }
}

/** The caller's TLS key (PEM, at least MIN_RSA_BITS), or a fresh 2048-bit key when none is given. */
export function tlsPrivateKey(pem: string | undefined): RsaPrivateKey {
  if (pem === undefined) return generateRsaKeyPair(MIN_RSA_BITS).privateKey;
  const key = readRsaPrivateKey(pem, 'tlsKey');
  if (rsaBits(publicKeyOf(key)) < MIN_RSA_BITS)
    throw new TypeError(`tlsKey must be at least ${MIN_RSA_BITS} bits`);
  return key;
}

/** The public half of an RSA private key. */
export function publicKeyOf(key: RsaPrivateKey): RsaPublicKey {
  return pki.setRsaPublicKey(key.n, key.e);
}

/** The size of an RSA modulus in bits. */
export function rsaBits(key: RsaPublicKey): number {
  return key.n.bitLength();
}

/** The DER SubjectPublicKeyInfo of an RSA public key (RFC 5280 §4.1.2.7), as a binary string. */
export function rsaSpkiDer(key: RsaPublicKey): string {
  return toDer(pki.publicKeyToAsn1(key));
}

/** RSASSA-PKCS1-v1_5 with SHA-256 over `der` (a binary string); returns the signature bytes. */
export function signSha256(key: RsaPrivateKey, der: string): string {
  const digest = md.sha256.create();
  digest.update(der);
  return key.sign(digest);
}

/** True when `signature` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of `der` by `key`. */
export function verifySha256(key: RsaPublicKey, der: string, signature: string): boolean {
  const digest = md.sha256.create();
  digest.update(der);
  try {
    return key.verify(digest.digest().getBytes(), signature);
  } catch {
    return false; // forge throws on a malformed signature block
  }
}
