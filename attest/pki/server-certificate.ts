import forge from 'node-forge';
import {
  caKeyIdentifier,
  checkCommonName,
  checkIssuanceTime,
  chooseSerial,
  commonNameAttributes,
  loadCa,
  signCertificate,
  validityWindow,
  type CaMaterial,
} from './issuance.js';
import { serialToDerHex } from './serial.js';
import { privateKeyToPem, publicKeyOf, tlsPrivateKey } from './rsa.js';

/** Options of `issueServerCertificate`. */
export interface IssueServerCertificateOptions {
  readonly ca: CaMaterial;
  readonly now: Date;
  readonly validityDays: number;
  /** The subject common name, e.g. `sealgate gateway`. */
  readonly commonName: string;
  /** DNS names the nodes dial (subjectAltName dNSName). */
  readonly dnsNames?: readonly string[];
  /** IP addresses the nodes dial (subjectAltName iPAddress), e.g. `127.0.0.1`. */
  readonly ipAddresses?: readonly string[];
  /** An existing RSA private key in PEM; a fresh 2048-bit key when absent. */
  readonly tlsKey?: string;
  readonly serial?: string;
}

/** An issued server certificate, its key, and its serial. */
export interface IssuedServerCertificate {
  readonly certPem: string;
  readonly keyPem: string;
  readonly serial: string;
}

/**
 * Issues the TLS server certificate of the gateway's node-facing mTLS listener
 * from the node CA, so nodes can pin that one CA for both directions. EKU
 * serverAuth only; names go in subjectAltName (RFC 6125 §6.4.4: clients check
 * the SAN, not the CN). At least one DNS name or IP address is required.
 */
export function issueServerCertificate(options: IssueServerCertificateOptions): IssuedServerCertificate {
  const { now, validityDays, commonName, dnsNames = [], ipAddresses = [], tlsKey } = options;
  checkIssuanceTime(now, validityDays);
  checkCommonName(commonName);
  if (dnsNames.length + ipAddresses.length === 0)
    throw new TypeError('give at least one DNS name or IP address');
  const ca = loadCa(options.ca, now);
  const serial = chooseSerial(options.serial);
  const privateKey = tlsPrivateKey(tlsKey);
  const publicKey = publicKeyOf(privateKey);

  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serialToDerHex(serial);
  cert.validity = validityWindow(now, validityDays, ca.cert.validity.notAfter);
  cert.setSubject(commonNameAttributes(commonName));
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...dnsNames.map((value) => ({ type: 2, value })),
        ...ipAddresses.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caKeyIdentifier(ca.cert) },
  ]);
  return { certPem: signCertificate(cert, ca.key), keyPem: privateKeyToPem(privateKey), serial };
}
