/**
 * The `software` evidence tier (DESIGN §2): the node agent signs the evidence
 * body with its enrolled Ed25519 node key. It proves which configuration the
 * node says it sealed, signed by a key the gateway enrolled; it does NOT prove
 * confidentiality: a miner with root on its host can still read memory.
 */
import nacl from 'tweetnacl';
import { bytesToBase64 } from '../base-encoding.js';
import { verifyEd25519 } from './ed25519.js';
import { softwareSigningInput } from './measurement.js';
import { parseEvidence } from './parse.js';
import type { EvidenceBody, EvidenceDocument } from './types.js';
import type { EvidenceVerifier } from './verifier.js';

/**
 * Verifies software-tier evidence: Ed25519 over `sealgate/v1/evidence/software` ‖ 0x00 ‖ JCS(body),
 * on WebCrypto when the platform has it (./ed25519.ts).
 */
export const softwareVerifier: EvidenceVerifier = {
  tier: 'software',
  level: 'software',
  verifySignature(evidence, context) {
    return verifyEd25519(softwareSigningInput(evidence.body), evidence.signature, context.nodePublicKey);
  },
};

/**
 * Sign an evidence body with the node's 64-byte Ed25519 secret key (the node
 * agent's side). The body must have `tier: 'software'` and be well formed:
 * it is parsed before it is signed, so a bad body fails here
 * (EVIDENCE_MALFORMED) rather than at the gateway.
 */
export function signSoftwareEvidence(body: EvidenceBody, nodeSecretKey: Uint8Array): EvidenceDocument {
  if (body.tier !== softwareVerifier.tier) throw new TypeError('software evidence has tier "software"');
  if (nodeSecretKey.length !== nacl.sign.secretKeyLength)
    throw new TypeError('an Ed25519 secret key is 64 bytes');
  // Parse with a placeholder signature: checks the body and copies only its known fields.
  const clean = parseEvidence({ body, signature: 'AA==' }).body;
  const signature = nacl.sign.detached(softwareSigningInput(clean), nodeSecretKey);
  return { body: clean, signature: bytesToBase64(signature) };
}
