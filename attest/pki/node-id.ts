// The names certificates give nodes. Node ids themselves are derived in
// attest/keys.ts (`nodeId`), the one place that owns id derivation.

/** The URI subject alternative name of a node (RFC 5280 §4.2.1.6, uniformResourceIdentifier). */
export function nodeUri(nodeId: string): string {
  return `sealgate:node:${nodeId}`;
}
