/**
 * The SEV-SNP certificate chain and report signature, on WebCrypto
 * (`crypto.subtle`: computation, not I/O): ARK → ASK → VCEK, each link
 * RSASSA-PSS with SHA-384, MGF1-SHA-384 and a 48-byte salt (RFC 4055 §3.1),
 * as AMD's Key Distribution Service issues them; the report by the VCEK's
 * ECDSA P-384 key (FIPS 186-4, SHA-384).
 */
import forge from 'node-forge';
import type { Asn1 } from '../pki/der.js';
import { CONTEXT, UNIVERSAL, childrenOf, encodeOid, hasTag, toBinary } from '../pki/der.js';
import type { SnpCertificate } from './sev-snp-cert.js';
import { SevSnpError } from './sev-snp-errors.js';

const { asn1 } = forge;
const T = asn1.Type;
const RSASSA_PSS = encodeOid('1.2.840.113549.1.1.10');
const MGF1 = encodeOid('1.2.840.113549.1.1.8');
const SHA384 = encodeOid('2.16.840.1.101.3.4.2.2');
const EC_PUBLIC_KEY = encodeOid('1.2.840.10045.2.1');
const SECP384R1 = encodeOid('1.3.132.0.34');
const SALT_LENGTH = 48;

function subtle(): SubtleCrypto {
  const engine = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (engine === undefined) throw new TypeError('the SEV-SNP verifier needs WebCrypto (crypto.subtle)');
  return engine;
}

// WebCrypto takes bytes over an ArrayBuffer (not a SharedArrayBuffer).
function plain(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
}

function isOid(node: Asn1 | undefined, oid: string): boolean {
  return hasTag(node, UNIVERSAL, T.OID) && node.value === oid;
}

// AlgorithmIdentifier { sha384, NULL or absent } (RFC 4055 §2.1).
function isSha384(node: Asn1 | undefined): boolean {
  const [id, params, ...rest] = childrenOf(node, UNIVERSAL, T.SEQUENCE);
  return (
    isOid(id, SHA384) && rest.length === 0 && (params === undefined || hasTag(params, UNIVERSAL, T.NULL))
  );
}

// RSASSA-PSS-params (RFC 4055 §3.1) must say SHA-384, MGF1 with SHA-384, salt 48, trailer 1.
function isPssSha384(algorithm: Uint8Array): boolean {
  try {
    const [id, params, ...rest] = childrenOf(asn1.fromDer(toBinary(algorithm), true), UNIVERSAL, T.SEQUENCE);
    if (!isOid(id, RSASSA_PSS) || rest.length > 0) return false;
    let hash = false;
    let mgf = false;
    let salt = false;
    for (const field of childrenOf(params, UNIVERSAL, T.SEQUENCE)) {
      const tag: number = field.type;
      const [inner] = childrenOf(field, CONTEXT, tag);
      if (tag === 0) hash = isSha384(inner);
      else if (tag === 1) {
        const [mgfId, mgfHash] = childrenOf(inner, UNIVERSAL, T.SEQUENCE);
        mgf = isOid(mgfId, MGF1) && isSha384(mgfHash);
      } else if (tag === 2) salt = hasTag(inner, UNIVERSAL, T.INTEGER) && inner.value === '\x30';
      else if (tag !== 3 || !hasTag(inner, UNIVERSAL, T.INTEGER) || inner.value !== '\x01') return false;
    }
    return hash && mgf && salt;
  } catch {
    return false;
  }
}

/** The RSA public key of an ARK or ASK, for RSA-PSS with SHA-384. Throws SNP_CHAIN_INVALID if it is not one. */
export async function importRsaPssKey(cert: SnpCertificate, what: string): Promise<CryptoKey> {
  try {
    return await subtle().importKey('spki', plain(cert.spki), { name: 'RSA-PSS', hash: 'SHA-384' }, false, [
      'verify',
    ]);
  } catch (err) {
    throw new SevSnpError('SNP_CHAIN_INVALID', `${what} key is not an RSA key`, { cause: err });
  }
}

/** True when `cert` is signed by `issuerKey` with RSASSA-PSS, SHA-384, salt 48; false otherwise. */
export async function signedByRsaPss(cert: SnpCertificate, issuerKey: CryptoKey): Promise<boolean> {
  if (!isPssSha384(cert.signatureAlgorithm)) return false;
  // WebCrypto's verify answers false for any signature bytes; it throws only for a key of
  // another algorithm, which importRsaPssKey rules out (and the verifier's callers catch).
  const algorithm = { name: 'RSA-PSS', saltLength: SALT_LENGTH };
  return subtle().verify(algorithm, issuerKey, plain(cert.signature), plain(cert.tbs));
}

/** The VCEK's P-384 public key (an id-ecPublicKey SPKI on secp384r1). Throws SNP_CERT_MALFORMED otherwise. */
export async function importVcekKey(vcek: SnpCertificate): Promise<CryptoKey> {
  try {
    const [algorithm] = childrenOf(asn1.fromDer(toBinary(vcek.spki), true), UNIVERSAL, T.SEQUENCE);
    const [id, curve] = childrenOf(algorithm, UNIVERSAL, T.SEQUENCE);
    if (!isOid(id, EC_PUBLIC_KEY) || !isOid(curve, SECP384R1)) throw new Error('not a P-384 key');
    return await subtle().importKey('spki', plain(vcek.spki), { name: 'ECDSA', namedCurve: 'P-384' }, false, [
      'verify',
    ]);
  } catch (err) {
    throw new SevSnpError('SNP_CERT_MALFORMED', 'VCEK key is not an ECDSA P-384 key', { cause: err });
  }
}

/** True when `signature` (r ‖ s, big-endian) is the VCEK's ECDSA P-384/SHA-384 signature of `signed`. */
export async function reportSignedBy(
  vcekKey: CryptoKey,
  signed: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  // As above: false for any signature bytes; the key is a P-384 ECDSA key (importVcekKey).
  return subtle().verify({ name: 'ECDSA', hash: 'SHA-384' }, vcekKey, plain(signature), plain(signed));
}

/** Throws SNP_CERT_EXPIRED when `now` is outside the certificate's validity (RFC 5280 §4.1.2.5). */
export function checkValidity(cert: SnpCertificate, what: string, now: Date): void {
  if (now < cert.notBefore || now > cert.notAfter) {
    throw new SevSnpError('SNP_CERT_EXPIRED', `${what} certificate is not valid at ${now.toISOString()}`);
  }
}
