import forge from 'node-forge';
import {
  CONTEXT,
  UNIVERSAL,
  childrenOf,
  hasTag,
  parseCanonicalDer,
  pemToDer,
  toBinary,
  toDer,
} from './der.js';
import { PkiError, parseOrThrow } from './errors.js';
import { takeNodeExtensions, type NodeExtensionValues } from './node-extensions.js';
import { isRsaSpki } from './rsa.js';

// Parsing an X.509 certificate (RFC 5280 §4.1) that may carry sealgate's
// private extensions: the strict DER tree first (keeping the exact
// TBSCertificate bytes that were signed, and lifting out the node extensions
// that node-forge cannot decode), then node-forge's typed view of the rest.

const { pki, asn1 } = forge;

/** A certificate parsed for verification; nothing in it is trusted yet. */
export interface ParsedCertificate {
  /** node-forge's view, without the node extensions. */
  readonly cert: forge.pki.Certificate;
  /** The exact TBSCertificate DER the issuer signed (binary string). */
  readonly tbsDer: string;
  /** The subject's SubjectPublicKeyInfo DER as it appears (binary string). */
  readonly spkiDer: string;
  /** The raw values of sealgate's node extensions, when present. */
  readonly nodeExtensions: NodeExtensionValues;
}

/**
 * Parses a certificate given as PEM text or DER bytes. Anything that is not a
 * canonical-DER X.509 v3 certificate is PKI_CERT_MALFORMED; a key other than
 * RSA is PKI_UNSUPPORTED_ALGORITHM.
 */
export function parseCertificate(input: string | Uint8Array): ParsedCertificate {
  return parseOrThrow('PKI_CERT_MALFORMED', 'not a well-formed X.509 v3 certificate', () => {
    const der = typeof input === 'string' ? pemToDer(input, 'CERTIFICATE') : toBinary(input);
    const tree = parseCanonicalDer(der);
    const [tbs, ...rest] = childrenOf(tree, UNIVERSAL, asn1.Type.SEQUENCE);
    if (rest.length !== 2) throw new Error('a Certificate has three fields');
    const tbsDer = toDer(tbs);
    const fields = childrenOf(tbs, UNIVERSAL, asn1.Type.SEQUENCE);
    // version [0] EXPLICIT, serial, signature, issuer, validity, subject, subjectPublicKeyInfo
    if (!hasTag(fields[0], CONTEXT, 0)) throw new Error('not an X.509 v3 certificate');
    const spki = fields[6];
    if (!isRsaSpki(spki))
      throw new PkiError('PKI_UNSUPPORTED_ALGORITHM', 'the certificate key is not an RSA key');
    const spkiDer = toDer(spki);
    const wrapper = fields.find((field) => hasTag(field, CONTEXT, 3));
    const nodeExtensions =
      wrapper === undefined ? {} : takeNodeExtensions(childrenOf(wrapper, CONTEXT, 3)[0]);
    return { cert: pki.certificateFromAsn1(tree), tbsDer, spkiDer, nodeExtensions };
  });
}

/** The subject's commonName values. */
export function commonNames(cert: forge.pki.Certificate): string[] {
  return cert.subject.attributes.filter((a) => a.name === 'commonName').map((a) => String(a.value));
}

/** The subjectAltName URIs (RFC 5280 §4.2.1.6, type 6). */
export function sanUris(cert: forge.pki.Certificate): string[] {
  const san: { altNames?: { type: number; value: string }[] } | undefined =
    cert.getExtension('subjectAltName');
  return (san?.altNames ?? []).filter((name) => name.type === 6).map((name) => name.value);
}

/** True when the extended key usage includes TLS client authentication (RFC 5280 §4.2.1.12). */
export function allowsClientAuth(cert: forge.pki.Certificate): boolean {
  const eku: { clientAuth?: boolean } | undefined = cert.getExtension('extKeyUsage');
  return eku?.clientAuth === true;
}

/** True when basicConstraints marks the certificate as a CA. */
export function isCaCertificate(cert: forge.pki.Certificate): boolean {
  const basic: { cA?: boolean } | undefined = cert.getExtension('basicConstraints');
  return basic?.cA === true;
}
