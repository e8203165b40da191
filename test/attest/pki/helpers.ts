// Test helpers for attest/pki: deliberately bent CSRs and certificates, built
// from the same internals the real code uses, so each test can break exactly
// one rule. Nothing here is a fixture from elsewhere: every key is generated.
import forge from 'node-forge';
import type nacl from 'tweetnacl';
import { createCa, type CaMaterial } from '../../../attest/index.js';
import { derToPem, fromBinary, pemToDer, toDer, type Asn1 } from '../../../attest/pki/der.js';
import { caKeyIdentifier, commonNameAttributes, signCertificate } from '../../../attest/pki/issuance.js';
import { nodeExtensions } from '../../../attest/pki/node-extensions.js';
import { nodeId as nodeIdFromPublicKey, nodeUri } from '../../../attest/index.js';
import { signPop } from '../../../attest/pki/proof-of-possession.js';
import { privateKeyToPem, rsaSpkiDer, signSha256 } from '../../../attest/pki/rsa.js';

const { pki, asn1 } = forge;

/** The frozen clock of the PKI tests. */
export const NOW = new Date('2030-01-15T12:00:00.000Z');
export const DAY = 86_400_000;

export type RsaKeyPair = forge.pki.rsa.KeyPair;

/** A 2048-bit RSA key pair (tests use 2048 everywhere for speed). */
export function rsaKeyPair(bits = 2048): RsaKeyPair {
  return pki.rsa.generateKeyPair({ bits, e: 0x10001 });
}

/** A test CA valid for ten years around NOW. */
export function testCa(commonName = 'sealgate test CA', now = NOW): CaMaterial {
  return createCa({ commonName, now, validityDays: 3650, bits: 2048 });
}

export function pemOf(key: RsaKeyPair): string {
  return privateKeyToPem(key.privateKey);
}

/** How to bend a node CSR or certificate; every field defaults to the honest value. */
export interface Recipe {
  tls: RsaKeyPair;
  node: nacl.SignKeyPair;
  /** Ed25519 secret key that signs the proof of possession. */
  popSigner?: Uint8Array;
  /** The RSA key the proof of possession covers. */
  popCovers?: forge.pki.rsa.PublicKey;
  /** Which node extensions to include, in order. */
  extensions?: ('key' | 'pop')[];
  /** Sign with SHA-1 (then node extensions cannot be added: forge signs it). */
  sha1?: boolean;
  /** Rewrites the [node key, proof] extension nodes before they are chosen and signed. */
  edit?: (extensions: Asn1[]) => Asn1[];
}

function nodeExtensionNodes(r: Recipe): Asn1[] {
  const spki = fromBinary(rsaSpkiDer(r.popCovers ?? r.tls.publicKey));
  const built = nodeExtensions(r.node.publicKey, signPop(r.popSigner ?? r.node.secretKey, spki));
  const [key, pop] = r.edit === undefined ? built : r.edit(built);
  return (r.extensions ?? ['key', 'pop']).map((which) => (which === 'key' ? key : pop));
}

/** A node CSR bent by `r`. */
export function bentCsr(r: Recipe): string {
  const csr = pki.createCertificationRequest();
  csr.publicKey = r.tls.publicKey;
  csr.setSubject(commonNameAttributes(nodeIdFromPublicKey(r.node.publicKey)));
  csr.setAttributes([{ name: 'extensionRequest', extensions: [] }]);
  if (r.sha1 === true) {
    csr.sign(r.tls.privateKey, forge.md.sha1.create());
    return pki.certificationRequestToPem(csr);
  }
  csr.signatureOid = pki.oids.sha256WithRSAEncryption;
  csr.siginfo.algorithmOid = pki.oids.sha256WithRSAEncryption;
  const info = (
    pki as unknown as { getCertificationRequestInfo(c: typeof csr): Asn1 }
  ).getCertificationRequestInfo(csr);
  const attribute = (info.value as Asn1[])[3].value as Asn1[];
  const extensions = ((attribute[0].value as Asn1[])[1].value as Asn1[])[0];
  (extensions.value as Asn1[]).push(...nodeExtensionNodes(r));
  csr.certificationRequestInfo = info;
  csr.signature = signSha256(r.tls.privateKey, toDer(info));
  return pki.certificationRequestToPem(csr);
}

/** A node certificate bent by `r` and the certificate fields below. */
export interface CertRecipe extends Recipe {
  ca: CaMaterial;
  commonName?: string;
  sanUris?: string[];
  clientAuth?: boolean;
  cA?: boolean;
  notBefore?: Date;
  notAfter?: Date;
  serial?: string;
}

export function bentCertificate(r: CertRecipe): string {
  const caCert = pki.certificateFromPem(r.ca.certPem);
  const caKey = pki.privateKeyFromPem(r.ca.keyPem);
  const nodeId = nodeIdFromPublicKey(r.node.publicKey);
  const cert = pki.createCertificate();
  cert.publicKey = r.tls.publicKey;
  cert.serialNumber = r.serial ?? '0a1b2c3d';
  cert.validity.notBefore = r.notBefore ?? new Date(NOW.getTime() - DAY);
  cert.validity.notAfter = r.notAfter ?? new Date(NOW.getTime() + 30 * DAY);
  cert.setSubject(commonNameAttributes(r.commonName ?? nodeId));
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: r.cA ?? false, critical: true },
    { name: 'extKeyUsage', clientAuth: r.clientAuth ?? true, serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: (r.sanUris ?? [nodeUri(nodeId)]).map((value) => ({ type: 6, value })),
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: caKeyIdentifier(caCert) },
  ]);
  if (r.sha1 === true) {
    cert.sign(caKey, forge.md.sha1.create());
    return pki.certificateToPem(cert);
  }
  return signCertificate(cert, caKey, nodeExtensionNodes(r));
}

/** Re-encodes a PEM document after `mutate` changes its DER tree (signatures are left as they were). */
export function mutatePem(pem: string, label: string, mutate: (tree: Asn1) => void): string {
  const tree = asn1.fromDer(pemToDer(pem, label));
  mutate(tree);
  return derToPem(toDer(tree), label);
}

/** Flips one bit of the DER of a PEM document at `offset` (negative: from the end). */
export function flipDerBit(pem: string, label: string, offset: number): string {
  const der = fromBinary(pemToDer(pem, label));
  der[offset < 0 ? der.length + offset : offset] ^= 0x01;
  return derToPem(String.fromCharCode(...der), label);
}
