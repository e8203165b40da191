import forge from 'node-forge';

// Small, strict helpers over node-forge's generic ASN.1 tree (X.690 DER).
// They throw plain Errors; the CSR and certificate parsers turn those into a
// PkiError with the code of what they were parsing.

const { asn1 } = forge;
export type Asn1 = forge.asn1.Asn1;

/** The DER tag class of context-specific tags such as [0] and [3]. */
export const CONTEXT = asn1.Class.CONTEXT_SPECIFIC;
export const UNIVERSAL = asn1.Class.UNIVERSAL;

/**
 * Decodes a PEM document that must hold exactly one block with `label`
 * (RFC 7468), unencrypted, and returns its DER as a binary string.
 */
export function pemToDer(pem: string, label: string): string {
  const blocks = forge.pem.decode(pem);
  if (blocks.length !== 1 || blocks[0].type !== label) {
    throw new Error(`expected exactly one PEM block labelled ${label}`);
  }
  if (blocks[0].procType !== null && blocks[0].procType !== undefined) {
    throw new Error('encrypted PEM is not accepted');
  }
  return blocks[0].body;
}

/** Wraps DER in a PEM block with `label` (RFC 7468), 64 columns. */
export function derToPem(der: string, label: string): string {
  return forge.pem.encode({ type: label, body: der }, { maxline: 64 });
}

/**
 * Parses DER into forge's generic tree and requires the input to be canonical
 * DER (X.690 §10): it must re-encode to exactly the same bytes. This refuses
 * BER leniencies (long-form lengths, padded integers) and trailing bytes, so
 * every byte that was signed is a byte we read.
 */
export function parseCanonicalDer(der: string): Asn1 {
  const tree = asn1.fromDer(der, true);
  if (asn1.toDer(tree).getBytes() !== der) throw new Error('input is not canonical DER');
  return tree;
}

/** True when `node` has the given tag class and tag number. */
export function hasTag(node: Asn1 | undefined, tagClass: forge.asn1.Class, tag: number): node is Asn1 {
  return node !== undefined && node.tagClass === tagClass && (node.type as number) === tag;
}

/** The children of a constructed node, checking its class and tag number. */
export function childrenOf(node: Asn1 | undefined, tagClass: forge.asn1.Class, tag: number): Asn1[] {
  if (!hasTag(node, tagClass, tag) || !Array.isArray(node.value)) {
    throw new Error(`expected a constructed ASN.1 node with tag ${tag}`);
  }
  return node.value;
}

/** The content bytes of a universal primitive node, checking its tag number. */
export function bytesOf(node: Asn1 | undefined, tag: number): string {
  if (!hasTag(node, UNIVERSAL, tag) || typeof node.value !== 'string') {
    throw new Error(`expected a primitive ASN.1 node with tag ${tag}`);
  }
  return node.value;
}

/** DER bytes of a node (a binary string). */
export function toDer(node: Asn1): string {
  return asn1.toDer(node).getBytes();
}

/**
 * The content octets of an OBJECT IDENTIFIER (X.690 §8.19), with arbitrarily
 * large arcs. node-forge limits arcs to 32 bits when encoding and 53 bits when
 * decoding, which rules out the 128-bit UUID arcs of ITU-T X.667 (2.25.<uuid>);
 * so sealgate encodes its own OIDs here and compares their bytes, never
 * asking forge to decode them.
 */
export function encodeOid(oid: string): string {
  if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(oid)) throw new TypeError(`not a dotted OID: ${oid}`);
  const arcs = oid.split('.').map((arc) => BigInt(arc));
  if (arcs[0] < 2n && arcs[1] > 39n) throw new TypeError(`second arc out of range in ${oid}`);
  const subidentifiers = [arcs[0] * 40n + arcs[1], ...arcs.slice(2)];
  let out = '';
  for (let value of subidentifiers) {
    const base128 = [Number(value & 0x7fn)];
    for (value >>= 7n; value > 0n; value >>= 7n) base128.unshift(Number(value & 0x7fn) | 0x80);
    out += String.fromCharCode(...base128);
  }
  return out;
}

/** Converts bytes to forge's binary-string form. */
export function toBinary(bytes: Uint8Array): string {
  return forge.util.binary.raw.encode(bytes);
}

/** Converts forge's binary-string form to bytes. */
export function fromBinary(binary: string): Uint8Array {
  return forge.util.binary.raw.decode(binary);
}
