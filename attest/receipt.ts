/**
 * The usage receipt (docs/node-protocol.md §4): what the node signs at the end
 * of a run — steps, CPU and GPU seconds, duration, exit code and the seed's
 * deployment record `{timestamp, node address, image id}` — with its Ed25519
 * node key over `domainSeparated('sealgate/v1/usage-receipt', JCS(body))`.
 * The node agent signs it and the gateway verifies it: one definition for both.
 */
import { base64ToBytes, bytesToBase64 } from './base-encoding.js';
import { canonicalizeBytes } from './canonical-json.js';
import { signDetached, verifyDetached } from './signature.js';

/** The domain label of a usage receipt signature. */
export const USAGE_RECEIPT_LABEL = 'sealgate/v1/usage-receipt';

/** The receipt body (protocol §4). */
export interface UsageReceipt {
  readonly version: 1;
  readonly runId: string;
  readonly jobId: string;
  readonly nodeId: string;
  readonly steps: number;
  readonly cpuSeconds: number;
  readonly gpuSeconds: number;
  readonly durationSeconds: number;
  readonly exitCode: number;
  readonly deployment: { readonly timestamp: string; readonly nodeAddress: string; readonly imageId: string };
}

/** A receipt and its signature (base64). */
export interface SignedUsageReceipt {
  readonly body: UsageReceipt;
  readonly signature: string;
}

/** Sign a receipt with the node's 64-byte Ed25519 secret key. */
export function signUsageReceipt(body: UsageReceipt, nodeSecretKey: Uint8Array): SignedUsageReceipt {
  const signature = signDetached(USAGE_RECEIPT_LABEL, canonicalizeBytes(body), nodeSecretKey);
  return { body, signature: bytesToBase64(signature) };
}

/** True when `receipt` is signed by `nodePublicKey` (what the gateway checks). */
export function verifyUsageReceipt(receipt: SignedUsageReceipt, nodePublicKey: Uint8Array): boolean {
  const signature = base64ToBytes(receipt.signature);
  if (signature?.length !== 64) return false;
  return verifyDetached(USAGE_RECEIPT_LABEL, canonicalizeBytes(receipt.body), signature, nodePublicKey);
}
