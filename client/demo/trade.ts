/**
 * `sealgate demo`: a sealed trade in miniature, on this machine, with the real
 * parts that exist today (DESIGN.md section 5): the seller encrypts a dataset
 * and writes its policy, the buyer's request is signed, a node enrolls with the
 * gateway's CA, a container is created sealed on the real dockerd and measured,
 * the broker judges the node's evidence and wraps the data key to the
 * container's ephemeral key, the container unwraps it and decrypts, metrics go
 * into a Merkle egress log. Each attack along the way is shown failing with its
 * code. The gateway and node agent as services come with later issues.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MemoryNonceStore,
  MerkleTree,
  RevocationList,
  accountId,
  bytesToBase64,
  bytesToHex,
  createCa,
  createNodeCsr,
  generateBoxKeyPair,
  generateDataKey,
  generateSigningKeyPair,
  issueNodeCertificate,
  leafHash,
  randomNonce,
  signRequest,
  signSoftwareEvidence,
  unwrapKey,
  verifyEvidence,
  verifyInclusion,
  verifyNodeCertificate,
  verifyRequest,
  wrapKey,
} from '../../attest/index.js';
import type { EvidenceBody, EvidenceExpectations } from '../../attest/index.js';
import { parseDatasetPolicy } from '../../policies/index.js';
import { decryptFile, encryptFile } from '../sdk/envelope-file.js';
import { syntheticPeopleCsv } from './data.js';
import { connectDocker, digest, sealContainer } from './container.js';
import { DemoLog } from './steps.js';
import type { StepResult } from './steps.js';

export async function runDemo(
  version: string,
  onStep: (r: StepResult, i: number) => void,
): Promise<StepResult[]> {
  const log = new DemoLog(onStep);
  const docker = await connectDocker();
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-demo-'));
  const now = new Date();
  try {
    // 1. The seller lists a dataset: encrypted on their machine, with a policy.
    const csv = syntheticPeopleCsv(2000);
    await writeFile(join(dir, 'people.csv'), csv);
    const dek = generateDataKey();
    const sealed = await encryptFile(join(dir, 'people.csv'), join(dir, 'people.sgenv'), dek);
    log.record(
      'seller',
      'encrypt the dataset',
      `${sealed.plaintextBytes} bytes of CSV → ${sealed.envelopeBytes}-byte envelope`,
    );
    const tampered = await readFile(join(dir, 'people.sgenv'));
    tampered[tampered.length - 40] ^= 1;
    await writeFile(join(dir, 'tampered.sgenv'), tampered);
    await log.refused(
      'attacker',
      'decrypt a ciphertext with one flipped bit',
      'ENVELOPE_CHUNK_TAMPERED',
      () => decryptFile(join(dir, 'tampered.sgenv'), join(dir, 'nothing.csv'), dek),
    );

    // 2. The buyer's request to start a run is signed; a replay is refused.
    const buyer = generateSigningKeyPair();
    const buyerId = accountId(buyer.publicKey);
    const request = { method: 'POST', path: '/v1/runs', body: JSON.stringify({ dataset: 'people' }) };
    const headers = signRequest({ ...request, key: buyer, keyId: buyerId, now });
    const verifier = {
      resolveKey: () => Promise.resolve(buyer.publicKey),
      nonces: new MemoryNonceStore(),
      now,
    };
    const signed = await verifyRequest({ ...request, headers: { ...headers } }, verifier);
    log.record('buyer', 'sign the run request', `verified as ${signed.keyId}`);
    await log.refused('attacker', 'replay the buyer’s request', 'REQUEST_REPLAYED', () =>
      verifyRequest({ ...request, headers: { ...headers } }, verifier),
    );

    // 3. A miner's node enrolls: CSR with its Ed25519 node key, a one-time token, a certificate.
    const ca = createCa({ commonName: 'sealgate demo CA', now, validityDays: 30 });
    const node = generateSigningKeyPair();
    const token = randomNonce();
    const tokens = new Set([token]);
    const enroll = (presented: string) => async (csrPem: string) =>
      issueNodeCertificate(csrPem, { ca, now, validityDays: 7, enrollment: () => tokens.delete(presented) });
    const { csrPem } = createNodeCsr({ nodeKey: node.secretKey });
    const cert = await enroll(token)(csrPem);
    const revocations = new RevocationList();
    const peer = verifyNodeCertificate(cert.certPem, { caCertPem: ca.certPem, revocations, now });
    log.record('miner', 'enroll the node', `certificate ${cert.serial.slice(0, 12)}… for ${peer.nodeId}`);
    await log.refused('attacker', 'enroll again with the spent token', 'PKI_ENROLLMENT_REFUSED', () =>
      enroll(token)(csrPem),
    );

    // 4. The node creates the container sealed on the real dockerd and measures it.
    const container = await sealContainer(docker, version);
    try {
      if (container.violations.length > 0) throw new Error(`demo: sealed container violates the profile`);
      log.record(
        'node',
        'create the container sealed',
        `0 sandbox violations; image ${container.measurement.imageDigest.slice(0, 19)}…`,
      );
      const loose = container.looseViolations.map((v) => v.code).join(', ');
      log.record('node', 'judge a container with a looser seccomp profile', `refused: ${loose}`);

      // 5. The broker judges the evidence and wraps the data key to the container's ephemeral key.
      const policy = parseDatasetPolicy({ release: { allowedModels: [container.measurement.imageDigest] } });
      const ephemeral = generateBoxKeyPair();
      const runId = 'run_demo';
      const nonce = randomNonce();
      const body: EvidenceBody = {
        version: 1,
        tier: 'software',
        nodeId: peer.nodeId,
        runId,
        nonce,
        measurement: container.measurement,
        ephemeralPublicKey: bytesToBase64(ephemeral.publicKey),
        time: Math.floor(now.getTime() / 1000),
      };
      const expect: EvidenceExpectations = {
        nodeId: peer.nodeId,
        nodePublicKey: peer.nodePublicKey,
        runId,
        nonce,
        measurement: container.measurement,
        allowedImageDigests: policy.release.allowedModels,
        minimumLevel: policy.release.minTier,
        now,
        ttlSeconds: 300,
      };
      const evidence = signSoftwareEvidence(body, node.secretKey);
      const { evidence: judged, judgements } = await verifyEvidence(evidence, expect);
      const wrapped = wrapKey(dek, judged.ephemeralPublicKey);
      log.record(
        'broker',
        'judge the evidence, release the key',
        `${judgements.length} rules passed; key wrapped to the container`,
      );
      const forged = signSoftwareEvidence(
        {
          ...body,
          measurement: {
            ...body.measurement,
            seccompProfileDigest: digest(new TextEncoder().encode('unconfined')),
          },
        },
        node.secretKey,
      );
      await log.refused('miner', 'claim a different seccomp profile', 'EVIDENCE_MEASUREMENT_MISMATCH', () =>
        verifyEvidence(forged, expect),
      );
      await log.refused('miner', 'reuse the evidence for another run', 'EVIDENCE_RUN_MISMATCH', () =>
        verifyEvidence(evidence, { ...expect, runId: 'run_other' }),
      );

      // 6. What the supervisor will do inside the container (the sealed-runs issue runs it there):
      // unwrap, decrypt, train; metrics leave only through a Merkle egress log.
      const key = unwrapKey(wrapped, ephemeral.secretKey);
      await decryptFile(join(dir, 'people.sgenv'), join(dir, 'inside.csv'), key);
      const same = (await readFile(join(dir, 'inside.csv'))).equals(Buffer.from(csv));
      log.record(
        'container',
        'unwrap the key and decrypt',
        same ? 'plaintext identical to the seller’s' : 'MISMATCH',
      );
      if (!same) throw new Error('demo: decrypted data differs');
      const egress = new MerkleTree();
      for (let step = 1; step <= 10; step++) {
        egress.append(new TextEncoder().encode(JSON.stringify({ metric: 'loss', step, value: 1 / step })));
      }
      const root = egress.root();
      const proof = egress.inclusionProof(3);
      const leaf = leafHash(
        new TextEncoder().encode(JSON.stringify({ metric: 'loss', step: 4, value: 1 / 4 })),
      );
      verifyInclusion(leaf, 3, egress.size, proof, root);
      log.record(
        'gateway',
        'log the egress',
        `${egress.size} metric records, root ${bytesToHex(root).slice(0, 16)}…, proof checks`,
      );
    } finally {
      await container.remove();
    }
    return log.steps;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
