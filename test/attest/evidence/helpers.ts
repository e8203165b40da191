/**
 * Evidence for tests: a node key from a fixed seed, a container key, a body
 * that meets the expectations below, and the expectations. Values are made
 * up for the tests (digests are SHA-256 of short labels), not recorded.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import nacl from 'tweetnacl';
import {
  bytesToBase64,
  bytesToHex,
  generateBoxKeyPair,
  nodeId,
  signSoftwareEvidence,
  softwareSigningInput,
  signingKeyPairFromSeed,
  utf8,
} from '../../../attest/index.js';
import type {
  EvidenceBody,
  EvidenceDocument,
  EvidenceExpectations,
  Measurement,
} from '../../../attest/index.js';

export const digestOf = (label: string): string => `sha256:${bytesToHex(sha256(utf8(label)))}`;

export const nodeKey = signingKeyPairFromSeed(new Uint8Array(32).fill(7));
export const NODE_ID = nodeId(nodeKey.publicKey);
export const NOW = new Date('2025-03-01T12:00:00Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
export const NONCE = 'bm9uY2Utb2YtdGhlLWdhdGV3YXk';
export const RUN_ID = 'run_01HZX3Y4';
export const container = generateBoxKeyPair();

export const measurement: Measurement = {
  imageDigest: digestOf('model image'),
  containerConfigDigest: digestOf('container config'),
  seccompProfileDigest: digestOf('seccomp profile'),
  supervisorDigest: digestOf('supervisor'),
  runtimeVersion: '0.1.0',
};

export function body(patch: Partial<EvidenceBody> = {}): EvidenceBody {
  return {
    version: 1,
    tier: 'software',
    nodeId: NODE_ID,
    runId: RUN_ID,
    nonce: NONCE,
    measurement,
    ephemeralPublicKey: bytesToBase64(container.publicKey),
    time: NOW_SECONDS - 5,
    ...patch,
  };
}

/** Software-tier evidence signed by the node key. */
export function signed(patch: Partial<EvidenceBody> = {}): EvidenceDocument {
  return signSoftwareEvidence(body(patch), nodeKey.secretKey);
}

export function expectations(patch: Partial<EvidenceExpectations> = {}): EvidenceExpectations {
  return {
    nodeId: NODE_ID,
    nodePublicKey: nodeKey.publicKey,
    runId: RUN_ID,
    nonce: NONCE,
    measurement: { ...measurement, runtimeVersion: ['0.0.9', '0.1.0'] },
    allowedImageDigests: [digestOf('another model'), measurement.imageDigest],
    minimumLevel: 'software',
    now: NOW,
    ttlSeconds: 120,
    ...patch,
  };
}

/** Any body (any tier) signed with the node key the way the software tier signs. */
export function signedRaw(patch: Partial<EvidenceBody> = {}): EvidenceDocument {
  const b = body(patch);
  return {
    body: b,
    signature: bytesToBase64(nacl.sign.detached(softwareSigningInput(b), nodeKey.secretKey)),
  };
}
