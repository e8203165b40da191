import forge from 'node-forge';
import {
  checkCommonName,
  checkIssuanceTime,
  commonNameAttributes,
  signCertificate,
  validityWindow,
  type CaMaterial,
} from './issuance.js';
import { generateRsaKeyPair, privateKeyToPem } from './rsa.js';
import { randomSerial } from './serial.js';

/** Options of `createCa`. */
export interface CreateCaOptions {
  /** The CA's subject common name, e.g. `sealgate node CA`. 1 to 64 characters (RFC 5280 ub-common-name). */
  readonly commonName: string;
  /** The issuing time (injected clock). */
  readonly now: Date;
  /** How long the CA is valid, in days. */
  readonly validityDays: number;
  /** RSA modulus size; 3072 by default (the CA outlives the 2048-bit node keys it signs). */
  readonly bits?: number;
}

/**
 * Creates the node CA: a self-signed RSA certificate that may sign end-entity
 * certificates only (basicConstraints cA, pathLen 0; keyUsage keyCertSign and
 * cRLSign, RFC 5280 §4.2.1.3 and §4.2.1.9). The gateway makes one on first start
 * and keeps the key to itself.
 *
 * @example
 * ```ts
 * const ca = createCa({ commonName: 'sealgate node CA', now: new Date(), validityDays: 3650 });
 * ```
 */
export function createCa(options: CreateCaOptions): CaMaterial {
  const { commonName, now, validityDays, bits = 3072 } = options;
  checkIssuanceTime(now, validityDays);
  checkCommonName(commonName);
  if (!Number.isInteger(bits) || bits < 2048) throw new TypeError('bits must be an integer of at least 2048');

  const keys = generateRsaKeyPair(bits);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  cert.validity = validityWindow(now, validityDays);
  cert.setSubject(commonNameAttributes(commonName));
  cert.setIssuer(commonNameAttributes(commonName));
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  return { certPem: signCertificate(cert, keys.privateKey), keyPem: privateKeyToPem(keys.privateKey) };
}
