/**
 * The parts of an X.509 certificate (RFC 5280 §4.1) that the SEV-SNP chain
 * needs, read with node-forge's generic ASN.1 tree (forge's own certificate
 * parser does not read EC keys): the signed TBSCertificate bytes, the
 * signature algorithm and value, the validity, the SubjectPublicKeyInfo and
 * the extensions by OID. Input must be canonical DER.
 */
import forge from 'node-forge';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64ToBytes, bytesToHex } from '../base-encoding.js';
import type { Asn1 } from '../pki/der.js';
import {
  CONTEXT,
  UNIVERSAL,
  childrenOf,
  encodeOid,
  fromBinary,
  hasTag,
  toBinary,
  toDer,
} from '../pki/der.js';
import { SevSnpError } from './sev-snp-errors.js';

const { asn1 } = forge;
const T = asn1.Type;

/** A certificate split into what signature checks and the SEV-SNP rules read. */
export interface SnpCertificate {
  /** The TBSCertificate's DER: the bytes the issuer signed. */
  readonly tbs: Uint8Array;
  /** The outer signatureAlgorithm AlgorithmIdentifier's DER. */
  readonly signatureAlgorithm: Uint8Array;
  readonly signature: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The SubjectPublicKeyInfo's DER. */
  readonly spki: Uint8Array;
  /** Each extension's extnValue (the OCTET STRING's contents), by the OID's DER content bytes. */
  readonly extensions: ReadonlyMap<string, Uint8Array>;
}

// RFC 5280 §4.1.2.5: UTCTime or GeneralizedTime.
function readTime(node: Asn1 | undefined): Date {
  if (node === undefined || node.tagClass !== UNIVERSAL || typeof node.value !== 'string') {
    throw new Error('expected a time');
  }
  const tag: number = node.type;
  if (tag === (T.UTCTIME as number)) return asn1.utcTimeToDate(node.value);
  if (tag === (T.GENERALIZEDTIME as number)) return asn1.generalizedTimeToDate(node.value);
  throw new Error('expected a time');
}

// BIT STRING contents with zero unused bits (X.690 §8.6), as bytes.
function bitString(node: Asn1 | undefined): Uint8Array {
  if (!hasTag(node, UNIVERSAL, T.BITSTRING) || typeof node.value !== 'string')
    throw new Error('expected a BIT STRING');
  if (node.value.charCodeAt(0) !== 0) throw new Error('BIT STRING with unused bits');
  return fromBinary(node.value.slice(1));
}

function readExtensions(node: Asn1 | undefined): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  if (node === undefined) return out;
  const [list] = childrenOf(node, CONTEXT, 3);
  for (const ext of childrenOf(list, UNIVERSAL, T.SEQUENCE)) {
    const parts = childrenOf(ext, UNIVERSAL, T.SEQUENCE);
    const [id] = parts;
    const value = parts[parts.length - 1];
    if (!hasTag(id, UNIVERSAL, T.OID) || !hasTag(value, UNIVERSAL, T.OCTETSTRING) || parts.length > 3) {
      throw new Error('bad extension');
    }
    const key = id.value as string;
    if (out.has(key)) throw new Error('duplicate extension');
    out.set(key, fromBinary(value.value as string));
  }
  return out;
}

/** The key {@link SnpCertificate.extensions} uses for a dotted OID. */
export function extensionKey(oid: string): string {
  return encodeOid(oid);
}

/**
 * Parse a DER certificate. Throws SevSnpError SNP_CERT_MALFORMED (naming
 * `what`, e.g. `VCEK`) for anything that is not canonical DER X.509 v3.
 */
export function parseSnpCertificate(der: Uint8Array, what: string): SnpCertificate {
  try {
    const binary = toBinary(der);
    // decodeBitStrings: false keeps BIT STRINGs as bytes (forge's types name only the boolean form).
    const fromDer = asn1.fromDer as unknown as (der: string, options: object) => Asn1;
    const root = fromDer(binary, { strict: true, decodeBitStrings: false });
    if (toDer(root) !== binary) throw new Error('not canonical DER');
    const [tbs, algorithm, signature, ...rest] = childrenOf(root, UNIVERSAL, T.SEQUENCE);
    if (rest.length > 0 || !hasTag(algorithm, UNIVERSAL, T.SEQUENCE)) throw new Error('bad Certificate');
    const fields = childrenOf(tbs, UNIVERSAL, T.SEQUENCE);
    if (!hasTag(fields[0], CONTEXT, 0)) throw new Error('not an X.509 v3 certificate');
    const validity = childrenOf(fields[4], UNIVERSAL, T.SEQUENCE);
    if (validity.length !== 2 || !hasTag(fields[6], UNIVERSAL, T.SEQUENCE))
      throw new Error('bad TBSCertificate');
    const last = fields[fields.length - 1];
    const extensions = fields.length > 7 && hasTag(last, CONTEXT, 3) ? last : undefined;
    // RFC 5280 §4.1.1.2: the inner signature algorithm must equal the outer one.
    if (toDer(fields[2]) !== toDer(algorithm)) throw new Error('inner and outer signature algorithms differ');
    return Object.freeze({
      tbs: fromBinary(toDer(tbs)),
      signatureAlgorithm: fromBinary(toDer(algorithm)),
      signature: bitString(signature),
      notBefore: readTime(validity[0]),
      notAfter: readTime(validity[1]),
      spki: fromBinary(toDer(fields[6])),
      extensions: readExtensions(extensions),
    });
  } catch (err) {
    if (err instanceof SevSnpError) throw err;
    throw new SevSnpError('SNP_CERT_MALFORMED', `${what} certificate does not parse`, { cause: err });
  }
}

/**
 * A certificate given as DER bytes or as one PEM `CERTIFICATE` block (RFC 7468),
 * as DER. Throws TypeError: certificates in options are configuration.
 */
export function certificateDer(cert: Uint8Array | string): Uint8Array {
  if (typeof cert !== 'string') return cert;
  const match = /^-----BEGIN CERTIFICATE-----\s+([A-Za-z0-9+/=\s]+?)\s*-----END CERTIFICATE-----\s*$/.exec(
    cert.trim(),
  );
  const der = match ? base64ToBytes(match[1].replace(/\s+/g, '')) : undefined;
  if (der === undefined) throw new TypeError('expected one PEM CERTIFICATE block');
  return der;
}

/** SHA-256 of a SubjectPublicKeyInfo, lowercase hex: how an ARK is pinned. */
export function spkiSha256(spki: Uint8Array): string {
  return bytesToHex(sha256(spki));
}
