import forge from 'node-forge';
import nacl from 'tweetnacl';
import {
  CONTEXT,
  UNIVERSAL,
  bytesOf,
  childrenOf,
  fromBinary,
  parseCanonicalDer,
  pemToDer,
  toDer,
  type Asn1,
} from './der.js';
import { PkiError, parseOrThrow } from './errors.js';
import { commonNameAttributes } from './issuance.js';
import {
  decodeNodePublicKey,
  decodePop,
  nodeExtensions,
  takeNodeExtensions,
  type NodeExtensionValues,
} from './node-extensions.js';
import { nodeId as nodeIdFromPublicKey } from '../keys.js';
import { signPop, verifyPop } from './proof-of-possession.js';
import {
  SHA256_WITH_RSA_OID,
  checkRsaKey,
  isRsaSpki,
  privateKeyToPem,
  publicKeyOf,
  rsaSpkiDer,
  signSha256,
  tlsPrivateKey,
  verifySha256,
  type RsaPublicKey,
} from './rsa.js';

// The node's certificate signing request: PKCS#10 (RFC 2986) signed by the TLS
// key, with an extensionRequest (RFC 2985 §5.4.2) carrying the node's Ed25519
// public key and its proof of possession over the TLS key (node-extensions.ts).

const { pki, asn1 } = forge;
const EXTENSION_REQUEST_OID_DER = asn1.oidToDer(pki.oids.extensionRequest).getBytes();

/** Options of `createNodeCsr`. */
export interface CreateNodeCsrOptions {
  /** The node's Ed25519 secret key (64 bytes, tweetnacl's form). */
  readonly nodeKey: Uint8Array;
  /** An existing RSA TLS private key in PEM; a fresh 2048-bit key is generated when absent. */
  readonly tlsKey?: string;
}

/** A CSR and the TLS private key it was signed with. */
export interface NodeCsr {
  readonly csrPem: string;
  readonly tlsKeyPem: string;
}

/** A CSR that parsed and verified: its self-signature, its node key and the proof of possession. */
export interface VerifiedNodeCsr {
  readonly nodeId: string;
  readonly nodePublicKey: Uint8Array;
  readonly pop: Uint8Array;
  readonly tlsPublicKey: RsaPublicKey;
}

/**
 * Makes the node's CSR: subject CN = node id, the TLS public key, the node's
 * Ed25519 key and its proof of possession, signed sha256WithRSAEncryption.
 *
 * @example
 * ```ts
 * const { csrPem, tlsKeyPem } = createNodeCsr({ nodeKey: nacl.sign.keyPair().secretKey });
 * ```
 */
export function createNodeCsr(options: CreateNodeCsrOptions): NodeCsr {
  const { nodeKey, tlsKey } = options;
  if (!(nodeKey instanceof Uint8Array) || nodeKey.length !== nacl.sign.secretKeyLength) {
    throw new TypeError('nodeKey must be a 64-byte Ed25519 secret key');
  }
  const privateKey = tlsPrivateKey(tlsKey);
  const publicKey = publicKeyOf(privateKey);

  const nodePublicKey = nacl.sign.keyPair.fromSecretKey(nodeKey).publicKey;
  const pop = signPop(nodeKey, fromBinary(rsaSpkiDer(publicKey)));
  const csr = pki.createCertificationRequest();
  csr.publicKey = publicKey;
  csr.setSubject(commonNameAttributes(nodeIdFromPublicKey(nodePublicKey)));
  csr.setAttributes([{ name: 'extensionRequest', extensions: [] }]);
  csr.signatureOid = SHA256_WITH_RSA_OID;
  csr.siginfo.algorithmOid = SHA256_WITH_RSA_OID;
  const info = (
    pki as unknown as { getCertificationRequestInfo(c: typeof csr): Asn1 }
  ).getCertificationRequestInfo(csr);
  const requested = requestedExtensions(info);
  if (requested === undefined) throw new TypeError('node-forge dropped the extensionRequest attribute');
  childrenOf(requested, UNIVERSAL, asn1.Type.SEQUENCE).push(...nodeExtensions(nodePublicKey, pop));
  csr.certificationRequestInfo = info;
  csr.signature = signSha256(privateKey, toDer(info));
  return {
    csrPem: pki.certificationRequestToPem(csr).replace(/\r\n/g, '\n'),
    tlsKeyPem: privateKeyToPem(privateKey),
  };
}

/**
 * Parses a node CSR, then verifies it: sha256WithRSAEncryption with an RSA key
 * of at least 2048 bits, the self-signature over the exact request bytes, the
 * node key extension, and the proof of possession. Throws PkiError
 * PKI_CSR_INVALID, PKI_UNSUPPORTED_ALGORITHM or PKI_POP_INVALID.
 */
export function verifyNodeCsr(csrPem: string): VerifiedNodeCsr {
  const parsed = parseOrThrow('PKI_CSR_INVALID', 'the CSR is not a well-formed PKCS#10 request', () => {
    const tree = parseCanonicalDer(pemToDer(csrPem, 'CERTIFICATE REQUEST'));
    const [info, ...rest] = childrenOf(tree, UNIVERSAL, asn1.Type.SEQUENCE);
    if (rest.length !== 2) throw new Error('a CertificationRequest has three fields');
    const infoDer = toDer(info);
    const spki = childrenOf(info, UNIVERSAL, asn1.Type.SEQUENCE)[2];
    if (!isRsaSpki(spki)) throw new PkiError('PKI_UNSUPPORTED_ALGORITHM', 'the CSR key is not an RSA key');
    const spkiDer = toDer(spki);
    const requested = requestedExtensions(info);
    const values: NodeExtensionValues = requested === undefined ? {} : takeNodeExtensions(requested);
    return { csr: pki.certificationRequestFromAsn1(tree), infoDer, spkiDer, values };
  });
  const { csr, infoDer, spkiDer, values } = parsed;
  const tlsPublicKey = csr.publicKey as RsaPublicKey;
  checkRsaKey(csr.signatureOid ?? '', csr.siginfo.algorithmOid ?? '', tlsPublicKey, 'CSR');
  if (!verifySha256(tlsPublicKey, infoDer, csr.signature as string)) {
    throw new PkiError('PKI_CSR_INVALID', 'the CSR self-signature does not verify');
  }
  if (rsaSpkiDer(tlsPublicKey) !== spkiDer) {
    throw new PkiError('PKI_CSR_INVALID', 'the CSR key is not in canonical SubjectPublicKeyInfo form');
  }
  const nodePublicKey = decodeNodePublicKey(values.publicKey);
  if (nodePublicKey === undefined)
    throw new PkiError('PKI_CSR_INVALID', 'the CSR carries no Ed25519 node key');
  const pop = decodePop(values.pop);
  if (pop === undefined || !verifyPop(nodePublicKey, fromBinary(spkiDer), pop)) {
    throw new PkiError('PKI_POP_INVALID', 'the node key proof of possession does not verify');
  }
  return { nodeId: nodeIdFromPublicKey(nodePublicKey), nodePublicKey, pop, tlsPublicKey };
}

// The SEQUENCE OF Extension inside the extensionRequest attribute of a
// CertificationRequestInfo (RFC 2986 §4.1, RFC 2985 §5.4.2), if there is one.
function requestedExtensions(info: Asn1): Asn1 | undefined {
  const attributes = childrenOf(info, UNIVERSAL, asn1.Type.SEQUENCE)[3];
  if (attributes === undefined) return undefined;
  for (const attribute of childrenOf(attributes, CONTEXT, 0)) {
    const [type, values] = childrenOf(attribute, UNIVERSAL, asn1.Type.SEQUENCE);
    if (bytesOf(type, asn1.Type.OID) !== EXTENSION_REQUEST_OID_DER) continue;
    const [extensions] = childrenOf(values, UNIVERSAL, asn1.Type.SET);
    return extensions;
  }
  return undefined;
}
