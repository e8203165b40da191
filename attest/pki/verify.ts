import forge from 'node-forge';
import {
  allowsClientAuth,
  commonNames,
  isCaCertificate,
  parseCertificate,
  sanUris,
  type ParsedCertificate,
} from './certificate.js';
import { fromBinary } from './der.js';
import { PkiError } from './errors.js';
import { decodeNodePublicKey, decodePop } from './node-extensions.js';
import { nodeId as nodeIdFromPublicKey } from '../keys.js';
import { nodeUri } from './node-id.js';
import { verifyPop } from './proof-of-possession.js';
import type { RevocationSource } from './revocation.js';
import { checkRsaKey, verifySha256, type RsaPublicKey } from './rsa.js';
import { canonicalSerial } from './serial.js';

/** Options of `verifyNodeCertificate`. */
export interface VerifyNodeCertificateOptions {
  /** The node CA's certificate (PEM): the only trust anchor. */
  readonly caCertPem: string;
  /** The revoked serials, e.g. a RevocationList. */
  readonly revocations: RevocationSource;
  /** The time to check validity at (injected clock). */
  readonly now: Date;
}

/** What a verified node certificate says. */
export interface VerifiedNodeCertificate {
  readonly nodeId: string;
  /** The node's Ed25519 public key (32 bytes): the key its evidence is signed with. */
  readonly nodePublicKey: Uint8Array;
  /** Canonical lowercase hex. */
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * Verifies a node certificate (PEM text, or DER bytes as Node's
 * `getPeerCertificate().raw` gives them) against the node CA, in order:
 * parse (PKI_CERT_MALFORMED), algorithms (PKI_UNSUPPORTED_ALGORITHM), issuer
 * and signature (PKI_CERT_UNTRUSTED), node identity (PKI_NOT_NODE_CERTIFICATE:
 * the Ed25519 key and its proof of possession over this certificate's TLS key,
 * CN and SAN URI naming the id derived from that key, clientAuth, not a CA),
 * validity at `now` (PKI_CERT_NOT_YET_VALID, PKI_CERT_EXPIRED), revocation
 * (PKI_CERT_REVOKED). Node's TLS already checks the chain and dates during the
 * handshake; this is the check that knows about node identity and revocation.
 *
 * @example
 * ```ts
 * const peer = socket.getPeerCertificate(true);
 * const node = verifyNodeCertificate(peer.raw, { caCertPem, revocations, now: new Date() });
 * ```
 */
export function verifyNodeCertificate(
  certificate: string | Uint8Array,
  options: VerifyNodeCertificateOptions,
): VerifiedNodeCertificate {
  const { now, revocations } = options;
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new TypeError('`now` must be a valid Date');
  const ca = readTrustAnchor(options.caCertPem);
  const parsed = parseCertificate(certificate);
  const { cert } = parsed;
  const publicKey = cert.publicKey as RsaPublicKey;
  checkRsaKey(cert.signatureOid, cert.siginfo.algorithmOid, publicKey, 'certificate');

  if (
    !ca.issued(cert) ||
    !verifySha256(ca.publicKey as RsaPublicKey, parsed.tbsDer, cert.signature as string)
  ) {
    throw new PkiError('PKI_CERT_UNTRUSTED', 'the certificate was not issued by the node CA');
  }
  const { nodeId, nodePublicKey } = readNodeIdentity(parsed);

  const { notBefore, notAfter } = cert.validity;
  if (now < notBefore) throw new PkiError('PKI_CERT_NOT_YET_VALID', 'the certificate is not valid yet');
  if (now > notAfter) throw new PkiError('PKI_CERT_EXPIRED', 'the certificate has expired');

  const serial = canonicalSerial(cert.serialNumber) ?? cert.serialNumber;
  if (revocations.lookup(serial) !== undefined) {
    throw new PkiError('PKI_CERT_REVOKED', 'the certificate has been revoked');
  }
  return { nodeId, nodePublicKey, serial, notBefore, notAfter };
}

// The configured trust anchor: a misconfigured CA is a TypeError, not the peer's fault.
function readTrustAnchor(caCertPem: string): forge.pki.Certificate {
  let ca: forge.pki.Certificate;
  try {
    ca = forge.pki.certificateFromPem(caCertPem);
  } catch (err) {
    throw new TypeError('caCertPem is not an RSA X.509 certificate in PEM', { cause: err });
  }
  if (!isCaCertificate(ca)) throw new TypeError('caCertPem is not a CA certificate');
  return ca;
}

// The node identity a certificate carries, checked end to end.
function readNodeIdentity(parsed: ParsedCertificate): { nodeId: string; nodePublicKey: Uint8Array } {
  const notNode = (why: string): PkiError => new PkiError('PKI_NOT_NODE_CERTIFICATE', why);
  const { cert, nodeExtensions } = parsed;
  const nodePublicKey = decodeNodePublicKey(nodeExtensions.publicKey);
  if (nodePublicKey === undefined) throw notNode('the certificate carries no Ed25519 node key');
  const pop = decodePop(nodeExtensions.pop);
  if (pop === undefined || !verifyPop(nodePublicKey, fromBinary(parsed.spkiDer), pop)) {
    throw notNode('the node key does not vouch for this certificate key');
  }
  const nodeId = nodeIdFromPublicKey(nodePublicKey);
  const names = commonNames(cert);
  if (names.length !== 1 || names[0] !== nodeId) throw notNode('the subject CN is not the node id');
  const uris = sanUris(cert).filter((uri) => uri.startsWith('sealgate:'));
  if (uris.length !== 1 || uris[0] !== nodeUri(nodeId)) throw notNode('the SAN URI is not the node id');
  if (!allowsClientAuth(cert)) throw notNode('the certificate does not allow TLS client authentication');
  if (isCaCertificate(cert)) throw notNode('a CA certificate is not a node certificate');
  return { nodeId, nodePublicKey };
}
