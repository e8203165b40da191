import forge from 'node-forge';
import { isCaCertificate } from './certificate.js';
import { CONTEXT, UNIVERSAL, childrenOf, hasTag, toDer, type Asn1 } from './der.js';
import {
  SHA256_WITH_RSA_OID,
  publicKeyOf,
  readRsaPrivateKey,
  signSha256,
  type RsaPrivateKey,
} from './rsa.js';
import { canonicalSerial, randomSerial } from './serial.js';

// What every certificate sealgate's CA issues has in common: option checks,
// the validity window, the serial, and signing with private extensions added
// to the TBSCertificate (RFC 5280 §4.1) that node-forge cannot encode itself.

const { pki, asn1 } = forge;
const DAY_MS = 86_400_000;
/** Issued certificates start this long before `now`, to absorb clock skew between hosts. */
export const BACKDATE_MS = 5 * 60_000;
const MAX_VALIDITY_DAYS = 36_500;

/** The CA's certificate and private key, both PEM, as `createCa` returns them. */
export interface CaMaterial {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A CA read and checked once per issuance. */
export interface LoadedCa {
  readonly cert: forge.pki.Certificate;
  readonly key: RsaPrivateKey;
}

/** Reads the CA; a certificate that is not a CA or a key that does not match is a TypeError. */
export function loadCa(ca: CaMaterial, now: Date): LoadedCa {
  let cert: forge.pki.Certificate;
  try {
    cert = pki.certificateFromPem(ca.certPem);
  } catch (err) {
    throw new TypeError('ca.certPem is not an RSA X.509 certificate in PEM', { cause: err });
  }
  const key = readRsaPrivateKey(ca.keyPem, 'ca.keyPem');
  if (!isCaCertificate(cert)) throw new TypeError('ca.certPem is not a CA certificate');
  if (publicKeyOf(key).n.compareTo((cert.publicKey as forge.pki.rsa.PublicKey).n) !== 0) {
    throw new TypeError('ca.keyPem does not belong to ca.certPem');
  }
  if (now < cert.validity.notBefore || now > cert.validity.notAfter) {
    throw new TypeError('the CA certificate is not valid at `now`');
  }
  return { cert, key };
}

/** Checks `now` and `validityDays`; bad values are a programming mistake (TypeError). */
export function checkIssuanceTime(now: Date, validityDays: number): void {
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new TypeError('`now` must be a valid Date');
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > MAX_VALIDITY_DAYS) {
    throw new TypeError(`validityDays must be an integer from 1 to ${MAX_VALIDITY_DAYS}`);
  }
}

/**
 * The validity window: from `now` less BACKDATE_MS to `now` plus `validityDays`,
 * in whole seconds (X.509 times have no fractions), and never past `notAfterCap`.
 */
export function validityWindow(
  now: Date,
  validityDays: number,
  notAfterCap?: Date,
): { notBefore: Date; notAfter: Date } {
  const start = Math.floor(now.getTime() / 1000) * 1000;
  let end = start + validityDays * DAY_MS;
  if (notAfterCap !== undefined) end = Math.min(end, notAfterCap.getTime());
  return { notBefore: new Date(start - BACKDATE_MS), notAfter: new Date(end) };
}

/** The caller's serial in canonical form, or a fresh random one. */
export function chooseSerial(serial: string | undefined): string {
  if (serial === undefined) return randomSerial();
  const canonical = canonicalSerial(serial);
  if (canonical === undefined || canonical === '00' || canonical.length > 40) {
    throw new TypeError('serial must be hex of a positive integer of at most 20 octets');
  }
  return canonical;
}

/** Checks a common name: 1 to 64 characters (RFC 5280 ub-common-name). */
export function checkCommonName(commonName: string): void {
  if (typeof commonName !== 'string' || commonName.length < 1 || commonName.length > 64) {
    throw new TypeError('commonName must be 1 to 64 characters');
  }
}

/** A subject or issuer name holding one UTF8String commonName (RFC 5280 §4.1.2.6). */
export function commonNameAttributes(commonName: string): forge.pki.CertificateField[] {
  const utf8 = asn1.Type.UTF8 as unknown as forge.asn1.Class; // forge's typings name this field's type wrongly
  return [{ name: 'commonName', value: commonName, valueTagClass: utf8 }];
}

/**
 * Signs `cert` with sha256WithRSAEncryption, appending `extra` extensions (already
 * encoded) to its extensions, and returns the PEM. `cert` must carry at least one
 * ordinary extension so that the [3] extensions field exists.
 */
export function signCertificate(cert: forge.pki.Certificate, key: RsaPrivateKey, extra: Asn1[] = []): string {
  cert.signatureOid = SHA256_WITH_RSA_OID;
  cert.siginfo.algorithmOid = SHA256_WITH_RSA_OID;
  const tbs = (pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): Asn1 }).getTBSCertificate(
    cert,
  );
  const wrapper = childrenOf(tbs, UNIVERSAL, asn1.Type.SEQUENCE).find((n) => hasTag(n, CONTEXT, 3));
  if (wrapper === undefined) throw new TypeError('a certificate to sign needs extensions');
  childrenOf(childrenOf(wrapper, CONTEXT, 3)[0], UNIVERSAL, asn1.Type.SEQUENCE).push(...extra);
  cert.tbsCertificate = tbs;
  cert.signature = signSha256(key, toDer(tbs));
  return pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

/** The CA's key identifier, for the issued certificate's authorityKeyIdentifier (RFC 5280 §4.2.1.1). */
export function caKeyIdentifier(ca: forge.pki.Certificate): string {
  const ski: { subjectKeyIdentifier?: string } | undefined = ca.getExtension('subjectKeyIdentifier');
  return ski?.subjectKeyIdentifier !== undefined
    ? forge.util.hexToBytes(ski.subjectKeyIdentifier)
    : ca.generateSubjectKeyIdentifier().getBytes();
}
