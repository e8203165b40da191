import forge from 'node-forge';
import { verifyNodeCsr } from './csr.js';
import { PkiError } from './errors.js';
import {
  caKeyIdentifier,
  checkIssuanceTime,
  chooseSerial,
  commonNameAttributes,
  loadCa,
  signCertificate,
  validityWindow,
  type CaMaterial,
} from './issuance.js';
import { serialToDerHex } from './serial.js';
import { nodeExtensions } from './node-extensions.js';
import { nodeUri } from './node-id.js';

/** What the enrollment check is told about the node asking for a certificate. */
export interface EnrollmentRequest {
  readonly nodeId: string;
  readonly nodePublicKey: Uint8Array;
}

/**
 * The caller's decision to enroll a node, for example consuming a one-time
 * token. Only `true` admits the node. It runs after the CSR and the proof of
 * possession have verified, so a forged CSR cannot burn a token. An error it
 * throws (say, the gateway's own "token expired") propagates unchanged.
 */
export type EnrollmentCheck = (request: EnrollmentRequest) => boolean | Promise<boolean>;

/** Options of `issueNodeCertificate`. */
export interface IssueNodeCertificateOptions {
  readonly ca: CaMaterial;
  readonly now: Date;
  readonly validityDays: number;
  /** Hex serial; a random 126-bit serial when absent. */
  readonly serial?: string;
  readonly enrollment: EnrollmentCheck;
}

/** An issued node certificate and what it certifies. */
export interface IssuedNodeCertificate {
  readonly certPem: string;
  readonly nodeId: string;
  readonly nodePublicKey: Uint8Array;
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * Issues a node's TLS certificate from its CSR (DESIGN.md §6.3). Verifies the
 * CSR (self-signature, algorithms, the Ed25519 node key and its proof of
 * possession), then asks `enrollment`, then signs: subject CN = node id, SAN
 * URI `sealgate:node:<id>`, the node key and proof-of-possession extensions,
 * EKU clientAuth and serverAuth, never past the CA's own notAfter.
 * Throws PkiError PKI_CSR_INVALID, PKI_UNSUPPORTED_ALGORITHM, PKI_POP_INVALID or
 * PKI_ENROLLMENT_REFUSED.
 *
 * @example
 * ```ts
 * const issued = await issueNodeCertificate(csrPem, {
 *   ca, now: new Date(), validityDays: 30, enrollment: () => tokens.consume(token),
 * });
 * ```
 */
export async function issueNodeCertificate(
  csrPem: string,
  options: IssueNodeCertificateOptions,
): Promise<IssuedNodeCertificate> {
  const { now, validityDays, enrollment } = options;
  checkIssuanceTime(now, validityDays);
  if (typeof enrollment !== 'function') throw new TypeError('enrollment must be a function');
  const ca = loadCa(options.ca, now);
  const serial = chooseSerial(options.serial);

  const request = verifyNodeCsr(csrPem);
  const { nodeId, nodePublicKey } = request;
  if ((await enrollment({ nodeId, nodePublicKey: nodePublicKey.slice() })) !== true) {
    throw new PkiError('PKI_ENROLLMENT_REFUSED', 'the enrollment check refused this node');
  }

  const cert = forge.pki.createCertificate();
  cert.publicKey = request.tlsPublicKey;
  cert.serialNumber = serialToDerHex(serial);
  cert.validity = validityWindow(now, validityDays, ca.cert.validity.notAfter);
  cert.setSubject(commonNameAttributes(nodeId));
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true, serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 6, value: nodeUri(nodeId) }] },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caKeyIdentifier(ca.cert) },
  ]);
  const certPem = signCertificate(cert, ca.key, nodeExtensions(nodePublicKey, request.pop));
  const { notBefore, notAfter } = cert.validity;
  return { certPem, nodeId, nodePublicKey, serial, notBefore, notAfter };
}
