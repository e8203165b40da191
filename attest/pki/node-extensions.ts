import forge from 'node-forge';
import { UNIVERSAL, bytesOf, childrenOf, encodeOid, fromBinary, toBinary, type Asn1 } from './der.js';

// sealgate's two private X.509 extensions, under a UUID arc (ITU-T X.667 /
// RFC 4122 §1: 2.25.<the UUID as one integer>, no registration needed). The
// UUID 238d76ac-f099-47a9-8e05-360e67467f16 was generated for sealgate.
//
//   NODE_KEY_OID      .1  extnValue = the node's Ed25519 SubjectPublicKeyInfo (RFC 8410 §4)
//   NODE_KEY_POP_OID  .2  extnValue = OCTET STRING (64): Ed25519 proof of possession
//
// Both are non-critical, so TLS stacks that do not know them (OpenSSL in
// Node's tls) still accept the certificate; sealgate's verifier requires them.

const { asn1 } = forge;

/** The private OID arc of sealgate's node identity extensions: 2.25.<UUID>. */
export const NODE_IDENTITY_ARC = '2.25.47257500735564356021109671080604630806';
/** The extension carrying the node's Ed25519 public key (as RFC 8410 SubjectPublicKeyInfo). */
export const NODE_KEY_OID = `${NODE_IDENTITY_ARC}.1`;
/** The extension carrying the Ed25519 proof of possession over the TLS key. */
export const NODE_KEY_POP_OID = `${NODE_IDENTITY_ARC}.2`;

const NODE_KEY_OID_DER = encodeOid(NODE_KEY_OID);
const NODE_KEY_POP_OID_DER = encodeOid(NODE_KEY_POP_OID);

// RFC 8410 §4: SEQUENCE { SEQUENCE { OID 1.3.101.112 (id-Ed25519) }, BIT STRING (0 unused bits) }.
const ED25519_SPKI_PREFIX = '\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00';
// X.690: OCTET STRING tag and the length of an Ed25519 signature.
const POP_PREFIX = '\x04\x40';

/** The raw extnValue of each node extension found (binary strings). */
export interface NodeExtensionValues {
  publicKey?: string;
  pop?: string;
}

/** The two node extensions as forge ASN.1 `Extension` nodes (RFC 5280 §4.1). */
export function nodeExtensions(nodePublicKey: Uint8Array, pop: Uint8Array): Asn1[] {
  return [
    extension(NODE_KEY_OID_DER, ED25519_SPKI_PREFIX + toBinary(nodePublicKey)),
    extension(NODE_KEY_POP_OID_DER, POP_PREFIX + toBinary(pop)),
  ];
}

/**
 * Removes the node extensions from a SEQUENCE OF Extension (in place, so that
 * node-forge can parse the rest) and returns their values. A repeated
 * extension is refused (RFC 5280 §4.2: at most one instance of each).
 */
export function takeNodeExtensions(extensions: Asn1): NodeExtensionValues {
  const list = childrenOf(extensions, UNIVERSAL, asn1.Type.SEQUENCE);
  const found: NodeExtensionValues = {};
  for (let i = list.length - 1; i >= 0; i--) {
    const parts = childrenOf(list[i], UNIVERSAL, asn1.Type.SEQUENCE);
    if (parts.length !== 2 && parts.length !== 3) throw new Error('an extension has the wrong shape');
    const oid = bytesOf(parts[0], asn1.Type.OID);
    const key = oid === NODE_KEY_OID_DER ? 'publicKey' : oid === NODE_KEY_POP_OID_DER ? 'pop' : undefined;
    if (key === undefined) continue;
    if (found[key] !== undefined) throw new Error('a node extension appears twice');
    found[key] = bytesOf(parts[parts.length - 1], asn1.Type.OCTETSTRING);
    list.splice(i, 1);
  }
  return found;
}

/** The 32-byte Ed25519 key in a node key extension value, or undefined if malformed. */
export function decodeNodePublicKey(value: string | undefined): Uint8Array | undefined {
  if (value?.length !== ED25519_SPKI_PREFIX.length + 32 || !value.startsWith(ED25519_SPKI_PREFIX)) {
    return undefined;
  }
  return fromBinary(value.slice(ED25519_SPKI_PREFIX.length));
}

/** The 64-byte signature in a proof-of-possession extension value, or undefined if malformed. */
export function decodePop(value: string | undefined): Uint8Array | undefined {
  if (value?.length !== POP_PREFIX.length + 64 || !value.startsWith(POP_PREFIX)) return undefined;
  return fromBinary(value.slice(POP_PREFIX.length));
}

// Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
function extension(oidDer: string, value: string): Asn1 {
  return asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(UNIVERSAL, asn1.Type.OID, false, oidDer),
    asn1.create(UNIVERSAL, asn1.Type.OCTETSTRING, false, value),
  ]);
}
